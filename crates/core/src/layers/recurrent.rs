//! One recurrent layer of any of the article's three cells, with PyTorch's weight names
//! (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, and `_reverse` for the backward
//! direction of a bidirectional layer).

use serde::{Deserialize, Serialize};

use crate::backend::{Backend, CellWeights};
use crate::weights::Weights;
use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    Rnn,
    Gru,
    Lstm,
}

impl CellKind {
    /// The three cells of the article, in its order.
    pub const ALL: [CellKind; 3] = [CellKind::Rnn, CellKind::Gru, CellKind::Lstm];

    /// "rnn", "gru" or "lstm" (the serde form).
    pub fn name(self) -> &'static str {
        match self {
            CellKind::Rnn => "rnn",
            CellKind::Gru => "gru",
            CellKind::Lstm => "lstm",
        }
    }

    /// Gates stacked in the weight matrices (rows = gates · H).
    pub fn gates(self) -> usize {
        match self {
            CellKind::Rnn => 1,
            CellKind::Gru => 3,
            CellKind::Lstm => 4,
        }
    }

    /// The names the traces give the gate activations, in PyTorch order.
    pub fn gate_names(self) -> &'static [&'static str] {
        match self {
            CellKind::Rnn => &[],
            CellKind::Gru => &["r", "z", "n"],
            CellKind::Lstm => &["i", "f", "g", "o"],
        }
    }
}

/// The state carried between steps: h, and the LSTM's cell c.
#[derive(Clone, Debug)]
pub struct CellState<T> {
    pub h: T,
    pub c: Option<T>,
}

/// What one step produced: the new state and the named gate activations (for traces).
pub struct RecurrentStep<T> {
    pub state: CellState<T>,
    pub gates: Vec<(&'static str, T)>,
}

#[derive(Clone)]
pub struct Recurrent<B: Backend> {
    pub kind: CellKind,
    pub input: usize,
    pub hidden: usize,
    pub weights: CellWeights<B::Tensor>,
}

impl<B: Backend> Recurrent<B> {
    /// Loads `{prefix}.weight_ih_{suffix}` [G·H, input], `weight_hh` [G·H, H], `bias_ih`, `bias_hh` [G·H].
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        suffix: &str,
        kind: CellKind,
        input: usize,
        hidden: usize,
    ) -> Result<Self> {
        let rows = kind.gates() * hidden;
        let mut take = |name: &str, shape: &[usize]| -> Result<B::Tensor> {
            // PyTorch initialises every RNN tensor with U(±1/√H).
            let t = w.take(&format!("{prefix}.{name}_{suffix}"), shape)?;
            Ok(b.upload(&t))
        };
        let weights = CellWeights {
            w_ih: take("weight_ih", &[rows, input])?,
            w_hh: take("weight_hh", &[rows, hidden])?,
            b_ih: take("bias_ih", &[rows])?,
            b_hh: take("bias_hh", &[rows])?,
        };
        Ok(Self {
            kind,
            input,
            hidden,
            weights,
        })
    }

    /// h = 0 (and c = 0) for `batch` sequences.
    pub fn zero_state(&self, b: &B, batch: usize) -> CellState<B::Tensor> {
        let zeros = b.upload(&crate::tensor::Tensor::zeros([batch, self.hidden]));
        CellState {
            c: (self.kind == CellKind::Lstm).then(|| zeros.clone()),
            h: zeros,
        }
    }

    /// One step: x [B, input], state [B, H] → new state and gates.
    pub fn step(
        &self,
        b: &B,
        x: &B::Tensor,
        state: &CellState<B::Tensor>,
    ) -> RecurrentStep<B::Tensor> {
        match self.kind {
            CellKind::Rnn => RecurrentStep {
                state: CellState {
                    h: b.rnn_cell(x, &state.h, &self.weights),
                    c: None,
                },
                gates: vec![],
            },
            CellKind::Gru => {
                let s = b.gru_cell(x, &state.h, &self.weights);
                RecurrentStep {
                    state: CellState { h: s.h, c: None },
                    gates: vec![("r", s.r), ("z", s.z), ("n", s.n)],
                }
            }
            CellKind::Lstm => {
                let c = state.c.as_ref().expect("an LSTM state always carries c");
                let s = b.lstm_cell(x, &state.h, c, &self.weights);
                RecurrentStep {
                    state: CellState {
                        h: s.h,
                        c: Some(s.c),
                    },
                    gates: vec![("i", s.i), ("f", s.f), ("g", s.g), ("o", s.o)],
                }
            }
        }
    }
}
