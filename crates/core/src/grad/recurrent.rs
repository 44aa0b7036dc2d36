//! Backpropagation through time for one recurrent layer of any cell.
//!
//! Forward: s_t = Cell(x_t, s_{t−1}) for t = 0..T−1 from s_{−1} = init, every state kept.
//! Backward, t = T−1 down to 0, with a cotangent on the final state and, per step, a cotangent
//! arriving at h_t from outside the recurrence (attention, the output layer):
//!
//!   d h_t ← d h_t (from step t+1, or the final state's) + d_out_t     ← total ∂L/∂h_t, recorded
//!   (dx_t, d s_{t−1}) = Cell backward at (x_t, s_{t−1})
//!
//! The recorded ‖∂L/∂h_t‖ is the memory view's "vanishing gradient": how much of the loss still
//! reaches step t.

use super::grads::{Grads, ParamsMut};
use super::mat::{add_into, vec_from_tensor, Mat};
use super::{gru_cell, lstm_cell, rnn_cell};
use crate::backend::CpuBackend;
use crate::layers::{CellKind, Recurrent};

/// The four tensors of a cell, PyTorch layout (gates stacked on rows: G = 1, 3 or 4), and their
/// names `{prefix}.weight_ih_{suffix}` etc.
#[derive(Clone, Debug)]
pub struct CellParams {
    pub prefix: String,
    pub suffix: String,
    /// [G·H, I]
    pub w_ih: Mat,
    /// [G·H, H]
    pub w_hh: Mat,
    /// [G·H]
    pub b_ih: Vec<f64>,
    /// [G·H]
    pub b_hh: Vec<f64>,
}

impl CellParams {
    pub fn name(&self, tensor: &str) -> String {
        format!("{}.{tensor}_{}", self.prefix, self.suffix)
    }

    /// x [I], h [H] → (gi = W_ih x + b_ih, gh = W_hh h + b_hh), each [G·H].
    pub fn project(&self, x: &[f64], h: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut gi = self.w_ih.mul_vec(x);
        add_into(&mut gi, &self.b_ih);
        let mut gh = self.w_hh.mul_vec(h);
        add_into(&mut gh, &self.b_hh);
        (gi, gh)
    }

    /// dgi, dgh [G·H] → (dx [I], dh [H]); adds dW_ih += dgi xᵀ, dW_hh += dgh hᵀ, db_ih, db_hh.
    pub fn project_backward(
        &self,
        x: &[f64],
        h: &[f64],
        dgi: &[f64],
        dgh: &[f64],
        grads: &mut Grads,
    ) -> (Vec<f64>, Vec<f64>) {
        if grads.is_collecting() {
            grads.add_outer(&self.name("weight_ih"), dgi, x);
            grads.add_outer(&self.name("weight_hh"), dgh, h);
            grads.add_vec(&self.name("bias_ih"), dgi);
            grads.add_vec(&self.name("bias_hh"), dgh);
        }
        (self.w_ih.t_mul_vec(dgi), self.w_hh.t_mul_vec(dgh))
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map(|t| self.name(t));
        let [a, b, c, d] = names;
        out.push((a, &mut self.w_ih.data));
        out.push((b, &mut self.w_hh.data));
        out.push((c, &mut self.b_ih));
        out.push((d, &mut self.b_hh));
    }
}

/// The state between steps: h [H] and the LSTM's cell c [H]. Also used for its cotangent.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub h: Vec<f64>,
    pub c: Option<Vec<f64>>,
}

#[derive(Clone, Debug)]
pub struct Cell {
    pub kind: CellKind,
    pub hidden: usize,
    pub params: CellParams,
}

impl Cell {
    /// The weights of a loaded layer (`{prefix}.weight_ih_{suffix}`, …), widened to f64.
    pub fn from_layer(r: &Recurrent<CpuBackend>, prefix: &str, suffix: &str) -> Self {
        Self {
            kind: r.kind,
            hidden: r.hidden,
            params: CellParams {
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
                w_ih: Mat::from_tensor(&r.weights.w_ih),
                w_hh: Mat::from_tensor(&r.weights.w_hh),
                b_ih: vec_from_tensor(&r.weights.b_ih),
                b_hh: vec_from_tensor(&r.weights.b_hh),
            },
        }
    }

