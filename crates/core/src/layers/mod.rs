//! Layers: each holds its weights on a backend and knows its PyTorch weight names.
//! The cell files also hold the CPU specification of one step (`rnn_step`, `gru_step`, `lstm_step`).

pub mod bahdanau;
pub mod bidirectional;
pub mod embedding;
pub mod gru_cell;
pub mod layer_norm;
pub mod linear;
pub mod lstm_cell;
pub mod multi_head_attention;
pub mod positions;
pub mod recurrent;
pub mod rnn_cell;
pub mod transformer_layers;

pub use bahdanau::BahdanauAttention;
pub use bidirectional::Bidirectional;
pub use embedding::Embedding;
pub use layer_norm::LayerNorm;
pub use linear::Linear;
pub use multi_head_attention::MultiHeadAttention;
pub use recurrent::{CellKind, CellState, Recurrent, RecurrentStep};
pub use transformer_layers::{TransformerDecoderLayer, TransformerEncoderLayer};
