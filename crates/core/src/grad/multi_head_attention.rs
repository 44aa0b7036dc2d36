//! Multi-head attention backward, PyTorch-style separate projections:
//!   forward  q = x W_qᵀ + b_q [Tq, D];  k, v = m W_{k,v}ᵀ + b [Tk, D]
//!            a = Attention(q, k, v) per head [Tq, D];  y = a W_oᵀ + b_o
//!   backward da = out_proj backward; (dq, dk, dv) = attention backward;
//!            dx = q_proj backward (dq);  dm = k_proj backward (dk) + v_proj backward (dv)
//! Self-attention passes x as m too: its input gradient is dx + dm.

use super::attention;
use super::grads::{Grads, ParamsMut};
use super::linear::Linear;
use super::mat::Mat;
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct MultiHeadAttention {
    pub q_proj: Linear,
    pub k_proj: Linear,
    pub v_proj: Linear,
    pub out_proj: Linear,
    pub heads: usize,
}

/// What the forward pass keeps for the backward.
#[derive(Clone, Debug)]
pub struct MhaPass {
    pub q: Mat,
    pub k: Mat,
    pub v: Mat,
    /// α [heads·Tq·Tk]
    pub weights: Vec<f64>,
    /// the heads' outputs before out_proj [Tq, D]
    pub att: Mat,
    /// y [Tq, D]
    pub out: Mat,
}

impl MultiHeadAttention {
    pub fn from_layer(l: &layers::MultiHeadAttention<CpuBackend>, prefix: &str) -> Self {
        let lin = |layer, name: &str| Linear::from_layer(layer, &format!("{prefix}.{name}"));
        Self {
            q_proj: lin(&l.q_proj, "q_proj"),
            k_proj: lin(&l.k_proj, "k_proj"),
            v_proj: lin(&l.v_proj, "v_proj"),
            out_proj: lin(&l.out_proj, "out_proj"),
            heads: l.heads,
        }
    }

    /// Queries from x [Tq, D] attend over m [Tk, D].
    pub fn forward(&self, x: &Mat, m: &Mat, causal: bool) -> MhaPass {
        let (q, k, v) = (
            self.q_proj.forward(x),
            self.k_proj.forward(m),
            self.v_proj.forward(m),
        );
        let (att, weights) = attention::forward(&q, &k, &v, self.heads, causal);
        let out = self.out_proj.forward(&att);
        MhaPass {
            q,
            k,
            v,
            weights,
            att,
            out,
        }
    }

    /// dy [Tq, D] → (dx [Tq, D], dm [Tk, D]); adds the four projections' gradients.
    pub fn backward(
        &self,
        x: &Mat,
        m: &Mat,
        pass: &MhaPass,
        dy: &Mat,
        grads: &mut Grads,
    ) -> (Mat, Mat) {
        let da = self.out_proj.backward(&pass.att, dy, grads);
        let (dq, dk, dv) =
            attention::backward(&pass.q, &pass.k, &pass.v, self.heads, &pass.weights, &da);
        let dx = self.q_proj.backward(x, &dq, grads);
        let dm = self
            .k_proj
            .backward(m, &dk, grads)
            .add(&self.v_proj.backward(m, &dv, grads));
        (dx, dm)
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.q_proj.params_mut(out);
        self.k_proj.params_mut(out);
        self.v_proj.params_mut(out);
        self.out_proj.params_mut(out);
    }
}
