//! Backward pass of the fixed-context encoder–decoder (rnn, gru, lstm; core
//! `models/fixed_context.rs`):
//!
//!   encoder  s_t = Cell(e_t, s_{t−1}),  c = h_{S−1}   (e_t = encoder.embedding[src_t])
//!   decoder  s'_0 = s_{S−1},  s'_i = Cell([emb(y_{i−1}) ; c], s'_{i−1}),  z_i = W_out [h'_i ; c] + b
//!
//! Backward: the output layer and every decoder input send a gradient to c; the decoder's
//! backpropagation through time ends in ∂L/∂s'_0; c and s'_0 are both the encoder's last state,
//! so their gradients meet there and flow back through the encoder, step by step.

use super::batched::{frobenius_norms, identity, unroll_backward_rows, StateRows};
use super::embedding::Embedding;
use super::grads::{Grads, ParamsMut};
use super::linear::Linear;
use super::loss::mean_cross_entropy;
use super::mat::{add_into, concat};
use super::memory::{
    check_source, teacher_forcing, ContextSensitivity, LossGradients, SourceGrads,
};
use super::recurrent::{Cell, State};
use crate::backend::CpuBackend;
use crate::layers::CellKind;
use crate::models::FixedContextModel;
use crate::Result;

#[derive(Clone, Debug)]
pub struct FixedContextGrad {
    pub kind: CellKind,
    pub src_embed: Embedding,
    pub encoder: Cell,
    pub tgt_embed: Embedding,
    pub decoder: Cell,
    pub out: Linear,
}

/// Everything the forward pass keeps for the backward.
#[derive(Clone, Debug)]
pub struct FixedContextPass {
    pub src: Vec<u32>,
    pub tgt_in: Vec<u32>,
    /// e_t [E] per source position
    pub src_x: Vec<Vec<f64>>,
    /// encoder state after each step
    pub enc: Vec<State>,
    /// decoder inputs [emb(y_{i−1}) ; c] [E + H]
    pub dec_x: Vec<Vec<f64>>,
    /// decoder state after each step
    pub dec: Vec<State>,
    /// logits per step [Vt]
    pub logits: Vec<Vec<f64>>,
}

impl FixedContextPass {
    /// c = h_{S−1} [H]
    pub fn context(&self) -> &[f64] {
        &self.enc[self.enc.len() - 1].h
    }
}

impl FixedContextGrad {
    /// The weights of a loaded model, widened to f64.
    pub fn from_model(m: &FixedContextModel<CpuBackend>) -> Self {
        Self {
            kind: m.kind,
            src_embed: Embedding::from_layer(&m.src_embed, "encoder.embedding"),
            encoder: Cell::from_layer(&m.encoder, "encoder.rnn", "l0"),
            tgt_embed: Embedding::from_layer(&m.tgt_embed, "decoder.embedding"),
            decoder: Cell::from_layer(&m.decoder, "decoder.rnn", "l0"),
            out: Linear::from_layer(&m.out, "decoder.out"),
        }
    }

    /// Encoder over `src` (ending with EOS), decoder teacher-forced on `tgt_in` (BOS first; may be
    /// empty when only c is wanted).
    pub fn forward(&self, src: &[u32], tgt_in: &[u32]) -> Result<FixedContextPass> {
        check_source(src)?;
        self.src_embed.check(src)?;
        self.tgt_embed.check(tgt_in)?;
        let src_x = self.src_embed.forward(src).to_rows();
        let enc = self.encoder.unroll(&src_x, &self.encoder.zero_state());
        let last = &enc[enc.len() - 1];
        let c = &last.h;
        let dec_x: Vec<Vec<f64>> = self
            .tgt_embed
            .forward(tgt_in)
            .to_rows()
            .iter()
            .map(|y| concat(y, c))
            .collect();
        let dec = self.decoder.unroll(&dec_x, last);
        let logits = dec
            .iter()
            .map(|s| self.out.forward_vec(&concat(&s.h, c)))
            .collect();
        Ok(FixedContextPass {
            src: src.to_vec(),
            tgt_in: tgt_in.to_vec(),
            src_x,
            enc,
            dec_x,
            dec,
            logits,
        })
    }

