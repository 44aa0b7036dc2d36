//! The five model families of the article, one file per kind of encoder–decoder:
//!
//! | family | file | context the decoder sees |
//! |---|---|---|
//! | `rnn`, `gru`, `lstm` | [`fixed_context`] | one fixed c = the encoder's last state, the same at every step |
//! | `gru-attn` | [`gru_attention`] | c_i = Σ_j α_ij h_j, recomputed per step (Bahdanau) |
//! | `transformer` | [`transformer`] | multi-head cross-attention in every decoder layer |
//!
//! Each model: a `Config`, `new(backend, config, weights)`, `encode` and one decoder `step`.

pub mod fixed_context;
pub mod gru_attention;
pub mod transformer;
pub mod transformer_explain;

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::decoding::{self, DecodeEvent, DecodeOptions, Translation};
use crate::family::Family;
use crate::layers::CellKind;
use crate::weights::Weights;
use crate::{Error, Result};

/// The trait every family implements lives in [`crate::seq2seq`] (decoding needs it, not the models).
pub use crate::seq2seq::{Encoded, ModelStep, Seq2Seq};
pub use fixed_context::{FixedContextModel, RecurrentConfig};
pub use gru_attention::{AttentionConfig, GruAttentionModel};
pub use transformer::{TransformerConfig, TransformerModel};

/// The architecture half of a model's config.json, tagged by family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family")]
pub enum ModelConfig {
    #[serde(rename = "rnn")]
    Rnn(RecurrentConfig),
    #[serde(rename = "gru")]
    Gru(RecurrentConfig),
    #[serde(rename = "lstm")]
    Lstm(RecurrentConfig),
    #[serde(rename = "gru-attn")]
    GruAttn(AttentionConfig),
    #[serde(rename = "transformer")]
    Transformer(TransformerConfig),
}

impl ModelConfig {
    pub fn family(&self) -> Family {
        match self {
            ModelConfig::Rnn(_) => Family::Rnn,
            ModelConfig::Gru(_) => Family::Gru,
            ModelConfig::Lstm(_) => Family::Lstm,
            ModelConfig::GruAttn(_) => Family::GruAttn,
            ModelConfig::Transformer(_) => Family::Transformer,
        }
    }

    /// Reject sizes no real model has (zero, or beyond what a browser could hold), so a hostile
    /// config.json cannot make the loader divide by zero or allocate without bound.
    pub fn validate(&self) -> Result<()> {
        const MAX_DIM: usize = 1 << 16;
        const MAX_VOCAB: usize = 1 << 20;
        let (src, tgt) = self.vocab_sizes();
        let mut sizes = vec![("src_vocab", src, MAX_VOCAB), ("tgt_vocab", tgt, MAX_VOCAB)];
        match self {
            ModelConfig::Rnn(c) | ModelConfig::Gru(c) | ModelConfig::Lstm(c) => {
                sizes.extend([
                    ("embed_dim", c.embed_dim, MAX_DIM),
                    ("hidden_dim", c.hidden_dim, MAX_DIM),
                ]);
            }
            ModelConfig::GruAttn(c) => sizes.extend([
                ("embed_dim", c.embed_dim, MAX_DIM),
                ("hidden_dim", c.hidden_dim, MAX_DIM),
                ("attn_dim", c.attn_dim, MAX_DIM),
            ]),
            ModelConfig::Transformer(c) => {
                sizes.extend([
                    ("dim", c.dim, MAX_DIM),
                    ("heads", c.heads, 256),
                    ("ffn_dim", c.ffn_dim, MAX_DIM),
                    ("encoder_layers", c.encoder_layers, 64),
                    ("decoder_layers", c.decoder_layers, 64),
                ]);
                if c.dim % c.heads.max(1) != 0 {
                    return Err(Error::Config(format!(
                        "dim {} is not divisible by {} heads",
                        c.dim, c.heads
                    )));
                }
            }
        }
        for (name, value, max) in sizes {
            let min = if name.ends_with("vocab") { 4 } else { 1 };
            if !(min..=max).contains(&value) {
                return Err(Error::Config(format!(
                    "{name} = {value} is outside {min}..={max}"
                )));
            }
        }
        Ok(())
    }

