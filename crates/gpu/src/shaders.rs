//! The WGSL sources of every kernel, one file each in `shaders/` at the repository root. The Rust
//! wrapper of each lives in [`crate::kernels`]; this list is what the naga validation test walks.

pub const MATMUL_NAIVE: &str = include_str!("../../../shaders/matmul_naive.wgsl");
pub const MATMUL_TILED: &str = include_str!("../../../shaders/matmul_tiled.wgsl");
pub const MATVEC: &str = include_str!("../../../shaders/matvec.wgsl");
pub const SOFTMAX: &str = include_str!("../../../shaders/softmax.wgsl");
pub const LAYER_NORM: &str = include_str!("../../../shaders/layer_norm.wgsl");
pub const ELEMENTWISE: &str = include_str!("../../../shaders/elementwise.wgsl");
pub const EMBEDDING: &str = include_str!("../../../shaders/embedding.wgsl");
pub const COPY_COLS: &str = include_str!("../../../shaders/copy_cols.wgsl");
pub const ATTENTION_NAIVE: &str = include_str!("../../../shaders/attention_naive.wgsl");
pub const FLASH_ATTENTION: &str = include_str!("../../../shaders/flash_attention.wgsl");
pub const ATTENTION_REBUILD: &str = include_str!("../../../shaders/attention_rebuild.wgsl");
pub const ADDITIVE_ATTENTION: &str = include_str!("../../../shaders/additive_attention.wgsl");
pub const RNN_CELL: &str = include_str!("../../../shaders/rnn_cell.wgsl");
pub const GRU_CELL: &str = include_str!("../../../shaders/gru_cell.wgsl");
pub const LSTM_CELL: &str = include_str!("../../../shaders/lstm_cell.wgsl");

/// (file name, source) of every shader.
pub const ALL: &[(&str, &str)] = &[
    ("matmul_naive.wgsl", MATMUL_NAIVE),
    ("matmul_tiled.wgsl", MATMUL_TILED),
    ("matvec.wgsl", MATVEC),
    ("softmax.wgsl", SOFTMAX),
    ("layer_norm.wgsl", LAYER_NORM),
    ("elementwise.wgsl", ELEMENTWISE),
    ("embedding.wgsl", EMBEDDING),
    ("copy_cols.wgsl", COPY_COLS),
    ("attention_naive.wgsl", ATTENTION_NAIVE),
    ("flash_attention.wgsl", FLASH_ATTENTION),
    ("attention_rebuild.wgsl", ATTENTION_REBUILD),
    ("additive_attention.wgsl", ADDITIVE_ATTENTION),
    ("rnn_cell.wgsl", RNN_CELL),
    ("gru_cell.wgsl", GRU_CELL),
    ("lstm_cell.wgsl", LSTM_CELL),
];
