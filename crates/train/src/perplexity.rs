//! Test-split perplexity for the model cards: the references, teacher-forced through the shipped
//! weights (seq2seq-core, as the page loads them), exp(total −ln p / total target tokens) with
//! EOS counted — the corpus-level form, weighting each sentence by its length.

use std::path::Path;

use anyhow::Result;
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::translator::Translator;
use serde::{Deserialize, Serialize};

use crate::evaluate::{read_split, split_for, spread};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerplexityEntry {
    /// Test sentences scored (all, or `--limit` spread over the split).
    pub sentences: usize,
    /// Target tokens they hold, EOS included.
    pub tokens: usize,
    /// exp(−Σ ln p / tokens) of the references.
    pub test: f64,
}

impl PerplexityEntry {
    /// Teacher-forces the test split's references (at most `limit` pairs, spread evenly).
    pub fn measure(
        t: &Translator<CpuBackend>,
        data: &Path,
        limit: Option<usize>,
    ) -> Result<PerplexityEntry> {
        let pairs = split_for(
            &read_split(&data.join("test.tsv"))?,
            t.config.source_language,
        );
        let chosen = spread(pairs.len(), limit.unwrap_or(pairs.len()));
        let (mut nll, mut tokens) = (0f64, 0usize);
        for &i in &chosen {
            let (src, reference) = &pairs[i];
            let log_probs = pollster::block_on(t.reference_log_probs(src, reference))?;
            nll -= log_probs.iter().map(|&l| f64::from(l)).sum::<f64>();
            tokens += log_probs.len();
        }
        anyhow::ensure!(tokens > 0, "no test sentences in {}", data.display());
        Ok(PerplexityEntry {
            sentences: chosen.len(),
            tokens,
            test: (nll / tokens as f64).exp(),
        })
    }
}

/// The card's "### Perplexity" section.
pub fn section(p: &PerplexityEntry) -> String {
    format!(
        "\n### Perplexity\n\nTest references, teacher-forced through the shipped weights: perplexity **{:.2}** over {} sentences ({} target tokens, end-of-sentence included): exp of the mean −ln p per token, the corpus-level form. `seq2seq-train rescore` measures it; the page shows the perplexity of each translation it makes.\n",
        p.test, p.sentences, p.tokens
    )
}
