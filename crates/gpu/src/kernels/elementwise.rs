//! Wrapper of `shaders/elementwise.wgsl`: activations, add, mul, scale, add a row.

use bytemuck::{Pod, Zeroable};
use seq2seq_core::ops::Activation;

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct ElementwiseParams {
    pub n: u32,
    pub op: u32,
    pub s: f32,
    pub cols: u32,
}

/// The op codes of elementwise.wgsl.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ElementwiseOp {
    Act(Activation),
    Add,
    Mul,
    Scale(f32),
    AddRow,
}

impl ElementwiseOp {
    fn code(self) -> (u32, f32) {
        match self {
            ElementwiseOp::Act(Activation::Tanh) => (0, 0.0),
            ElementwiseOp::Act(Activation::Sigmoid) => (1, 0.0),
            ElementwiseOp::Act(Activation::Relu) => (2, 0.0),
            ElementwiseOp::Act(Activation::Gelu) => (3, 0.0),
            ElementwiseOp::Add => (4, 0.0),
            ElementwiseOp::Mul => (5, 0.0),
            ElementwiseOp::Scale(s) => (6, s),
            ElementwiseOp::AddRow => (7, 0.0),
        }
    }
}

/// y = op(a, b) elementwise; `b` is unused by the unary ops and is a row of a's width for AddRow.
pub fn elementwise(
    gpu: &Gpu,
    op: ElementwiseOp,
    a: &GpuTensor,
    b: Option<&GpuTensor>,
) -> GpuResult<GpuTensor> {
    let (_, cols) = a.dims2();
    match op {
        ElementwiseOp::Add | ElementwiseOp::Mul => {
            expect(b.is_some_and(|b| b.shape() == a.shape()), || {
                format!(
                    "elementwise {op:?} on shapes {:?} and {:?}",
                    a.shape(),
                    b.map(|b| b.shape().to_vec())
                )
            })?
        }
        ElementwiseOp::AddRow => expect(b.is_some_and(|b| b.len() == cols), || {
            format!(
                "add_row: row {:?} for {cols} columns",
                b.map(|b| b.shape().to_vec())
            )
        })?,
        _ => {}
    }
    let y = gpu.alloc("elementwise out", a.shape().to_vec())?;
    let (code, s) = op.code();
    let p = ElementwiseParams {
        n: dim("n", a.len())?,
        op: code,
        s,
        cols: dim("cols", cols.max(1))?,
    };
    let kernel = gpu.kernel("elementwise.wgsl", shaders::ELEMENTWISE, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "elementwise",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, a), (2, b.unwrap_or(a)), (3, &y)],
        fold(p.n.div_ceil(256), max),
    )?;
    Ok(y)
}

pub fn unary(gpu: &Gpu, act: Activation, a: &GpuTensor) -> GpuResult<GpuTensor> {
    elementwise(gpu, ElementwiseOp::Act(act), a, None)
}

pub fn add(gpu: &Gpu, a: &GpuTensor, b: &GpuTensor) -> GpuResult<GpuTensor> {
    elementwise(gpu, ElementwiseOp::Add, a, Some(b))
}

pub fn mul(gpu: &Gpu, a: &GpuTensor, b: &GpuTensor) -> GpuResult<GpuTensor> {
    elementwise(gpu, ElementwiseOp::Mul, a, Some(b))
}

pub fn scale(gpu: &Gpu, a: &GpuTensor, s: f32) -> GpuResult<GpuTensor> {
    elementwise(gpu, ElementwiseOp::Scale(s), a, None)
}

pub fn add_row(gpu: &Gpu, a: &GpuTensor, row: &GpuTensor) -> GpuResult<GpuTensor> {
    elementwise(gpu, ElementwiseOp::AddRow, a, Some(row))
}
