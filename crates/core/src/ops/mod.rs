//! CPU reference operations on [`Tensor`](crate::tensor::Tensor)s. Each function is the
//! specification the GPU kernel of the same name is tested against.

pub mod activation;
mod attention;
pub mod cells;
mod elementwise;
pub mod flash_trace;
mod matmul;
mod norm;
mod softmax;

pub use activation::{gelu, relu, sigmoid, tanh, Activation};
pub use attention::{additive_attention, scaled_dot_product_attention, AttentionOutput};
pub use cells::{gru_step, lstm_step, rnn_step, CellWeights, GruStep, LstmStep};
pub use elementwise::{add, add_row, concat_cols, embedding, mul, scale, slice_cols, slice_rows};
pub use matmul::{linear, matmul, matmul_bt, matmul_naive};
pub use norm::layer_norm;
pub use softmax::{softmax_in_place, softmax_rows};
