//! The recurrent cells of the article as ops: one step of each on the CPU (the specification the
//! fused GPU kernels `rnn_cell`, `gru_cell`, `lstm_cell` are tested against), and the tensors
//! they take and return. `layers::Recurrent` holds the weights and picks the cell by `CellKind`.

use crate::ops::activation::sigmoid_scalar;
use crate::ops::{add, linear, tanh};
use crate::tensor::Tensor;

/// The four tensors of a recurrent cell, PyTorch layout: gates stacked along rows
/// (RNN: 1 gate, GRU: r|z|n, LSTM: i|f|g|o).
#[derive(Clone, Debug)]
pub struct CellWeights<T> {
    /// [gates·H, input]
    pub w_ih: T,
    /// [gates·H, H]
    pub w_hh: T,
    /// [gates·H]
    pub b_ih: T,
    /// [gates·H]
    pub b_hh: T,
}

/// One GRU step: the new state and the gates that made it, each [batch, H].
#[derive(Clone, Debug)]
pub struct GruStep<T> {
    pub h: T,
    /// reset gate r
    pub r: T,
    /// update gate z
    pub z: T,
    /// candidate state n
    pub n: T,
}

/// One LSTM step: hidden and cell state and the four gates, each [batch, H].
#[derive(Clone, Debug)]
pub struct LstmStep<T> {
    pub h: T,
    pub c: T,
    /// input gate i
    pub i: T,
    /// forget gate f
    pub f: T,
    /// cell candidate g
    pub g: T,
    /// output gate o
    pub o: T,
}

/// The vanilla (Elman) RNN cell of the article: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
/// PyTorch `nn.RNN` (nonlinearity tanh) weight layout.
///
/// One step on the CPU. x [B, I], h [B, H] → h' [B, H].
pub fn rnn_step(x: &Tensor, h: &Tensor, w: &CellWeights<Tensor>) -> Tensor {
    let input = linear(x, &w.w_ih, Some(&w.b_ih)); // [B, H]
    let recurrent = linear(h, &w.w_hh, Some(&w.b_hh)); // [B, H]
    tanh(&add(&input, &recurrent))
}

/// The GRU cell, PyTorch `nn.GRU` gate order r | z | n:
///   r = σ(W_ir x + b_ir + W_hr h + b_hr)            reset gate
///   z = σ(W_iz x + b_iz + W_hz h + b_hz)            update gate
///   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   candidate
///   h' = (1 − z) ⊙ n + z ⊙ h
///
/// One step on the CPU. x [B, I], h [B, H] → new h and the gates, each [B, H].
pub fn gru_step(x: &Tensor, h: &Tensor, w: &CellWeights<Tensor>) -> GruStep<Tensor> {
    let (batch, hidden) = h.dims2();
    let gi = linear(x, &w.w_ih, Some(&w.b_ih)); // [B, 3H]
    let gh = linear(h, &w.w_hh, Some(&w.b_hh)); // [B, 3H]
    let mut out = [(); 4].map(|_| Vec::with_capacity(batch * hidden)); // h', r, z, n
    for bi in 0..batch {
        let (gi, gh, hp) = (gi.row_slice(bi), gh.row_slice(bi), h.row_slice(bi));
        for k in 0..hidden {
            let r = sigmoid_scalar(gi[k] + gh[k]);
            let z = sigmoid_scalar(gi[hidden + k] + gh[hidden + k]);
            let n = (gi[2 * hidden + k] + r * gh[2 * hidden + k]).tanh();
            out[0].push((1.0 - z) * n + z * hp[k]);
            out[1].push(r);
            out[2].push(z);
            out[3].push(n);
        }
    }
    let [h, r, z, n] = out.map(|v| Tensor::new([batch, hidden], v));
    GruStep { h, r, z, n }
}

/// The LSTM cell, PyTorch `nn.LSTM` gate order i | f | g | o:
///   i = σ(W_ii x + b_ii + W_hi h + b_hi)   input gate
///   f = σ(W_if x + b_if + W_hf h + b_hf)   forget gate
///   g = tanh(W_ig x + b_ig + W_hg h + b_hg) cell candidate
///   o = σ(W_io x + b_io + W_ho h + b_ho)   output gate
///   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
///
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
