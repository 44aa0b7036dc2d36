//! A small pre-norm Transformer (Vaswani et al. 2017; pre-norm as in Xiong et al. 2020).
//!
//!   encoder: x = emb(src)·√D + PE;  per layer x = x + SelfAttn(LN1 x); x = x + FFN(LN2 x);  LN
//!   decoder: y = emb(prev)·√D + PE(i); per layer y = y + CausalSelfAttn(LN1 y);
//!            y = y + CrossAttn(LN2 y, memory); y = y + FFN(LN3 y);  LN;  logits = W_out y + b
//!
//! Weights (D = dim, F = ffn_dim):
//!   encoder.embedding.weight [Vs, D], decoder.embedding.weight [Vt, D]
//!   encoder.layers.{l}.{norm1, norm2}.{weight, bias} [D]
//!   encoder.layers.{l}.self_attn.{q_proj, k_proj, v_proj, out_proj}.{weight [D, D], bias [D]}
//!   encoder.layers.{l}.ffn.{fc1.weight [F, D], fc1.bias [F], fc2.weight [D, F], fc2.bias [D]}
//!   decoder.layers.{l}: the same plus cross_attn.* and norm3
//!   encoder.norm, decoder.norm: {weight, bias} [D];  decoder.out.{weight [Vt, D], bias [Vt]}

use serde::{Deserialize, Serialize};

use super::ModelConfig;
use crate::backend::Backend;
use crate::layers::positions::sinusoidal;
use crate::layers::transformer_layers::KvCache;
use crate::layers::{
    Embedding, LayerNorm, Linear, TransformerDecoderLayer, TransformerEncoderLayer,
};
use crate::ops::Activation;
use crate::seq2seq::{Encoded, ModelStep, Seq2Seq};
use crate::tensor::Tensor;
use crate::trace::{EncoderTrace, StepTrace};
use crate::weights::Weights;
use crate::Result;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformerConfig {
    pub src_vocab: usize,
    pub tgt_vocab: usize,
    pub dim: usize,
    pub heads: usize,
    pub ffn_dim: usize,
    pub encoder_layers: usize,
    pub decoder_layers: usize,
    pub activation: Activation,
}

pub struct TransformerModel<B: Backend> {
    pub(crate) b: B,
    pub config: TransformerConfig,
    pub(crate) src_embed: Embedding<B>,
    pub(crate) encoder: Vec<TransformerEncoderLayer<B>>,
    pub(crate) encoder_norm: LayerNorm<B>,
    pub(crate) tgt_embed: Embedding<B>,
    pub(crate) decoder: Vec<TransformerDecoderLayer<B>>,
    pub(crate) decoder_norm: LayerNorm<B>,
    pub(crate) out: Linear<B>,
}

/// Cross-attention keys and values of the encoder output, per decoder layer.
pub struct Memory<T> {
    pub cross: Vec<KvCache<T>>,
}

/// Self-attention caches per decoder layer and the next position.
#[derive(Clone)]
pub struct DecoderState<T> {
    pub caches: Vec<KvCache<T>>,
    pub position: usize,
}

impl<B: Backend> TransformerModel<B> {
    pub fn new(b: &B, config: &TransformerConfig, w: &mut Weights) -> Result<Self> {
        let c = config;
        ModelConfig::Transformer(c.clone()).validate()?;
        let encoder = (0..c.encoder_layers)
            .map(|l| {
                TransformerEncoderLayer::new(
                    b,
                    w,
                    &format!("encoder.layers.{l}"),
                    c.dim,
                    c.heads,
                    c.ffn_dim,
                    c.activation,
                )
            })
            .collect::<Result<_>>()?;
        let decoder = (0..c.decoder_layers)
            .map(|l| {
                TransformerDecoderLayer::new(
                    b,
                    w,
                    &format!("decoder.layers.{l}"),
                    c.dim,
                    c.heads,
                    c.ffn_dim,
                    c.activation,
                )
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            b: b.clone(),
            config: config.clone(),
            src_embed: Embedding::new(b, w, "encoder.embedding", c.src_vocab, c.dim)?,
            encoder,
            encoder_norm: LayerNorm::new(b, w, "encoder.norm", c.dim)?,
            tgt_embed: Embedding::new(b, w, "decoder.embedding", c.tgt_vocab, c.dim)?,
            decoder,
            decoder_norm: LayerNorm::new(b, w, "decoder.norm", c.dim)?,
            out: Linear::new(b, w, "decoder.out", c.dim, c.tgt_vocab, true)?,
        })
    }

