//! Backward pass of the GRU encoder–decoder with Bahdanau attention (gru-attn; core
//! `models/gru_attention.rs`):
//!
//!   encoder  h_j = [h→_j ; h←_j] (bidirectional GRU over e_j),  k_j = W_k h_j + b_k
//!   bridge   s_0 = tanh(W_b [h→_{S−1} ; h←_0] + b_b)
//!   step i   (c_i, α_i) = Attention(s_{i−1}, k, h);  s_i = GRU([emb(y_{i−1}) ; c_i], s_{i−1})
//!            z_i = W_out [s_i ; c_i] + b_out
//!
//! Backward, step by step from the last: c_i collects from the output layer and the GRU's input;
//! the attention backward sends it to s_{i−1}, to every key and to every annotation h_j directly;
//! the bridge's gradient enters the encoder at its two ends; then both directions run back.

use super::bahdanau::{Attended, Bahdanau};
use super::batched::{frobenius_norms, identity, step_rows, unroll_backward_rows, StateRows};
use super::bidirectional::{BiPass, Bidirectional};
use super::embedding::Embedding;
use super::grads::{Grads, ParamsMut};
use super::linear::Linear;
use super::loss::mean_cross_entropy;
use super::mat::{add_into, axpy, concat, dot, matmul, Mat};
use super::memory::{
    check_source, teacher_forcing, ContextSensitivity, LossGradients, SourceGrads,
};
use super::recurrent::{Cell, State};
use super::softmax::softmax_backward;
use crate::backend::CpuBackend;
use crate::models::GruAttentionModel;
use crate::Result;

#[derive(Clone, Debug)]
pub struct GruAttentionGrad {
    pub src_embed: Embedding,
    pub encoder: Bidirectional,
    pub tgt_embed: Embedding,
    pub bridge: Linear,
    pub attention: Bahdanau,
    pub decoder: Cell,
    pub out: Linear,
}

/// Everything the forward pass keeps for the backward.
#[derive(Clone, Debug)]
pub struct GruAttentionPass {
    pub src: Vec<u32>,
    pub tgt_in: Vec<u32>,
    /// e_j [E]
    pub src_x: Vec<Vec<f64>>,
    pub bi: BiPass,
    /// h [S, 2H]
    pub annotations: Mat,
    /// W_k h + b_k [S, A]
    pub keys: Mat,
    /// [h→_{S−1} ; h←_0] [2H]
    pub bridge_in: Vec<f64>,
    /// s_0 [H]
    pub s0: State,
    /// per step: c_i [2H] and α_i [S]
    pub attended: Vec<Attended>,
    /// per step: [emb(y_{i−1}) ; c_i] [E + 2H]
    pub dec_x: Vec<Vec<f64>>,
    /// s_i per step
    pub states: Vec<State>,
    /// z_i [Vt] per step
    pub logits: Vec<Vec<f64>>,
}

/// Columns `range` of every row of m.
fn columns(m: &Mat, range: std::ops::Range<usize>) -> Mat {
    let rows: Vec<Vec<f64>> = (0..m.rows)
        .map(|r| m.row(r)[range.clone()].to_vec())
        .collect();
    Mat::new(m.rows, range.len(), rows.concat())
}

impl GruAttentionGrad {
    pub fn from_model(m: &GruAttentionModel<CpuBackend>) -> Self {
        Self {
            src_embed: Embedding::from_layer(&m.src_embed, "encoder.embedding"),
            encoder: Bidirectional::from_layer(&m.encoder, "encoder.rnn"),
            tgt_embed: Embedding::from_layer(&m.tgt_embed, "decoder.embedding"),
            bridge: Linear::from_layer(&m.bridge, "decoder.bridge"),
            attention: Bahdanau::from_layer(&m.attention, "decoder.attention"),
            decoder: Cell::from_layer(&m.decoder, "decoder.rnn", "l0"),
            out: Linear::from_layer(&m.out, "decoder.out"),
        }
    }

