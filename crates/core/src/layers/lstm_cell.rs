//! The LSTM cell, PyTorch `nn.LSTM` gate order i | f | g | o:
//!   i = σ(W_ii x + b_ii + W_hi h + b_hi)   input gate
//!   f = σ(W_if x + b_if + W_hf h + b_hf)   forget gate
//!   g = tanh(W_ig x + b_ig + W_hg h + b_hg) cell candidate
//!   o = σ(W_io x + b_io + W_ho h + b_ho)   output gate
//!   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')

use crate::backend::{CellWeights, LstmStep};
use crate::ops::activation::sigmoid_scalar;
use crate::ops::linear;
use crate::tensor::Tensor;

/// One step on the CPU. x [B, I], h and c [B, H] → new h, c and the gates, each [B, H].
pub fn lstm_step(x: &Tensor, h: &Tensor, c: &Tensor, w: &CellWeights<Tensor>) -> LstmStep<Tensor> {
    let (batch, hidden) = h.dims2();
    let gi = linear(x, &w.w_ih, Some(&w.b_ih)); // [B, 4H]
    let gh = linear(h, &w.w_hh, Some(&w.b_hh)); // [B, 4H]
    let mut out = [(); 6].map(|_| Vec::with_capacity(batch * hidden)); // h', c', i, f, g, o
    for bi in 0..batch {
        let (gi, gh, cp) = (gi.row_slice(bi), gh.row_slice(bi), c.row_slice(bi));
        let pre = |gate: usize, k: usize| gi[gate * hidden + k] + gh[gate * hidden + k];
        for k in 0..hidden {
            let i = sigmoid_scalar(pre(0, k));
            let f = sigmoid_scalar(pre(1, k));
            let g = pre(2, k).tanh();
            let o = sigmoid_scalar(pre(3, k));
            let c_new = f * cp[k] + i * g;
            out[0].push(o * c_new.tanh());
            out[1].push(c_new);
            out[2].push(i);
            out[3].push(f);
            out[4].push(g);
            out[5].push(o);
        }
    }
    let [h, c, i, f, g, o] = out.map(|v| Tensor::new([batch, hidden], v));
    LstmStep { h, c, i, f, g, o }
}
