//! GRU encoder–decoder with additive attention (Bahdanau, Cho & Bengio 2015). A bidirectional GRU
//! writes one annotation per source position, h_j = [h→_j ; h←_j]; every decoder step looks at
//! all of them again:
//!
//!   s_0 = tanh(W_b [h→_S ; h←_1] + b_b)
//!   α_i = softmax_j(vᵀ tanh(W_q s_{i-1} + W_k h_j + b_k)),  c_i = Σ_j α_ij h_j
//!   s_i = GRU([emb(y_{i-1}) ; c_i], s_{i-1}),  logits_i = W_out [s_i ; c_i] + b_out
//!
//! Weights (H = hidden per direction, A = attention size):
//!   encoder.embedding.weight [Vs, E]
//!   encoder.rnn.{weight_ih_l0 [3H, E], weight_hh_l0 [3H, H], bias_ih_l0, bias_hh_l0} and `_l0_reverse`
//!   decoder.embedding.weight [Vt, E]
//!   decoder.bridge.{weight [H, 2H], bias [H]}
//!   decoder.attention.{query.weight [A, H], key.weight [A, 2H], key.bias [A], v.weight [1, A]}
//!   decoder.rnn.{weight_ih_l0 [3H, E+2H], weight_hh_l0 [3H, H], bias_ih_l0, bias_hh_l0}
//!   decoder.out.{weight [Vt, 3H], bias [Vt]}

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::read_rows;
use crate::backend::Backend;
use crate::layers::{
    BahdanauAttention, Bidirectional, CellKind, CellState, Embedding, Linear, Recurrent,
};
use crate::ops::Activation;
use crate::seq2seq::{Encoded, ModelStep, Seq2Seq};
use crate::trace::{EncoderTrace, StepTrace};
use crate::weights::Weights;
use crate::Result;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttentionConfig {
    pub src_vocab: usize,
    pub tgt_vocab: usize,
    pub embed_dim: usize,
    /// Per direction in the encoder, and the decoder's state size.
    pub hidden_dim: usize,
    pub attn_dim: usize,
}

pub struct GruAttentionModel<B: Backend> {
    b: B,
    pub config: AttentionConfig,
    pub(crate) src_embed: Embedding<B>,
    pub(crate) encoder: Bidirectional<B>,
    pub(crate) tgt_embed: Embedding<B>,
    pub(crate) bridge: Linear<B>,
    pub(crate) attention: BahdanauAttention<B>,
    pub(crate) decoder: Recurrent<B>,
    pub(crate) out: Linear<B>,
}

/// The annotations [S, 2H] and their projections W_k h + b_k [S, A].
pub struct Annotations<T> {
    pub annotations: T,
    pub keys: T,
}

impl<B: Backend> GruAttentionModel<B> {
    pub fn new(b: &B, config: &AttentionConfig, w: &mut Weights) -> Result<Self> {
        let AttentionConfig {
            src_vocab,
            tgt_vocab,
            embed_dim: e,
            hidden_dim: h,
            attn_dim: a,
        } = *config;
        Ok(Self {
            b: b.clone(),
            config: config.clone(),
            src_embed: Embedding::new(b, w, "encoder.embedding", src_vocab, e)?,
            encoder: Bidirectional::new(b, w, "encoder.rnn", CellKind::Gru, e, h)?,
            tgt_embed: Embedding::new(b, w, "decoder.embedding", tgt_vocab, e)?,
            bridge: Linear::new(b, w, "decoder.bridge", 2 * h, h, true)?,
            attention: BahdanauAttention::new(b, w, "decoder.attention", h, 2 * h, a)?,
            decoder: Recurrent::new(b, w, "decoder.rnn", "l0", CellKind::Gru, e + 2 * h, h)?,
            out: Linear::new(b, w, "decoder.out", 3 * h, tgt_vocab, true)?,
        })
    }
}

impl<B: Backend> Seq2Seq for GruAttentionModel<B> {
    type Memory = Annotations<B::Tensor>;
    type State = CellState<B::Tensor>;

    fn source_vocab(&self) -> usize {
        self.config.src_vocab
    }
    fn target_vocab(&self) -> usize {
        self.config.tgt_vocab
    }

    async fn encode(&self, src: &[u32], trace: bool) -> Result<Encoded<Self::Memory, Self::State>> {
        let b = &self.b;
        let emb = self.src_embed.forward(b, src)?; // [S, E]
        let xs: Vec<B::Tensor> = (0..src.len()).map(|t| b.slice_rows(&emb, t, 1)).collect();
        let run = self.encoder.run(b, &xs);
        let mut annotations = run.annotations[0].clone();
        for a in &run.annotations[1..] {
            annotations = b.concat_rows(&annotations, a); // [S, 2H]
        }
        let keys = self.attention.project_keys(b, &annotations); // [S, A]
        let last_fwd = &run.forward[src.len() - 1].state.h;
        let first_bwd = &run.backward[0].state.h;
        let s0 = b.activation(
            &self
                .bridge
                .forward(b, &b.concat_cols(&[last_fwd, first_bwd])),
            Activation::Tanh,
        );
        let mut enc_trace = EncoderTrace::default();
        if trace {
            enc_trace.hidden = read_rows(b, &run.annotations.iter().collect::<Vec<_>>()).await?;
            for (dir, steps) in [("", &run.forward), ("←", &run.backward)] {
                for (gi, name) in CellKind::Gru.gate_names().iter().enumerate() {
                    let gs: Vec<&B::Tensor> = steps.iter().map(|s| &s.gates[gi].1).collect();
                    enc_trace
                        .gates
                        .insert(format!("{name}{dir}"), read_rows(b, &gs).await?);
                }
            }
        }
        Ok(Encoded {
            memory: Annotations { annotations, keys },
            state: CellState { h: s0, c: None },
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
        let (context, alpha) =
            self.attention
                .attend(b, &state.h, &memory.keys, &memory.annotations); // [1, 2H], [1, S]
        let y = self.tgt_embed.forward(b, &[prev])?; // [1, E]
        let x = b.concat_cols(&[&y, &context]); // [1, E+2H]
        let step = self.decoder.step(b, &x, state);
        let logits = self
            .out
            .forward(b, &b.concat_cols(&[&step.state.h, &context])); // [1, Vt]
        let mut reads = vec![&logits];
        if trace {
            reads.extend([&step.state.h, &context, &alpha]);
            reads.extend(step.gates.iter().map(|(_, g)| g));
        }
        let mut rows = read_rows(b, &reads).await?.into_iter();
        let logits = rows.next().unwrap_or_default();
        let mut step_trace = StepTrace::default();
        if trace {
            step_trace.hidden = rows.next().unwrap_or_default();
            step_trace.context = rows.next().unwrap_or_default();
            step_trace.attention = rows.next().unwrap_or_default();
            step_trace.gates = step
                .gates
                .iter()
                .map(|(name, _)| (name.to_string(), rows.next().unwrap_or_default()))
                .collect::<BTreeMap<_, _>>();
        }
        Ok(ModelStep {
            logits,
            state: step.state,
            trace: step_trace,
        })
    }
}