    pub fn vocab_sizes(&self) -> (usize, usize) {
        match self {
            ModelConfig::Rnn(c) | ModelConfig::Gru(c) | ModelConfig::Lstm(c) => {
                (c.src_vocab, c.tgt_vocab)
            }
            ModelConfig::GruAttn(c) => (c.src_vocab, c.tgt_vocab),
            ModelConfig::Transformer(c) => (c.src_vocab, c.tgt_vocab),
        }
    }
}

/// Any of the five families behind one type, for callers that pick the model at run time.
pub enum AnyModel<B: Backend> {
    FixedContext(FixedContextModel<B>),
    GruAttn(GruAttentionModel<B>),
    Transformer(TransformerModel<B>),
}

impl<B: Backend> AnyModel<B> {
    /// Build the model `config` describes from `weights` (checked: nothing missing, nothing unused).
    pub fn new(b: &B, config: &ModelConfig, mut weights: Weights) -> Result<Self> {
        config.validate()?;
        let model = Self::take_from(b, config, &mut weights)?;
        weights.finish()?;
        Ok(model)
    }

    /// Build the model `config` describes, taking each tensor it needs from `weights` (missing or
    /// misshapen ones are errors); what it does not use stays there. Sizes are not validated.
    pub fn take_from(b: &B, config: &ModelConfig, weights: &mut Weights) -> Result<Self> {
        Ok(match config {
            ModelConfig::Rnn(c) => {
                Self::FixedContext(FixedContextModel::new(b, CellKind::Rnn, c, weights)?)
            }
            ModelConfig::Gru(c) => {
                Self::FixedContext(FixedContextModel::new(b, CellKind::Gru, c, weights)?)
            }
            ModelConfig::Lstm(c) => {
                Self::FixedContext(FixedContextModel::new(b, CellKind::Lstm, c, weights)?)
            }
            ModelConfig::GruAttn(c) => Self::GruAttn(GruAttentionModel::new(b, c, weights)?),
            ModelConfig::Transformer(c) => Self::Transformer(TransformerModel::new(b, c, weights)?),
        })
    }

    /// Translate source ids (EOS appended here), streaming events as each step is decided.
    pub async fn translate(
        &self,
        src: &[u32],
        options: &DecodeOptions,
        on_event: &mut dyn FnMut(DecodeEvent<'_>),
    ) -> Result<Translation> {
        match self {
            AnyModel::FixedContext(m) => decoding::decode(m, src, options, on_event).await,
            AnyModel::GruAttn(m) => decoding::decode(m, src, options, on_event).await,
            AnyModel::Transformer(m) => decoding::decode(m, src, options, on_event).await,
        }
    }

    /// Run the encoder over `src` (ids ending with EOS) and return the tensors the decoder reads:
    /// fixed c; the annotations, their projected keys and s_0; or every decoder layer's cross-
    /// attention keys and values. For timing an encoder alone (read them to wait for it) and for
    /// counting its dependent steps (`crate::backend::DepthBackend`).
    pub async fn encode_memory(&self, src: &[u32]) -> Result<Vec<B::Tensor>> {
        Ok(match self {
            AnyModel::FixedContext(m) => vec![m.encode(src, false).await?.memory.context],
            AnyModel::GruAttn(m) => {
                let e = m.encode(src, false).await?;
                vec![e.memory.annotations, e.memory.keys, e.state.h]
            }
            AnyModel::Transformer(m) => {
                let e = m.encode(src, false).await?;
                e.memory
                    .cross
                    .into_iter()
                    .flat_map(|kv| [kv.keys, kv.values])
                    .collect()
            }
        })
    }

    /// Teacher forcing: ln p of each `tgt` token and the closing EOS (see
    /// [`decoding::forced_log_probs`]).
    pub async fn forced_log_probs(&self, src: &[u32], tgt: &[u32]) -> Result<Vec<f32>> {
        match self {
            AnyModel::FixedContext(m) => decoding::forced_log_probs(m, src, tgt).await,
            AnyModel::GruAttn(m) => decoding::forced_log_probs(m, src, tgt).await,
            AnyModel::Transformer(m) => decoding::forced_log_probs(m, src, tgt).await,
        }
    }
}

/// Read traced tensors back as rows: each tensor [1, n] → Vec of n.
pub(crate) async fn read_rows<B: Backend>(b: &B, ts: &[&B::Tensor]) -> Result<Vec<Vec<f32>>> {
    Ok(b.read_many(ts)
        .await?
        .into_iter()
        .map(|t| t.into_data())
        .collect())
}
