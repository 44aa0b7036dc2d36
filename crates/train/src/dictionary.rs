//! Dictionary pairs: short English–Chinese word pairs (issue 14's vocabulary-coverage lever)
//! added to the training examples with `train --dictionary data/dictionary/hsk-cedict-pairs.tsv`.
//!
//! The file (English<TAB>Chinese, one pair per line) is made by `scripts/dictionary-pairs.py`
//! from the HSK vocabulary with CC-CEDICT glosses; its licence and what it means for weights
//! trained on it are in `data/dictionary/README.md`. Before training uses them, pairs are
//! dropped that are a near-copy of one of the page's examples (the rule `prepare` applies to
//! Tatoeba, `crate::near_copies`) or whose English or Chinese side is, as matching text, a whole
//! dev or test sentence, so that no scored sentence is learnt from the dictionary.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result};
use seq2seq_core::tokenizer::Language;

use crate::data::Pair;
use crate::evaluate::read_split;
use crate::near_copies::{self, match_key};

/// The repository's dictionary file.
pub const DEFAULT_DICTIONARY: &str = "data/dictionary/hsk-cedict-pairs.tsv";

/// What a model trained on the dictionary must credit, and its license (data/dictionary/README.md).
pub const ATTRIBUTION: &str = "Dictionary pairs: HSK 1–6 words (complete-hsk-vocabulary, MIT) with English glosses from CC-CEDICT (MDBG), CC BY-SA 4.0.";
pub const LICENSE_URL: &str = "https://creativecommons.org/licenses/by-sa/4.0/";

/// What was read and what was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryStats {
    pub read: usize,
    pub example_copies: usize,
    pub scored_sentences: usize,
    pub kept: usize,
}

/// The usable pairs of `path`; `data` holds the prepared dev.tsv and test.tsv.
pub fn read(path: &Path, examples: &Path, data: &Path) -> Result<(Vec<Pair>, DictionaryStats)> {
    let pairs: Vec<Pair> = read_split(path)
        .with_context(|| format!("reading the dictionary {}", path.display()))?
        .into_iter()
        .map(|(en, zh)| Pair { en, zh })
        .collect();
    let examples = near_copies::read_examples(examples)?;
    let mut scored = Vec::new();
    for split in ["dev.tsv", "test.tsv"] {
        scored.extend(read_split(&data.join(split))?);
    }
    Ok(filter(pairs, &examples, &scored))
}

/// Drops the examples' near-copies, then pairs with a side equal to a scored sentence.
pub fn filter(
    pairs: Vec<Pair>,
    examples: &[String],
    scored: &[(String, String)],
) -> (Vec<Pair>, DictionaryStats) {
    let read = pairs.len();
    let (pairs, _) = near_copies::drop_near_copies(pairs, examples);
    let example_copies = read - pairs.len();
    let scored_en: HashSet<String> = scored
        .iter()
        .map(|(en, _)| match_key(Language::En, en))
        .collect();
    let scored_zh: HashSet<String> = scored
        .iter()
        .map(|(_, zh)| match_key(Language::Zh, zh))
        .collect();
    let before = pairs.len();
    let kept: Vec<Pair> = pairs
        .into_iter()
        .filter(|p| {
            !scored_en.contains(&match_key(Language::En, &p.en))
                && !scored_zh.contains(&match_key(Language::Zh, &p.zh))
        })
        .collect();
    let stats = DictionaryStats {
        read,
        example_copies,
        scored_sentences: before - kept.len(),
        kept: kept.len(),
    };
    (kept, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_and_scored_sentences_stay_out() {
        let pairs = vec![
            Pair::new("banana", "香蕉"),
            Pair::new("I like eating apples", "我喜欢吃苹果"),
            Pair::new("hello", "你好"),
            Pair::new("mat", "垫子"),
        ];
        let examples = vec!["I like eating apples.".to_owned()];
        let scored = vec![("Hello!".to_owned(), "你好！".to_owned())];
        let (kept, stats) = filter(pairs, &examples, &scored);
        assert_eq!(
            kept,
            vec![Pair::new("banana", "香蕉"), Pair::new("mat", "垫子")]
        );
        assert_eq!(
            stats,
            DictionaryStats {
                read: 4,
                example_copies: 1,
                scored_sentences: 1,
                kept: 2
            }
        );
    }

    #[test]
    fn the_repositorys_dictionary_reads_and_keeps_most_pairs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let pairs: Vec<Pair> = read_split(&root.join(DEFAULT_DICTIONARY))
            .unwrap()
            .into_iter()
            .map(|(en, zh)| Pair { en, zh })
            .collect();
        assert!(pairs.len() > 10_000, "{} pairs", pairs.len());
        for w in [
            ("mat", "垫"),
            ("gun", "枪"),
            ("magazine", "杂志"),
            ("banana", "香蕉"),
        ] {
            assert!(pairs.contains(&Pair::new(w.0, w.1)), "{w:?} missing");
        }
        let examples =
            near_copies::read_examples(&root.join(near_copies::DEFAULT_EXAMPLES)).unwrap();
        let (_, stats) = filter(pairs, &examples, &[]);
        assert_eq!(stats.example_copies, 0);
    }
}
