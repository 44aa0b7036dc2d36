//! Bidirectional layer backward. Forward: h→_j reads x_0..x_j, h←_j reads x_{S−1}..x_j, and the
//! annotation is h_j = [h→_j ; h←_j] [2H]. Backward: split d h_j into its halves and run
//! backpropagation through time in each direction (the backward cell over the reversed inputs);
//! ∂L/∂x_j is the sum of both directions' dx_j.

use super::grads::{Grads, ParamsMut};
use super::mat::{add_into, Mat};
use super::recurrent::{Cell, State};
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct Bidirectional {
    /// `{prefix}.*_l0`
    pub forward: Cell,
    /// `{prefix}.*_l0_reverse`
    pub backward: Cell,
}

/// Every state of both directions, in source order.
#[derive(Clone, Debug)]
pub struct BiPass {
    /// h→_j (state after reading x_j left to right)
    pub fwd: Vec<State>,
    /// h←_j (state after reading x_j right to left), source order
    pub bwd: Vec<State>,
}

/// What the layer's backward pass returns, per source position.
#[derive(Clone, Debug)]
pub struct BiGrads {
    /// ∂L/∂x_j [I]
    pub dxs: Vec<Vec<f64>>,
    /// total ∂L/∂h→_j [H]
    pub dh_fwd: Vec<Vec<f64>>,
    /// total ∂L/∂h←_j [H]
    pub dh_bwd: Vec<Vec<f64>>,
}

fn reversed<T: Clone>(v: &[T]) -> Vec<T> {
    v.iter().rev().cloned().collect()
}

impl Bidirectional {
    pub fn from_layer(l: &layers::Bidirectional<CpuBackend>, prefix: &str) -> Self {
        Self {
            forward: Cell::from_layer(&l.forward, prefix, "l0"),
            backward: Cell::from_layer(&l.backward, prefix, "l0_reverse"),
        }
    }

    /// xs [S][I] → both directions' states.
    pub fn run(&self, xs: &[Vec<f64>]) -> BiPass {
        let fwd = self.forward.unroll(xs, &self.forward.zero_state());
        let bwd = reversed(
            &self
                .backward
                .unroll(&reversed(xs), &self.backward.zero_state()),
        );
        BiPass { fwd, bwd }
    }

    /// The annotations [S, 2H]: row j = [h→_j ; h←_j].
    pub fn annotations(pass: &BiPass) -> Mat {
        let rows: Vec<Vec<f64>> = pass
            .fwd
            .iter()
            .zip(&pass.bwd)
            .map(|(f, b)| super::mat::concat(&f.h, &b.h))
            .collect();
        Mat::from_rows(&rows)
    }

    /// d_annotations [S, 2H], plus cotangents on the last forward state h→_{S−1} and the last
    /// backward state h←_0 (what a bridge reads) → per-position gradients.
    pub fn backward_pass(
        &self,
        xs: &[Vec<f64>],
        pass: &BiPass,
        d_annotations: &Mat,
        d_fwd_last: &[f64],
        d_bwd_last: &[f64],
        grads: &mut Grads,
    ) -> BiGrads {
        let hidden = self.forward.hidden;
        let d_f: Vec<Vec<f64>> = (0..xs.len())
            .map(|j| d_annotations.row(j)[..hidden].to_vec())
            .collect();
        let d_b: Vec<Vec<f64>> = (0..xs.len())
            .map(|j| d_annotations.row(j)[hidden..].to_vec())
            .collect();
        // A cotangent on h only (an LSTM's cell gets zero).
        let last = |cell: &Cell, d: &[f64]| State {
            h: d.to_vec(),
            ..cell.zero_state()
        };
        let f = self.forward.unroll_backward(
            xs,
            &self.forward.zero_state(),
            &pass.fwd,
            &d_f,
            &last(&self.forward, d_fwd_last),
            grads,
        );
        let b = self.backward.unroll_backward(
            &reversed(xs),
            &self.backward.zero_state(),
            &reversed(&pass.bwd),
            &reversed(&d_b),
            &last(&self.backward, d_bwd_last),
            grads,
        );
        let mut dxs = f.dxs;
        for (dx, db) in dxs.iter_mut().zip(reversed(&b.dxs)) {
            add_into(dx, &db);
        }
        BiGrads {
            dxs,
            dh_fwd: f.dh_total,
            dh_bwd: reversed(&b.dh_total),
        }
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.forward.params.params_mut(out);
        self.backward.params.params_mut(out);
    }
}
