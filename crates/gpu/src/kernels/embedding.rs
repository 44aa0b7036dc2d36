//! Wrapper of `shaders/embedding.wgsl`: gather rows of a table.

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct EmbeddingParams {
    pub count: u32,
    pub dim: u32,
    pub vocab: u32,
    pub _pad0: u32,
}

/// Rows `ids` of `table` [vocab, dim] → [ids.len(), dim]; an id outside the vocabulary is an error.
pub fn embedding(gpu: &Gpu, table: &GpuTensor, ids: &[u32]) -> GpuResult<GpuTensor> {
    let (vocab, d) = table.dims2();
    if let Some(bad) = ids.iter().find(|&&id| id as usize >= vocab) {
        expect(false, || {
            format!("embedding: id {bad} outside a vocabulary of {vocab}")
        })?;
    }
    let out = gpu.alloc("embedding out", [ids.len(), d])?;
    if ids.is_empty() {
        return Ok(out);
    }
    let ids_buf = gpu.upload_u32("embedding ids", ids)?;
    let p = EmbeddingParams {
        count: dim("count", ids.len())?,
        dim: dim("dim", d)?,
        vocab: dim("vocab", vocab)?,
        _pad0: 0,
    };
    let kernel = gpu.kernel("embedding.wgsl", shaders::EMBEDDING, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    gpu.dispatch(
        "embedding",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, table), (2, &ids_buf), (3, &out)],
        fold(dim("count·dim", ids.len() * d)?.div_ceil(256), max),
    )?;
    Ok(out)
}
