//! Wrapper of `shaders/matvec.wgsl`: y = act(x·Wᵀ + bias) for batch ≤ 8 (decoding).

use bytemuck::{Pod, Zeroable};
use seq2seq_core::ops::Activation;

use super::{act_code, dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

/// Largest batch the kernel keeps partial sums for (WGSL `MAX_B`).
pub const MATVEC_MAX_BATCH: usize = 8;
/// Output rows per workgroup (WGSL `ROWS`).
pub const MATVEC_ROWS: u32 = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct MatvecParams {
    pub n: u32,
    pub k: u32,
    pub batch: u32,
    pub has_bias: u32,
    pub act: u32,
    pub vec4_ok: u32,
    pub _pad0: u32,
    pub _pad1: u32,
}

/// x [B, K] (B ≤ 8), w [N, K] (Linear layout), bias [N] → [B, N].
pub fn matvec(
    gpu: &Gpu,
    x: &GpuTensor,
    w: &GpuTensor,
    bias: Option<&GpuTensor>,
    act: Option<Activation>,
) -> GpuResult<GpuTensor> {
    let (batch, k) = x.dims2();
    let (n, k2) = w.dims2();
    expect(k == k2, || {
        format!("matvec: x {:?} and W {:?}", x.shape(), w.shape())
    })?;
    expect(batch <= MATVEC_MAX_BATCH, || {
        format!("matvec: batch {batch} > {MATVEC_MAX_BATCH}")
    })?;
    if let Some(bias) = bias {
        expect(bias.len() == n, || {
            format!("matvec: bias of {} for N = {n}", bias.len())
        })?;
    }
    let y = gpu.alloc("matvec out", [batch, n])?;
    let p = MatvecParams {
        n: dim("N", n)?,
        k: dim("K", k)?,
        batch: batch as u32,
        has_bias: bias.is_some() as u32,
        act: act_code(act),
        vec4_ok: (k % 4 == 0) as u32,
        _pad0: 0,
        _pad1: 0,
    };
    let kernel = gpu.kernel("matvec.wgsl", shaders::MATVEC, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "matvec",
        &kernel,
        bytemuck::bytes_of(&p),
        &[
            (1, x),
            (2, x),
            (3, w),
            (4, w),
            (5, bias.unwrap_or(w)),
            (6, &y),
        ],
        fold(p.n.div_ceil(MATVEC_ROWS), max),
    )?;
    Ok(y)
}
