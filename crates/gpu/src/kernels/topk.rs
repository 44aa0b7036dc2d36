//! Wrapper of `shaders/topk.wgsl`: the k best entries of each row (argmax is k = 1).

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct TopkParams {
    pub rows: u32,
    pub cols: u32,
    pub k: u32,
    pub _pad0: u32,
}

/// (indices as u32 [rows, k], values [rows, k]), best first, ties to the lower index.
pub fn topk(gpu: &Gpu, x: &GpuTensor, k: usize) -> GpuResult<(GpuTensor, GpuTensor)> {
    let (rows, cols) = x.dims2();
    expect(k >= 1 && k <= cols, || {
        format!("topk: k = {k} for rows of {cols}")
    })?;
    let idx = gpu.alloc("topk indices", [rows, k])?;
    let val = gpu.alloc("topk values", [rows, k])?;
    let p = TopkParams {
        rows: dim("rows", rows)?,
        cols: dim("cols", cols)?,
        k: dim("k", k)?,
        _pad0: 0,
    };
    let kernel = gpu.kernel("topk.wgsl", shaders::TOPK, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "topk",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, x), (2, &idx), (3, &val)],
        fold(p.rows, max),
    )?;
    Ok((idx, val))
}
