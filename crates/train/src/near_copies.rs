//! The page's example sentences stay out of the training data: a pair whose English or Chinese
//! side is an example, or a near-copy of one, is dropped by `prepare`, and the closest pairs that
//! were kept are listed in the data card, so a reader can judge the rule.
//!
//! Matching text: the tokenizers' normalisation (Chinese converted to Simplified), lower case,
//! letters, digits and Han characters only ("I like eating apples." → "ilikeeatingapples").
//! Similarity: 1 − Levenshtein distance / the longer length, over characters (strsim's
//! `normalized_levenshtein`). A near-copy is ≥ [`NEAR_COPY`]: at most one edit in ten characters,
//! so a plural or a dropped article is caught and "我们喜欢吃苹果" (we) against "我喜欢吃苹果" (I),
//! 0.86, is a different sentence.

use std::path::Path;

use anyhow::{Context, Result};
use seq2seq_core::tokenizer::{normalize, Language, ScriptCounts};

use crate::data::Pair;

/// The examples file shipped with the repository (the app's chips read it too).
pub const DEFAULT_EXAMPLES: &str = "data/article-examples.txt";

/// Similarity from which a sentence counts as a copy of an example.
pub const NEAR_COPY: f64 = 0.9;

/// How many of the closest kept pairs the data card lists per example.
const CLOSEST: usize = 3;

