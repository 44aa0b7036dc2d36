//! One Rust wrapper per WGSL kernel in `shaders/`: a `#[repr(C)]` params struct that matches the
//! shader's `Params` field for field, and a function that checks shapes and limits, allocates the
//! outputs and records the dispatch (grid sizes with `div_ceil`). Nothing runs until a read-back.

mod additive_attention;
mod attention_naive;
mod attention_rebuild;
mod copy_cols;
mod elementwise;
mod embedding;
mod flash_attention;
mod gru_cell;
mod layer_norm;
mod lstm_cell;
mod matmul_naive;
mod matmul_tiled;
mod matvec;
mod rnn_cell;
mod softmax;

pub use additive_attention::{additive_attention, AdditiveParams};
pub use attention_naive::{attention_naive, naive_scores_bytes};
pub use attention_rebuild::attention_rebuild;
pub use copy_cols::{concat_cols, copy_cols, CopyColsParams};
pub use elementwise::{
    add, add_row, elementwise, mul, scale, unary, ElementwiseOp, ElementwiseParams,
};
pub use embedding::{embedding, EmbeddingParams};
pub use flash_attention::{
    flash_attention, AttentionParams, AttentionShape, FLASH_MAX_HEAD_DIM, FLASH_ROWS,
};
pub use gru_cell::{gru_cell, GruOutputs};
pub use layer_norm::{layer_norm, LayerNormParams};
pub use lstm_cell::{lstm_cell, LstmOutputs};
pub use matmul_naive::{matmul_naive, MatmulNaiveParams};
pub use matmul_tiled::{matmul_tiled, MatmulTiledParams, MATMUL_TILE};
pub use matvec::{matvec, MatvecParams, MATVEC_MAX_BATCH, MATVEC_ROWS};
pub use rnn_cell::{rnn_cell, CellParams};
pub use softmax::{softmax_rows, SoftmaxParams};

use seq2seq_core::ops::Activation;

use crate::error::{GpuError, GpuResult};

/// The activation codes of the epilogues (matmul_tiled.wgsl, matvec.wgsl).
pub(crate) fn act_code(act: Option<Activation>) -> u32 {
    match act {
        None => 0,
        Some(Activation::Tanh) => 1,
        Some(Activation::Sigmoid) => 2,
        Some(Activation::Relu) => 3,
        Some(Activation::Gelu) => 4,
    }
}

/// A dimension as the u32 the shaders index with.
pub(crate) fn dim(what: &str, n: usize) -> GpuResult<u32> {
    u32::try_from(n).map_err(|_| GpuError::InvalidInput(format!("{what} = {n} does not fit a u32")))
}

pub(crate) fn expect(cond: bool, msg: impl FnOnce() -> String) -> GpuResult<()> {
    if cond {
        Ok(())
    } else {
        Err(GpuError::InvalidInput(msg()))
    }
}
