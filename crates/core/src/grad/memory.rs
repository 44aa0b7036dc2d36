//! The two quantities of the playground's memory view (`?view=memory`), shared by the families:
//!
//! - [`ContextSensitivity`]: ‖∂c/∂e_j‖ per source position j: the Frobenius norm of the Jacobian
//!   of the context c [C] with respect to the source embedding e_j [E] (the embedding table's row
//!   of token j, before any scaling). Computed exactly, one backward pass per component of c.
//! - [`LossGradients`]: ‖∂L/∂h_t‖ per encoder step t for one training pair, L the teacher-forced
//!   cross-entropy (mean over target steps: BOS y₁ … in, y₁ … EOS out), with ‖∂L/∂e_t‖ and the
//!   weight gradients beside it.

use super::grads::Grads;
use super::mat::norm;
use crate::tokenizer::{BOS, EOS};
use crate::{Error, Result};

/// ‖∂c/∂e_j‖ for every source position j.
#[derive(Clone, Debug)]
pub struct ContextSensitivity {
    /// ‖∂c/∂e_j‖_F per source position j (source order, EOS included).
    pub norms: Vec<f64>,
    /// The context c itself [C].
    pub context: Vec<f64>,
    /// The decoder step's attention over the source [S] (gru-attn: α_i; transformer: the last
    /// layer's cross-attention averaged over heads); empty for the fixed-context models.
    pub attention: Vec<f64>,
}

/// Gradients of the teacher-forced loss of one (source, target) pair.
#[derive(Clone, Debug)]
pub struct LossGradients {
    /// Mean negative log-likelihood per target token (EOS included).
    pub loss: f64,
    /// −log p(y_i) per target step.
    pub token_nll: Vec<f64>,
    /// ‖∂L/∂h_t‖ per encoder step t (what h_t is for each family: see its `loss_gradients`).
    pub hidden: Vec<f64>,
    /// ‖∂L/∂e_t‖ per source position.
    pub embedding: Vec<f64>,
    /// ∂L/∂W for every weight, by PyTorch name.
    pub params: Grads,
}

/// Gradients a family's backward pass returns for the source side.
#[derive(Clone, Debug)]
pub struct SourceGrads {
    /// ∂/∂e_j per source position [E]
    pub embeddings: Vec<Vec<f64>>,
    /// total ∂/∂h_t per encoder step
    pub hidden: Vec<Vec<f64>>,
}

impl LossGradients {
    pub fn new(loss: f64, token_nll: Vec<f64>, source: &SourceGrads, params: Grads) -> Self {
        Self {
            loss,
            token_nll,
            hidden: source.hidden.iter().map(|v| norm(v)).collect(),
            embedding: source.embeddings.iter().map(|v| norm(v)).collect(),
            params,
        }
    }
}

/// Teacher forcing: target y → (decoder inputs BOS y, expected outputs y EOS).
pub fn teacher_forcing(tgt: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut tgt_in = vec![BOS];
    tgt_in.extend_from_slice(tgt);
    let mut tgt_out = tgt.to_vec();
    tgt_out.push(EOS);
    (tgt_in, tgt_out)
}

/// A source must hold at least one token (callers pass it with EOS, as `Seq2Seq::encode`).
pub fn check_source(src: &[u32]) -> Result<()> {
    if src.is_empty() {
        return Err(Error::InvalidInput("the source is empty".into()));
    }
    Ok(())
}

/// ‖∂c/∂e_j‖_F for all j from `dim` backward passes: `vjp(k)` returns ∂c_k/∂e_j for every j
/// (the backward pass seeded with the k-th unit vector on c), and the squares are summed over k.
pub fn jacobian_norms(
    dim: usize,
    positions: usize,
    mut vjp: impl FnMut(usize) -> Vec<Vec<f64>>,
) -> Vec<f64> {
    let mut sq = vec![0.0; positions];
    for k in 0..dim {
        for (s, row) in sq.iter_mut().zip(vjp(k)) {
            *s += row.iter().map(|v| v * v).sum::<f64>();
        }
    }
    sq.into_iter().map(f64::sqrt).collect()
}

/// The k-th unit vector of length n.
pub fn unit(n: usize, k: usize) -> Vec<f64> {
    let mut v = vec![0.0; n];
    v[k] = 1.0;
    v
}
