//! Wrapper of `shaders/rnn_cell.wgsl`: one fused tanh-RNN step.

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor, VIEW_ALIGN_FLOATS};
use crate::shaders;

/// The struct shared by rnn_cell.wgsl, gru_cell.wgsl and lstm_cell.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct CellParams {
    pub batch: u32,
    pub input: u32,
    pub hidden: u32,
    /// Floats between output planes: B·H rounded up to a multiple of 64.
    pub plane: u32,
}

/// Checks the shapes of a cell with `gates` gates and returns its params.
pub(crate) fn cell_params(
    name: &str,
    gates: usize,
    x: &GpuTensor,
    h: &GpuTensor,
    w_ih: &GpuTensor,
    w_hh: &GpuTensor,
    b_ih: &GpuTensor,
    b_hh: &GpuTensor,
) -> GpuResult<CellParams> {
    let (batch, input) = x.dims2();
    let (hb, hidden) = h.dims2();
    let rows = gates * hidden;
    expect(
        hb == batch
            && w_ih.dims2() == (rows, input)
            && w_hh.dims2() == (rows, hidden)
            && b_ih.len() == rows
            && b_hh.len() == rows,
        || {
            format!(
                "{name}: x {:?}, h {:?}, W_ih {:?}, W_hh {:?}, b_ih {:?}, b_hh {:?} ({gates} gates)",
                x.shape(),
                h.shape(),
                w_ih.shape(),
                w_hh.shape(),
                b_ih.shape(),
                b_hh.shape()
            )
        },
    )?;
    Ok(CellParams {
        batch: dim("batch", batch)?,
        input: dim("input", input)?,
        hidden: dim("hidden", hidden)?,
        plane: dim(
            "plane",
            (batch * hidden).max(1).next_multiple_of(VIEW_ALIGN_FLOATS),
        )?,
    })
}

pub(crate) fn cell_grid(gpu: &Gpu, p: &CellParams) -> [u32; 3] {
    fold(
        (p.batch * p.hidden).div_ceil(64),
        gpu.limits().max_compute_workgroups_per_dimension,
    )
}

/// h' = tanh(W_ih x + b_ih + W_hh h + b_hh); x [B, I], h [B, H] → [B, H].
pub fn rnn_cell(
    gpu: &Gpu,
    x: &GpuTensor,
    h: &GpuTensor,
    w_ih: &GpuTensor,
    w_hh: &GpuTensor,
    b_ih: &GpuTensor,
    b_hh: &GpuTensor,
) -> GpuResult<GpuTensor> {
    let p = cell_params("rnn_cell", 1, x, h, w_ih, w_hh, b_ih, b_hh)?;
    let out = gpu.alloc("rnn_cell h'", h.shape().to_vec())?;
    let kernel = gpu.kernel("rnn_cell.wgsl", shaders::RNN_CELL, "main");
    gpu.dispatch(
        "rnn_cell",
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
    Ok(out)
}