    /// h = 0 (and c = 0).
    pub fn zero_state(&self) -> State {
        State {
            h: vec![0.0; self.hidden],
            c: (self.kind == CellKind::Lstm).then(|| vec![0.0; self.hidden]),
        }
    }

    /// One step: x [I], s [H] → s' [H].
    pub fn step(&self, x: &[f64], s: &State) -> State {
        let p = &self.params;
        match self.kind {
            CellKind::Rnn => State {
                h: rnn_cell::forward(p, x, &s.h),
                c: None,
            },
            CellKind::Gru => State {
                h: gru_cell::forward(p, x, &s.h).h,
                c: None,
            },
            CellKind::Lstm => {
                let g = lstm_cell::forward(p, x, &s.h, lstm_c(s));
                State {
                    h: g.h,
                    c: Some(g.c),
                }
            }
        }
    }

    /// One step back: x [I], s [H], d s' → (dx [I], d s); adds the weight gradients.
    pub fn step_backward(
        &self,
        x: &[f64],
        s: &State,
        d_new: &State,
        grads: &mut Grads,
    ) -> (Vec<f64>, State) {
        let p = &self.params;
        match self.kind {
            CellKind::Rnn => {
                let (dx, dh) = rnn_cell::backward(p, x, &s.h, &d_new.h, grads);
                (dx, State { h: dh, c: None })
            }
            CellKind::Gru => {
                let (dx, dh) = gru_cell::backward(p, x, &s.h, &d_new.h, grads);
                (dx, State { h: dh, c: None })
            }
            CellKind::Lstm => {
                let (dx, dh, dc) =
                    lstm_cell::backward(p, x, &s.h, lstm_c(s), &d_new.h, lstm_c(d_new), grads);
                (dx, State { h: dh, c: Some(dc) })
            }
        }
    }

    /// The states after each step over xs (each [I]), starting from `init`.
    pub fn unroll(&self, xs: &[Vec<f64>], init: &State) -> Vec<State> {
        let mut states: Vec<State> = Vec::with_capacity(xs.len());
        for x in xs {
            let next = self.step(x, states.last().unwrap_or(init));
            states.push(next);
        }
        states
    }

    /// Backpropagation through time over `unroll(xs, init)`.
    /// `d_out[t]` [H]: cotangent on h_t from outside the recurrence (may be empty: none).
    /// `d_last`: cotangent on the final state (zeros if nothing reads it).
    pub fn unroll_backward(
        &self,
        xs: &[Vec<f64>],
        init: &State,
        states: &[State],
        d_out: &[Vec<f64>],
        d_last: &State,
        grads: &mut Grads,
    ) -> Bptt {
        let steps = xs.len();
        let mut dxs = vec![Vec::new(); steps];
        let mut dh_total = vec![Vec::new(); steps];
        let mut d = d_last.clone();
        for t in (0..steps).rev() {
            if let Some(extra) = d_out.get(t).filter(|e| !e.is_empty()) {
                add_into(&mut d.h, extra);
            }
            dh_total[t] = d.h.clone();
            let prev = if t == 0 { init } else { &states[t - 1] };
            let (dx, d_prev) = self.step_backward(&xs[t], prev, &d, grads);
            dxs[t] = dx;
            d = d_prev;
        }
        Bptt {
            dxs,
            d_init: d,
            dh_total,
        }
    }
}

fn lstm_c(s: &State) -> &[f64] {
    s.c.as_deref().expect("an LSTM state always carries c")
}

/// What backpropagation through time returns.
#[derive(Clone, Debug)]
pub struct Bptt {
    /// ∂L/∂x_t per step, each [I]
    pub dxs: Vec<Vec<f64>>,
    /// ∂L/∂(initial state)
    pub d_init: State,
    /// total ∂L/∂h_t per step, each [H]
    pub dh_total: Vec<Vec<f64>>,
}
