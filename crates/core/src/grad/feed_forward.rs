//! The Transformer's feed-forward block backward: y = fc2(act(fc1 x)).
//!   backward da = fc2 backward (dy);  dp = da ⊙ act'(p) with p = fc1 x;  dx = fc1 backward (dp)

use super::activation;
use super::grads::{Grads, ParamsMut};
use super::linear::Linear;
use super::mat::Mat;
use crate::backend::CpuBackend;
use crate::layers::transformer_layers;
use crate::ops::Activation;

#[derive(Clone, Debug)]
pub struct FeedForward {
    /// [F, D]
    pub fc1: Linear,
    /// [D, F]
    pub fc2: Linear,
    pub activation: Activation,
}

/// The forward's intermediate values [m, F].
#[derive(Clone, Debug)]
pub struct FfnPass {
    /// p = fc1 x
    pub pre: Mat,
    /// act(p)
    pub act: Mat,
    /// act'(p), kept so that the many backward passes of ‖∂c/∂e_j‖ do not recompute it
    pub slope: Vec<f64>,
    pub out: Mat,
}

impl FeedForward {
    pub fn from_layer(l: &transformer_layers::FeedForward<CpuBackend>, prefix: &str) -> Self {
        Self {
            fc1: Linear::from_layer(&l.fc1, &format!("{prefix}.fc1")),
            fc2: Linear::from_layer(&l.fc2, &format!("{prefix}.fc2")),
            activation: l.activation,
        }
    }

    /// x [m, D] → [m, D]
    pub fn forward(&self, x: &Mat) -> FfnPass {
        let pre = self.fc1.forward(x);
        let act = Mat::new(
            pre.rows,
            pre.cols,
            pre.data
                .iter()
                .map(|&p| activation::apply(self.activation, p))
                .collect(),
        );
        let slope = pre
            .data
            .iter()
            .map(|&p| activation::derivative(self.activation, p))
            .collect();
        let out = self.fc2.forward(&act);
        FfnPass {
            pre,
            act,
            slope,
            out,
        }
    }

    /// dy [m, D] → dx [m, D]
    pub fn backward(&self, x: &Mat, pass: &FfnPass, dy: &Mat, grads: &mut Grads) -> Mat {
        let da = self.fc2.backward(&pass.act, dy, grads);
        let dp = Mat::new(
            da.rows,
            da.cols,
            da.data
                .iter()
                .zip(&pass.slope)
                .map(|(d, s)| d * s)
                .collect(),
        );
        self.fc1.backward(x, &dp, grads)
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.fc1.params_mut(out);
        self.fc2.params_mut(out);
    }
}
