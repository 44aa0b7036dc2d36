//! Autoregressive decoding: greedy and beam search over any [`Seq2Seq`] model, streaming one
//! event per decided step so a UI can draw each token as it arrives.

mod beam;
mod ending;
mod greedy;
mod perplexity;

pub use beam::beam_search;
pub use ending::{ending, Ending};
pub use greedy::greedy;
pub use perplexity::{forced_log_probs, perplexity, token_log_probs};

use serde::{Deserialize, Serialize};

use crate::seq2seq::Seq2Seq;
use crate::tokenizer::EOS;
use crate::trace::{BeamTree, EncoderTrace, StepTrace};
use crate::{Error, Result};

/// Longest source the models accept, in tokens (EOS excluded).
pub const MAX_SOURCE_TOKENS: usize = 256;

/// Longest translation, in target tokens (EOS excluded), for the page, the CLI and evaluation
/// alike: room for the length ladder's four joined sentences (Chinese ≈ 45 characters, at most
/// ~120).
pub const MAX_TARGET_TOKENS: usize = 160;

/// The GNMT length penalty α the page and the evaluation decode with.
pub const LENGTH_PENALTY: f32 = 0.6;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecodeOptions {
    /// 1 = greedy; more = beam search with this many hypotheses.
    pub beam_size: usize,
    /// Most target tokens to produce (EOS excluded).
    pub max_len: usize,
    /// GNMT length penalty α: a finished hypothesis scores log p / ((5 + len) / 6)^α.
    pub length_penalty: f32,
    /// How many next-token candidates each step's trace keeps.
    pub top_k: usize,
    /// Record hidden states, gates and attention (costs read-backs; off for batch evaluation).
    pub trace: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            beam_size: 1,
            max_len: 64,
            length_penalty: LENGTH_PENALTY,
            top_k: 5,
            trace: true,
        }
    }
}

/// Streamed while decoding.
#[derive(Clone, Copy, Debug)]
pub enum DecodeEvent<'a> {
    /// The text was tokenised: display strings of the source pieces, EOS included (one per
    /// encoder position). Sent by [`crate::translator::Translator::translate`] before the encoder
    /// runs; [`decode`] starts from ids and never sends it.
    Tokenized { source_tokens: &'a [String] },
    /// The encoder has run.
    Encoded(&'a EncoderTrace),
    /// Greedy: step `step` chose `trace.token`.
    Step { step: usize, trace: &'a StepTrace },
    /// Beam search: the tree after step `step`.
    Beam { step: usize, tree: &'a BeamTree },
}

/// The result of decoding one sentence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// Target ids, EOS excluded.
    pub tokens: Vec<u32>,
    /// Sum of the chosen tokens' log-probabilities (EOS included when produced).
    pub log_prob: f32,
    /// log_prob with the length penalty applied (what beam search ranks by).
    pub score: f32,
    pub encoder: EncoderTrace,
    /// One trace per produced token (and one for EOS when produced).
    pub steps: Vec<StepTrace>,
    /// Beam search only.
    pub beam_tree: Option<BeamTree>,
}

/// Check the source, append EOS, and run greedy or beam search as `options` say.
pub async fn decode<M: Seq2Seq>(
    model: &M,
    src: &[u32],
    options: &DecodeOptions,
    on_event: &mut dyn FnMut(DecodeEvent<'_>),
) -> Result<Translation> {
    if src.is_empty() {
        return Err(Error::InvalidInput("the source sentence is empty".into()));
    }
    if src.len() > MAX_SOURCE_TOKENS {
        return Err(Error::InvalidInput(format!(
            "the source has {} tokens; the limit is {MAX_SOURCE_TOKENS}",
            src.len()
        )));
    }
    if options.beam_size == 0 {
        return Err(Error::InvalidInput("beam size must be at least 1".into()));
    }
    let mut ids = src.to_vec();
    ids.push(EOS);
    if options.beam_size == 1 {
        greedy(model, &ids, options, on_event).await
    } else {
        beam_search(model, &ids, options, on_event).await
    }
}

/// log-softmax of logits, stable.
pub fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|v| (v - max).exp()).sum();
    let log_z = max + sum.ln();
    logits.iter().map(|v| v - log_z).collect()
}

/// Indices of the k largest values, largest first; ties broken by the lower index.
pub fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let k = k.min(values.len());
    let cmp = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    if k < idx.len() {
        idx.select_nth_unstable_by(k, cmp);
        idx.truncate(k);
    }
    idx.sort_by(cmp);
    idx
}

/// GNMT length normalisation: ((5 + len) / 6)^α.
pub fn length_penalty(len: usize, alpha: f32) -> f32 {
    ((5.0 + len as f32) / 6.0).powf(alpha)
}

/// Fill a step trace's token, probability and top-k from the step's log-probabilities.
fn annotate_step(trace: &mut StepTrace, log_probs: &[f32], token: usize, k: usize) {
    trace.token = token as u32;
    trace.prob = log_probs[token].exp();
    trace.top_k = top_k(log_probs, k)
        .into_iter()
        .map(|i| (i as u32, log_probs[i].exp()))
        .collect();
}
