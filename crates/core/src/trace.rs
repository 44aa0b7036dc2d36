//! What a forward pass shows the reader. Traces are built only when asked for (`trace: true`);
//! without them the models skip every read-back that only the UI needs.
//!
//! Shapes use S = source length (tokens + EOS), H = hidden size, L = layers, heads = attention heads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The encoder's side of the story.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EncoderTrace {
    /// h_t per source position: [S][H] ([S][2H] for a bidirectional encoder: h→ ‖ h←;
    /// the Transformer's final encoder output, [S][D]).
    pub hidden: Vec<Vec<f32>>,
    /// Gate activations per position, by gate name (GRU "r", "z", "n"; LSTM "i", "f", "g", "o";
    /// a bidirectional encoder's backward direction adds "r←", "z←", "n←"): name → [S][H].
    pub gates: BTreeMap<String, Vec<Vec<f32>>>,
    /// The LSTM's cell state c_t: [S][H] (empty for other cells).
    pub cell: Vec<Vec<f32>>,
    /// The one fixed context vector c every decoder step receives (fixed-context models): [H].
    pub context: Option<Vec<f32>>,
    /// Transformer encoder self-attention: [L][heads][S][S].
    pub self_attention: Vec<Vec<Vec<Vec<f32>>>>,
}

/// One decoder step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepTrace {
    /// The token chosen at this step.
    pub token: u32,
    /// Its probability.
    pub prob: f32,
    /// The k most likely next tokens and their probabilities, most likely first.
    pub top_k: Vec<(u32, f32)>,
    /// Decoder state s_i: [H] (Transformer: the final decoder output for this position, [D]).
    pub hidden: Vec<f32>,
    /// Gate activations of this step: name → [H].
    pub gates: BTreeMap<String, Vec<f32>>,
    /// LSTM cell state: [H].
    pub cell: Vec<f32>,
    /// The context this step used: the fixed c, or c_i = Σ_j α_ij h_j: [H] or [2H].
    pub context: Vec<f32>,
    /// α_i· over source positions: [S] (gru-attn; Transformer: last layer's cross-attention
    /// averaged over heads; empty for fixed-context models, which have no α).
    pub attention: Vec<f32>,
    /// Transformer cross-attention: [L][heads][S].
    pub cross_attention: Vec<Vec<Vec<f32>>>,
    /// Transformer decoder self-attention over target positions so far: [L][heads][i+1].
    pub self_attention: Vec<Vec<Vec<f32>>>,
}

/// One node of the beam-search tree: a hypothesis extended by one token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeamNode {
    /// Index of the parent node; None for the first tokens.
    pub parent: Option<usize>,
    pub token: u32,
    /// Decoder step (0-based) at which the token was chosen.
    pub step: usize,
    /// Cumulative log-probability of the hypothesis ending here.
    pub log_prob: f32,
    /// The hypothesis ended with EOS here.
    pub finished: bool,
    /// The hypothesis is the final answer's path.
    pub best: bool,
}

/// Every hypothesis beam search kept, step by step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BeamTree {
    pub nodes: Vec<BeamNode>,
}
