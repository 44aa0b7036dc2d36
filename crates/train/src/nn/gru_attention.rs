//! Bidirectional GRU encoder + GRU decoder with Bahdanau attention (core
//! `models/gru_attention.rs`).

use candle_core::{IndexOp, Result, Tensor, D};
use candle_nn::{Init, VarBuilder};
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::AttentionConfig;

use super::layers::*;
use super::Batch;

/// Bidirectional GRU encoder + GRU decoder with Bahdanau attention (core `gru_attention.rs`).
#[derive(Debug)]
pub struct GruAttention {
    pub config: AttentionConfig,
    pub dropout: f32,
    src_embed: Tensor,
    fwd: Cell,
    bwd: Cell,
    tgt_embed: Tensor,
    bridge: Lin,
    query: Lin,
    key: Lin,
    v: Tensor,
    decoder: Cell,
    out: Lin,
}

impl GruAttention {
    pub fn new(vb: &VarBuilder, c: &AttentionConfig, dropout: f32) -> Result<Self> {
        let (e, h, a) = (c.embed_dim, c.hidden_dim, c.attn_dim);
        let enc = vb.pp("encoder.rnn");
        let k = 1.0 / (a as f64).sqrt();
        Ok(Self {
            config: c.clone(),
            dropout,
            src_embed: embedding(vb, "encoder.embedding", c.src_vocab, e, 1.0)?,
            fwd: Cell::new(&enc, "l0", CellKind::Gru, e, h)?,
            bwd: Cell::new(&enc, "l0_reverse", CellKind::Gru, e, h)?,
            tgt_embed: embedding(vb, "decoder.embedding", c.tgt_vocab, e, 1.0)?,
            bridge: Lin::new(vb, "decoder.bridge", 2 * h, h, true)?,
            query: Lin::new(vb, "decoder.attention.query", h, a, false)?,
            key: Lin::new(vb, "decoder.attention.key", 2 * h, a, true)?,
            v: vb.pp("decoder.attention.v").get_with_hints(
                (1, a),
                "weight",
                Init::Uniform { lo: -k, up: k },
            )?,
            decoder: Cell::new(&vb.pp("decoder.rnn"), "l0", CellKind::Gru, e + 2 * h, h)?,
            out: Lin::new(vb, "decoder.out", 3 * h, c.tgt_vocab, true)?,
        })
    }

    /// Returns logits [B, T, Vt] and the attention weights [B, T, S].
    pub fn forward_with_attention(&self, batch: &Batch, train: bool) -> Result<(Tensor, Tensor)> {
        let dev = batch.src.device();
        let (b, _) = batch.src.dims2()?;
        let t = batch.tgt_in.dim(1)?;
        let (e, h) = (self.config.embed_dim, self.config.hidden_dim);
        let x = dropout(&embed(&self.src_embed, &batch.src)?, self.dropout, train)?;
        let (fw, fw_last) = self.fwd.run(
            &self.fwd.input_proj(&x)?,
            &batch.src_mask,
            self.fwd.zero_state(b, dev)?,
            false,
        )?;
        let (bw, bw_first) = self.bwd.run(
            &self.bwd.input_proj(&x)?,
            &batch.src_mask,
            self.bwd.zero_state(b, dev)?,
            true,
        )?;
        let annotations = Tensor::cat(&[&Tensor::stack(&fw, 1)?, &Tensor::stack(&bw, 1)?], 2)?; // [B, S, 2H]
        let keys = self.key.forward(&annotations)?; // [B, S, A]
        let s0 = self
            .bridge
            .forward(&Tensor::cat(&[&fw_last.h, &bw_first.h], 1)?)?
            .tanh()?;
        // e_ij of padded j: −1e9 (α exactly 0 after softmax).
        let neg = ((&batch.src_mask - 1.0)? * 1e9)?; // [B, S]
        let y = dropout(&embed(&self.tgt_embed, &batch.tgt_in)?, self.dropout, train)?;
        // W_ih [3H, E+2H] split into its embedding and context columns.
        let w_e = self.decoder.w_ih.narrow(1, 0, e)?.contiguous()?;
        let w_c = self.decoder.w_ih.narrow(1, e, 2 * h)?.contiguous()?;
        let gi_y = linear(&y, &w_e, Some(&self.decoder.b_ih))?; // [B, T, 3H]
        let mut s = State { h: s0, c: None };
        let (mut feats, mut alphas) = (Vec::with_capacity(t), Vec::with_capacity(t));
        for i in 0..t {
            let q = self.query.forward(&s.h)?; // [B, A]
            let energy = keys.broadcast_add(&q.unsqueeze(1)?)?.tanh()?; // [B, S, A]
            let scores = linear(&energy, &self.v, None)?.squeeze(2)?; // vᵀ tanh(..): [B, S]
            let alpha = candle_nn::ops::softmax(&(scores + &neg)?, D::Minus1)?;
            let ctx = alpha.unsqueeze(1)?.matmul(&annotations)?.squeeze(1)?; // [B, 2H]
            let gi = (gi_y.i((.., i))? + linear(&ctx, &w_c, None)?)?;
            s = self.decoder.step(&gi, &s)?;
            feats.push(Tensor::cat(&[&s.h, &ctx], 1)?);
            alphas.push(alpha);
        }
        let feats = dropout(&Tensor::stack(&feats, 1)?, self.dropout, train)?; // [B, T, 3H]
        Ok((self.out.forward(&feats)?, Tensor::stack(&alphas, 1)?))
    }
}
