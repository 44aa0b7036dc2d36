//! One translation on the backend the reader asked for, streaming each step to the page.
//!
//! - `cpu`: the CPU.
//! - `gpu`: WebGPU; without it, or if it fails (a lost device included), the CPU, and the answer
//!   says why (`fallback`).
//! - `auto`: the first time a model runs, both backends run it and the faster is kept for that
//!   model (at batch 1 these small models are often faster on the CPU); the answer carries both
//!   timings, and a notice is sent if the two disagree on the tokens.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::backend::Backend;
use seq2seq_core::decoding::{DecodeEvent, DecodeOptions};
use seq2seq_core::translator::{TranslationOutput, Translator};

use super::hosting::{now_ms, Hosting};
use super::Reply;
use crate::protocol::{
    BackendKind, Bilingual, Failure, FailureKind, Response, TranslateRequest, TranslationDone,
};
use crate::route::BackendPref;

pub use seq2seq_core::decoding::MAX_TARGET_TOKENS;
/// Candidates kept per step for the top-k panel.
pub const TOP_K: usize = 8;

pub fn options(beam: usize) -> DecodeOptions {
    DecodeOptions {
        beam_size: beam.max(1),
        max_len: MAX_TARGET_TOKENS,
        length_penalty: 0.6,
        top_k: TOP_K,
        trace: true,
    }
}

/// Run one translation on `t`, streaming events when `stream` (else silently).
async fn translate_on<B: Backend>(
    t: &Translator<B>,
    request: &TranslateRequest,
    reply: &Reply,
    stream: bool,
) -> Result<(TranslationOutput, f64), seq2seq_core::Error> {
    let options = options(request.beam);
    let start = now_ms();
    // Source pieces are only known after tokenising; the Encoded event carries them.
    let source_tokens = t.source.encode(&request.text).map(|e| e.tokens)?;
    let mut on_event = |event: DecodeEvent<'_>| {
        if !stream {
            return;
        }
        match event {
            DecodeEvent::Encoded(encoder) => {
                let mut tokens = source_tokens.clone();
                tokens.push(t.source.token(seq2seq_core::tokenizer::EOS).to_owned());
                reply.send(Response::Encoded {
                    source_tokens: tokens,
                    encoder: encoder.clone(),
                });
            }
            DecodeEvent::Step { step, trace } => reply.send(Response::Step {
                step,
                token: t.target.token(trace.token).to_owned(),
                trace: trace.clone(),
            }),
            DecodeEvent::Beam { step, tree } => reply.send(Response::Beam {
                step,
                tree: tree.clone(),
            }),
        }
    };
    let output = t.translate(&request.text, &options, &mut on_event).await?;
    Ok((output, now_ms() - start))
}

fn done<B: Backend>(
    t: &Translator<B>,
    request: &TranslateRequest,
    output: TranslationOutput,
    backend: BackendKind,
    millis: f64,
    measured: Vec<(BackendKind, f64)>,
    fallback: Option<Bilingual>,
) -> Response {
    Response::Translated(Box::new(TranslationDone {
        model_id: request.model_id.clone(),
        source_tokens: output.source_tokens,
        target_tokens: output.target_tokens,
        text: output.text,
        steps: output.translation.steps,
        encoder: output.translation.encoder,
        beam_tree: output.translation.beam_tree,
        target_vocab: (0..t.target.vocab_size() as u32)
            .map(|id| t.target.token(id).to_owned())
            .collect(),
        backend,
        millis,
        measured,
        fallback,
    }))
}

fn input_failure(e: seq2seq_core::Error) -> Failure {
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
        Ok((output, millis)) => reply.send(done(
            &model,
            request,
            output,
            BackendKind::Cpu,
            millis,
            measured,
            fallback,
        )),
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
        Ok((output, millis)) => {
            let measured = measured(hosting, &request.model_id);
            reply.send(done(
                &model,
                request,
                output,
                BackendKind::Gpu,
                millis,
                measured,
                None,
            ));
            Ok(())
        }
        Err(seq2seq_core::Error::InvalidInput(message)) => Err(GpuOutcome::Failed(Failure {
            kind: FailureKind::Input,
            message,
        })),
        Err(e) => {
            let lost = lost_reason(hosting).await;
            let why = match lost {
                Some(lost) => Bilingual::new(
                    format!("翻译途中 GPU 丢失（{lost}）"),
                    format!("the GPU was lost during the translation ({lost})"),
                ),
                None => Bilingual::new(
                    format!("翻译途中 GPU 出错（{e}）"),
                    format!("the GPU failed during the translation ({e})"),
                ),
            };
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

/// Why the device was lost, if it was. The browser can reject a pending read-back before it
/// resolves `device.lost` (Chromium does after `destroy()`), so a failure is given up to ~100 ms
/// for that news before it is called a plain GPU failure.
async fn lost_reason(hosting: &Rc<RefCell<Hosting>>) -> Option<seq2seq_gpu::GpuError> {
    let gpu = Hosting::gpu(hosting).await.ok()?;
    for _ in 0..5 {
        if let Err(lost) = gpu.gpu().context().check_lost() {
            return Some(lost);
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    None
}

/// `auto` on a model's first run: CPU (streamed), then GPU (silent); keep the faster.
async fn measure_both(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: &TranslateRequest) {
    let cpu_model = match Hosting::cpu_model(hosting, &request.model_id, reply).await {
        Ok(model) => model,
        Err(failure) => return reply.fail(failure),
    };
    let (cpu_output, cpu_ms) = match translate_on(&cpu_model, request, reply, true).await {
        Ok(result) => result,
        Err(e) => return reply.fail(input_failure(e)),
    };
    let mut measured = vec![(BackendKind::Cpu, cpu_ms)];
    let mut fallback = None;
    match Hosting::gpu_model(hosting, &request.model_id, reply).await {
        Ok(gpu_model) => match translate_on(&gpu_model, request, reply, false).await {
            Ok((gpu_output, gpu_ms)) => {
                measured.push((BackendKind::Gpu, gpu_ms));
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
                if gpu_ms < cpu_ms {
                    hosting.borrow_mut().auto_choice.insert(
                        request.model_id.clone(),
                        (BackendKind::Gpu, measured.clone()),
                    );
                    return reply.send(done(
                        &gpu_model,
                        request,
                        gpu_output,
                        BackendKind::Gpu,
                        gpu_ms,
                        measured,
                        None,
                    ));
                }
            }
            Err(e) => {
                let why =
                    Bilingual::new(format!("GPU 出错（{e}）"), format!("the GPU failed ({e})"));
                Hosting::gpu_failed(hosting, why.clone());
                fallback = Some(why);
            }
        },
        Err(Ok(_no_gpu)) => {}
        Err(Err(failure)) => {
            fallback = Some(Bilingual::new(
                format!("GPU 无法加载这个模型（{}）", failure.message),
                format!("the GPU could not load this model ({})", failure.message),
            ))
        }
    }
    hosting.borrow_mut().auto_choice.insert(
        request.model_id.clone(),
        (BackendKind::Cpu, measured.clone()),
    );
    reply.send(done(
        &cpu_model,
        request,
        cpu_output,
        BackendKind::Cpu,
        cpu_ms,
        measured,
        fallback,
    ));
}
