//! The sentence pairs: reading, cleaning (script conversion, normalisation, deduplication),
//! grouping and splitting.
//!
//! Splits are made by a fixed hash of sentence *groups*: pairs that share an English or a Chinese
//! sentence (after normalisation) are one group (union-find), so no sentence is in two splits and
//! the test split measures translation of unseen sentences. The same input gives the same split on
//! every machine and run.

use std::collections::{HashMap, HashSet};

use seq2seq_core::tokenizer::{normalize, to_simplified, Language};

/// One English–Chinese pair, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub en: String,
    pub zh: String,
}

impl Pair {
    pub fn new(en: &str, zh: &str) -> Self {
        Pair {
            en: en.into(),
            zh: zh.into(),
        }
    }
}

/// What cleaning did, for the data card. `pairs_read = exact_duplicates + conversion_duplicates
/// + empty_after_normalisation + example_copies + pairs_kept`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanStats {
    /// Lines that are not `English<TAB>Chinese[<TAB>attribution]` with both texts non-empty.
    pub malformed_lines: usize,
    /// Pairs read from well-formed lines.
    pub pairs_read: usize,
    /// Pairs whose Chinese text the Traditional→Simplified table changed.
    pub zh_converted: usize,
    /// Pairs identical to an earlier pair in the raw file.
    pub exact_duplicates: usize,
    /// Pairs that became identical to an earlier pair only after conversion and normalisation.
    pub conversion_duplicates: usize,
    /// Pairs with an empty side after normalisation.
    pub empty_after_normalisation: usize,
    /// Pairs that copy one of the page's examples (`near_copies`; set by `prepare`).
    pub example_copies: usize,
    /// Pairs kept.
    pub pairs_kept: usize,
}

/// Parses `English<TAB>Chinese<TAB>attribution` lines; returns the raw pairs and the number of
/// malformed lines (blank lines are skipped silently).
pub fn parse_lines(text: &str) -> (Vec<(String, String)>, usize) {
    let mut pairs = Vec::new();
    let mut malformed = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        match (fields.next(), fields.next()) {
            (Some(en), Some(zh)) if !en.trim().is_empty() && !zh.trim().is_empty() => {
                pairs.push((en.to_string(), zh.to_string()));
            }
            _ => malformed += 1,
        }
    }
    (pairs, malformed)
}

/// Converts, normalises and deduplicates; keeps the first occurrence of each pair, in file order.
pub fn clean(raw: &[(String, String)], on_item: impl Fn()) -> (Vec<Pair>, CleanStats) {
    let mut stats = CleanStats {
        pairs_read: raw.len(),
        ..CleanStats::default()
    };
    let mut seen_raw: HashSet<(&str, &str)> = HashSet::new();
    let mut seen: HashSet<Pair> = HashSet::new();
    let mut kept = Vec::new();
    for (en, zh) in raw {
        on_item();
        if to_simplified(zh) != *zh {
            stats.zh_converted += 1;
        }
        if !seen_raw.insert((en.as_str(), zh.as_str())) {
            stats.exact_duplicates += 1;
            continue;
        }
        let pair = Pair {
            en: normalize(Language::En, en),
            zh: normalize(Language::Zh, zh),
        };
        if pair.en.is_empty() || pair.zh.is_empty() {
            stats.empty_after_normalisation += 1;
            continue;
        }
        if !seen.insert(pair.clone()) {
            stats.conversion_duplicates += 1;
            continue;
        }
        kept.push(pair);
    }
    stats.pairs_kept = kept.len();
    (kept, stats)
}

impl std::hash::Hash for Pair {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.en.hash(state);
        self.zh.hash(state);
    }
}

/// Union-find over pair indices; the root of a group is its smallest index.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
    }
}

/// The group of each pair: pairs sharing an English or a Chinese sentence, transitively. A group
/// is named by the index of its first pair.
pub fn groups(pairs: &[Pair]) -> Vec<usize> {
    let mut uf = UnionFind::new(pairs.len());
    let mut first_en: HashMap<&str, usize> = HashMap::new();
    let mut first_zh: HashMap<&str, usize> = HashMap::new();
    for (i, pair) in pairs.iter().enumerate() {
        let e = *first_en.entry(pair.en.as_str()).or_insert(i);
        uf.union(e, i);
        let z = *first_zh.entry(pair.zh.as_str()).or_insert(i);
        uf.union(z, i);
    }
    (0..pairs.len()).map(|i| uf.find(i)).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    Train,
    Dev,
    Test,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Train, Split::Dev, Split::Test];

    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}

