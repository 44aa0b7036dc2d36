//! rnn / gru / lstm encoder–decoder with one fixed context (core `models/fixed_context.rs`).

use candle_core::{IndexOp, Result, Tensor};
use candle_nn::VarBuilder;
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::RecurrentConfig;

use super::layers::*;
use super::Batch;

/// rnn / gru / lstm encoder–decoder with one fixed context (core `fixed_context.rs`).
#[derive(Debug)]
pub struct FixedContext {
    pub config: RecurrentConfig,
    pub dropout: f32,
    src_embed: Tensor,
    encoder: Cell,
    tgt_embed: Tensor,
    decoder: Cell,
    out: Lin,
}

impl FixedContext {
    pub fn new(vb: &VarBuilder, kind: CellKind, c: &RecurrentConfig, dropout: f32) -> Result<Self> {
        let (e, h) = (c.embed_dim, c.hidden_dim);
        Ok(Self {
            config: c.clone(),
            dropout,
            src_embed: embedding(vb, "encoder.embedding", c.src_vocab, e, 1.0)?,
            encoder: Cell::new(&vb.pp("encoder.rnn"), "l0", kind, e, h)?,
            tgt_embed: embedding(vb, "decoder.embedding", c.tgt_vocab, e, 1.0)?,
            decoder: Cell::new(&vb.pp("decoder.rnn"), "l0", kind, e + h, h)?,
            out: Lin::new(vb, "decoder.out", 2 * h, c.tgt_vocab, true)?,
        })
    }

    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let dev = batch.src.device();
        let (b, _) = batch.src.dims2()?;
        let t = batch.tgt_in.dim(1)?;
        let h = self.config.hidden_dim;
        let x = dropout(&embed(&self.src_embed, &batch.src)?, self.dropout, train)?;
        let gi = self.encoder.input_proj(&x)?;
        let (_, last) = self.encoder.run(
            &gi,
            &batch.src_mask,
            self.encoder.zero_state(b, dev)?,
            false,
        )?;
        let c = last.h.clone(); // [B, H]
        let c_seq = c.unsqueeze(1)?.broadcast_as((b, t, h))?;
        let y = dropout(&embed(&self.tgt_embed, &batch.tgt_in)?, self.dropout, train)?;
        let gi = self.decoder.input_proj(&Tensor::cat(&[&y, &c_seq], 2)?)?;
        let mut s = last;
        let mut hs = Vec::with_capacity(t);
        for i in 0..t {
            s = self.decoder.step(&gi.i((.., i))?, &s)?;
            hs.push(s.h.clone());
        }
        let hs = Tensor::stack(&hs, 1)?; // [B, T, H]
        let feats = dropout(&Tensor::cat(&[&hs, &c_seq], 2)?, self.dropout, train)?;
        self.out.forward(&feats)
    }
}