    /// Encoder over `src` (ending with EOS), decoder teacher-forced on `tgt_in` (BOS first).
    pub fn forward(&self, src: &[u32], tgt_in: &[u32]) -> Result<GruAttentionPass> {
        check_source(src)?;
        self.src_embed.check(src)?;
        self.tgt_embed.check(tgt_in)?;
        let src_x = self.src_embed.forward(src).to_rows();
        let bi = self.encoder.run(&src_x);
        let annotations = Bidirectional::annotations(&bi);
        let keys = self.attention.project_keys(&annotations);
        let bridge_in = concat(&bi.fwd[src.len() - 1].h, &bi.bwd[0].h);
        let s0 = State {
            h: self
                .bridge
                .forward_vec(&bridge_in)
                .iter()
                .map(|v| v.tanh())
                .collect(),
            c: None,
        };
        let ys = self.tgt_embed.forward(tgt_in).to_rows();
        let (mut attended, mut dec_x, mut states, mut logits) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for y in &ys {
            let prev = states.last().unwrap_or(&s0);
            let att = self.attention.attend(&prev.h, &keys, &annotations);
            let x = concat(y, &att.context);
            let s = self.decoder.step(&x, prev);
            logits.push(self.out.forward_vec(&concat(&s.h, &att.context)));
            attended.push(att);
            dec_x.push(x);
            states.push(s);
        }
        Ok(GruAttentionPass {
            src: src.to_vec(),
            tgt_in: tgt_in.to_vec(),
            src_x,
            bi,
            annotations,
            keys,
            bridge_in,
            s0,
            attended,
            dec_x,
            states,
            logits,
        })
    }

    /// Cotangents on each step's logits and on each step's context c_i (empty vectors: none) →
    /// gradients of the source embeddings and total ∂/∂[h→_j ; h←_j]; adds the weight gradients.
    pub fn backward(
        &self,
        pass: &GruAttentionPass,
        d_logits: &[Vec<f64>],
        d_context: &[Vec<f64>],
        grads: &mut Grads,
    ) -> SourceGrads {
        let h = self.decoder.hidden;
        let (d_ann, d_bridge_in) = self.decoder_backward(pass, d_logits, d_context, grads);
        let enc = self.encoder.backward_pass(
            &pass.src_x,
            &pass.bi,
            &d_ann,
            &d_bridge_in[..h],
            &d_bridge_in[h..],
            grads,
        );
        self.src_embed.backward(&pass.src, &enc.dxs, grads);
        SourceGrads {
            embeddings: enc.dxs,
            hidden: enc
                .dh_fwd
                .iter()
                .zip(&enc.dh_bwd)
                .map(|(f, b)| concat(f, b))
                .collect(),
        }
    }

    /// The decoder's half of [`Self::backward`]: the steps from the last, the attention, the
    /// keys and the bridge → (∂/∂annotations [S, 2H] from outside the encoder's recurrence,
    /// ∂/∂[h→_{S−1} ; h←_0] from the bridge).
    pub fn decoder_backward(
        &self,
        pass: &GruAttentionPass,
        d_logits: &[Vec<f64>],
        d_context: &[Vec<f64>],
        grads: &mut Grads,
    ) -> (Mat, Vec<f64>) {
        let (h, e) = (self.decoder.hidden, self.tgt_embed.table.cols);
        let mut d_ann = Mat::zeros(pass.annotations.rows, pass.annotations.cols);
        let mut d_keys = Mat::zeros(pass.keys.rows, pass.keys.cols);
        let mut ds = vec![0.0; h]; // ∂L/∂s_i, from the steps after i
        let mut dy = vec![Vec::new(); pass.states.len()];
        for i in (0..pass.states.len()).rev() {
            let prev = if i == 0 {
                &pass.s0
            } else {
                &pass.states[i - 1]
            };
            let att = &pass.attended[i];
            let mut dctx = match d_context.get(i) {
                Some(d) if !d.is_empty() => d.clone(),
                _ => vec![0.0; 2 * h],
            };
            if let Some(dz) = d_logits.get(i).filter(|d| !d.is_empty()) {
                let d_feat =
                    self.out
                        .backward_vec(&concat(&pass.states[i].h, &att.context), dz, grads);
                add_into(&mut ds, &d_feat[..h]);
                add_into(&mut dctx, &d_feat[h..]);
            }
            let d_new = State { h: ds, c: None };
            let (dx, d_prev) = self
                .decoder
                .step_backward(&pass.dec_x[i], prev, &d_new, grads);
            dy[i] = dx[..e].to_vec();
            add_into(&mut dctx, &dx[e..]);
            let a = self.attention.attend_backward(
                &prev.h,
                &pass.keys,
                &pass.annotations,
                &att.alpha,
                &dctx,
                grads,
            );
            d_keys.add_assign(&a.d_keys);
            d_ann.add_assign(&a.d_values);
            ds = d_prev.h;
            add_into(&mut ds, &a.ds);
        }
        self.tgt_embed.backward(&pass.tgt_in, &dy, grads);
        // s_0 = tanh(bridge([h→_{S−1} ; h←_0])).
        let d_pre: Vec<f64> = ds
            .iter()
            .zip(&pass.s0.h)
            .map(|(d, s)| d * (1.0 - s * s))
            .collect();
        let d_bridge_in = self.bridge.backward_vec(&pass.bridge_in, &d_pre, grads);
        d_ann.add_assign(
            &self
                .attention
                .key
                .backward(&pass.annotations, &d_keys, grads),
        );
        (d_ann, d_bridge_in)
    }

