//! Wrapper of `shaders/matmul_tiled.wgsl`: 64×64 tiles, 4×4 outputs per thread, fused bias and
//! activation.

use bytemuck::{Pod, Zeroable};
use seq2seq_core::ops::Activation;

use super::{act_code, dim, expect};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

/// Output tile edge per workgroup (WGSL `BM` = `BN`).
pub const MATMUL_TILE: u32 = 64;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct MatmulTiledParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub trans_b: u32,
    pub vec_a: u32,
    pub vec_b: u32,
    pub has_bias: u32,
    pub act: u32,
}

/// C = act(A·B + bias) with B [K,N], or act(A·Bᵀ + bias) with B [N,K] when `trans_b`.
pub fn matmul_tiled(
    gpu: &Gpu,
    a: &GpuTensor,
    b: &GpuTensor,
    trans_b: bool,
    bias: Option<&GpuTensor>,
    act: Option<Activation>,
) -> GpuResult<GpuTensor> {
    let (m, k) = a.dims2();
    let (n, k2) = if trans_b {
        b.dims2()
    } else {
        (b.dims2().1, b.dims2().0)
    };
    expect(k == k2, || {
        format!(
            "matmul_tiled: A {:?} and B {:?} (trans_b {trans_b})",
            a.shape(),
            b.shape()
        )
    })?;
    if let Some(bias) = bias {
        expect(bias.len() == n, || {
            format!("matmul_tiled: bias of {} for N = {n}", bias.len())
        })?;
    }
    let c = gpu.alloc("matmul_tiled out", [m, n])?;
    let p = MatmulTiledParams {
        m: dim("M", m)?,
        n: dim("N", n)?,
        k: dim("K", k)?,
        trans_b: trans_b as u32,
        vec_a: (k % 4 == 0) as u32,
        vec_b: if trans_b { k % 4 == 0 } else { n % 4 == 0 } as u32,
        has_bias: bias.is_some() as u32,
        act: act_code(act),
    };
    let kernel = gpu.kernel("matmul_tiled.wgsl", shaders::MATMUL_TILED, "main");
    gpu.dispatch(
        "matmul_tiled",
        &kernel,
        bytemuck::bytes_of(&p),
        &[
            (1, a),
            (2, a),
            (3, b),
            (4, b),
            (5, bias.unwrap_or(a)),
            (6, &c),
        ],
        [p.n.div_ceil(MATMUL_TILE), p.m.div_ceil(MATMUL_TILE), 1],
    )?;
    Ok(c)
}
