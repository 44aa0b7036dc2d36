//! Wrapper of `shaders/copy_cols.wgsl`: strided column-block copies (concat_cols).

use bytemuck::{Pod, Zeroable};

use super::{dim, expect};
use crate::error::GpuResult;
use crate::runtime::{fold, Gpu, GpuTensor};
use crate::shaders;

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct CopyColsParams {
    pub rows: u32,
    pub cols: u32,
    pub src_stride: u32,
    pub dst_stride: u32,
    pub src_col0: u32,
    pub dst_col0: u32,
    pub _pad0: u32,
    pub _pad1: u32,
}

/// dst[r, dst_col0 + c] = src[r, src_col0 + c] for r < rows, c < cols.
pub fn copy_cols(
    gpu: &Gpu,
    src: &GpuTensor,
    src_col0: usize,
    dst: &GpuTensor,
    dst_col0: usize,
    cols: usize,
) -> GpuResult<()> {
    let (rows, src_stride) = src.dims2();
    let (drows, dst_stride) = dst.dims2();
    expect(
        rows == drows && src_col0 + cols <= src_stride && dst_col0 + cols <= dst_stride,
        || {
            format!(
                "copy_cols: {cols} columns from {:?} at {src_col0} into {:?} at {dst_col0}",
                src.shape(),
                dst.shape()
            )
        },
    )?;
    let p = CopyColsParams {
        rows: dim("rows", rows)?,
        cols: dim("cols", cols)?,
        src_stride: dim("src_stride", src_stride)?,
        dst_stride: dim("dst_stride", dst_stride)?,
        src_col0: dim("src_col0", src_col0)?,
        dst_col0: dim("dst_col0", dst_col0)?,
        _pad0: 0,
        _pad1: 0,
    };
    let kernel = gpu.kernel("copy_cols.wgsl", shaders::COPY_COLS, "main");
    let max = gpu.limits().max_compute_workgroups_per_dimension;
    let count = dim("rows·cols", rows * cols)?;
    gpu.dispatch(
        "copy_cols",
        &kernel,
        bytemuck::bytes_of(&p),
        &[(1, src), (2, dst)],
        fold(count.div_ceil(256), max),
    )
}

/// [a | b | …] along columns.
pub fn concat_cols(gpu: &Gpu, parts: &[&GpuTensor]) -> GpuResult<GpuTensor> {
    expect(!parts.is_empty(), || "concat_cols of nothing".into())?;
    let rows = parts[0].dims2().0;
    expect(parts.iter().all(|p| p.dims2().0 == rows), || {
        "concat_cols: parts have different row counts".into()
    })?;
    let width: usize = parts.iter().map(|p| p.dims2().1).sum();
    let out = gpu.alloc("concat_cols out", [rows, width])?;
    let mut col = 0;
    for p in parts {
        let w = p.dims2().1;
        copy_cols(gpu, p, 0, &out, col, w)?;
        col += w;
    }
    Ok(out)
}
