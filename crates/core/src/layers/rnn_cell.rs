//! The vanilla (Elman) RNN cell of the article: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
//! PyTorch `nn.RNN` (nonlinearity tanh) weight layout.

use crate::backend::CellWeights;
use crate::ops::{add, linear, tanh};
use crate::tensor::Tensor;

/// One step on the CPU. x [B, I], h [B, H] → h' [B, H].
pub fn rnn_step(x: &Tensor, h: &Tensor, w: &CellWeights<Tensor>) -> Tensor {
    let input = linear(x, &w.w_ih, Some(&w.b_ih)); // [B, H]
    let recurrent = linear(h, &w.w_hh, Some(&w.b_hh)); // [B, H]
    tanh(&add(&input, &recurrent))
}