    /// Cotangents on the logits of each step (an empty vector: none) and on c → gradients of the
    /// source embeddings and total ∂/∂h_t of the encoder; adds the weight gradients.
    pub fn backward(
        &self,
        pass: &FixedContextPass,
        d_logits: &[Vec<f64>],
        d_context: Option<&[f64]>,
        grads: &mut Grads,
    ) -> SourceGrads {
        let (h, e) = (self.encoder.hidden, self.src_embed.table.cols);
        let c = pass.context();
        let mut dc = d_context.map_or_else(|| vec![0.0; h], <[f64]>::to_vec);
        // Output layer: z_i = W_out [h'_i ; c] + b.
        let mut d_dec_h = vec![Vec::new(); pass.dec.len()];
        for (i, dz) in d_logits.iter().enumerate().filter(|(_, d)| !d.is_empty()) {
            let d_feat = self.out.backward_vec(&concat(&pass.dec[i].h, c), dz, grads);
            d_dec_h[i] = d_feat[..h].to_vec();
            add_into(&mut dc, &d_feat[h..]);
        }
        // Decoder, through time, from s'_0 = the encoder's last state.
        let enc_last = &pass.enc[pass.enc.len() - 1];
        let dec = self.decoder.unroll_backward(
            &pass.dec_x,
            enc_last,
            &pass.dec,
            &d_dec_h,
            &self.decoder.zero_state(),
            grads,
        );
        let dy: Vec<Vec<f64>> = dec.dxs.iter().map(|dx| dx[..e].to_vec()).collect();
        for dx in &dec.dxs {
            add_into(&mut dc, &dx[e..]);
        }
        self.tgt_embed.backward(&pass.tgt_in, &dy, grads);
        // Encoder: its last state is both s'_0 and (its h) c.
        let mut d_last = dec.d_init;
        add_into(&mut d_last.h, &dc);
        let enc = self.encoder.unroll_backward(
            &pass.src_x,
            &self.encoder.zero_state(),
            &pass.enc,
            &[],
            &d_last,
            grads,
        );
        self.src_embed.backward(&pass.src, &enc.dxs, grads);
        SourceGrads {
            embeddings: enc.dxs,
            hidden: enc.dh_total,
        }
    }

    /// ‖∂c/∂e_j‖ per source position: c is the encoder's last hidden state, the same at every
    /// decoder step (so no step is chosen). The H unit cotangents on c (the rows of I_H) run
    /// back through the encoder together ([`super::batched`]); `backward` seeded with one unit
    /// vector at a time gives the same numbers (tested).
    pub fn context_sensitivity(&self, src: &[u32]) -> Result<ContextSensitivity> {
        let pass = self.forward(src, &[])?;
        let h = self.encoder.hidden;
        let d_last = StateRows {
            h: identity(h),
            ..StateRows::zeros(&self.encoder, h)
        };
        let dxs = unroll_backward_rows(
            &self.encoder,
            &pass.src_x,
            &self.encoder.zero_state(),
            &pass.enc,
            &|_| None,
            d_last,
        );
        Ok(ContextSensitivity {
            norms: frobenius_norms(&dxs),
            context: pass.context().to_vec(),
            attention: Vec::new(),
        })
    }

    /// Teacher-forced loss of (src, tgt) and its gradients; h_t is the encoder's hidden state
    /// after reading token t (c = h_{S−1}).
    pub fn loss_gradients(&self, src: &[u32], tgt: &[u32]) -> Result<LossGradients> {
        let (tgt_in, tgt_out) = teacher_forcing(tgt);
        let pass = self.forward(src, &tgt_in)?;
        let (loss, nll, d_logits) = mean_cross_entropy(&pass.logits, &tgt_out);
        let mut grads = Grads::new();
        let source = self.backward(&pass, &d_logits, None, &mut grads);
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
        self.encoder.params.params_mut(&mut out);
        self.tgt_embed.params_mut(&mut out);
        self.decoder.params.params_mut(&mut out);
        self.out.params_mut(&mut out);
        out
    }
}
