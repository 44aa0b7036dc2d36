//! Additive (Bahdanau) attention backward, for one decoder state s [H] over annotations h [S, D]:
//!   forward  q = W_q s [A];  k_j = W_k h_j + b_k [A] (once per sentence)
//!            e_j = vᵀ tanh(q + k_j);  α = softmax(e);  c = Σ_j α_j h_j [D]
//!   backward dα_j = dc · h_j;  dh_j += α_j dc;  de = softmax backward (α, dα)
//!            u_j = tanh(q + k_j);  dv += Σ_j de_j u_j;  dp_j = de_j v ⊙ (1 − u_j²)
//!            dk_j = dp_j;  dq = Σ_j dp_j;  ds = W_qᵀ dq
//! Every source position j gets a direct path from c: this is why attention does not forget.

use super::grads::{Grads, ParamsMut};
use super::linear::Linear;
use super::mat::{add_into, axpy, dot, vec_from_tensor, Mat};
use super::softmax::{softmax, softmax_backward};
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct Bahdanau {
    /// W_q [A, H], no bias: `{prefix}.query`
    pub query: Linear,
    /// W_k [A, D] + b_k [A]: `{prefix}.key`
    pub key: Linear,
    /// v [A]: `{prefix}.v.weight` ([1, A] in the file)
    pub v: Vec<f64>,
    pub v_name: String,
}

/// One step's attention: the context c [D] and the weights α [S].
#[derive(Clone, Debug)]
pub struct Attended {
    pub context: Vec<f64>,
    pub alpha: Vec<f64>,
}

/// What one step's backward returns.
#[derive(Clone, Debug)]
pub struct AttendGrads {
    /// ∂L/∂s [H]
    pub ds: Vec<f64>,
    /// ∂L/∂k [S, A] (to be sent through `key` once, summed over steps)
    pub d_keys: Mat,
    /// ∂L/∂h [S, D] through the weighted sum
    pub d_values: Mat,
}

impl Bahdanau {
    pub fn from_layer(l: &layers::BahdanauAttention<CpuBackend>, prefix: &str) -> Self {
        Self {
            query: Linear::from_layer(&l.query, &format!("{prefix}.query")),
            key: Linear::from_layer(&l.key, &format!("{prefix}.key")),
            v: vec_from_tensor(&l.v),
            v_name: format!("{prefix}.v.weight"),
        }
    }

    /// k = W_k h + b_k: [S, D] → [S, A].
    pub fn project_keys(&self, annotations: &Mat) -> Mat {
        self.key.forward(annotations)
    }

    /// e_j = vᵀ tanh(q + k_j) for q [A], keys [S, A] → [S].
    fn energies(&self, q: &[f64], keys: &Mat) -> Vec<f64> {
        (0..keys.rows)
            .map(|j| {
                let u: Vec<f64> = keys
                    .row(j)
                    .iter()
                    .zip(q)
                    .map(|(k, q)| (k + q).tanh())
                    .collect();
                dot(&self.v, &u)
            })
            .collect()
    }

    /// s [H], keys [S, A], annotations [S, D] → c [D], α [S].
    pub fn attend(&self, s: &[f64], keys: &Mat, annotations: &Mat) -> Attended {
        let q = self.query.forward_vec(s);
        let alpha = softmax(&self.energies(&q, keys));
        let mut context = vec![0.0; annotations.cols];
        for (j, &a) in alpha.iter().enumerate() {
            axpy(&mut context, a, annotations.row(j));
        }
        Attended { context, alpha }
    }

    /// dc [D] → ∂L/∂s, ∂L/∂keys, ∂L/∂annotations; adds dW_q and dv.
    pub fn attend_backward(
        &self,
        s: &[f64],
        keys: &Mat,
        annotations: &Mat,
        alpha: &[f64],
        dc: &[f64],
        grads: &mut Grads,
    ) -> AttendGrads {
        let q = self.query.forward_vec(s);
        let (len, a_dim) = (keys.rows, keys.cols);
        let mut d_values = Mat::zeros(len, annotations.cols);
        let d_alpha: Vec<f64> = (0..len).map(|j| dot(dc, annotations.row(j))).collect();
        for j in 0..len {
            axpy(d_values.row_mut(j), alpha[j], dc);
        }
        let de = softmax_backward(alpha, &d_alpha);
        let mut d_keys = Mat::zeros(len, a_dim);
        let (mut dq, mut dv) = (vec![0.0; a_dim], vec![0.0; a_dim]);
        for j in 0..len {
            let dk = d_keys.row_mut(j);
            for (a, (k, qa)) in keys.row(j).iter().zip(&q).enumerate() {
                let u = (k + qa).tanh();
                dv[a] += de[j] * u;
                dk[a] = de[j] * self.v[a] * (1.0 - u * u);
            }
            add_into(&mut dq, d_keys.row(j));
        }
        grads.add_vec(&self.v_name, &dv);
        let ds = self.query.backward_vec(s, &dq, grads);
        AttendGrads {
            ds,
            d_keys,
            d_values,
        }
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.query.params_mut(out);
        self.key.params_mut(out);
        out.push((self.v_name.clone(), &mut self.v));
    }
}
