//! Wrapper of `shaders/additive_attention.wgsl`: Bahdanau attention for one decoder state.

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct AdditiveParams {
    pub s: u32,
    pub a: u32,
    pub dim: u32,
    pub _pad0: u32,
}

/// query_proj [1, A], keys_proj [S, A], v [A], values [S, D] → (context [1, D], α [1, S]).
pub fn additive_attention(
    gpu: &Gpu,
    query_proj: &GpuTensor,
    keys_proj: &GpuTensor,
    v: &GpuTensor,
    values: &GpuTensor,
) -> GpuResult<(GpuTensor, GpuTensor)> {
    let (s, a) = keys_proj.dims2();
    let (s2, d) = values.dims2();
    expect(query_proj.len() == a && v.len() == a && s == s2, || {
        format!(
            "additive_attention: query {:?}, keys {:?}, v {:?}, values {:?}",
            query_proj.shape(),
            keys_proj.shape(),
            v.shape(),
            values.shape()
        )
    })?;
    let ctx = gpu.alloc("additive_attention context", [1, d])?;
    let alpha = gpu.alloc("additive_attention alpha", [1, s])?;
    let p = AdditiveParams {
        s: dim("S", s)?,
        a: dim("A", a)?,
        dim: dim("D", d)?,
        _pad0: 0,
    };
    let kernel = gpu.kernel(
        "additive_attention.wgsl",
        shaders::ADDITIVE_ATTENTION,
        "main",
    );
    gpu.dispatch(
        "additive_attention",
        &kernel,
        bytemuck::bytes_of(&p),
        &[
            (1, query_proj),
            (2, keys_proj),
            (3, v),
            (4, values),
            (5, &ctx),
            (6, &alpha),
        ],
        [1, 1, 1],
    )?;
    Ok((ctx, alpha))
}
