//! `nn.Linear`: y = x Wᵀ + b, W [out, in].

use crate::backend::Backend;
use crate::weights::Weights;
use crate::Result;

#[derive(Clone)]
pub struct Linear<B: Backend> {
    pub weight: B::Tensor,
    pub bias: Option<B::Tensor>,
}

impl<B: Backend> Linear<B> {
    /// Loads `{prefix}.weight` [out, in] and, if `bias`, `{prefix}.bias` [out].
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        input: usize,
        output: usize,
        bias: bool,
    ) -> Result<Self> {
        let weight = b.upload(&w.take(&format!("{prefix}.weight"), &[output, input])?);
        let bias = if bias {
            Some(b.upload(&w.take(&format!("{prefix}.bias"), &[output])?))
        } else {
            None
        };
        Ok(Self { weight, bias })
    }

    /// x [m, in] → [m, out]
    pub fn forward(&self, b: &B, x: &B::Tensor) -> B::Tensor {
        b.linear(x, &self.weight, self.bias.as_ref())
    }
}
