//! Many cotangents through one recurrent layer at once: the fast path of ‖∂c/∂e_j‖.
//!
//! ‖∂c/∂e_j‖_F needs one backward pass per component k of c (a unit cotangent on c_k). Run one
//! at a time, each pass recomputes every step's gates (`gru_cell::backward` recomputes them from
//! (x, h)) and reads every weight matrix once per step with a matrix–vector product. Here the K
//! cotangents travel together, as the rows of a [K, H] matrix:
//!
//! - each step is linearised once ([`Linearised`]: the gate values the backward multiplies by,
//!   computed from the kept forward states), not once per cotangent;
//! - the elementwise part of the cell's backward is applied to every row with those values;
//! - the two projections become matrix–matrix products, dX = dG_i W_ih [K, I] and
//!   dH = dG_h W_hh [K, H], which read each weight once per step for all K rows.
//!
//! Same arithmetic as the per-cotangent path (the cell files' equations, term for term), so
//! the result is exact; `tests/grad_families.rs` checks it against that path and against
//! finite differences.

use super::mat::{matmul, Mat};
use super::recurrent::{Cell, State};
use crate::layers::CellKind;

/// What one step's backward multiplies by (all [H]), from its input x and previous state s.
enum Linearised {
    /// 1 − h'²
    Rnn { dtanh: Vec<f64> },
    Gru {
        r: Vec<f64>,
        z: Vec<f64>,
        n: Vec<f64>,
        gh_n: Vec<f64>,
        h_prev: Vec<f64>,
    },
    Lstm {
        i: Vec<f64>,
        f: Vec<f64>,
        g: Vec<f64>,
        o: Vec<f64>,
        /// tanh(c')
        tc: Vec<f64>,
        c_prev: Vec<f64>,
    },
}

fn linearise(cell: &Cell, x: &[f64], s: &State) -> Linearised {
    let p = &cell.params;
    match cell.kind {
        CellKind::Rnn => {
            let h = super::rnn_cell::forward(p, x, &s.h);
            Linearised::Rnn {
                dtanh: h.iter().map(|y| 1.0 - y * y).collect(),
            }
        }
        CellKind::Gru => {
            let g = super::gru_cell::forward(p, x, &s.h);
            Linearised::Gru {
                r: g.r,
                z: g.z,
                n: g.n,
                gh_n: g.gh_n,
                h_prev: s.h.clone(),
            }
        }
        CellKind::Lstm => {
            let c_prev = s.c.clone().expect("an LSTM state always carries c");
            let g = super::lstm_cell::forward(p, x, &s.h, &c_prev);
            Linearised::Lstm {
                tc: g.c.iter().map(|c| c.tanh()).collect(),
                i: g.i,
                f: g.f,
                g: g.g,
                o: g.o,
                c_prev,
            }
        }
    }
}

/// Cotangents of K backward passes on a recurrent state: h [K, H] and, for an LSTM, c [K, H].
#[derive(Clone, Debug)]
pub struct StateRows {
    pub h: Mat,
    pub c: Option<Mat>,
}

impl StateRows {
    pub fn zeros(cell: &Cell, k: usize) -> Self {
        Self {
            h: Mat::zeros(k, cell.hidden),
            c: (cell.kind == CellKind::Lstm).then(|| Mat::zeros(k, cell.hidden)),
        }
    }
}

