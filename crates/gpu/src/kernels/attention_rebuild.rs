//! Wrapper of `shaders/attention_rebuild.wgsl`: α from flash attention's saved (m, l).

use super::expect;
use super::flash_attention::AttentionShape;
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// α [B·H, Tq, Tk] rebuilt from q, k and the stats [B, H, Tq, 2] that flash attention wrote.
pub fn attention_rebuild(
    gpu: &Gpu,
    q: &GpuTensor,
    k: &GpuTensor,
    stats: &GpuTensor,
    shape: AttentionShape,
) -> GpuResult<GpuTensor> {
    let p = shape.check(q, k, k)?;
    expect(
        stats.len() == shape.batch * shape.heads * shape.tq * 2,
        || format!("attention_rebuild: stats {:?} for {shape:?}", stats.shape()),
    )?;
    let bytes = super::naive_scores_bytes(&shape);
    gpu.check_binding(
        "the rebuilt attention map",
        bytes,
        " (rebuild fewer rows or one head at a time)",
    )?;
    let alpha = gpu.alloc(
        "attention_rebuild alpha",
        [shape.batch * shape.heads, shape.tq, shape.tk],
    )?;
    let kernel = gpu.kernel("attention_rebuild.wgsl", shaders::ATTENTION_REBUILD, "main");
    gpu.dispatch(
        "attention_rebuild",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, q), (2, k), (3, stats), (4, &alpha)],
        [p.tk.div_ceil(16), p.tq.div_ceil(16), p.batch * p.heads],
    )?;
    Ok(alpha)
}
