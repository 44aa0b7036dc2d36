//! Additive attention (Bahdanau et al. 2015): e_ij = vᵀ tanh(W_q s_{i-1} + W_k h_j + b),
//! α_ij = softmax_j(e_ij), c_i = Σ_j α_ij h_j.

use super::linear::Linear;
use crate::backend::Backend;
use crate::weights::Weights;
use crate::Result;

#[derive(Clone)]
pub struct BahdanauAttention<B: Backend> {
    /// W_q [A, H], no bias: `{prefix}.query`
    pub query: Linear<B>,
    /// W_k [A, 2H] + b [A]: `{prefix}.key`
    pub key: Linear<B>,
    /// v [1, A]: `{prefix}.v.weight`
    pub v: B::Tensor,
}

impl<B: Backend> BahdanauAttention<B> {
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        query_dim: usize,
        key_dim: usize,
        attn_dim: usize,
    ) -> Result<Self> {
        Ok(Self {
            query: Linear::new(b, w, &format!("{prefix}.query"), query_dim, attn_dim, false)?,
            key: Linear::new(b, w, &format!("{prefix}.key"), key_dim, attn_dim, true)?,
            v: b.upload(&w.take(&format!("{prefix}.v.weight"), &[1, attn_dim])?),
        })
    }

    /// W_k h + b for every source position, computed once per sentence: [S, 2H] → [S, A].
    pub fn project_keys(&self, b: &B, annotations: &B::Tensor) -> B::Tensor {
        self.key.forward(b, annotations)
    }

    /// s [1, H] → (c [1, 2H], α [1, S]).
    pub fn attend(
        &self,
        b: &B,
        s: &B::Tensor,
        keys_proj: &B::Tensor,
        annotations: &B::Tensor,
    ) -> (B::Tensor, B::Tensor) {
        let q = self.query.forward(b, s); // [1, A]
        b.additive_attention(&q, keys_proj, &self.v, annotations)
    }
}