    /// ‖∂c_i/∂e_j‖ for the decoder step i = prefix.len() (inputs BOS, prefix…): c_i = Σ_j α_ij h_j
    /// depends on e_j through h_j directly and through α_i, whose query s_{i−1} went through the
    /// bridge and the earlier steps. All 2H unit cotangents on c_i travel together as the rows of
    /// one matrix: through the i + 1 decoder steps and their attention
    /// (`decoder_backward_rows`), then through the bidirectional encoder ([`super::batched`]); `backward` seeded with one unit vector at a time gives the same
    /// numbers (tested).
    pub fn context_sensitivity(&self, src: &[u32], prefix: &[u32]) -> Result<ContextSensitivity> {
        let (tgt_in, _) = teacher_forcing(prefix);
        let pass = self.forward(src, &tgt_in)?;
        let i = tgt_in.len() - 1;
        let dim = pass.attended[i].context.len();
        let (s, h) = (src.len(), self.encoder.forward.hidden);
        // Row k of each matrix: the cotangent of pass k (a unit vector on c_i[k]).
        let (d_ann, d_bridge) = self.decoder_backward_rows(&pass, i, &identity(dim));
        let d_fwd: Vec<Mat> = d_ann.iter().map(|m| columns(m, 0..h)).collect();
        let d_bwd: Vec<Mat> = d_ann.iter().map(|m| columns(m, h..2 * h)).collect();
        let (last_fwd, last_bwd) = (columns(&d_bridge, 0..h), columns(&d_bridge, h..2 * h));
        let (fwd, bwd) = (&self.encoder.forward, &self.encoder.backward);
        let mut dxs = unroll_backward_rows(
            fwd,
            &pass.src_x,
            &fwd.zero_state(),
            &pass.bi.fwd,
            &|t| Some(d_fwd[t].clone()),
            StateRows {
                h: last_fwd,
                ..StateRows::zeros(fwd, dim)
            },
        );
        // The backward direction reads the source right to left.
        let rev_x: Vec<Vec<f64>> = pass.src_x.iter().rev().cloned().collect();
        let rev_states: Vec<State> = pass.bi.bwd.iter().rev().cloned().collect();
        let dxs_rev = unroll_backward_rows(
            bwd,
            &rev_x,
            &bwd.zero_state(),
            &rev_states,
            &|t| Some(d_bwd[s - 1 - t].clone()),
            StateRows {
                h: last_bwd,
                ..StateRows::zeros(bwd, dim)
            },
        );
        for (j, dx) in dxs.iter_mut().enumerate() {
            dx.add_assign(&dxs_rev[s - 1 - j]);
        }
        Ok(ContextSensitivity {
            norms: frobenius_norms(&dxs),
            context: pass.attended[i].context.clone(),
            attention: pass.attended[i].alpha.clone(),
        })
    }