/// One step back for every row: (x_t, s_{t−1}) linearised, d s_t → (dx_t [K, I], d s_{t−1}).
fn step_back(cell: &Cell, lin: &Linearised, d: &StateRows) -> (Mat, StateRows) {
    let hid = cell.hidden;
    let k = d.h.rows;
    let gates = cell.params.w_hh.rows; // G·H
    let mut dgi = Mat::zeros(k, gates);
    let mut dgh = Mat::zeros(k, gates);
    let mut direct = Mat::zeros(k, hid);
    let mut dc_prev = (cell.kind == CellKind::Lstm).then(|| Mat::zeros(k, hid));
    for row in 0..k {
        let dh = d.h.row(row);
        let (gi, gh) = (dgi.row_mut(row), dgh.row_mut(row));
        match lin {
            Linearised::Rnn { dtanh } => {
                for u in 0..hid {
                    gi[u] = dh[u] * dtanh[u];
                }
                gh.copy_from_slice(gi);
            }
            Linearised::Gru {
                r,
                z,
                n,
                gh_n,
                h_prev,
            } => {
                let dir = direct.row_mut(row);
                for u in 0..hid {
                    let dz = dh[u] * (h_prev[u] - n[u]);
                    let dn_pre = dh[u] * (1.0 - z[u]) * (1.0 - n[u] * n[u]);
                    dir[u] = dh[u] * z[u];
                    let dr_pre = dn_pre * gh_n[u] * r[u] * (1.0 - r[u]);
                    let dz_pre = dz * z[u] * (1.0 - z[u]);
                    gi[u] = dr_pre;
                    gh[u] = dr_pre;
                    gi[hid + u] = dz_pre;
                    gh[hid + u] = dz_pre;
                    gi[2 * hid + u] = dn_pre;
                    gh[2 * hid + u] = dn_pre * r[u];
                }
            }
            Linearised::Lstm {
                i,
                f,
                g,
                o,
                tc,
                c_prev,
            } => {
                let dc = d.c.as_ref().expect("LSTM cotangents carry c").row(row);
                let dcp = dc_prev.as_mut().expect("LSTM").row_mut(row);
                for u in 0..hid {
                    let d_o = dh[u] * tc[u];
                    let dct = dc[u] + dh[u] * o[u] * (1.0 - tc[u] * tc[u]);
                    dcp[u] = dct * f[u];
                    gi[u] = dct * g[u] * i[u] * (1.0 - i[u]);
                    gi[hid + u] = dct * c_prev[u] * f[u] * (1.0 - f[u]);
                    gi[2 * hid + u] = dct * i[u] * (1.0 - g[u] * g[u]);
                    gi[3 * hid + u] = d_o * o[u] * (1.0 - o[u]);
                }
                gh.copy_from_slice(gi);
            }
        }
    }
    let dx = matmul(&dgi, &cell.params.w_ih);
    let mut dh_prev = matmul(&dgh, &cell.params.w_hh);
    dh_prev.add_assign(&direct);
    (
        dx,
        StateRows {
            h: dh_prev,
            c: dc_prev,
        },
    )
}

/// One step back for K cotangents at once: x, s the step's input and previous state, d the
/// cotangents on its new state → (∂/∂x [K, I], cotangents on s).
pub fn step_rows(cell: &Cell, x: &[f64], s: &State, d: &StateRows) -> (Mat, StateRows) {
    step_back(cell, &linearise(cell, x, s), d)
}

/// Backpropagation through time for K cotangents at once over `states = cell.unroll(xs, init)`:
/// `d_out(t)` adds a cotangent on h_t from outside the recurrence ([K, H], or None), `d_last`
/// is the cotangent on the final state. Returns ∂/∂x_t [K, I] per step.
pub fn unroll_backward_rows(
    cell: &Cell,
    xs: &[Vec<f64>],
    init: &State,
    states: &[State],
    d_out: &dyn Fn(usize) -> Option<Mat>,
    d_last: StateRows,
) -> Vec<Mat> {
    let mut dxs = vec![Mat::zeros(0, 0); xs.len()];
    let mut d = d_last;
    for t in (0..xs.len()).rev() {
        if let Some(extra) = d_out(t) {
            d.h.add_assign(&extra);
        }
        let prev = if t == 0 { init } else { &states[t - 1] };
        let lin = linearise(cell, &xs[t], prev);
        let (dx, d_prev) = step_back(cell, &lin, &d);
        dxs[t] = dx;
        d = d_prev;
    }
    dxs
}

/// ‖M‖_F for each of the matrices.
pub fn frobenius_norms(ms: &[Mat]) -> Vec<f64> {
    ms.iter()
        .map(|m| m.data.iter().map(|v| v * v).sum::<f64>().sqrt())
        .collect()
}

/// The identity [n, n]: n unit cotangents, one per row.
pub fn identity(n: usize) -> Mat {
    let mut m = Mat::zeros(n, n);
    for i in 0..n {
        m.data[i * n + i] = 1.0;
    }
    m
}
