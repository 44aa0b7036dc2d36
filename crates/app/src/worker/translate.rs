//! One translation on the backend the reader asked for, streaming each step to the page.
//!
//! - `cpu`: the CPU.
//! - `gpu`: WebGPU; without it, or if it fails (a lost device included), the CPU, and the answer
//!   says why (`fallback`).
//! - `auto`: the first time a model runs, both backends run it and the faster is kept for that
//!   model (at batch 1 these small models are often faster on the CPU); the answer carries both
//!   timings, and a notice is sent if the two disagree on the tokens.
//!
//! The page hears each fact once: the source pieces and the encoder trace (`Encoded`), each
//! greedy step (`Step`) or each step's new beam-tree nodes (`Beam`) as they are decided, then in
//! `Translated` only what did not stream (`protocol::Unstreamed`).

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::backend::Backend;
use seq2seq_core::decoding::{DecodeEvent, DecodeOptions, Translation};
use seq2seq_core::translator::{TranslationOutput, Translator};
use seq2seq_core::{BackendErrorKind, Error};
use seq2seq_gpu::measure::now_ms;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{
    BackendKind, Bilingual, Failure, FailureKind, Response, TranslateRequest, TranslationDone,
    Unstreamed,
};
use crate::route::BackendPref;

pub use seq2seq_core::decoding::MAX_TARGET_TOKENS;
/// Candidates kept per step for the top-k panel.
pub const TOP_K: usize = 8;

/// `length_penalty`: the model's α for the text (`TranslatorConfig::length_penalty_for`).
pub fn options(beam: usize, length_penalty: f32) -> DecodeOptions {
    DecodeOptions {
        beam_size: beam.max(1),
        max_len: MAX_TARGET_TOKENS,
        length_penalty,
        top_k: TOP_K,
        trace: true,
    }
}

/// One finished run: its output, wall time, and whether its events went to the page.
struct Run {
    output: TranslationOutput,
    millis: f64,
    streamed: bool,
}

/// Run one translation on `t`, streaming events when `stream` (else silently).
async fn translate_on<B: Backend>(
    t: &Translator<B>,
    request: &TranslateRequest,
    reply: &Reply,
    stream: bool,
) -> Result<Run, Error> {
    let options = options(request.beam, t.config.length_penalty_for(&request.text));
    let start = now_ms();
    let mut stream_to = Stream::default();
    let mut on_event = |event: DecodeEvent<'_>| {
        if stream {
            if let Some(response) = stream_to.response(event) {
                reply.send(response);
            }
        }
    };
    let output = t.translate(&request.text, &options, &mut on_event).await?;
    Ok(Run {
        output,
        millis: now_ms() - start,
        streamed: stream,
    })
}

/// Turns decoding events into the page's messages, each fact once.
#[derive(Default)]
pub struct Stream {
    /// From `Tokenized`, sent with `Encoded`.
    source_tokens: Vec<String>,
    /// Beam-tree nodes already sent.
    nodes_sent: usize,
}

impl Stream {
    /// The message for `event`, if it has one.
    pub fn response(&mut self, event: DecodeEvent<'_>) -> Option<Response> {
        Some(match event {
            DecodeEvent::Tokenized { source_tokens } => {
                self.source_tokens = source_tokens.to_vec();
                return None;
            }
            DecodeEvent::Encoded(encoder) => Response::Encoded {
                source_tokens: std::mem::take(&mut self.source_tokens),
                encoder: encoder.clone(),
            },
            DecodeEvent::Step { step, trace } => Response::Step {
                step,
                trace: trace.clone(),
            },
            DecodeEvent::Beam { step, tree } => {
                let nodes = tree.nodes[self.nodes_sent..].to_vec();
                self.nodes_sent = tree.nodes.len();
                Response::Beam { step, nodes }
            }
        })
    }
}

/// What the stream of a run did not carry (see `protocol::Unstreamed`).
pub fn unstreamed(translation: Translation, streamed: bool) -> Option<Unstreamed> {
    if !streamed {
        return Some(Unstreamed::Run {
            encoder: translation.encoder,
            steps: translation.steps,
            beam_tree: translation.beam_tree,
        });
    }
    let tree = translation.beam_tree?;
    Some(Unstreamed::Beam {
        steps: translation.steps,
        best_path: (0..tree.nodes.len())
            .filter(|&i| tree.nodes[i].best)
            .collect(),
    })
}

