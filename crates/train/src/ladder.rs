//! The length ladder: inputs made of 1–4 joined sentence pairs of *one* split.
//!
//! Tatoeba sentences are short (median 6 English words), so a model trained on them alone never
//! sees a long input, and every family collapses on one alike. Following Cho et al. 2014 and
//! Bahdanau et al. 2015 (Fig. 2: BLEU against source length), long inputs are built by joining
//! unrelated pairs: English with a space, Chinese with nothing.
//!
//! - Training (`training_joins`): joined examples of 2..=`max` pairs of the train split, added to
//!   the single pairs; a pure function of (pairs, seed), so a resumed run sees the same data.
//! - Evaluation (`eval_ladder`): rung k holds the split's pairs, in a fixed order (FNV-1a of the
//!   pair, so not sorted by length), cut into consecutive groups of k; the remainder is
//!   dropped. Rung 1 is the whole split. Never mixes splits. `prepare` writes it as
//!   `<split>-ladder.tsv` (rung, English, Chinese).

use std::path::Path;

use anyhow::{Context, Result};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::data::{fnv1a64, Pair};

/// The ladder's rungs: inputs of 1, 2, 3 and 4 joined sentences.
pub const RUNGS: usize = 4;

/// Pairs joined into one: English by a space, Chinese by nothing.
pub fn join<'a>(pairs: impl IntoIterator<Item = &'a Pair>) -> Pair {
    let mut en: Vec<&str> = Vec::new();
    let mut zh = String::new();
    for p in pairs {
        en.push(&p.en);
        zh.push_str(&p.zh);
    }
    Pair {
        en: en.join(" "),
        zh,
    }
}

/// One input of the evaluation ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rung {
    /// Number of sentences joined (1..=RUNGS).
    pub sentences: usize,
    pub pair: Pair,
}

/// The evaluation ladder of one split (see the module doc).
pub fn eval_ladder(pairs: &[Pair]) -> Vec<Rung> {
    let mut order: Vec<&Pair> = pairs.iter().collect();
    // Hash of the whole pair: pairs that share their English side land apart.
    order.sort_by_key(|p| fnv1a64(format!("{}\t{}", p.en, p.zh).as_bytes()));
    let mut out = Vec::new();
    for k in 1..=RUNGS {
        for group in order.chunks_exact(k) {
            out.push(Rung {
                sentences: k,
                pair: join(group.iter().copied()),
            });
        }
    }
    out
}

/// Joined training examples: for each k in 2..=`max`, the train pairs shuffled (by `seed` and k)
/// and cut into consecutive groups of k, of which the first `share × len / (max − 1)` are kept.
/// Empty when `max < 2`.
pub fn training_joins(pairs: &[Pair], max: usize, share: f64, seed: u64) -> Vec<Pair> {
    if max < 2 || pairs.len() < 2 {
        return Vec::new();
    }
    let per_k = (share.max(0.0) * pairs.len() as f64 / (max - 1) as f64).round() as usize;
    let mut out = Vec::new();
    for k in 2..=max {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ k as u64);
        let mut idx: Vec<usize> = (0..pairs.len()).collect();
        idx.shuffle(&mut rng);
        out.extend(
            idx.chunks_exact(k)
                .take(per_k)
                .map(|g| join(g.iter().map(|&i| &pairs[i]))),
        );
    }
    out
}

/// Writes a ladder as `rung<TAB>English<TAB>Chinese` lines.
pub fn to_tsv(ladder: &[Rung]) -> String {
    let mut s = String::new();
    for r in ladder {
        s.push_str(&format!("{}\t{}\t{}\n", r.sentences, r.pair.en, r.pair.zh));
    }
    s
}

/// Reads a ladder file written by `prepare` (`<split>-ladder.tsv`).
pub fn read(path: &Path) -> Result<Vec<Rung>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {} (written by `seq2seq-train prepare`; run it again if the file is missing)",
            path.display()
        )
    })?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let mut f = line.splitn(3, '\t');
            let (Some(k), Some(en), Some(zh)) = (f.next(), f.next(), f.next()) else {
                anyhow::bail!("{} line {}: not rung<TAB>en<TAB>zh", path.display(), i + 1);
            };
            Ok(Rung {
                sentences: k
                    .parse()
                    .with_context(|| format!("{} line {}: bad rung", path.display(), i + 1))?,
                pair: Pair {
                    en: en.to_string(),
                    zh: zh.to_string(),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(n: usize) -> Vec<Pair> {
        (0..n)
            .map(|i| Pair {
                en: format!("Sentence {i}."),
                zh: format!("句子{i}。"),
            })
            .collect()
    }

    #[test]
    fn join_uses_a_space_for_english_and_nothing_for_chinese() {
        let p = pairs(2);
        let j = join(&p);
        assert_eq!(j.en, "Sentence 0. Sentence 1.");
        assert_eq!(j.zh, "句子0。句子1。");
    }

    #[test]
    fn eval_ladder_covers_the_split_once_per_rung() {
        let p = pairs(10);
        let ladder = eval_ladder(&p);
        let count = |k| ladder.iter().filter(|r| r.sentences == k).count();
        assert_eq!((count(1), count(2), count(3), count(4)), (10, 5, 3, 2));
        // Every sentence of rung 2 comes from the split, each at most once.
        let mut seen = std::collections::HashSet::new();
        for r in ladder.iter().filter(|r| r.sentences == 2) {
            for s in r.pair.en.split_inclusive(". ") {
                assert!(seen.insert(s.trim().to_string()), "{s} twice");
            }
        }
        assert_eq!(seen.len(), 10);
        // Deterministic and independent of the split's order.
        let mut rev = p.clone();
        rev.reverse();
        assert_eq!(eval_ladder(&rev), ladder);
        assert_eq!(read_back(&ladder), ladder);
    }

    fn read_back(ladder: &[Rung]) -> Vec<Rung> {
        let path = std::env::temp_dir().join(format!("ladder-test-{}.tsv", std::process::id()));
        std::fs::write(&path, to_tsv(ladder)).unwrap();
        let back = read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        back
    }

    #[test]
    fn training_joins_are_deterministic_and_sized_by_share() {
        let p = pairs(300);
        let a = training_joins(&p, 4, 0.6, 7);
        assert_eq!(a, training_joins(&p, 4, 0.6, 7));
        assert_ne!(a, training_joins(&p, 4, 0.6, 8));
        assert_eq!(a.len(), 3 * 60);
        let sentences = |j: &Pair| j.zh.matches('。').count();
        assert!(a[..60].iter().all(|j| sentences(j) == 2));
        assert!(a[120..].iter().all(|j| sentences(j) == 4));
        assert!(training_joins(&p, 1, 0.6, 7).is_empty());
    }
}