    /// [`Self::decoder_backward`] for K cotangents on c_i at once (the rows of `seed` [K, 2H], at
    /// step i, nothing on the logits) → (∂/∂h_j [K, 2H] per source position, ∂/∂[h→_{S−1} ; h←_0]
    /// [K, 2H]). Each step's attention is linearised once: with u_j = tanh(q + k_j) and
    /// w_j = v ⊙ (1 − u_j²), the keys' gradient de_j w_j reaches h_j as de_j g_j, g_j = w_j W_k,
    /// so the key projection's backward runs once per step instead of once per cotangent.
    fn decoder_backward_rows(
        &self,
        pass: &GruAttentionPass,
        i: usize,
        seed: &Mat,
    ) -> (Vec<Mat>, Mat) {
        let k = seed.rows;
        let (h, e) = (self.decoder.hidden, self.tgt_embed.table.cols);
        let (len, dim, a_dim) = (pass.annotations.rows, pass.annotations.cols, pass.keys.cols);
        let mut d_ann = vec![Mat::zeros(k, dim); len];
        let mut ds = Mat::zeros(k, h);
        for step in (0..=i).rev() {
            let prev = if step == 0 {
                &pass.s0
            } else {
                &pass.states[step - 1]
            };
            let alpha = &pass.attended[step].alpha;
            let (dx, d_prev) = step_rows(
                &self.decoder,
                &pass.dec_x[step],
                prev,
                &StateRows { h: ds, c: None },
            );
            let mut dctx = columns(&dx, e..e + dim);
            if step == i {
                dctx.add_assign(seed);
            }
            let q = self.attention.query.forward_vec(&prev.h);
            let mut w = Mat::zeros(len, a_dim);
            for j in 0..len {
                for (a, wa) in w.row_mut(j).iter_mut().enumerate() {
                    let u = (pass.keys.row(j)[a] + q[a]).tanh();
                    *wa = self.attention.v[a] * (1.0 - u * u);
                }
            }
            let g = matmul(&w, &self.attention.key.weight);
            let mut dq = Mat::zeros(k, a_dim);
            for r in 0..k {
                let dc = dctx.row(r);
                let d_alpha: Vec<f64> =
                    (0..len).map(|j| dot(dc, pass.annotations.row(j))).collect();
                let de = softmax_backward(alpha, &d_alpha);
                for j in 0..len {
                    let row = d_ann[j].row_mut(r);
                    axpy(row, alpha[j], dc);
                    axpy(row, de[j], g.row(j));
                    axpy(dq.row_mut(r), de[j], w.row(j));
                }
            }
            ds = d_prev.h;
            ds.add_assign(&matmul(&dq, &self.attention.query.weight));
        }
        // s_0 = tanh(bridge([h→_{S−1} ; h←_0])).
        for r in 0..k {
            for (d, s) in ds.row_mut(r).iter_mut().zip(&pass.s0.h) {
                *d *= 1.0 - s * s;
            }
        }
        (d_ann, matmul(&ds, &self.bridge.weight))
    }

    /// Teacher-forced loss of (src, tgt) and its gradients; h_t is the annotation
    /// [h→_t ; h←_t], each half's gradient taken as a whole (its own use and the recurrence).
    pub fn loss_gradients(&self, src: &[u32], tgt: &[u32]) -> Result<LossGradients> {
        let (tgt_in, tgt_out) = teacher_forcing(tgt);
        let pass = self.forward(src, &tgt_in)?;
        let (loss, nll, d_logits) = mean_cross_entropy(&pass.logits, &tgt_out);
        let mut grads = Grads::new();
        let source = self.backward(&pass, &d_logits, &[], &mut grads);
        Ok(LossGradients::new(loss, nll, &source, grads))
    }

    /// The teacher-forced loss alone (for finite differences).
    pub fn loss(&self, src: &[u32], tgt: &[u32]) -> Result<f64> {
        let (tgt_in, tgt_out) = teacher_forcing(tgt);
        let pass = self.forward(src, &tgt_in)?;
        Ok(mean_cross_entropy(&pass.logits, &tgt_out).0)
    }

    /// Every weight by PyTorch name.
    pub fn params_mut(&mut self) -> ParamsMut<'_> {
        let mut out = Vec::new();
        self.src_embed.params_mut(&mut out);
        self.encoder.params_mut(&mut out);
        self.tgt_embed.params_mut(&mut out);
        self.bridge.params_mut(&mut out);
        self.attention.params_mut(&mut out);
        self.decoder.params.params_mut(&mut out);
        self.out.params_mut(&mut out);
        out
    }
}
