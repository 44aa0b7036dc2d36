//! GRU cell backward, PyTorch gate order r | z | n (gi = W_ih x + b_ih, gh = W_hh h + b_hh, [3H]):
//!   forward  r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n),
//!            h' = (1 − z) ⊙ n + z ⊙ h
//!   backward dz = dh' ⊙ (h − n);  dn = dh' ⊙ (1 − z);  dh = dh' ⊙ z   (the update gate's highway)
//!            dn_pre = dn ⊙ (1 − n²);  dr = dn_pre ⊙ gh_n
//!            dgi = [dr ⊙ r(1−r) ; dz ⊙ z(1−z) ; dn_pre]
//!            dgh = [dr ⊙ r(1−r) ; dz ⊙ z(1−z) ; dn_pre ⊙ r]
//!            then dx, dh, dW, db through the two projections (`CellParams::project_backward`).
//! The gates are recomputed from (x, h) rather than stored: one matrix–vector product per step.

use super::activation::sigmoid;
use super::grads::Grads;
use super::recurrent::CellParams;

/// The gates of one step, each [H].
pub struct GruGates {
    pub r: Vec<f64>,
    pub z: Vec<f64>,
    pub n: Vec<f64>,
    /// W_hn h + b_hn, which r multiplies
    pub gh_n: Vec<f64>,
    /// the new state h'
    pub h: Vec<f64>,
}

/// x [I], h [H] → the new state and its gates.
pub fn forward(w: &CellParams, x: &[f64], h: &[f64]) -> GruGates {
    let hidden = h.len();
    let (gi, gh) = w.project(x, h);
    let mut g = GruGates {
        r: Vec::with_capacity(hidden),
        z: Vec::with_capacity(hidden),
        n: Vec::with_capacity(hidden),
        gh_n: gh[2 * hidden..].to_vec(),
        h: Vec::with_capacity(hidden),
    };
    for k in 0..hidden {
        let r = sigmoid(gi[k] + gh[k]);
        let z = sigmoid(gi[hidden + k] + gh[hidden + k]);
        let n = (gi[2 * hidden + k] + r * gh[2 * hidden + k]).tanh();
        g.h.push((1.0 - z) * n + z * h[k]);
        g.r.push(r);
        g.z.push(z);
        g.n.push(n);
    }
    g
}

/// x [I], h [H], dh' [H] → (dx [I], dh [H]); adds the weight gradients.
pub fn backward(
    w: &CellParams,
    x: &[f64],
    h: &[f64],
    dh_new: &[f64],
    grads: &mut Grads,
) -> (Vec<f64>, Vec<f64>) {
    let hidden = h.len();
    let g = forward(w, x, h);
    let (mut dgi, mut dgh) = (vec![0.0; 3 * hidden], vec![0.0; 3 * hidden]);
    let mut dh_direct = vec![0.0; hidden];
    for k in 0..hidden {
        let d = dh_new[k];
        let dz = d * (h[k] - g.n[k]);
        let dn = d * (1.0 - g.z[k]);
        dh_direct[k] = d * g.z[k];
        let dn_pre = dn * (1.0 - g.n[k] * g.n[k]);
        let dr = dn_pre * g.gh_n[k];
        let dr_pre = dr * g.r[k] * (1.0 - g.r[k]);
        let dz_pre = dz * g.z[k] * (1.0 - g.z[k]);
        dgi[k] = dr_pre;
        dgh[k] = dr_pre;
        dgi[hidden + k] = dz_pre;
        dgh[hidden + k] = dz_pre;
        dgi[2 * hidden + k] = dn_pre;
        dgh[2 * hidden + k] = dn_pre * g.r[k];
    }
    let (dx, mut dh) = w.project_backward(x, h, &dgi, &dgh, grads);
    super::mat::add_into(&mut dh, &dh_direct);
    (dx, dh)
}
