//! Wrapper of `shaders/softmax.wgsl`: stable softmax over rows.

use bytemuck::{Pod, Zeroable};

use super::dim;
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct SoftmaxParams {
    pub rows: u32,
    pub cols: u32,
    pub _pad0: u32,
    pub _pad1: u32,
}

/// Softmax of each row of x (the last dimension), into a new tensor of x's shape.
pub fn softmax_rows(gpu: &Gpu, x: &GpuTensor) -> GpuResult<GpuTensor> {
    let y = gpu.alloc("softmax out", x.shape().to_vec())?;
    softmax_into(gpu, x, &y)?;
    Ok(y)
}

/// Softmax of each row of x into y (same shape, a different buffer).
pub(crate) fn softmax_into(gpu: &Gpu, x: &GpuTensor, y: &GpuTensor) -> GpuResult<()> {
    let (rows, cols) = x.dims2();
    let p = SoftmaxParams {
        rows: dim("rows", rows)?,
        cols: dim("cols", cols)?,
        _pad0: 0,
        _pad1: 0,
    };
    let kernel = gpu.kernel("softmax.wgsl", shaders::SOFTMAX, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "softmax",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, x), (2, y)],
        fold(p.rows, max),
    )
}
