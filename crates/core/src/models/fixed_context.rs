//! The plain encoder–decoder of the article (Cho et al. 2014; Sutskever et al. 2014) with a vanilla
//! RNN, GRU or LSTM cell. The encoder reads the source; its last state is the one fixed context c.
//! The decoder starts from c and receives the same c at every step:
//!
//!   s_0 = c,  s_i = Cell([emb(y_{i-1}) ; c], s_{i-1}),  logits_i = W_out [s_i ; c] + b_out
//!
//! Weights (PyTorch names; G = gates: 1 RNN, 3 GRU, 4 LSTM):
//!   encoder.embedding.weight [Vs, E]
//!   encoder.rnn.{weight_ih_l0 [G·H, E], weight_hh_l0 [G·H, H], bias_ih_l0, bias_hh_l0 [G·H]}
//!   decoder.embedding.weight [Vt, E]
//!   decoder.rnn.{weight_ih_l0 [G·H, E+H], weight_hh_l0 [G·H, H], bias_ih_l0, bias_hh_l0}
//!   decoder.out.{weight [Vt, 2H], bias [Vt]}

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::read_rows;
use crate::backend::Backend;
use crate::layers::{CellKind, CellState, Embedding, Linear, Recurrent};
use crate::seq2seq::{Encoded, ModelStep, Seq2Seq};
use crate::trace::{EncoderTrace, StepTrace};
use crate::weights::Weights;
use crate::Result;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecurrentConfig {
    pub src_vocab: usize,
    pub tgt_vocab: usize,
    pub embed_dim: usize,
    pub hidden_dim: usize,
}

pub struct FixedContextModel<B: Backend> {
    b: B,
    pub kind: CellKind,
    pub config: RecurrentConfig,
    pub(crate) src_embed: Embedding<B>,
    pub(crate) encoder: Recurrent<B>,
    pub(crate) tgt_embed: Embedding<B>,
    pub(crate) decoder: Recurrent<B>,
    pub(crate) out: Linear<B>,
}

/// The fixed context c [1, H].
pub struct FixedContext<T> {
    pub context: T,
}

impl<B: Backend> FixedContextModel<B> {
    pub fn new(b: &B, kind: CellKind, config: &RecurrentConfig, w: &mut Weights) -> Result<Self> {
        let RecurrentConfig {
            src_vocab,
            tgt_vocab,
            embed_dim: e,
            hidden_dim: h,
        } = *config;
        Ok(Self {
            b: b.clone(),
            kind,
            config: config.clone(),
            src_embed: Embedding::new(b, w, "encoder.embedding", src_vocab, e)?,
            encoder: Recurrent::new(b, w, "encoder.rnn", "l0", kind, e, h)?,
            tgt_embed: Embedding::new(b, w, "decoder.embedding", tgt_vocab, e)?,
            decoder: Recurrent::new(b, w, "decoder.rnn", "l0", kind, e + h, h)?,
            out: Linear::new(b, w, "decoder.out", 2 * h, tgt_vocab, true)?,
        })
    }
}

impl<B: Backend> Seq2Seq for FixedContextModel<B> {
    type Memory = FixedContext<B::Tensor>;
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
        let mut state = self.encoder.zero_state(b, 1);
        let mut steps = Vec::with_capacity(src.len());
        for t in 0..src.len() {
            let x = b.slice_rows(&emb, t, 1); // [1, E]
            let step = self.encoder.step(b, &x, &state);
            state = step.state.clone();
            if trace {
                steps.push(step);
            }
        }
        let context = state.h.clone(); // c = h_S [1, H]
        let mut enc_trace = EncoderTrace::default();
        if trace {
            let hs: Vec<&B::Tensor> = steps.iter().map(|s| &s.state.h).collect();
            enc_trace.hidden = read_rows(b, &hs).await?;
            for (gi, name) in self.kind.gate_names().iter().enumerate() {
                let gs: Vec<&B::Tensor> = steps.iter().map(|s| &s.gates[gi].1).collect();
                enc_trace
                    .gates
                    .insert(name.to_string(), read_rows(b, &gs).await?);
            }
            let cs: Vec<&B::Tensor> = steps.iter().filter_map(|s| s.state.c.as_ref()).collect();
            enc_trace.cell = read_rows(b, &cs).await?;
            enc_trace.context = enc_trace.hidden.last().cloned();
        }
        Ok(Encoded {
            memory: FixedContext { context },
            state,
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
        let c = &memory.context;
        let y = self.tgt_embed.forward(b, &[prev])?; // [1, E]
        let x = b.concat_cols(&[&y, c]); // [1, E+H]
        let step = self.decoder.step(b, &x, state);
        let logits = self.out.forward(b, &b.concat_cols(&[&step.state.h, c])); // [1, Vt]
        let mut reads = vec![&logits];
        if trace {
            reads.push(&step.state.h);
            reads.push(c);
            reads.extend(step.gates.iter().map(|(_, g)| g));
            reads.extend(step.state.c.as_ref());
        }
        let mut rows = read_rows(b, &reads).await?.into_iter();
        let logits = rows.next().unwrap_or_default();
        let mut step_trace = StepTrace::default();
        if trace {
            step_trace.hidden = rows.next().unwrap_or_default();
            step_trace.context = rows.next().unwrap_or_default();
            step_trace.gates = step
                .gates
                .iter()
                .map(|(name, _)| (name.to_string(), rows.next().unwrap_or_default()))
                .collect::<BTreeMap<_, _>>();
            step_trace.cell = rows.next().unwrap_or_default();
        }
        Ok(ModelStep {
            logits,
            state: step.state,
            trace: step_trace,
        })
    }
}
