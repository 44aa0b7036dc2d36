//! Perplexity, the article's measure of how surprised a model is by a sentence:
//! PPL = exp(−(1/T) Σ_i ln p(y_i | x, y_<i)) over the T target tokens, EOS included. 1 means
//! the model was certain of every token; V (the vocabulary size) means it guessed uniformly.
//!
//! Two uses: of the model's own hypothesis (the page, from the decoded steps' probabilities) and
//! of a reference translation under teacher forcing (the model cards, on the test split).

use super::log_softmax;
use crate::seq2seq::Seq2Seq;
use crate::tokenizer::{BOS, EOS};
use crate::trace::StepTrace;
use crate::{Error, Result};

/// ln p of each step's chosen token [T] (EOS step included when produced). A probability that
/// underflowed to 0 counts as the smallest positive f32 (ln ≈ −87.3), not as −∞.
pub fn token_log_probs(steps: &[StepTrace]) -> Vec<f32> {
    steps
        .iter()
        .map(|s| s.prob.max(f32::MIN_POSITIVE).ln())
        .collect()
}

/// exp of the mean negative log-probability; None for no tokens.
pub fn perplexity(log_probs: &[f32]) -> Option<f64> {
    if log_probs.is_empty() {
        return None;
    }
    let sum: f64 = log_probs.iter().map(|&l| f64::from(l)).sum();
    Some((-sum / log_probs.len() as f64).exp())
}

/// Teacher forcing: ln p(tgt_i | src, tgt_<i) for each target token, then for the closing EOS
/// [tgt.len() + 1]. `src` without EOS (it is appended here, as `decode` does).
pub async fn forced_log_probs<M: Seq2Seq>(model: &M, src: &[u32], tgt: &[u32]) -> Result<Vec<f32>> {
    if src.is_empty() {
        return Err(Error::InvalidInput("the source sentence is empty".into()));
    }
    let mut ids = src.to_vec();
    ids.push(EOS);
    let encoded = model.encode(&ids, false).await?;
    let mut state = encoded.state;
    let mut prev = BOS;
    let mut out = Vec::with_capacity(tgt.len() + 1);
    for &next in tgt.iter().chain(std::iter::once(&EOS)) {
        if next as usize >= model.target_vocab() {
            return Err(Error::InvalidInput(format!(
                "target id {next} is outside a vocabulary of {}",
                model.target_vocab()
            )));
        }
        let step = model.step(&encoded.memory, &state, prev, false).await?;
        out.push(log_softmax(&step.logits)[next as usize]);
        state = step.state;
        prev = next;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certain_model_has_perplexity_one_and_a_uniform_one_the_vocabulary_size() {
        assert_eq!(perplexity(&[0.0, 0.0, 0.0]), Some(1.0));
        let uniform = (1.0f32 / 50.0).ln();
        let ppl = perplexity(&[uniform; 7]).unwrap();
        assert!((ppl - 50.0).abs() < 1e-3, "{ppl}");
        assert_eq!(perplexity(&[]), None);
    }

    #[test]
    fn it_is_the_geometric_mean_of_inverse_probabilities() {
        let probs = [0.5f32, 0.25, 0.125];
        let steps: Vec<StepTrace> = probs
            .iter()
            .map(|&prob| StepTrace {
                prob,
                ..StepTrace::default()
            })
            .collect();
        let ppl = perplexity(&token_log_probs(&steps)).unwrap();
        // (2 · 4 · 8)^(1/3) = 4
        assert!((ppl - 4.0).abs() < 1e-5, "{ppl}");
    }

    #[test]
    fn an_underflowed_probability_is_finite() {
        let steps = [StepTrace {
            prob: 0.0,
            ..StepTrace::default()
        }];
        let lp = token_log_probs(&steps);
        assert!(lp[0].is_finite() && lp[0] < -87.0, "{lp:?}");
    }
}
