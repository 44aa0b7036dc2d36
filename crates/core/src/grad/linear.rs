//! `nn.Linear` backward. Forward y = x Wᵀ + b; given dy:
//!   dx = dy W,   dW += dyᵀ x,   db += Σ_rows dy.

use super::grads::{Grads, ParamsMut};
use super::mat::{matmul, matmul_at, matmul_bt, vec_from_tensor, Mat};
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct Linear {
    /// PyTorch prefix: the weights are `{name}.weight` and `{name}.bias`.
    pub name: String,
    /// [out, in]
    pub weight: Mat,
    /// [out]
    pub bias: Option<Vec<f64>>,
}

impl Linear {
    /// The weights of a loaded layer, widened to f64.
    pub fn from_layer(l: &layers::Linear<CpuBackend>, name: &str) -> Self {
        Self {
            name: name.to_string(),
            weight: Mat::from_tensor(&l.weight),
            bias: l.bias.as_ref().map(vec_from_tensor),
        }
    }

    /// x [m, in] → [m, out]
    pub fn forward(&self, x: &Mat) -> Mat {
        let mut y = matmul_bt(x, &self.weight);
        if let Some(b) = &self.bias {
            for i in 0..y.rows {
                super::mat::add_into(y.row_mut(i), b);
            }
        }
        y
    }

    /// x [m, in], dy [m, out] → dx [m, in]; adds dW [out, in] and db [out] to `grads`.
    pub fn backward(&self, x: &Mat, dy: &Mat, grads: &mut Grads) -> Mat {
        if grads.is_collecting() {
            grads.add(&format!("{}.weight", self.name), &matmul_at(dy, x));
            if self.bias.is_some() {
                let mut db = vec![0.0; dy.cols];
                for i in 0..dy.rows {
                    super::mat::add_into(&mut db, dy.row(i));
                }
                grads.add_vec(&format!("{}.bias", self.name), &db);
            }
        }
        matmul(dy, &self.weight)
    }

    /// One row: x [in] → [out].
    pub fn forward_vec(&self, x: &[f64]) -> Vec<f64> {
        self.forward(&Mat::row_vec(x)).data
    }

    /// One row: x [in], dy [out] → dx [in].
    pub fn backward_vec(&self, x: &[f64], dy: &[f64], grads: &mut Grads) -> Vec<f64> {
        self.backward(&Mat::row_vec(x), &Mat::row_vec(dy), grads)
            .data
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        out.push((format!("{}.weight", self.name), &mut self.weight.data));
        if let Some(b) = &mut self.bias {
            out.push((format!("{}.bias", self.name), b));
        }
    }
}
