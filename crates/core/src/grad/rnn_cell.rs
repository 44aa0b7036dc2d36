//! Vanilla RNN cell backward (backpropagation through one step).
//!   forward  a = W_ih x + b_ih + W_hh h + b_hh,  h' = tanh(a)
//!   backward da = dh' ⊙ (1 − h'²);  dx = W_ihᵀ da;  dh = W_hhᵀ da;  dW_ih += da xᵀ;  dW_hh += da hᵀ;
//!            db_ih += da;  db_hh += da
//! The factor (1 − h'²) ≤ 1 times W_hh at every step is why the gradient fades over long inputs.

use super::grads::Grads;
use super::recurrent::CellParams;

/// x [I], h [H] → h' [H]
pub fn forward(w: &CellParams, x: &[f64], h: &[f64]) -> Vec<f64> {
    let (gi, gh) = w.project(x, h);
    gi.iter().zip(&gh).map(|(a, b)| (a + b).tanh()).collect()
}

/// x [I], h [H], dh' [H] → (dx [I], dh [H]); adds the weight gradients.
pub fn backward(
    w: &CellParams,
    x: &[f64],
    h: &[f64],
    dh_new: &[f64],
    grads: &mut Grads,
) -> (Vec<f64>, Vec<f64>) {
    let h_new = forward(w, x, h);
    let da: Vec<f64> = dh_new
        .iter()
        .zip(&h_new)
        .map(|(d, y)| d * (1.0 - y * y))
        .collect();
    w.project_backward(x, h, &da, &da, grads)
}
