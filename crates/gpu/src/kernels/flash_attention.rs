//! Wrapper of `shaders/flash_attention.wgsl`: tiled attention with online softmax; writes the
//! output and each row's (m, l).

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// Largest head dimension the flash kernel holds in registers (WGSL `D4_MAX` · 4).
pub const FLASH_MAX_HEAD_DIM: usize = 128;
/// Query rows per workgroup (WGSL `BR`).
pub const FLASH_ROWS: u32 = 64;

/// The struct shared by attention_naive.wgsl, flash_attention.wgsl and attention_rebuild.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct AttentionParams {
    pub batch: u32,
    pub heads: u32,
    pub tq: u32,
    pub tk: u32,
    pub d: u32,
    pub causal: u32,
    /// Tk − Tq: the absolute position of query 0 under the causal mask.
    pub offset: u32,
    pub scale: f32,
}

/// Sizes of one attention problem: q [B, Tq, H·d], k and v [B, Tk, H·d].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttentionShape {
    pub batch: usize,
    pub heads: usize,
    pub tq: usize,
    pub tk: usize,
    pub d: usize,
    pub causal: bool,
}

impl AttentionShape {
    pub(crate) fn check(
        &self,
        q: &GpuTensor,
        k: &GpuTensor,
        v: &GpuTensor,
    ) -> GpuResult<AttentionParams> {
        let s = *self;
        let width = s.heads * s.d;
        expect(s.heads > 0 && s.d > 0, || format!("attention: {s:?}"))?;
        expect(q.len() == s.batch * s.tq * width, || {
            format!("attention: q {:?} for {s:?}", q.shape())
        })?;
        expect(k.len() == s.batch * s.tk * width, || {
            format!("attention: k {:?} for {s:?}", k.shape())
        })?;
        expect(v.len() == k.len(), || {
            format!("attention: v {:?} for {s:?}", v.shape())
        })?;
        expect(!s.causal || s.tq <= s.tk, || {
            format!("attention: causal with more queries than keys ({s:?})")
        })?;
        Ok(AttentionParams {
            batch: dim("batch", s.batch)?,
            heads: dim("heads", s.heads)?,
            tq: dim("Tq", s.tq)?,
            tk: dim("Tk", s.tk)?,
            d: dim("d", s.d)?,
            causal: s.causal as u32,
            offset: dim("offset", s.tk.saturating_sub(s.tq))?,
            scale: 1.0 / (s.d as f32).sqrt(),
        })
    }
}

/// (output [B·Tq, H·d], stats [B, H, Tq, 2] = (m, l)). Memory O(N·d).
pub fn flash_attention(
    gpu: &Gpu,
    q: &GpuTensor,
    k: &GpuTensor,
    v: &GpuTensor,
    shape: AttentionShape,
) -> GpuResult<(GpuTensor, GpuTensor)> {
    let p = shape.check(q, k, v)?;
    expect(shape.d <= FLASH_MAX_HEAD_DIM, || {
        format!(
            "flash attention: head dim {} > {FLASH_MAX_HEAD_DIM}",
            shape.d
        )
    })?;
    let out = gpu.alloc(
        "flash_attention out",
        [shape.batch * shape.tq, shape.heads * shape.d],
    )?;
    let stats = gpu.alloc(
        "flash_attention stats (m, l)",
        [shape.batch, shape.heads, shape.tq, 2],
    )?;
    let kernel = gpu.kernel("flash_attention.wgsl", shaders::FLASH_ATTENTION, "main");
    gpu.dispatch(
        "flash_attention",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, q), (2, k), (3, v), (4, &out), (5, &stats)],
        [p.tq.div_ceil(FLASH_ROWS), p.batch * p.heads, 1],
    )?;
    Ok((out, stats))
}
