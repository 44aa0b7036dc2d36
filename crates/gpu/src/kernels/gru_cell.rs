//! Wrapper of `shaders/gru_cell.wgsl`: one fused GRU step; the gates come back as views of one
//! output buffer.

use super::rnn_cell::{cell_grid, cell_params};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// h' and the gates r, z, n, each [B, H].
#[derive(Clone, Debug)]
pub struct GruOutputs {
    pub h: GpuTensor,
    pub r: GpuTensor,
    pub z: GpuTensor,
    pub n: GpuTensor,
}

pub fn gru_cell(
    gpu: &Gpu,
    x: &GpuTensor,
    h: &GpuTensor,
    w_ih: &GpuTensor,
    w_hh: &GpuTensor,
    b_ih: &GpuTensor,
    b_hh: &GpuTensor,
) -> GpuResult<GruOutputs> {
    let p = cell_params("gru_cell", 3, x, h, w_ih, w_hh, b_ih, b_hh)?;
    let plane = p.plane as usize;
    let out = gpu.alloc("gru_cell h', r, z, n", [4 * plane])?;
    let kernel = gpu.kernel("gru_cell.wgsl", shaders::GRU_CELL, "main");
    gpu.dispatch(
        "gru_cell",
        &kernel,
        bytemuck::bytes_of(&p),
        &[
            (1, x),
            (2, h),
            (3, w_ih),
            (4, w_hh),
            (5, b_ih),
            (6, b_hh),
            (7, &out),
        ],
        cell_grid(gpu, &p),
    )?;
    let shape = h.shape().to_vec();
    Ok(GruOutputs {
        h: out.view(0, shape.clone()),
        r: out.view(plane, shape.clone()),
        z: out.view(2 * plane, shape.clone()),
        n: out.view(3 * plane, shape),
    })
}
