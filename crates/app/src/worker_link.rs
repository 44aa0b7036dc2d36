//! The page's end of the worker bridge (see `crate::worker` for the wire format).
//!
//! `WorkerLink::spawn` starts the worker's loader (written by trunk beside index.html, renamed
//! `worker-<hash>_loader.js` by the post-build hook `cargo xtask post-build`) and hands
//! every decoded answer to `on_answer`. A crash (a panic in the worker, a script error, a message
//! that cannot be decoded) goes to `on_crash`; `restart` replaces the dead worker with a new one.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::Callback;

use crate::protocol::{Envelope, JobId, Request};

/// `<meta name="seq2seq-worker" content="worker-<hash>">`, written into index.html by the
/// post-build hook (crates/xtask/src/worker_hash.rs).
const WORKER_META: &str = "meta[name=\"seq2seq-worker\"]";

/// The worker's file stem (`worker-<hash>`), so that a release never meets a stale cached
/// worker; `worker`, trunk's own name, when the page was built without the hook.
fn worker_stem(document: &web_sys::Document) -> String {
    document
        .query_selector(WORKER_META)
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|stem| {
            !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| "worker".to_owned())
}

struct Live {
    worker: Worker,
    /// Requests sent before the worker said it listens.
    pending: Rc<RefCell<Option<Vec<Vec<u8>>>>>,
    // Kept alive as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

pub struct WorkerLink {
    live: RefCell<Option<Live>>,
    on_answer: Callback<Envelope>,
    on_crash: Callback<String>,
}

impl PartialEq for WorkerLink {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl std::fmt::Debug for WorkerLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WorkerLink")
    }
}

/// The worker, started from its loader beside the page (relative URLs, so the page works from any
/// sub-path of any static host). A page framed with
/// `sandbox="allow-scripts"` has an opaque origin and may not start a worker from an http URL;
/// there the loader is a blob (absolute URLs inside: a blob has no base), and the scripts and
/// wasm it loads are CORS requests (static hosts such as GitHub Pages allow them).
fn new_worker() -> Result<Worker, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let stem = window
        .document()
        .map_or_else(|| "worker".to_owned(), |d| worker_stem(&d));
    let opaque = window.origin() == "null";
    if !opaque {
        return Worker::new(&format!("./{stem}_loader.js"));
    }
    let href = window.location().href()?;
    let base = web_sys::Url::new_with_base("./", &href)?.href();
    let loader = format!(
        "self.SEQ2SEQ_BASE={:?};importScripts({:?});wasm_bindgen({{ module_or_path: {:?} }});",
        base,
        format!("{base}{stem}.js"),
        format!("{base}{stem}_bg.wasm")
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&loader));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    Worker::new(&url)
}

impl WorkerLink {
    pub fn spawn(on_answer: Callback<Envelope>, on_crash: Callback<String>) -> Rc<WorkerLink> {
        let link = Rc::new(WorkerLink {
            live: RefCell::new(None),
            on_answer,
            on_crash,
        });
        link.restart();
        link
    }

    /// Start a fresh worker (the old one, if any, is terminated).
    pub fn restart(&self) {
        if let Some(old) = self.live.borrow_mut().take() {
            old.worker.terminate();
        }
        let worker = match new_worker() {
            Ok(worker) => worker,
            Err(e) => {
                self.on_crash
                    .emit(format!("the inference worker could not start: {e:?}"));
                return;
            }
        };
        let on_answer = self.on_answer.clone();
        let on_crash = self.on_crash.clone();
        let pending: Rc<RefCell<Option<Vec<Vec<u8>>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let queue = pending.clone();
        let target = worker.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_string().as_deref() == Some(crate::worker::READY) {
                for bytes in queue.borrow_mut().take().unwrap_or_default() {
                    let _ = target.post_message(&Uint8Array::from(bytes.as_slice()));
                }
                return;
            }
            if let Some(text) = data.as_string() {
                // The worker's panic hook.
                on_crash.emit(text);
                return;
            }
            let bytes = Uint8Array::new(&data).to_vec();
            match bincode::deserialize::<Envelope>(&bytes) {
                Ok(envelope) => on_answer.emit(envelope),
                Err(e) => on_crash.emit(format!("unreadable answer from the worker: {e}")),
            }
        });
        let on_crash = self.on_crash.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            on_crash.emit(format!("the inference worker failed: {}", event.message()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.live.borrow_mut() = Some(Live {
            worker,
            pending,
            _on_message: on_message,
            _on_error: on_error,
        });
    }

    pub fn send(&self, job: JobId, request: &Request) {
        let Some(live) = &*self.live.borrow() else {
            return;
        };
        match bincode::serialize(&(job, request)) {
            Ok(bytes) => {
                if let Some(queue) = live.pending.borrow_mut().as_mut() {
                    queue.push(bytes);
                    return;
                }
                let array = Uint8Array::from(bytes.as_slice());
                if let Err(e) = live.worker.post_message(&array) {
                    self.on_crash
                        .emit(format!("could not send to the worker: {e:?}"));
                }
            }
            Err(e) => self
                .on_crash
                .emit(format!("could not encode a request: {e}")),
        }
    }
}
