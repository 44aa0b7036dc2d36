//! A bidirectional recurrent layer: one cell reads left→right, another right→left, and each
//! position's annotation is h_j = [h→_j ; h←_j] (Bahdanau et al. 2015).

use super::recurrent::{CellKind, CellState, Recurrent, RecurrentStep};
use crate::backend::Backend;
use crate::weights::Weights;
use crate::Result;

#[derive(Clone)]
pub struct Bidirectional<B: Backend> {
    pub forward: Recurrent<B>,
    pub backward: Recurrent<B>,
}

/// Every step of both directions, in source order.
pub struct BidirectionalOutput<T> {
    /// Per position j: [h→_j ; h←_j], each [1, 2H].
    pub annotations: Vec<T>,
    /// Per position, the forward step (state and gates).
    pub forward: Vec<RecurrentStep<T>>,
    /// Per position (source order), the backward step.
    pub backward: Vec<RecurrentStep<T>>,
}

impl<B: Backend> Bidirectional<B> {
    /// Loads `{prefix}.*_l0` and `{prefix}.*_l0_reverse`.
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        kind: CellKind,
        input: usize,
        hidden: usize,
    ) -> Result<Self> {
        Ok(Self {
            forward: Recurrent::new(b, w, prefix, "l0", kind, input, hidden)?,
            backward: Recurrent::new(b, w, prefix, "l0_reverse", kind, input, hidden)?,
        })
    }

    /// xs: the inputs, each [1, input], in source order.
    pub fn run(&self, b: &B, xs: &[B::Tensor]) -> BidirectionalOutput<B::Tensor> {
        let run_one = |cell: &Recurrent<B>, order: &mut dyn Iterator<Item = &B::Tensor>| {
            let mut state: CellState<B::Tensor> = cell.zero_state(b, 1);
            let mut steps = Vec::with_capacity(xs.len());
            for x in order {
                let step = cell.step(b, x, &state);
                state = step.state.clone();
                steps.push(step);
            }
            steps
        };
        let forward = run_one(&self.forward, &mut xs.iter());
        let mut backward = run_one(&self.backward, &mut xs.iter().rev());
        backward.reverse();
        let annotations = forward
            .iter()
            .zip(&backward)
            .map(|(f, r)| b.concat_cols(&[&f.state.h, &r.state.h]))
            .collect();
        BidirectionalOutput {
            annotations,
            forward,
            backward,
        }
    }
}