/// 64-bit FNV-1a: a fixed hash, the same on every platform and Rust version.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The split of a group with key `key`: `hash % 100` below `test_percent` is test, below
/// `test_percent + dev_percent` is dev, the rest is train.
pub fn split_of(key: &str, dev_percent: u64, test_percent: u64) -> Split {
    let bucket = fnv1a64(key.as_bytes()) % 100;
    if bucket < test_percent {
        Split::Test
    } else if bucket < test_percent + dev_percent {
        Split::Dev
    } else {
        Split::Train
    }
}

/// The split of every pair. A group's key is the smallest English sentence in it, so the
/// assignment does not depend on the order of the file.
pub fn assign_splits(
    pairs: &[Pair],
    groups: &[usize],
    dev_percent: u64,
    test_percent: u64,
) -> Vec<Split> {
    let mut key: HashMap<usize, &str> = HashMap::new();
    for (pair, &g) in pairs.iter().zip(groups) {
        let k = key.entry(g).or_insert(pair.en.as_str());
        if pair.en.as_str() < *k {
            *k = pair.en.as_str();
        }
    }
    groups
        .iter()
        .map(|g| split_of(key.get(g).copied().unwrap_or(""), dev_percent, test_percent))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(en: &str, zh: &str) -> Pair {
        Pair {
            en: en.into(),
            zh: zh.into(),
        }
    }

    #[test]
    fn parses_lines() {
        let (pairs, bad) = parse_lines("Hi.\t嗨。\tCC-BY\n\nno tab here\nRun.\t跑！\n\t空\n");
        assert_eq!(
            pairs,
            [
                ("Hi.".to_string(), "嗨。".to_string()),
                ("Run.".into(), "跑！".into())
            ]
        );
        assert_eq!(bad, 2);
    }

    #[test]
    fn dedup_counts_exact_and_conversion_duplicates() {
        let raw: Vec<(String, String)> = [
            ("I like apples.", "我喜歡蘋果。"),
            ("I like apples.", "我喜歡蘋果。"),  // exact duplicate
            ("I like apples.", "我喜欢苹果。"),  // same after conversion
            ("I  like apples. ", "我喜欢苹果."), // same after normalisation? (. is kept)
            ("Who?", "誰？"),
            ("\u{7}", "谁"), // empty English after normalisation
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let (pairs, stats) = clean(&raw, || {});
        assert_eq!(stats.pairs_read, 6);
        assert_eq!(stats.exact_duplicates, 1);
        assert_eq!(stats.conversion_duplicates, 1);
        assert_eq!(stats.empty_after_normalisation, 1);
        assert_eq!(stats.zh_converted, 3);
        assert_eq!(
            pairs,
            [
                p("I like apples.", "我喜欢苹果。"),
                p("I like apples.", "我喜欢苹果."),
                p("Who?", "谁？")
            ]
        );
        assert_eq!(
            stats.pairs_read,
            stats.exact_duplicates
                + stats.conversion_duplicates
                + stats.empty_after_normalisation
                + stats.pairs_kept
        );
    }

    #[test]
    fn groups_join_shared_sentences_transitively() {
        let pairs = [
            p("Hi.", "嗨。"),
            p("Hi.", "你好。"),
            p("Hello.", "你好。"),
            p("Run.", "跑。"),
            p("Hello!", "你好！"),
        ];
        assert_eq!(groups(&pairs), [0, 0, 0, 3, 4]);
    }

    #[test]
    fn fnv_is_the_reference_fnv1a() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn splits_are_deterministic_and_keep_groups_together() {
        let mut pairs = Vec::new();
        for i in 0..2000 {
            pairs.push(p(&format!("sentence {i}"), &format!("句子{}", i / 3)));
        }
        let g = groups(&pairs);
        let a = assign_splits(&pairs, &g, 5, 5);
        let b = assign_splits(&pairs, &g, 5, 5);
        assert_eq!(a, b);
        // Reversing the file changes neither the groups' membership nor their splits.
        let rev: Vec<Pair> = pairs.iter().rev().cloned().collect();
        let g_rev = groups(&rev);
        let a_rev = assign_splits(&rev, &g_rev, 5, 5);
        for (i, s) in a.iter().enumerate() {
            assert_eq!(*s, a_rev[pairs.len() - 1 - i]);
        }
        // Every group is in exactly one split.
        let mut split_of_group: HashMap<usize, Split> = HashMap::new();
        for (&gi, &s) in g.iter().zip(&a) {
            assert_eq!(*split_of_group.entry(gi).or_insert(s), s);
        }
        // Roughly 90/5/5.
        let count = |s| a.iter().filter(|&&x| x == s).count();
        assert!(count(Split::Train) > 1600, "{}", count(Split::Train));
        assert!(count(Split::Dev) > 40 && count(Split::Test) > 40);
    }
}