    /// emb(ids)·√D + PE(start..): [n, D]
    pub(crate) fn embed(
        &self,
        table: &Embedding<B>,
        ids: &[u32],
        start: usize,
    ) -> Result<B::Tensor> {
        let b = &self.b;
        let x = b.scale(&table.forward(b, ids)?, (self.config.dim as f32).sqrt());
        Ok(b.add(
            &x,
            &b.upload(&sinusoidal(start, ids.len(), self.config.dim)),
        ))
    }
}

/// [heads, Tq, Tk] tensor → [heads][Tq][Tk] nested vectors.
fn split_heads(t: &Tensor) -> Vec<Vec<Vec<f32>>> {
    let s = t.shape();
    let (heads, tq, tk) = (s[0], s[1], s[2]);
    (0..heads)
        .map(|h| {
            (0..tq)
                .map(|i| t.data()[(h * tq + i) * tk..(h * tq + i + 1) * tk].to_vec())
                .collect()
        })
        .collect()
}

impl<B: Backend> Seq2Seq for TransformerModel<B> {
    type Memory = Memory<B::Tensor>;
    type State = DecoderState<B::Tensor>;

    fn source_vocab(&self) -> usize {
        self.config.src_vocab
    }
    fn target_vocab(&self) -> usize {
        self.config.tgt_vocab
    }

    async fn encode(&self, src: &[u32], trace: bool) -> Result<Encoded<Self::Memory, Self::State>> {
        let b = &self.b;
        let mut x = self.embed(&self.src_embed, src, 0)?; // [S, D]
        let mut weights = Vec::new();
        for layer in &self.encoder {
            let (y, w) = layer.forward(b, &x, trace);
            x = y;
            weights.extend(w);
        }
        let memory = self.encoder_norm.forward(b, &x); // [S, D]
        let cross = self
            .decoder
            .iter()
            .map(|layer| {
                let (keys, values) = layer.cross_attn.keys_values(b, &memory);
                KvCache { keys, values }
            })
            .collect();
        let mut enc_trace = EncoderTrace::default();
        if trace {
            let mut reads: Vec<&B::Tensor> = vec![&memory];
            reads.extend(weights.iter());
            let mut read = b.read_many(&reads).await?.into_iter();
            enc_trace.hidden = read.next().map(|t| t.to_rows()).unwrap_or_default();
            enc_trace.self_attention = read.map(|t| split_heads(&t)).collect();
        }
        Ok(Encoded {
            memory: Memory { cross },
            state: DecoderState {
                caches: Vec::new(),
                position: 0,
            },
            trace: enc_trace,
        })
    }

    async fn step(
        &self,
        memory: &Self::Memory,
        state: &Self::State,
        prev: u32,
        trace: bool,
    ) -> Result<ModelStep<Self::State>> {
        let b = &self.b;
        let mut x = self.embed(&self.tgt_embed, &[prev], state.position)?; // [1, D]
        let mut caches = Vec::with_capacity(self.decoder.len());
        let (mut self_w, mut cross_w) = (Vec::new(), Vec::new());
        for (l, layer) in self.decoder.iter().enumerate() {
            let out = layer.step(b, &x, state.caches.get(l), &memory.cross[l], trace);
            x = out.x;
            caches.push(out.cache);
            self_w.extend(out.self_weights);
            cross_w.extend(out.cross_weights);
        }
        let hidden = self.decoder_norm.forward(b, &x);
        let logits = self.out.forward(b, &hidden); // [1, Vt]
        let mut reads = vec![&logits];
        if trace {
            reads.push(&hidden);
            reads.extend(self_w.iter().chain(cross_w.iter()));
        }
        let mut read = b.read_many(&reads).await?.into_iter();
        let logits = read.next().map(|t| t.into_data()).unwrap_or_default();
        let mut step_trace = StepTrace::default();
        if trace {
            step_trace.hidden = read.next().map(|t| t.into_data()).unwrap_or_default();
            let rest: Vec<Tensor> = read.collect();
            let (sw, cw) = rest.split_at(self_w.len());
            // [heads, 1, T] → [heads][T]
            let per_head = |t: &Tensor| {
                split_heads(t)
                    .into_iter()
                    .map(|h| h.into_iter().next().unwrap_or_default())
                    .collect()
            };
            step_trace.self_attention = sw.iter().map(per_head).collect();
            step_trace.cross_attention = cw.iter().map(per_head).collect();
            if let Some(last) = step_trace.cross_attention.last() {
                let heads = last.len().max(1) as f32;
                let mut mean = vec![0.0; last.first().map_or(0, Vec::len)];
                for head in last {
                    for (m, a) in mean.iter_mut().zip(head) {
                        *m += a / heads;
                    }
                }
                step_trace.attention = mean;
            }
        }
        Ok(ModelStep {
            logits,
            state: DecoderState {
                caches,
                position: state.position + 1,
            },
            trace: step_trace,
        })
    }
}
