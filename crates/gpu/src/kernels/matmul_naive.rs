//! Wrapper of `shaders/matmul_naive.wgsl`: the baseline matmul.

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct MatmulNaiveParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub trans_b: u32,
}

/// C = A·B (B [K,N]) or A·Bᵀ (B [N,K]) with one thread per output.
pub fn matmul_naive(
    gpu: &Gpu,
    a: &GpuTensor,
    b: &GpuTensor,
    trans_b: bool,
) -> GpuResult<GpuTensor> {
    let (m, k) = a.dims2();
    let (n, k2) = if trans_b {
        b.dims2()
    } else {
        (b.dims2().1, b.dims2().0)
    };
    expect(k == k2, || {
        format!(
            "matmul_naive: A {:?} and B {:?} (trans_b {trans_b})",
            a.shape(),
            b.shape()
        )
    })?;
    let c = gpu.alloc("matmul_naive out", [m, n])?;
    let p = MatmulNaiveParams {
        m: dim("M", m)?,
        n: dim("N", n)?,
        k: dim("K", k)?,
        trans_b: trans_b as u32,
    };
    let kernel = gpu.kernel("matmul_naive.wgsl", shaders::MATMUL_NAIVE, "main");
    gpu.dispatch(
        "matmul_naive",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, a), (2, b), (3, &c)],
        [p.n.div_ceil(16), p.m.div_ceil(16), 1],
    )?;
    Ok(c)
}
