//! `nn.LayerNorm` backward, per row of d values:
//!   forward  x̂ = (x − μ)/σ, σ = √(var + eps), y = w ⊙ x̂ + b
//!   backward g = dy ⊙ w;  dx = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / σ;  dw += dy ⊙ x̂;  db += dy

use super::grads::{Grads, ParamsMut};
use super::mat::{vec_from_tensor, Mat};
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct LayerNorm {
    /// `{name}.weight`, `{name}.bias`
    pub name: String,
    /// [d]
    pub weight: Vec<f64>,
    /// [d]
    pub bias: Vec<f64>,
    pub eps: f64,
}

/// x̂ and 1/σ of one row.
fn normalise(x: &[f64], eps: f64) -> (Vec<f64>, f64) {
    let d = x.len() as f64;
    let mean = x.iter().sum::<f64>() / d;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / d;
    let inv = 1.0 / (var + eps).sqrt();
    (x.iter().map(|v| (v - mean) * inv).collect(), inv)
}

impl LayerNorm {
    pub fn from_layer(l: &layers::LayerNorm<CpuBackend>, name: &str) -> Self {
        Self {
            name: name.to_string(),
            weight: vec_from_tensor(&l.weight),
            bias: vec_from_tensor(&l.bias),
            eps: f64::from(layers::layer_norm::LAYER_NORM_EPS),
        }
    }

    /// x [m, d] → [m, d]
    pub fn forward(&self, x: &Mat) -> Mat {
        let mut y = Mat::zeros(x.rows, x.cols);
        for i in 0..x.rows {
            let (xh, _) = normalise(x.row(i), self.eps);
            for (k, out) in y.row_mut(i).iter_mut().enumerate() {
                *out = xh[k] * self.weight[k] + self.bias[k];
            }
        }
        y
    }

    /// x [m, d], dy [m, d] → dx [m, d]; adds dw, db.
    pub fn backward(&self, x: &Mat, dy: &Mat, grads: &mut Grads) -> Mat {
        let d = x.cols as f64;
        let mut dx = Mat::zeros(x.rows, x.cols);
        let (mut dw, mut db) = (vec![0.0; x.cols], vec![0.0; x.cols]);
        for i in 0..x.rows {
            let (xh, inv) = normalise(x.row(i), self.eps);
            let dyi = dy.row(i);
            let g: Vec<f64> = dyi.iter().zip(&self.weight).map(|(a, w)| a * w).collect();
            let mean_g = g.iter().sum::<f64>() / d;
            let mean_gx = g.iter().zip(&xh).map(|(a, b)| a * b).sum::<f64>() / d;
            for (k, out) in dx.row_mut(i).iter_mut().enumerate() {
                *out = (g[k] - mean_g - xh[k] * mean_gx) * inv;
                dw[k] += dyi[k] * xh[k];
                db[k] += dyi[k];
            }
        }
        grads.add_vec(&format!("{}.weight", self.name), &dw);
        grads.add_vec(&format!("{}.bias", self.name), &db);
        dx
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        out.push((format!("{}.weight", self.name), &mut self.weight));
        out.push((format!("{}.bias", self.name), &mut self.bias));
    }
}
