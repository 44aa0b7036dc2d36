//! Sequential vs parallel encoders (the article: "RNN 是一个时序一步一步计算的过程，比较难以并行"):
//! how many operations of an encoder pass over T source tokens must run one after another. An
//! RNN's h_t needs h_{t−1}, so its chain grows with T; a Transformer layer attends from every
//! position to every position in one operation, so its chain does not. Counted by running the
//! real encoder code on [`DepthBackend`] (shapes only, no arithmetic: instant at any T); the
//! benchmark beside it (`seq2seq_gpu::bench`, the `?view=parallel` page) times the same encoders.

use serde::{Deserialize, Serialize};

use crate::backend::DepthBackend;
use crate::models::{AnyModel, ModelConfig};
use crate::tokenizer::EOS;
use crate::weights::Weights;
use crate::Result;

/// Source lengths the view and the benchmark sweep, EOS included.
pub const LENGTHS: [usize; 8] = [8, 16, 32, 64, 128, 256, 512, 1024];

/// First id of ordinary pieces (0–3 are PAD, BOS, EOS and UNK-like specials).
const FIRST_ORDINARY_ID: u32 = 4;

/// `config` with every width doubled (embedding, hidden, attention, model and FFN sizes; the
/// same depth and heads): the benchmark's "larger" size beside the shipped one.
pub fn doubled(config: &ModelConfig) -> ModelConfig {
    let mut c = config.clone();
    match &mut c {
        ModelConfig::Rnn(r) | ModelConfig::Gru(r) | ModelConfig::Lstm(r) => {
            r.embed_dim *= 2;
            r.hidden_dim *= 2;
        }
        ModelConfig::GruAttn(a) => {
            a.embed_dim *= 2;
            a.hidden_dim *= 2;
            a.attn_dim *= 2;
        }
        ModelConfig::Transformer(t) => {
            t.dim *= 2;
            t.ffn_dim *= 2;
        }
    }
    c
}

/// `tokens` source ids (the last one EOS) cycling through the vocabulary's ordinary pieces:
/// what an encoder costs does not depend on which words it reads.
pub fn source_ids(src_vocab: usize, tokens: usize) -> Vec<u32> {
    let ordinary = (src_vocab as u32).saturating_sub(FIRST_ORDINARY_ID).max(1);
    let mut ids: Vec<u32> = (0..tokens.saturating_sub(1) as u32)
        .map(|i| FIRST_ORDINARY_ID + i % ordinary)
        .collect();
    ids.push(EOS);
    ids
}

/// One encoder pass, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderCount {
    /// Source tokens, EOS included.
    pub tokens: usize,
    /// The longest chain of operations the encoder's output depends on: steps that cannot
    /// overlap, however many processors there are.
    pub dependent_steps: usize,
    /// Every backend operation (kernel launch on the GPU) the pass issues.
    pub operations: usize,
}

/// Dependent steps and operations of `config`'s encoder at each of `lengths` (EOS included).
pub fn count_encoder(config: &ModelConfig, lengths: &[usize]) -> Result<Vec<EncoderCount>> {
    let b = DepthBackend::default();
    let model = AnyModel::new(&b, config, Weights::random(0))?;
    let (src_vocab, _) = config.vocab_sizes();
    lengths
        .iter()
        .map(|&tokens| {
            b.reset();
            let memory = pollster::block_on(model.encode_memory(&source_ids(src_vocab, tokens)))?;
            Ok(EncoderCount {
                tokens,
                dependent_steps: memory.iter().map(|n| n.depth).max().unwrap_or(0),
                operations: b.ops(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::small_config;
    use crate::family::Family;

    fn counts(family: Family) -> Vec<EncoderCount> {
        let config = small_config(family.slug(), 50, 60).expect("config");
        count_encoder(&config, &[8, 16, 64]).expect("count")
    }

    #[test]
    fn a_recurrent_encoders_chain_grows_with_every_token() {
        for family in [Family::Rnn, Family::Gru, Family::Lstm, Family::GruAttn] {
            let c = counts(family);
            // One more token, at least one more step that waits for the one before.
            for w in c.windows(2) {
                let (grew, more) = (
                    w[1].dependent_steps - w[0].dependent_steps,
                    w[1].tokens - w[0].tokens,
                );
                assert!(grew >= more, "{family:?}: {c:?}");
            }
        }
    }

    #[test]
    fn a_transformer_encoders_chain_does_not_grow() {
        let c = counts(Family::Transformer);
        assert!(
            c.iter().all(|x| x.dependent_steps == c[0].dependent_steps),
            "{c:?}"
        );
        assert!(c.iter().all(|x| x.operations == c[0].operations), "{c:?}");
        // Two layers of ~12 operations each: fewer steps than a 64-token RNN has tokens.
        assert!(c[2].dependent_steps < c[2].tokens, "{c:?}");
    }

    #[test]
    fn doubling_widths_keeps_the_chain() {
        let config = small_config("gru", 50, 60).expect("config");
        let a = count_encoder(&config, &[32]).expect("count");
        let b = count_encoder(&doubled(&config), &[32]).expect("count");
        assert_eq!(a, b);
    }

    #[test]
    fn source_ids_end_with_eos_and_stay_in_the_vocabulary() {
        let ids = source_ids(10, 20);
        assert_eq!(ids.len(), 20);
        assert_eq!(*ids.last().unwrap(), EOS);
        assert!(ids[..19].iter().all(|&i| (4..10).contains(&i)));
    }
}