/// The final answer of a run: its text, how it went, and what its stream did not carry.
pub fn done(
    model_id: &str,
    output: TranslationOutput,
    streamed: bool,
    backend: BackendKind,
    millis: f64,
    measured: Vec<(BackendKind, f64)>,
    fallback: Option<Bilingual>,
) -> Response {
    let ending = seq2seq_core::decoding::ending(&output.translation.tokens, MAX_TARGET_TOKENS);
    Response::Translated(Box::new(TranslationDone {
        model_id: model_id.to_owned(),
        ending,
        text: output.text,
        unstreamed: unstreamed(output.translation, streamed),
        backend,
        millis,
        measured,
        fallback,
    }))
}

/// The answer of a finished run.
fn answer(
    request: &TranslateRequest,
    run: Run,
    backend: BackendKind,
    measured: Vec<(BackendKind, f64)>,
    fallback: Option<Bilingual>,
) -> Response {
    done(
        &request.model_id,
        run.output,
        run.streamed,
        backend,
        run.millis,
        measured,
        fallback,
    )
}

fn input_failure(e: Error) -> Failure {
    Failure {
        kind: FailureKind::Input,
        message: e.to_string(),
    }
}

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: TranslateRequest) {
    let wants_gpu = match request.backend {
        BackendPref::Cpu => false,
        BackendPref::Gpu => true,
        BackendPref::Auto => {
            let choice = hosting.borrow().auto_choice.get(&request.model_id).cloned();
            match choice {
                Some((BackendKind::Gpu, _)) => true,
                Some((BackendKind::Cpu, _)) => false,
                None => return measure_both(hosting, reply, &request).await,
            }
        }
    };
    let mut fallback = None;
    if wants_gpu {
        match run_gpu(hosting, reply, &request, true).await {
            Ok(()) => return,
            Err(GpuOutcome::Failed(failure)) => return reply.fail(failure),
            Err(GpuOutcome::Unavailable(why)) => {
                if request.backend == BackendPref::Gpu && Hosting::first_gpu_refusal(hosting) {
                    reply.send(Response::Notice(Bilingual::new(
                        format!("无法使用 GPU，改用 CPU 计算：{}", why.zh),
                        format!(
                            "The GPU cannot be used, so the CPU runs instead: {}",
                            why.en
                        ),
                    )));
                }
                fallback = Some(why);
            }
        }
    }
    run_cpu(hosting, reply, &request, fallback).await;
}

async fn run_cpu(
    hosting: &Rc<RefCell<Hosting>>,
    reply: &Reply,
    request: &TranslateRequest,
    fallback: Option<Bilingual>,
) {
    let model = match Hosting::cpu_model(hosting, &request.model_id, reply).await {
        Ok(model) => model,
        Err(failure) => return reply.fail(failure),
    };
    let measured = measured(hosting, &request.model_id);
    match translate_on(&model, request, reply, true).await {
        Ok(run) => reply.send(answer(request, run, BackendKind::Cpu, measured, fallback)),
        Err(e) => reply.fail(input_failure(e)),
    }
}

/// `auto`'s timings of both backends for this model, once measured.
fn measured(hosting: &Rc<RefCell<Hosting>>, model_id: &str) -> Vec<(BackendKind, f64)> {
    hosting
        .borrow()
        .auto_choice
        .get(model_id)
        .map(|(_, m)| m.clone())
        .unwrap_or_default()
}

enum GpuOutcome {
    /// No GPU, or it failed: the CPU should take over (the reason is for the reader).
    Unavailable(Bilingual),
    /// The input or the model is at fault: the CPU would fail the same way.
    Failed(Failure),
}

