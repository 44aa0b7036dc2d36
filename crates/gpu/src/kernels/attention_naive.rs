//! Wrapper of `shaders/attention_naive.wgsl` (+ softmax.wgsl): attention through the full score
//! matrix. Refused, with a clear error, when the matrix exceeds one storage binding.

use super::flash_attention::AttentionShape;
use crate::error::GpuResult;
use crate::kernels::softmax::softmax_into;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// Bytes of the B·H·Tq·Tk score matrix.
pub fn naive_scores_bytes(shape: &AttentionShape) -> u64 {
    (shape.batch * shape.heads) as u64 * shape.tq as u64 * shape.tk as u64 * 4
}

/// (output [B·Tq, H·d], weights [B·H, Tq, Tk]).
pub fn attention_naive(
    gpu: &Gpu,
    q: &GpuTensor,
    k: &GpuTensor,
    v: &GpuTensor,
    shape: AttentionShape,
) -> GpuResult<(GpuTensor, GpuTensor)> {
    let p = shape.check(q, k, v)?;
    gpu.check_binding(
        &format!(
            "naive attention's score matrix (B {} × H {} × {} × {} floats)",
            shape.batch, shape.heads, shape.tq, shape.tk
        ),
        naive_scores_bytes(&shape),
        " (flash attention needs no score matrix and runs at this size)",
    )?;
    let rows = shape.batch * shape.heads * shape.tq;
    let scores = gpu.alloc("attention_naive scores", [rows, shape.tk])?;
    let out = gpu.alloc(
        "attention_naive out",
        [shape.batch * shape.tq, shape.heads * shape.d],
    )?;
    let bh = p.batch * p.heads;
    let k_scores = gpu.kernel("attention_naive.wgsl", shaders::ATTENTION_NAIVE, "scores");
    gpu.dispatch(
        "attention_naive scores",
        &k_scores,
        bytemuck::bytes_of(&p),
        &[(1, q), (2, k), (4, &scores)],
        [p.tk.div_ceil(16), p.tq.div_ceil(16), bh],
    )?;
    let probs = gpu.alloc("attention_naive probabilities", [rows, shape.tk])?;
    softmax_into(gpu, &scores, &probs)?;
    drop(scores);
    let k_apply = gpu.kernel("attention_naive.wgsl", shaders::ATTENTION_NAIVE, "apply");
    gpu.dispatch(
        "attention_naive apply",
        &k_apply,
        bytemuck::bytes_of(&p),
        &[(3, v), (4, &probs), (5, &out)],
        [p.d.div_ceil(16), p.tq.div_ceil(16), bh],
    )?;
    let weights = probs.reshape([shape.batch * shape.heads, shape.tq, shape.tk]);
    Ok((out, weights))
}
