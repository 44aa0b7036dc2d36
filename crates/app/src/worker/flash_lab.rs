//! The FlashAttention lab's GPU runs: for each N, naive attention (through the N×N score matrix)
//! and flash attention (tiles + online softmax, O(N) memory) on the reader's GPU, timed with
//! seq2seq-gpu's `Bench::time_gpu` (timestamp queries when the adapter has them, else wall clock
//! around submit + read-back), with the bytes each allocates and max |flash − naive|. Naive over
//! the adapter's maxStorageBufferBindingSize is refused by its wrapper (`GpuError::Limit`): that
//! N gets a row with the error, and flash keeps going. At one N, α is rebuilt from flash's saved
//! (m, l) with `attention_rebuild` and compared with naive's α.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::fixtures;
use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::bench::{data, naive_max_n, Bench, BenchConfig, Timing};
use seq2seq_gpu::kernels::{self, naive_scores_bytes, AttentionShape};
use seq2seq_gpu::{Gpu, GpuError, GpuResult, GpuTensor};

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Bilingual, Failure, FailureKind, FlashLabRequest, FlashLabRow, Response};

/// Largest N whose output is also checked against the CPU reference (seconds of wasm at most).
const CPU_CHECK_MAX_N: usize = 512;
/// α is rebuilt on the GPU at the largest lab N up to this (and where naive runs).
const REBUILD_MAX_N: usize = 512;
/// Warm-ups and samples per kernel and N (median reported).
const WARMUPS: usize = 1;
const SAMPLES: usize = 3;

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: FlashLabRequest) {
    let backend = match Hosting::gpu(hosting).await {
        Ok(gpu) => gpu,
        Err(why) => {
            return reply.fail(Failure {
                kind: FailureKind::Gpu,
                message: format!("the FlashAttention lab needs WebGPU: {}", why.en),
            })
        }
    };
    let gpu = backend.gpu().clone();
    if let Err(e) = lab(&gpu, reply, &request).await {
        let lost = matches!(e, GpuError::DeviceLost(_));
        if lost {
            Hosting::gpu_failed(
                hosting,
                Hosting::gpu_failure_reason(
                    true,
                    Bilingual::new("FlashAttention 实验", "the FlashAttention lab"),
                    &e.to_string(),
                ),
            );
        }
        reply.fail(Failure {
            kind: FailureKind::Gpu,
            message: e.to_string(),
        });
    }
    gpu.clear_pool();
}

/// An error that belongs to one kernel at one N (a limit, out of memory, a validation error):
/// reported in the row. A lost device ends the run.
fn per_kernel<T>(result: GpuResult<T>) -> GpuResult<Result<T, String>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e @ GpuError::DeviceLost(_)) => Err(e),
        Err(e) => Ok(Err(e.to_string())),
    }
}