/// Translate on the GPU and send the result; on a GPU failure, mark the GPU unusable.
async fn run_gpu(
    hosting: &Rc<RefCell<Hosting>>,
    reply: &Reply,
    request: &TranslateRequest,
    stream: bool,
) -> Result<(), GpuOutcome> {
    let model = match Hosting::gpu_model(hosting, &request.model_id, reply).await {
        Ok(model) => model,
        Err(Ok(why)) => return Err(GpuOutcome::Unavailable(why)),
        Err(Err(failure)) => return Err(GpuOutcome::Failed(failure)),
    };
    match translate_on(&model, request, reply, stream).await {
        Ok(run) => {
            let measured = measured(hosting, &request.model_id);
            reply.send(answer(request, run, BackendKind::Gpu, measured, None));
            Ok(())
        }
        Err(Error::InvalidInput(message)) => Err(GpuOutcome::Failed(Failure {
            kind: FailureKind::Input,
            message,
        })),
        Err(e) => {
            // The kind was decided where the failure happened (a failed read-back waits
            // there for the device-lost news), so it is read here once.
            let lost = e.backend_kind() == Some(BackendErrorKind::DeviceLost);
            let why = Hosting::gpu_failure_reason(
                lost,
                Bilingual::new("翻译", "the translation"),
                &e.to_string(),
            );
            let notice = Bilingual::new(
                format!("已改用 CPU 重新计算：{}", why.zh),
                format!("The CPU took over: {}", why.en),
            );
            Hosting::gpu_failed(hosting, why.clone());
            reply.send(Response::Notice(notice));
            Err(GpuOutcome::Unavailable(why))
        }
    }
}

/// `auto` on a model's first run: CPU (streamed), then GPU (silent); keep the faster.
async fn measure_both(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: &TranslateRequest) {
    let cpu_model = match Hosting::cpu_model(hosting, &request.model_id, reply).await {
        Ok(model) => model,
        Err(failure) => return reply.fail(failure),
    };
    let cpu_run = match translate_on(&cpu_model, request, reply, true).await {
        Ok(run) => run,
        Err(e) => return reply.fail(input_failure(e)),
    };
    let mut measured = vec![(BackendKind::Cpu, cpu_run.millis)];
    let mut fallback = None;
    match Hosting::gpu_model(hosting, &request.model_id, reply).await {
        Ok(gpu_model) => match translate_on(&gpu_model, request, reply, false).await {
            Ok(gpu_run) => {
                measured.push((BackendKind::Gpu, gpu_run.millis));
                let (gpu_output, cpu_output) = (&gpu_run.output, &cpu_run.output);
                if gpu_output.translation.tokens != cpu_output.translation.tokens {
                    reply.send(Response::Notice(Bilingual::new(
                        format!(
                            "WebGPU 与 CPU 的译文不一致：{:?} 与 {:?}",
                            gpu_output.text, cpu_output.text
                        ),
                        format!(
                            "WebGPU and CPU disagree on this translation: {:?} vs {:?}",
                            gpu_output.text, cpu_output.text
                        ),
                    )));
                }
                if gpu_run.millis < cpu_run.millis {
                    hosting.borrow_mut().auto_choice.insert(
                        request.model_id.clone(),
                        (BackendKind::Gpu, measured.clone()),
                    );
                    return reply.send(answer(request, gpu_run, BackendKind::Gpu, measured, None));
                }
            }
            Err(e) => {
                let lost = e.backend_kind() == Some(BackendErrorKind::DeviceLost);
                let why = Hosting::gpu_failure_reason(
                    lost,
                    Bilingual::new("测速", "the timing run"),
                    &e.to_string(),
                );
                Hosting::gpu_failed(hosting, why.clone());
                fallback = Some(why);
            }
        },
        Err(Ok(_no_gpu)) => {}
        Err(Err(failure)) => {
            web_sys::console::warn_1(&format!("GPU model load: {}", failure.message).into());
            fallback = Some(Bilingual::new(
                "GPU 无法加载这个模型（原文见浏览器控制台）",
                format!("the GPU could not load this model ({})", failure.message),
            ))
        }
    }
    hosting.borrow_mut().auto_choice.insert(
        request.model_id.clone(),
        (BackendKind::Cpu, measured.clone()),
    );
    reply.send(answer(
        request,
        cpu_run,
        BackendKind::Cpu,
        measured,
        fallback,
    ));
}
