//! LSTM cell backward, PyTorch gate order i | f | g | o (a = W_ih x + b_ih + W_hh h + b_hh, [4H]):
//!   forward  i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
//!            c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//!   backward do = dh' ⊙ tanh(c');  dc' ← dc' + dh' ⊙ o ⊙ (1 − tanh²c')
//!            di = dc' ⊙ g;  df = dc' ⊙ c;  dg = dc' ⊙ i;  dc = dc' ⊙ f   (the cell's highway)
//!            da = [di ⊙ i(1−i) ; df ⊙ f(1−f) ; dg ⊙ (1−g²) ; do ⊙ o(1−o)]
//!            then dx, dh, dW, db through the two projections (`CellParams::project_backward`).

use super::activation::sigmoid;
use super::grads::Grads;
use super::recurrent::CellParams;

/// The gates of one step and the new state, each [H].
pub struct LstmGates {
    pub i: Vec<f64>,
    pub f: Vec<f64>,
    pub g: Vec<f64>,
    pub o: Vec<f64>,
    pub c: Vec<f64>,
    pub h: Vec<f64>,
}

/// x [I], h [H], c [H] → the new state (h', c') and the gates.
pub fn forward(w: &CellParams, x: &[f64], h: &[f64], c: &[f64]) -> LstmGates {
    let hidden = h.len();
    let (gi, gh) = w.project(x, h);
    let a = |gate: usize, k: usize| gi[gate * hidden + k] + gh[gate * hidden + k];
    let mut out = LstmGates {
        i: Vec::with_capacity(hidden),
        f: Vec::with_capacity(hidden),
        g: Vec::with_capacity(hidden),
        o: Vec::with_capacity(hidden),
        c: Vec::with_capacity(hidden),
        h: Vec::with_capacity(hidden),
    };
    for k in 0..hidden {
        let (i, f, g, o) = (
            sigmoid(a(0, k)),
            sigmoid(a(1, k)),
            a(2, k).tanh(),
            sigmoid(a(3, k)),
        );
        let c_new = f * c[k] + i * g;
        out.h.push(o * c_new.tanh());
        out.c.push(c_new);
        out.i.push(i);
        out.f.push(f);
        out.g.push(g);
        out.o.push(o);
    }
    out
}

/// x [I], h, c [H], dh', dc' [H] → (dx [I], dh [H], dc [H]); adds the weight gradients.
pub fn backward(
    w: &CellParams,
    x: &[f64],
    h: &[f64],
    c: &[f64],
    dh_new: &[f64],
    dc_new: &[f64],
    grads: &mut Grads,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let hidden = h.len();
    let s = forward(w, x, h, c);
    let mut da = vec![0.0; 4 * hidden];
    let mut dc = vec![0.0; hidden];
    for k in 0..hidden {
        let tc = s.c[k].tanh();
        let d_o = dh_new[k] * tc;
        let dct = dc_new[k] + dh_new[k] * s.o[k] * (1.0 - tc * tc);
        let (di, df, dg) = (dct * s.g[k], dct * c[k], dct * s.i[k]);
        dc[k] = dct * s.f[k];
        da[k] = di * s.i[k] * (1.0 - s.i[k]);
        da[hidden + k] = df * s.f[k] * (1.0 - s.f[k]);
        da[2 * hidden + k] = dg * (1.0 - s.g[k] * s.g[k]);
        da[3 * hidden + k] = d_o * s.o[k] * (1.0 - s.o[k]);
    }
    let (dx, dh) = w.project_backward(x, h, &da, &da, grads);
    (dx, dh, dc)
}
