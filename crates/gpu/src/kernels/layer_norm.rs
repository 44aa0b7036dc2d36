//! Wrapper of `shaders/layer_norm.wgsl`.

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct LayerNormParams {
    pub rows: u32,
    pub cols: u32,
    pub eps: f32,
    pub _pad0: u32,
}

/// Layer norm of each row of x [rows, d] with weight and bias [d].
pub fn layer_norm(
    gpu: &Gpu,
    x: &GpuTensor,
    w: &GpuTensor,
    b: &GpuTensor,
    eps: f32,
) -> GpuResult<GpuTensor> {
    let (rows, cols) = x.dims2();
    expect(w.len() == cols && b.len() == cols, || {
        format!(
            "layer_norm: rows of {cols}, weight {:?}, bias {:?}",
            w.shape(),
            b.shape()
        )
    })?;
    let y = gpu.alloc("layer_norm out", x.shape().to_vec())?;
    let p = LayerNormParams {
        rows: dim("rows", rows)?,
        cols: dim("cols", cols)?,
        eps,
        _pad0: 0,
    };
    let kernel = gpu.kernel("layer_norm.wgsl", shaders::LAYER_NORM, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "layer_norm",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, x), (2, w), (3, b), (4, &y)],
        fold(p.rows, max),
    )?;
    Ok(y)
}
