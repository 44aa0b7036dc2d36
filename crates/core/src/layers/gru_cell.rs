//! The GRU cell, PyTorch `nn.GRU` gate order r | z | n:
//!   r = σ(W_ir x + b_ir + W_hr h + b_hr)            reset gate
//!   z = σ(W_iz x + b_iz + W_hz h + b_hz)            update gate
//!   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   candidate
//!   h' = (1 − z) ⊙ n + z ⊙ h

use crate::backend::{CellWeights, GruStep};
use crate::ops::activation::sigmoid_scalar;
use crate::ops::linear;
use crate::tensor::Tensor;

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
