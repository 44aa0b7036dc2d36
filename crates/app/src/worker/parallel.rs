//! Sequential vs parallel: each requested model's encoder (its shipped widths from its
//! config.json, and doubled; random weights: the shipped weights are never built) over growing T, on the GPU and/or the CPU, with
//! `seq2seq_gpu::bench::sequential`; a row per (encoder, T) as soon as it is measured, progress
//! after each, and a stop between encoders when the page asks.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::backend::{Backend, CpuBackend};
use seq2seq_core::models::ModelConfig;
use seq2seq_gpu::bench::sequential::{sweep, Sampling};

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{
    BackendKind, Bilingual, Failure, FailureKind, ParallelRequest, ParallelRow, Response,
};

/// Per (encoder, T): a warm-up, then up to 3 samples within 300 ms (a software GPU takes seconds
/// for the longest inputs; the median of 2–3 is enough to see a trend over 8 … 1024).
const SAMPLING: Sampling = Sampling {
    samples: 3,
    budget_ms: 300.0,
};

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: ParallelRequest) {
    let mut configs: Vec<ModelConfig> = Vec::with_capacity(request.model_ids.len());
    for id in &request.model_ids {
        match Hosting::config(hosting, id, reply).await {
            Ok(config) => configs.push(config.model),
            Err(failure) => return reply.fail(failure),
        }
    }
    let total = request.backends.len() * configs.len() * 2 * request.lengths.len();
    let mut progress = Progress {
        done: 0,
        total,
        reply: reply.clone(),
    };
    for &backend in &request.backends {
        let outcome = match backend {
            BackendKind::Cpu => {
                sweeps(&CpuBackend, backend, &configs, &request, &mut progress).await
            }
            BackendKind::Gpu => match Hosting::gpu(hosting).await {
                Ok(gpu) => sweeps(&gpu, backend, &configs, &request, &mut progress).await,
                Err(why) => {
                    reply.send(Response::Notice(Bilingual::new(
                        format!("没有在 GPU 上测：{}", why.zh),
                        format!("Not measured on the GPU: {}", why.en),
                    )));
                    progress.skip(configs.len() * 2 * request.lengths.len());
                    Ok(true)
                }
            },
        };
        match outcome {
            Ok(true) => {}
            Ok(false) => return reply.send(Response::Cancelled),
            Err(e) => {
                if e.backend_kind() == Some(seq2seq_core::BackendErrorKind::DeviceLost) {
                    Hosting::gpu_failed(
                        hosting,
                        Hosting::gpu_failure_reason(
                            true,
                            Bilingual::new("串行与并行测速", "the sequential-vs-parallel run"),
                            &e.to_string(),
                        ),
                    );
                }
                return reply.fail(Failure {
                    kind: if backend == BackendKind::Gpu {
                        FailureKind::Gpu
                    } else {
                        FailureKind::Internal
                    },
                    message: e.to_string(),
                });
            }
        }
    }
    progress.finish();
}

/// Counts rows towards the total and tells the page.
struct Progress {
    done: usize,
    total: usize,
    reply: Reply,
}

impl Progress {
    fn step(&mut self, label: String) {
        self.done += 1;
        self.reply.send(Response::Progress {
            done: self.done.min(self.total.saturating_sub(1)),
            total: self.total,
            label,
        });
    }

    fn skip(&mut self, rows: usize) {
        self.done += rows;
    }

    /// The last message of a finished run: done = total.
    fn finish(&self) {
        self.reply.send(Response::Progress {
            done: self.total,
            total: self.total,
            label: String::new(),
        });
    }
}

/// Every config, shipped and doubled, on `b`. Ok(false): the page asked to stop.
async fn sweeps<B: Backend>(
    b: &B,
    backend: BackendKind,
    configs: &[ModelConfig],
    request: &ParallelRequest,
    progress: &mut Progress,
) -> seq2seq_core::Result<bool> {
    for config in configs {
        for double in [false, true] {
            if progress.reply.stop_requested().await {
                return Ok(false);
            }
            sweep(b, config, double, &request.lengths, SAMPLING, &mut |row| {
                progress.reply.send(Response::ParallelRow(ParallelRow {
                    backend,
                    row: row.clone(),
                }));
                progress.step(format!(
                    "{} · {} · T = {}",
                    backend_label(backend),
                    row.family.slug(),
                    row.count.tokens
                ));
                true
            })
            .await?;
        }
    }
    Ok(true)
}

fn backend_label(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Gpu => "GPU",
        BackendKind::Cpu => "CPU",
    }
}