async fn lab(gpu: &Gpu, reply: &Reply, request: &FlashLabRequest) -> GpuResult<()> {
    let (heads, d, causal) = (request.heads, request.head_dim, request.causal);
    let ctx = gpu.context().clone();
    let timer = if ctx.has_timestamps() {
        "GPU timestamp queries".to_owned()
    } else {
        "wall clock (submit → read-back)".to_owned()
    };
    let limit = ctx.max_binding_bytes();
    // Browsers may hide the adapter's name (an empty name reads "(BrowserWebGpu, …)").
    let device = match ctx.adapter_info().name.as_str() {
        "" => format!("WebGPU adapter {}", ctx.describe()),
        _ => ctx.describe(),
    };
    let max_n = naive_max_n(limit, heads);
    let rebuild_n = request
        .lengths
        .iter()
        .copied()
        .filter(|&n| n <= REBUILD_MAX_N && n <= max_n)
        .max();
    let bench = Bench::new(
        gpu.clone(),
        BenchConfig {
            warmups: WARMUPS,
            samples: SAMPLES,
            ..BenchConfig::browser()
        },
    );
    let total = request.lengths.len();
    for (i, &n) in request.lengths.iter().enumerate() {
        if reply.stop_requested().await {
            reply.send(Response::Cancelled);
            return Ok(());
        }
        reply.send(Response::Progress {
            done: i,
            total,
            label: format!("N = {n}"),
        });
        let shape = AttentionShape {
            batch: 1,
            heads,
            tq: n,
            tk: n,
            d,
            causal,
        };
        let width = heads * d;
        let (q, k, v) = (
            data(6 + n as u64, &[n, width]),
            data(7 + n as u64, &[n, width]),
            data(8 + n as u64, &[n, width]),
        );
        let up = |label: &str, t: &Tensor| gpu.upload(label, t.shape().to_vec(), t.data());
        let (gq, gk, gv) = (up("lab q", &q)?, up("lab k", &k)?, up("lab v", &v)?);
        // What each method allocates: q, k, v and the output, plus flash's (m, l) per row or
        // naive's score matrix and its softmax (two N×N per head).
        let io = 4 * (n * width) as u64 * 4;
        let flash_bytes = io + (heads * n * 2 * 4) as u64;
        let naive_bytes = io + 2 * naive_scores_bytes(&shape);

        let flash = per_kernel(
            bench
                .time_gpu(|| {
                    let (o, stats) = kernels::flash_attention(gpu, &gq, &gk, &gv, shape)?;
                    Ok(vec![o, stats])
                })
                .await,
        )?;
        let naive = per_kernel(
            bench
                .time_gpu(|| {
                    let (o, w) = kernels::attention_naive(gpu, &gq, &gk, &gv, shape)?;
                    Ok(vec![o, w])
                })
                .await,
        )?;
        let flash_out = match &flash {
            Ok((_, out)) => Some(gpu.read(&out[0]).await?),
            Err(_) => None,
        };
        let naive_out = match &naive {
            Ok((_, out)) => Some(gpu.read(&out[0]).await?),
            Err(_) => None,
        };
        let max_diff = match (&flash_out, &naive_out) {
            (Some(f), Some(nv)) => Some(fixtures::max_diff(f, nv)),
            _ => None,
        };
        let cpu_diff = match &flash_out {
            Some(f) if n <= CPU_CHECK_MAX_N => {
                let want = ops::scaled_dot_product_attention(&q, &k, &v, heads, causal);
                Some(fixtures::max_diff(f, want.output.data()))
            }
            _ => None,
        };
        let (rebuild_ms, rebuild_diff) = match (&flash, &naive) {
            (Ok((_, fo)), Ok((_, no))) if Some(n) == rebuild_n => {
                rebuild(gpu, &bench, &gq, &gk, &fo[1], &no[1], shape).await?
            }
            _ => (None, None),
        };
        let ms = |r: &Result<(Timing, Vec<GpuTensor>), String>| {
            r.as_ref().ok().map(|(t, _)| t.median_ms)
        };
        let err = |r: &Result<(Timing, Vec<GpuTensor>), String>| r.as_ref().err().cloned();
        reply.send(Response::FlashLabRow(FlashLabRow {
            n,
            naive_ms: ms(&naive),
            flash_ms: ms(&flash),
            naive_error: err(&naive),
            flash_error: err(&flash),
            naive_bytes,
            flash_bytes,
            max_diff,
            cpu_diff,
            rebuild_ms,
            rebuild_diff,
            timer: timer.clone(),
            device: device.clone(),
            binding_limit: limit,
            naive_max_n: max_n,
        }));
        drop((flash, naive, gq, gk, gv));
        gpu.clear_pool();
    }
    reply.send(Response::Progress {
        done: total,
        total,
        label: "done".into(),
    });
    Ok(())
}

/// α from flash's (m, l) on the GPU: extra time, and max |rebuilt α − naive α|.
async fn rebuild(
    gpu: &Gpu,
    bench: &Bench,
    q: &GpuTensor,
    k: &GpuTensor,
    stats: &GpuTensor,
    naive_alpha: &GpuTensor,
    shape: AttentionShape,
) -> GpuResult<(Option<f64>, Option<f32>)> {
    let result = per_kernel(
        bench
            .time_gpu(|| Ok(vec![kernels::attention_rebuild(gpu, q, k, stats, shape)?]))
            .await,
    )?;
    let Ok((timing, out)) = result else {
        return Ok((None, None));
    };
    let got = gpu.read_many(&[&out[0], naive_alpha]).await?;
    Ok((
        Some(timing.median_ms),
        Some(fixtures::max_diff(&got[0], &got[1])),
    ))
}
