//! Elementwise activations. GELU is the tanh approximation (PyTorch `gelu(approximate="tanh")`,
//! candle's `gelu`), chosen because it is cheap in WGSL and identical in training.

use crate::tensor::Tensor;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Tanh,
    Sigmoid,
    Relu,
    Gelu,
}

impl Activation {
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => sigmoid_scalar(x),
            Activation::Relu => x.max(0.0),
            Activation::Gelu => gelu_scalar(x),
        }
    }

    pub fn map(self, x: &Tensor) -> Tensor {
        Tensor::new(x.shape(), x.data().iter().map(|&v| self.apply(v)).collect())
    }
}

/// σ(x) = 1 / (1 + e^-x), written to stay finite for large |x|.
#[inline]
pub fn sigmoid_scalar(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
#[inline]
pub fn gelu_scalar(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)).tanh())
}

pub fn tanh(x: &Tensor) -> Tensor {
    Activation::Tanh.map(x)
}
pub fn sigmoid(x: &Tensor) -> Tensor {
    Activation::Sigmoid.map(x)
}
pub fn relu(x: &Tensor) -> Tensor {
    Activation::Relu.map(x)
}
pub fn gelu(x: &Tensor) -> Tensor {
    Activation::Gelu.map(x)
}
