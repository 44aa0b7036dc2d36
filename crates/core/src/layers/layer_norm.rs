//! `nn.LayerNorm` over the last dimension, eps 1e-5.

use crate::backend::Backend;
use crate::weights::{Init, Weights};
use crate::Result;

pub const LAYER_NORM_EPS: f32 = 1e-5;

#[derive(Clone)]
pub struct LayerNorm<B: Backend> {
    pub weight: B::Tensor,
    pub bias: B::Tensor,
}

impl<B: Backend> LayerNorm<B> {
    /// Loads `{prefix}.weight` and `{prefix}.bias`, both [dim].
    pub fn new(b: &B, w: &mut Weights, prefix: &str, dim: usize) -> Result<Self> {
        Ok(Self {
            weight: b.upload(&w.take_init(&format!("{prefix}.weight"), &[dim], Init::Ones)?),
            bias: b.upload(&w.take_init(&format!("{prefix}.bias"), &[dim], Init::Zeros)?),
        })
    }

    /// x [m, dim] → [m, dim]
    pub fn forward(&self, b: &B, x: &B::Tensor) -> B::Tensor {
        b.layer_norm(x, &self.weight, &self.bias, LAYER_NORM_EPS)
    }
}
