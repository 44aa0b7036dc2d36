//! The inference worker: a dedicated Web Worker (src/bin/worker.rs) that downloads models, runs
//! them on WebGPU or the CPU, and streams results to the page. The page never computes, so it
//! never freezes.
//!
//! Wire format: the page posts `bincode((JobId, Request))` as a `Uint8Array`; the worker answers
//! with `bincode(Envelope)` messages. Once listening it posts the string `"ready"` (the page
//! queues requests until then: messages sent earlier would be lost). A panic posts the string `"panic: …"` instead, which the
//! page reports and answers by starting a fresh worker (a wasm instance that panicked is dead).
//!
//! Requests run one at a time, in order, from a queue: the GPU and the model cache are never
//! shared between two running jobs, and answers arrive in the order they were asked for.
//!
//! Why not gloo-worker: its bridge hides the `Worker` object, so the page could neither hear the
//! worker's `error` event nor a panic, nor replace a dead worker. The bridge here is small
//! (this file and `crate::worker_link`).

mod bench;
mod fetch;
mod flash_lab;
pub mod hosting;
mod memory;
mod parallel;
mod qkv;
pub mod translate;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use futures_channel::mpsc;
use futures_util::StreamExt;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{Bilingual, Envelope, Failure, FailureKind, JobId, Request, Response};

pub use hosting::Hosting;

/// Posted once the worker listens; the page holds its requests until then.
pub const READY: &str = "ready";

/// Jobs the page asked to stop (`Request::Cancel`), until they have stopped.
type Cancelled = Rc<RefCell<HashSet<JobId>>>;

/// Sends the answers of one job, and tells it whether the page asked it to stop.
#[derive(Clone)]
pub struct Reply {
    job: JobId,
    cancelled: Cancelled,
}

impl Reply {
    /// Long jobs ask this between their steps and answer `Response::Cancelled` when it is true.
    /// It first lets the worker's message handler run (a `Request::Cancel` arrives as a message,
    /// which a job busy on the CPU would otherwise keep waiting), then looks.
    pub async fn stop_requested(&self) -> bool {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.cancelled.borrow().contains(&self.job)
    }

    pub fn send(&self, response: Response) {
        post(&Envelope {
            job: self.job,
            response,
        });
    }

    pub fn fail(&self, failure: Failure) {
        self.send(Response::Failed(failure));
    }
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(envelope: &Envelope) {
    match bincode::serialize(envelope) {
        Ok(bytes) => {
            let array = Uint8Array::from(bytes.as_slice());
            let transfer = js_sys::Array::of1(&array.buffer());
            if let Err(e) = scope().post_message_with_transfer(&array, &transfer) {
                web_sys::console::error_2(&"worker: postMessage failed".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("worker: cannot encode answer: {e}").into()),
    }
}

/// Entry point of the worker binary.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("panic: {info}");
        web_sys::console::error_1(&message.clone().into());
        let _ = scope().post_message(&message.into());
    }));

    let (queue, mut jobs) = mpsc::unbounded::<(JobId, Request)>();
    let cancelled = Cancelled::default();
    let cancel = cancelled.clone();
    let hosting = Rc::new(RefCell::new(Hosting::default()));
    let hosting_now = hosting.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let bytes = Uint8Array::new(&event.data()).to_vec();
        match bincode::deserialize::<(JobId, Request)>(&bytes) {
            // Not queued: the job it stops may be running now (it reads the set between steps).
            Ok((_, Request::Cancel { job })) => {
                cancel.borrow_mut().insert(job);
            }
            // Not queued either: a GPU lost in the middle of a translation is what it simulates.
            Ok((job, Request::LoseGpu)) => {
                Hosting::lose_gpu(&hosting_now);
                post(&Envelope {
                    job,
                    response: Response::Notice(Bilingual::new(
                        "已销毁 GPU 设备（模拟驱动重置）：正在或接下来使用它的运行会发现它已丢失。",
                        "GPU device destroyed (a simulated driver reset): the run using it now, or the next one, finds it lost.",
                    )),
                });
            }
            Ok(job) => {
                let _ = queue.unbounded_send(job);
            }
            Err(e) => post(&Envelope {
                job: 0,
                response: Response::Failed(Failure {
                    kind: FailureKind::Internal,
                    message: format!("the worker could not read a request: {e}"),
                }),
            }),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages posted before `onmessage` was set are lost; the page waits for this.
    let _ = scope().post_message(&READY.into());

    wasm_bindgen_futures::spawn_local(async move {
        while let Some((job, request)) = jobs.next().await {
            let reply = Reply {
                job,
                cancelled: cancelled.clone(),
            };
            if cancelled.borrow().contains(&job) {
                reply.send(Response::Cancelled);
            } else {
                handle(&hosting, reply, request).await;
            }
            cancelled.borrow_mut().remove(&job);
        }
    });
}

async fn handle(hosting: &Rc<RefCell<Hosting>>, reply: Reply, request: Request) {
    match request {
        Request::Probe => {
            // The catalogue first: the page's cards and charts need it, not the GPU.
            let catalog = Hosting::catalog(hosting).await;
            reply.send(Response::Catalog(
                catalog.map(|c| (*c).clone()).map_err(|f| f.message),
            ));
            let info = Hosting::probe(hosting).await;
            reply.send(Response::Backends(info));
        }
        Request::Preload { model_id } => {
            if let Err(failure) = Hosting::files(hosting, &model_id, &reply).await {
                reply.fail(failure);
            }
        }
        Request::Translate(request) => translate::run(hosting, &reply, request).await,
        Request::Qkv(request) => qkv::run(hosting, &reply, request).await,
        Request::Memory(request) => memory::run(hosting, &reply, request).await,
        Request::FlashLab(request) => flash_lab::run(hosting, &reply, request).await,
        Request::Parallel(request) => parallel::run(hosting, &reply, request).await,
        Request::Bench { quick } => bench::run(hosting, &reply, quick).await,
        Request::ClearCache => match fetch::clear_cache().await {
            Ok(entries) => {
                hosting.borrow_mut().forget_files();
                reply.send(Response::CacheCleared { entries });
            }
            Err(failure) => reply.fail(failure),
        },
        // Handled on arrival (see `start`); never queued.
        Request::Cancel { .. } | Request::LoseGpu => {}
        Request::Crash => panic!("a simulated crash (Diagnostics → Simulate a worker crash)"),
    }
}
