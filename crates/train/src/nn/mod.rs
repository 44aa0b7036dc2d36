//! The five model families in candle, for training. Each computes exactly the equations of its
//! seq2seq-core twin (crates/core/src/models/*.rs) with the same PyTorch weight names and layouts,
//! so exporting is a plain save of the `VarMap` (no renaming, no transposes), and
//! `tests/parity.rs` checks that candle's logits equal core's.
//!
//! Training runs on padded batches. Sources end with EOS (as core's `decode` appends it), targets
//! are `BOS y` in and `y EOS` out. Padding never changes what a real position computes:
//! - recurrent encoders carry their state unchanged through padded steps (mask = 0), so the last
//!   state is the state at each sentence's own end, and the backward direction of the
//!   bidirectional encoder starts from zero at each sentence's real end;
//! - attention (Bahdanau and multi-head) gives padded source positions weight exactly 0;
//! - the decoder's padded steps only produce logits that the loss masks out.
//!
//! One file per family, as in core: `fixed_context.rs`, `gru_attention.rs`, `transformer.rs`;
//! shared pieces in `layers.rs`.

mod fixed_context;
mod gru_attention;
mod layers;
mod transformer;

pub use fixed_context::FixedContext;
pub use gru_attention::GruAttention;
pub use layers::{seed_dropout, Cell, Lin, State};
pub use transformer::{Norm, Transformer};

use candle_core::{Device, Result, Tensor, D};
use candle_nn::VarBuilder;
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::ModelConfig;

/// A padded batch. Shapes: src [B, S] (u32), src_mask [B, S] (f32, 1 = real), tgt_in/tgt_out [B, T]
/// (u32), tgt_mask [B, T] (f32).
#[derive(Clone, Debug)]
pub struct Batch {
    pub src: Tensor,
    pub src_mask: Tensor,
    pub tgt_in: Tensor,
    pub tgt_out: Tensor,
    pub tgt_mask: Tensor,
}

impl Batch {
    /// Pads `pairs` of (source ids ending with EOS, target ids without BOS/EOS).
    pub fn new(pairs: &[(&[u32], &[u32])], dev: &Device) -> Result<Self> {
        use seq2seq_core::tokenizer::{BOS, EOS, PAD};
        let b = pairs.len();
        let s = pairs.iter().map(|p| p.0.len()).max().unwrap_or(1);
        let t = pairs.iter().map(|p| p.1.len() + 1).max().unwrap_or(1);
        let (mut src, mut src_mask) = (vec![PAD; b * s], vec![0f32; b * s]);
        let (mut tin, mut tout, mut tmask) =
            (vec![PAD; b * t], vec![PAD; b * t], vec![0f32; b * t]);
        for (i, (x, y)) in pairs.iter().enumerate() {
            for (j, &id) in x.iter().enumerate() {
                src[i * s + j] = id;
                src_mask[i * s + j] = 1.0;
            }
            for j in 0..=y.len() {
                tin[i * t + j] = if j == 0 { BOS } else { y[j - 1] };
                tout[i * t + j] = if j == y.len() { EOS } else { y[j] };
                tmask[i * t + j] = 1.0;
            }
        }
        Ok(Self {
            src: Tensor::from_vec(src, (b, s), dev)?,
            src_mask: Tensor::from_vec(src_mask, (b, s), dev)?,
            tgt_in: Tensor::from_vec(tin, (b, t), dev)?,
            tgt_out: Tensor::from_vec(tout, (b, t), dev)?,
            tgt_mask: Tensor::from_vec(tmask, (b, t), dev)?,
        })
    }

    pub fn target_tokens(&self) -> Result<f32> {
        self.tgt_mask.sum_all()?.to_scalar::<f32>()
    }
}

/// Any family, built from core's `ModelConfig`.
#[derive(Debug)]
pub enum Model {
    FixedContext(FixedContext),
    GruAttn(GruAttention),
    Transformer(Transformer),
}

impl Model {
    pub fn new(vb: &VarBuilder, config: &ModelConfig, dropout: f32) -> Result<Self> {
        Ok(match config {
            ModelConfig::Rnn(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Rnn, c, dropout)?)
            }
            ModelConfig::Gru(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Gru, c, dropout)?)
            }
            ModelConfig::Lstm(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Lstm, c, dropout)?)
            }
            ModelConfig::GruAttn(c) => Model::GruAttn(GruAttention::new(vb, c, dropout)?),
            ModelConfig::Transformer(c) => Model::Transformer(Transformer::new(vb, c, dropout)?),
        })
    }

    /// Teacher-forced logits [B, T, Vt].
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        match self {
            Model::FixedContext(m) => m.forward(batch, train),
            Model::GruAttn(m) => Ok(m.forward_with_attention(batch, train)?.0),
            Model::Transformer(m) => m.forward(batch, train),
        }
    }
}

/// Mean over real target tokens of the label-smoothed cross-entropy:
/// (1 − ε)·(−log p(y)) + ε·mean_v(−log p(v)).
pub fn loss(logits: &Tensor, batch: &Batch, smoothing: f64) -> Result<Tensor> {
    let (b, t, v) = logits.dims3()?;
    let logp = candle_nn::ops::log_softmax(&logits.reshape((b * t, v))?, D::Minus1)?;
    let target = batch.tgt_out.reshape((b * t, 1))?;
    let nll = logp.gather(&target, 1)?.neg()?.squeeze(1)?; // [B·T]
    let per_token = if smoothing > 0.0 {
        let smooth = logp.mean(1)?.neg()?;
        ((nll * (1.0 - smoothing))? + (smooth * smoothing)?)?
    } else {
        nll
    };
    let mask = batch.tgt_mask.flatten_all()?;
    (per_token * &mask)?.sum_all()? / mask.sum_all()?.to_scalar::<f32>()? as f64
}

/// Plain (unsmoothed) summed negative log-likelihood of the real target tokens.
pub fn nll_sum(logits: &Tensor, batch: &Batch) -> Result<f32> {
    let (b, t, v) = logits.dims3()?;
    let logp = candle_nn::ops::log_softmax(&logits.reshape((b * t, v))?, D::Minus1)?;
    let nll = logp
        .gather(&batch.tgt_out.reshape((b * t, 1))?, 1)?
        .neg()?
        .squeeze(1)?;
    (nll * batch.tgt_mask.flatten_all()?)?
        .sum_all()?
        .to_scalar()
}
