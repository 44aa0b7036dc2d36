//! Multi-head attention (Vaswani et al. 2017) with PyTorch-style separate projections
//! `q_proj`, `k_proj`, `v_proj`, `out_proj` (each [D, D] + bias).

use super::linear::Linear;
use crate::backend::Backend;
use crate::weights::Weights;
use crate::Result;

#[derive(Clone)]
pub struct MultiHeadAttention<B: Backend> {
    pub q_proj: Linear<B>,
    pub k_proj: Linear<B>,
    pub v_proj: Linear<B>,
    pub out_proj: Linear<B>,
    pub heads: usize,
}

/// The output and, when asked, the weights [heads, Tq, Tk].
pub struct MhaOutput<T> {
    pub output: T,
    pub weights: Option<T>,
}

impl<B: Backend> MultiHeadAttention<B> {
    pub fn new(b: &B, w: &mut Weights, prefix: &str, dim: usize, heads: usize) -> Result<Self> {
        let mut proj = |name: &str| Linear::new(b, w, &format!("{prefix}.{name}"), dim, dim, true);
        Ok(Self {
            q_proj: proj("q_proj")?,
            k_proj: proj("k_proj")?,
            v_proj: proj("v_proj")?,
            out_proj: proj("out_proj")?,
            heads,
        })
    }

    /// Keys and values of `x` [T, D]: ([T, D], [T, D]).
    pub fn keys_values(&self, b: &B, x: &B::Tensor) -> (B::Tensor, B::Tensor) {
        (self.k_proj.forward(b, x), self.v_proj.forward(b, x))
    }

    /// Queries from `x` [Tq, D] attend over k, v [Tk, D] → [Tq, D].
    pub fn attend(
        &self,
        b: &B,
        x: &B::Tensor,
        k: &B::Tensor,
        v: &B::Tensor,
        causal: bool,
        want_weights: bool,
    ) -> MhaOutput<B::Tensor> {
        let q = self.q_proj.forward(b, x);
        let att = b.attention(&q, k, v, self.heads, causal, want_weights);
        MhaOutput {
            output: self.out_proj.forward(b, &att.output),
            weights: att.weights,
        }
    }
}
