//! `rescore`: measures exported models without retraining them: loads `www/models/<id>/` through
//! seq2seq-core, scores the dev and test ladders (beam 4) and the test references' perplexity,
//! and writes the results into the model's entry of `index.json` and the "Length ladder" and
//! "Perplexity" sections of its card. For models exported before these measures existed, so
//! that the page compares every model on the same inputs; `export` measures both itself.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::evaluate;
use crate::export::{ladder_section, IndexEntry, LadderEntry};
use crate::index::update_index;
use crate::perplexity::{self, PerplexityEntry};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model ids (default: every model of the index that has no ladder scores yet).
    #[arg(long = "model")]
    pub models: Vec<String>,
    #[arg(long, default_value = "www/models")]
    pub models_dir: PathBuf,
    /// Prepared data (dev-ladder.tsv, test-ladder.tsv).
    #[arg(long, default_value = "artifacts/data")]
    pub data: PathBuf,
    #[arg(long, default_value_t = 4)]
    pub beam: usize,
    /// Most sentences joined in one training example of these models (1: single sentences, as
    /// every model exported before the ladder was trained).
    #[arg(long, default_value_t = 1)]
    pub trained_on_sentences: usize,
    /// Longest training input of these models, in tokens (48 before the ladder).
    #[arg(long, default_value_t = 48)]
    pub trained_max_tokens: usize,
    /// Score at most N inputs per rung, spread evenly (the tables give the counts).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Score the test ladder only (the dev ladder is for choosing between runs).
    #[arg(long)]
    pub test_only: bool,
    /// Rescore every model of the index, even those with ladder scores.
    #[arg(long)]
    pub all: bool,
    /// Measure the perplexity only (keep the ladder scores the index has).
    #[arg(long)]
    pub perplexity_only: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let index_path = args.models_dir.join("index.json");
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(&index_path)
            .with_context(|| format!("reading {}", index_path.display()))?,
    )?;
    let entries: Vec<IndexEntry> = serde_json::from_value(
        index
            .get("models")
            .cloned()
            .context("index.json has no models")?,
    )?;
    for mut entry in entries {
        let chosen = if args.all {
            true
        } else if args.models.is_empty() {
            entry.ladder.is_none() || entry.perplexity.is_none()
        } else {
            args.models.contains(&entry.id)
        };
        if !chosen {
            continue;
        }
        let dir = args.models_dir.join(&entry.id);
        let t = evaluate::load_model(&dir)?;
        let splits: &[&str] = if args.test_only {
            &["test"]
        } else {
            &["dev", "test"]
        };
        let card_path = dir.join("card.md");
        let mut card = std::fs::read_to_string(&card_path)
            .with_context(|| format!("reading {}", card_path.display()))?;
        if !args.perplexity_only {
            let ladder = LadderEntry::measure(
                &t,
                &args.data,
                splits,
                args.beam,
                args.limit,
                args.trained_on_sentences,
                args.trained_max_tokens,
            )?;
            card = with_section(&card, LADDER_HEAD, &ladder_section(&ladder));
            entry.ladder = Some(ladder);
        }
        let perplexity = PerplexityEntry::measure(&t, &args.data, None)?;
        println!("{}: test perplexity {:.2}", entry.id, perplexity.test);
        card = with_section(&card, PERPLEXITY_HEAD, &perplexity::section(&perplexity));
        entry.perplexity = Some(perplexity);
        std::fs::write(&card_path, card)?;
        update_index(&index_path, &entry)?;
        println!("rescored {}", entry.id);
    }
    Ok(())
}

pub const LADDER_HEAD: &str = "\n### Length ladder\n";
pub const PERPLEXITY_HEAD: &str = "\n### Perplexity\n";

/// The card with its section under `head` (up to the next heading of level 1–3) replaced by
/// `section`, or inserted before "## Model" when it has none.
pub fn with_section(card: &str, head: &str, section: &str) -> String {
    const NEXT: &str = "\n## Model\n";
    let (before, after) = match card.find(head) {
        Some(start) => {
            let body = start + head.len();
            let end = ["\n# ", "\n## ", "\n### "]
                .iter()
                .filter_map(|h| card[body..].find(h))
                .min()
                .map_or(card.len(), |i| body + i);
            (&card[..start], &card[end..])
        }
        None => match card.find(NEXT) {
            Some(i) => (&card[..i], &card[i..]),
            None => (card, ""),
        },
    };
    format!("{before}{section}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_section_is_inserted_once_and_then_replaced() {
        let card = "# m\n\nscores\n\n## Model\n\n- params\n";
        let once = with_section(card, LADDER_HEAD, "\n### Length ladder\n\nA\n");
        assert_eq!(
            once,
            "# m\n\nscores\n\n### Length ladder\n\nA\n\n## Model\n\n- params\n"
        );
        let twice = with_section(&once, LADDER_HEAD, "\n### Length ladder\n\nB\n");
        assert_eq!(
            twice,
            "# m\n\nscores\n\n### Length ladder\n\nB\n\n## Model\n\n- params\n"
        );
        // A later section survives the ladder's replacement, and is replaced in turn.
        let both = with_section(&twice, PERPLEXITY_HEAD, "\n### Perplexity\n\nP\n");
        let again = with_section(&both, LADDER_HEAD, "\n### Length ladder\n\nC\n");
        assert_eq!(
            again,
            "# m\n\nscores\n\n### Length ladder\n\nC\n\n### Perplexity\n\nP\n\n## Model\n\n- params\n"
        );
        let last = with_section(&again, PERPLEXITY_HEAD, "\n### Perplexity\n\nQ\n");
        assert!(last.contains("\nQ\n") && !last.contains("\nP\n"), "{last}");
    }
}