/// The examples of a file: one per line; `#` comments and blank lines skipped.
pub fn parse_examples(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

pub fn read_examples(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the examples file {}", path.display()))?;
    Ok(parse_examples(&text))
}

/// The text compared: normalised as the tokenizers do, lower case, letters/digits/Han only.
pub fn match_key(language: Language, text: &str) -> String {
    normalize(language, text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether an example is English or Chinese (core's input check: Han characters vs Latin words).
fn language_of(example: &str) -> Language {
    ScriptCounts::of(example).dominant().unwrap_or(Language::En)
}

/// One example's matching key, and the side of a pair it is compared with.
struct Key {
    language: Language,
    key: String,
}

/// A kept pair close to an example.
#[derive(Clone, Debug, PartialEq)]
pub struct Close {
    pub similarity: f64,
    pub pair: Pair,
}

/// What the check found for one example: the pairs dropped as copies, the closest ones kept.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleCheck {
    pub example: String,
    pub dropped: Vec<Close>,
    pub closest_kept: Vec<Close>,
}

/// Drops every pair with a side ≥ [`NEAR_COPY`] similar to an example; returns the pairs kept
/// (in order) and one check per example.
pub fn drop_near_copies(pairs: Vec<Pair>, examples: &[String]) -> (Vec<Pair>, Vec<ExampleCheck>) {
    let keys: Vec<Key> = examples
        .iter()
        .map(|e| {
            let language = language_of(e);
            Key {
                language,
                key: match_key(language, e),
            }
        })
        .collect();
    let mut checks: Vec<ExampleCheck> = examples
        .iter()
        .map(|e| ExampleCheck {
            example: e.clone(),
            dropped: Vec::new(),
            closest_kept: Vec::new(),
        })
        .collect();
    let mut kept = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let (en, zh) = (
            match_key(Language::En, &pair.en),
            match_key(Language::Zh, &pair.zh),
        );
        // similarity of this pair to each example ([examples])
        let sims: Vec<f64> = keys
            .iter()
            .map(|k| {
                let side = if k.language == Language::Zh { &zh } else { &en };
                strsim::normalized_levenshtein(&k.key, side)
            })
            .collect();
        let copy = sims.iter().any(|&s| s >= NEAR_COPY);
        for (check, &similarity) in checks.iter_mut().zip(&sims) {
            let close = Close {
                similarity,
                pair: pair.clone(),
            };
            if copy && similarity >= NEAR_COPY {
                check.dropped.push(close);
            } else if !copy {
                keep_closest(&mut check.closest_kept, close);
            }
        }
        if !copy {
            kept.push(pair);
        }
    }
    (kept, checks)
}

/// Keep the [`CLOSEST`] most similar, most similar first (ties: the earlier pair).
fn keep_closest(list: &mut Vec<Close>, close: Close) {
    let at = list.partition_point(|c| c.similarity >= close.similarity);
    if at < CLOSEST {
        list.insert(at, close);
        list.truncate(CLOSEST);
    }
}

/// The model card's section: what was held out and how (the counts are in the data card).
pub fn card_section() -> String {
    format!(
        "## Held out: the page's example sentences\n\n\
         The example sentences the page offers (`{DEFAULT_EXAMPLES}`: the article's own, and a few \
         more of the same kind) are translated by generalisation: `seq2seq-train prepare` drops \
         every pair whose English or Chinese side is one of them or a near-copy (similarity ≥ \
         {NEAR_COPY}: 1 − Levenshtein distance / longer length, on lower-cased letters, digits and \
         Han characters after the tokenizers' normalisation) before the split, and its data card \
         lists how many were dropped and the three closest pairs kept for each example. \
         `train --dictionary` drops dictionary pairs by the same rule (`dictionary.rs`).\n\n\
         Checked on 2026-11-30 for the shipped models: `seq2seq-train prepare` with this rule \
         drops 0 pairs and writes train/dev/test splits byte-identical to the ones they were \
         trained on, so no example or near-copy was in their data. The closest pair kept is \
         \"We love eating apples. / 我们喜欢吃苹果。\" (0.86 against 我喜欢吃苹果): a different \
         sentence (we, not I), which the rule keeps.\n\n"
    )
}

/// The data card's section.
pub fn render(checks: &[ExampleCheck], examples_file: &str) -> String {
    // A pair can copy two examples (its English one, its Chinese another): count it once.
    let dropped = checks
        .iter()
        .flat_map(|c| c.dropped.iter().map(|d| &d.pair))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let mut md = format!(
        "## The page's examples are held out\n\n\
         The example sentences of `{examples_file}` ({} of them) must be translated by \
         generalisation, so every pair with a side that is one of them or a near-copy \
         (similarity ≥ {NEAR_COPY} on lower-cased letters, digits and Han characters, after the \
         tokenizers' normalisation; 1 − Levenshtein distance / longer length) was dropped before \
         the split: **{dropped} pair(s) dropped**. The closest pairs kept, per example:\n\n\
         | example | dropped | closest kept pairs (similarity) |\n|---|---:|---|\n",
        checks.len()
    );
    for c in checks {
        let closest: Vec<String> = c
            .closest_kept
            .iter()
            .map(|k| format!("{} / {} ({:.2})", k.pair.en, k.pair.zh, k.similarity))
            .collect();
        md += &format!(
            "| {} | {} | {} |\n",
            c.example,
            c.dropped.len(),
            closest.join("; ").replace('|', "\\|")
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_punctuation_and_script() {
        assert_eq!(
            match_key(Language::En, "I like eating apples."),
            "ilikeeatingapples"
        );
        assert_eq!(
            match_key(Language::Zh, "我們喜歡蘋果！"),
            match_key(Language::Zh, "我们喜欢苹果")
        );
    }

    #[test]
    fn copies_and_near_copies_are_dropped_different_sentences_kept() {
        let examples = parse_examples("# comment\nI like eating apple\n\n我喜欢吃苹果\n");
        assert_eq!(examples.len(), 2);
        let pairs = vec![
            Pair::new("I like eating apples.", "我喜欢吃苹果。"),
            Pair::new("We love eating apples.", "我们喜欢吃苹果。"),
            Pair::new("I like eating fruit.", "我喜欢吃水果。"),
            Pair::new("The weather is nice.", "天气很好。"),
        ];
        let (kept, checks) = drop_near_copies(pairs, &examples);
        assert_eq!(kept.len(), 3, "only the copy goes: {kept:?}");
        assert!(kept.iter().all(|p| p.en != "I like eating apples."));
        assert_eq!(checks[0].dropped.len(), 1);
        assert_eq!(checks[1].dropped.len(), 1);
        // "我们喜欢吃苹果" is one edit from "我喜欢吃苹果" (6/7 ≈ 0.86): kept, and listed first.
        assert_eq!(checks[1].closest_kept[0].pair.zh, "我们喜欢吃苹果。");
        assert!((checks[1].closest_kept[0].similarity - 6.0 / 7.0).abs() < 1e-9);
        assert!(checks[1].closest_kept.len() <= CLOSEST);
        let md = render(&checks, DEFAULT_EXAMPLES);
        assert!(md.contains("**1 pair(s) dropped**"), "{md}");
    }

    #[test]
    fn the_shipped_examples_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(DEFAULT_EXAMPLES);
        let examples = read_examples(&path).unwrap();
        assert!(examples.len() >= 5, "{examples:?}");
        assert!(examples.iter().any(|e| e == "I like eating apple"));
    }
}
