//! Layers: each holds its weights on a backend and knows its PyTorch weight names.
//! The recurrent cells' CPU step functions are ops (`ops::cells`); `Recurrent` picks one by `CellKind`.

pub mod bahdanau;
pub mod bidirectional;
pub mod embedding;
pub mod layer_norm;
pub mod linear;
pub mod multi_head_attention;
pub mod positions;
pub mod recurrent;
pub mod transformer_layers;

pub use bahdanau::BahdanauAttention;
pub use bidirectional::Bidirectional;
pub use embedding::Embedding;
pub use layer_norm::LayerNorm;
pub use linear::Linear;
pub use multi_head_attention::MultiHeadAttention;
pub use recurrent::{CellKind, CellState, Recurrent, RecurrentStep};
pub use transformer_layers::{TransformerDecoderLayer, TransformerEncoderLayer};
