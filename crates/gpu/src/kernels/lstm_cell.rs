//! Wrapper of `shaders/lstm_cell.wgsl`: one fused LSTM step; states and gates come back as views
//! of one output buffer.

use super::expect;
use super::rnn_cell::{cell_grid, cell_params};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// h', c' and the gates i, f, g, o, each [B, H].
#[derive(Clone, Debug)]
pub struct LstmOutputs {
    pub h: GpuTensor,
    pub c: GpuTensor,
    pub i: GpuTensor,
    pub f: GpuTensor,
    pub g: GpuTensor,
    pub o: GpuTensor,
}

pub fn lstm_cell(
    gpu: &Gpu,
    x: &GpuTensor,
    h: &GpuTensor,
    c: &GpuTensor,
    w_ih: &GpuTensor,
    w_hh: &GpuTensor,
    b_ih: &GpuTensor,
    b_hh: &GpuTensor,
) -> GpuResult<LstmOutputs> {
    let p = cell_params("lstm_cell", 4, x, h, w_ih, w_hh, b_ih, b_hh)?;
    expect(c.shape() == h.shape(), || {
        format!("lstm_cell: c {:?} and h {:?}", c.shape(), h.shape())
    })?;
    let plane = p.plane as usize;
    let out = gpu.alloc("lstm_cell h', c', i, f, g, o", [6 * plane])?;
    let kernel = gpu.kernel("lstm_cell.wgsl", shaders::LSTM_CELL, "main");
    gpu.dispatch(
        "lstm_cell",
        &kernel,
        bytemuck::bytes_of(&p),
        &[
            (1, x),
            (2, h),
            (3, c),
            (4, w_ih),
            (5, w_hh),
            (6, b_ih),
            (7, b_hh),
            (8, &out),
        ],
        cell_grid(gpu, &p),
    )?;
    let shape = h.shape().to_vec();
    let v = |k: usize| out.view(k * plane, shape.clone());
    Ok(LstmOutputs {
        h: v(0),
        c: v(1),
        i: v(2),
        f: v(3),
        g: v(4),
        o: v(5),
    })
}
