//! `seq2seq-train prepare`: from the Tatoeba file to splits, tokenizers and a data card.
//!
//! 1. read `English<TAB>Chinese<TAB>attribution` lines;
//! 2. convert Chinese to Simplified (fast2s table) and normalise both sides exactly as the
//!    tokenizers will at run time (`seq2seq_core::tokenizer::normalize`);
//! 3. drop duplicate pairs, including those the conversion creates, and every pair that copies
//!    one of the page's example sentences (`near_copies`);
//! 4. group pairs that share a sentence (union-find) and split train/dev/test by a fixed hash of
//!    the group;
//! 5. train the English and Chinese tokenizers on the train split;
//! 6. write `train.tsv`, `dev.tsv`, `test.tsv` (en<TAB>zh), `tokenizer-en.json`,
//!    `tokenizer-zh.json` and `data-card.md`.
//!
//! The output is deterministic: the same input and flags give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use seq2seq_core::tokenizer::{Language, Tokenizer};

use crate::data::{self, CleanStats, Pair, Split};
use crate::ladder;
use crate::near_copies::{self, DEFAULT_EXAMPLES};
use crate::progress;
use crate::vocab;

/// The training text shipped with the repository (data/tatoeba-cmn-eng/README.md).
pub const DEFAULT_INPUT: &str = "data/tatoeba-cmn-eng/cmn-train.txt.gz";

/// The attribution every product of this data must carry.
pub const ATTRIBUTION: &str = "English–Chinese sentence pairs from the Tatoeba Project (tatoeba.org) via www.manythings.org/anki, CC BY 2.0 FR.";

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The Tatoeba pairs file (English<TAB>Chinese<TAB>attribution; gzip if it ends in .gz),
    /// relative to the repo root.
    #[arg(long, default_value = DEFAULT_INPUT)]
    pub input: PathBuf,
    /// The page's example sentences, held out of every split with their near-copies (one per
    /// line, `#` comments), relative to the repo root.
    #[arg(long, default_value = DEFAULT_EXAMPLES)]
    pub examples: PathBuf,
    /// Output directory.
    #[arg(long, default_value = "artifacts/data")]
    pub out: PathBuf,
    /// English vocabulary size (specials, 256 byte pieces, characters and BPE merges). 2000 is
    /// what the shipped models use: it keeps every model under 4 MB as f16.
    #[arg(long, default_value_t = 2000)]
    pub en_vocab: usize,
    /// Chinese vocabulary size; 0 = one piece per character (the default).
    #[arg(long, default_value_t = 0)]
    pub zh_vocab: usize,
    /// A character is in a vocabulary if it occurs at least this often in the train split;
    /// rarer ones are encoded as UTF-8 bytes.
    #[arg(long, default_value_t = 2)]
    pub min_char_count: usize,
    /// Percentage of sentence groups in the dev split.
    #[arg(long, default_value_t = 5)]
    pub dev_percent: u64,
    /// Percentage of sentence groups in the test split.
    #[arg(long, default_value_t = 5)]
    pub test_percent: u64,
}

/// Everything `prepare` computes, before anything is written.
pub struct Prepared {
    pub splits: BTreeMap<Split, Vec<Pair>>,
    pub en: Tokenizer,
    pub zh: Tokenizer,
    pub card: DataCard,
}

/// The counts that go into data-card.md.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataCard {
    pub input: String,
    pub clean: CleanStats,
    pub groups: usize,
    pub largest_group: usize,
    pub split_pairs: BTreeMap<Split, usize>,
    pub split_groups: BTreeMap<Split, usize>,
    pub en_vocab: usize,
    pub en_merges: usize,
    pub zh_vocab: usize,
    pub min_char_count: usize,
    pub dev_percent: u64,
    pub test_percent: u64,
    /// The held-out examples section (`near_copies::render`).
    pub held_out: String,
}

pub fn run(args: &Args) -> Result<()> {
    anyhow::ensure!(
        args.dev_percent + args.test_percent < 100,
        "--dev-percent + --test-percent must be below 100"
    );
    let text = read_text(&args.input).with_context(|| {
        format!(
            "cannot read {} (run from the repository root, or pass --input)",
            args.input.display()
        )
    })?;
    let examples = near_copies::read_examples(&args.examples)?;
    let prepared = prepare(&text, &args.input.display().to_string(), &examples, args)?;
    write(&prepared, &args.out)?;
    let c = &prepared.card;
    eprintln!(
        "prepare: {} pairs read, {} kept; train {} / dev {} / test {}; vocab en {} zh {} → {}",
        c.clean.pairs_read,
        c.clean.pairs_kept,
        c.split_pairs.get(&Split::Train).unwrap_or(&0),
        c.split_pairs.get(&Split::Dev).unwrap_or(&0),
        c.split_pairs.get(&Split::Test).unwrap_or(&0),
        c.en_vocab,
        c.zh_vocab,
        args.out.display()
    );
    Ok(())
}

/// A text file, gunzipped if its name ends in `.gz`.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
            .context("not a gzip file of UTF-8 text")?;
        Ok(text)
    } else {
        String::from_utf8(bytes).context("not UTF-8 text")
    }
}

/// The whole computation on the file's text (no I/O).
pub fn prepare(text: &str, input_name: &str, examples: &[String], args: &Args) -> Result<Prepared> {
    let (raw, malformed) = data::parse_lines(text);
    anyhow::ensure!(!raw.is_empty(), "{input_name} holds no sentence pairs");
    let bar = progress::bar(raw.len() as u64, "convert + normalise");
    let (pairs, mut clean) = data::clean(&raw, || bar.inc(1));
    bar.finish();
    clean.malformed_lines = malformed;
    let (pairs, checks) = near_copies::drop_near_copies(pairs, examples);
    clean.example_copies = clean.pairs_kept - pairs.len();
    clean.pairs_kept = pairs.len();
    let held_out = near_copies::render(&checks, &args.examples.display().to_string());

    let groups = data::groups(&pairs);
    let assignment = data::assign_splits(&pairs, &groups, args.dev_percent, args.test_percent);
    let mut splits: BTreeMap<Split, Vec<Pair>> = Split::ALL.iter().map(|&s| (s, vec![])).collect();
    let mut group_sizes: HashMap<usize, usize> = HashMap::new();
    let mut split_groups: BTreeMap<Split, usize> = Split::ALL.iter().map(|&s| (s, 0)).collect();
    for ((pair, &g), &s) in pairs.iter().zip(&groups).zip(&assignment) {
        let size = group_sizes.entry(g).or_insert(0);
        if *size == 0 {
            *split_groups.entry(s).or_insert(0) += 1;
        }
        *size += 1;
        splits.entry(s).or_default().push(pair.clone());
    }

    let train = splits.get(&Split::Train).map(Vec::as_slice).unwrap_or(&[]);
    let spinner = progress::spinner("training the English BPE");
    let en_sentences: Vec<&str> = train.iter().map(|p| p.en.as_str()).collect();
    let en = vocab::build(
        Language::En,
        &en_sentences,
        args.en_vocab,
        args.min_char_count,
    )?;
    spinner.set_message("building the Chinese vocabulary");
    let zh_sentences: Vec<&str> = train.iter().map(|p| p.zh.as_str()).collect();
    let zh = vocab::build(
        Language::Zh,
        &zh_sentences,
        args.zh_vocab,
        args.min_char_count,
    )?;
    spinner.finish_and_clear();

    let card = DataCard {
        input: input_name.to_string(),
        clean,
        groups: group_sizes.len(),
        largest_group: group_sizes.values().copied().max().unwrap_or(0),
        split_pairs: splits.iter().map(|(&s, v)| (s, v.len())).collect(),
        split_groups,
        en_vocab: en.vocab_size(),
        en_merges: en.merges().len(),
        zh_vocab: zh.vocab_size(),
        min_char_count: args.min_char_count,
        dev_percent: args.dev_percent,
        test_percent: args.test_percent,
        held_out,
    };
    Ok(Prepared {
        splits,
        en,
        zh,
        card,
    })
}

/// Writes the prepared data into `out` (created if missing).
pub fn write(prepared: &Prepared, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let put = |name: &str, contents: &str| {
        let path = out.join(name);
        std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
    };
    for (split, pairs) in &prepared.splits {
        let mut tsv = String::with_capacity(pairs.len() * 48);
        for p in pairs {
            tsv.push_str(&p.en);
            tsv.push('\t');
            tsv.push_str(&p.zh);
            tsv.push('\n');
        }
        put(&format!("{}.tsv", split.name()), &tsv)?;
        if *split != Split::Train {
            put(
                &format!("{}-ladder.tsv", split.name()),
                &ladder::to_tsv(&ladder::eval_ladder(pairs)),
            )?;
        }
    }
    put("tokenizer-en.json", &prepared.en.to_json())?;
    put("tokenizer-zh.json", &prepared.zh.to_json())?;
    put("data-card.md", &prepared.card.render())?;
    Ok(())
}

impl DataCard {
    pub fn render(&self) -> String {
        let c = &self.clean;
        let n = |s: Split| self.split_pairs.get(&s).copied().unwrap_or(0);
        let g = |s: Split| self.split_groups.get(&s).copied().unwrap_or(0);
        let mut md = String::new();
        let _ = writeln!(md, "# Data card: Tatoeba English–Chinese pairs\n");
        let _ = writeln!(md, "{ATTRIBUTION}\n");
        let _ = writeln!(md, "Source file: `{}`. Built by `seq2seq-train prepare` (deterministic: the same input and flags give the same files).\n", self.input);
        let _ = writeln!(md, "## Cleaning\n");
        let _ = writeln!(md, "| step | pairs |\n|---|---:|");
        let _ = writeln!(md, "| pairs read | {} |", c.pairs_read);
        let _ = writeln!(
            md,
            "| malformed lines skipped (not counted above) | {} |",
            c.malformed_lines
        );
        let _ = writeln!(
            md,
            "| Chinese side converted Traditional → Simplified | {} |",
            c.zh_converted
        );
        let _ = writeln!(md, "| exact duplicates dropped | {} |", c.exact_duplicates);
        let _ = writeln!(
            md,
            "| duplicates created by conversion/normalisation dropped | {} |",
            c.conversion_duplicates
        );
        let _ = writeln!(
            md,
            "| empty after normalisation dropped | {} |",
            c.empty_after_normalisation
        );
        let _ = writeln!(
            md,
            "| copies of the page's examples dropped (below) | {} |",
            c.example_copies
        );
        let _ = writeln!(md, "| **pairs kept** | **{}** |\n", c.pairs_kept);
        let _ = writeln!(md, "Conversion: the Chinese column mixes Simplified and Traditional script; every Chinese sentence was converted to Simplified Chinese with the fast2s table (MIT, from OpenCC data), then both sides were normalised (NFKC, whitespace, quotes; Chinese punctuation in full-width forms; English case preserved) exactly as the app normalises user input. The models read either script and write Simplified Chinese.\n");
        let _ = writeln!(md, "{}", self.held_out);
        let _ = writeln!(md, "## Splits\n");
        let _ = writeln!(md, "Pairs that share an English or a Chinese sentence form one group (union-find); each group goes to one split by a fixed hash (64-bit FNV-1a of the group's smallest English sentence, mod 100: < {} test, < {} dev, else train), so no sentence appears in two splits.\n", self.test_percent, self.test_percent + self.dev_percent);
        let _ = writeln!(md, "| split | pairs | groups |\n|---|---:|---:|");
        for s in Split::ALL {
            let _ = writeln!(md, "| {} | {} | {} |", s.name(), n(s), g(s));
        }
        let _ = writeln!(
            md,
            "| total | {} | {} |\n",
            n(Split::Train) + n(Split::Dev) + n(Split::Test),
            self.groups
        );
        let _ = writeln!(md, "Largest group: {} pairs.\n", self.largest_group);
        let _ = writeln!(md, "## Tokenizers (trained on the train split)\n");
        let _ = writeln!(
            md,
            "| tokenizer | vocabulary | of which merges | model |\n|---|---:|---:|---|"
        );
        let _ = writeln!(md, "| English (`tokenizer-en.json`) | {} | {} | BPE subwords, case preserved, byte fallback |", self.en_vocab, self.en_merges);
        let _ = writeln!(md, "| Chinese (`tokenizer-zh.json`) | {} | 0 | one piece per character seen ≥ {} times, byte fallback |", self.zh_vocab, self.min_char_count);
        let _ = writeln!(md, "\nEach vocabulary holds 4 specials (`<pad>` `<s>` `</s>` `<unk>`, ids 0–3), the language tag (`<en>` or `<zh>`, id 4) and 256 UTF-8 byte pieces; characters seen fewer than {} times in the train split are encoded as bytes, so no input becomes `<unk>`.", self.min_char_count);
        let _ = writeln!(md, "\n## License\n\nCC BY 2.0 FR (https://creativecommons.org/licenses/by/2.0/fr/). {ATTRIBUTION} Per-pair sentence ids and authors are in the third column of the source file.");
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: Args,
    }

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["x"];
        argv.extend_from_slice(extra);
        Wrap::parse_from(argv).args
    }

    /// A small synthetic corpus: 600 pairs in chains that share sentences, with duplicates and
    /// Traditional script.
    fn corpus() -> String {
        let mut s = String::new();
        for i in 0..600 {
            let _ = writeln!(s, "I have {} apples.\t我有{}個蘋果。\tCC-BY", i / 2, i);
            if i % 50 == 0 {
                let _ = writeln!(s, "I have {} apples.\t我有{}個蘋果。\tCC-BY", i / 2, i);
                let _ = writeln!(s, "I have {} apples.\t我有{}个苹果。\tCC-BY", i / 2, i);
            }
        }
        s.push_str("broken line\n");
        s
    }

    #[test]
    fn the_pages_examples_and_their_copies_are_held_out() {
        let text = corpus();
        // "我有300个苹果" is pair 300 alone ("我有30…"/"我有301…" are 7/8 similar); "I have 7
        // apples" is pairs 14 and 15 and, one edit in 13 characters away, "I have 17 apples" …
        let examples = vec!["我有300個蘋果".to_owned(), "I have 7 apples".to_owned()];
        let p = prepare(&text, "corpus", &examples, &args(&["--en-vocab", "320"])).unwrap();
        let c = &p.card;
        let kept: Vec<&Pair> = p.splits.values().flatten().collect();
        assert_eq!(c.clean.pairs_kept, kept.len());
        assert_eq!(c.clean.example_copies, 600 - kept.len());
        assert!(kept
            .iter()
            .all(|q| q.zh != "我有300个苹果。" && q.en != "I have 7 apples."));
        assert!(kept
            .iter()
            .all(|q| q.en != "I have 17 apples." && q.en != "I have 70 apples."));
        assert!(
            kept.iter().any(|q| q.zh == "我有301个苹果。"),
            "a different number is kept"
        );
        assert!(kept.iter().any(|q| q.en == "I have 250 apples."));
        let md = c.render();
        let dropped = c.clean.example_copies;
        assert!(
            md.contains(&format!(
                "| copies of the page's examples dropped (below) | {dropped} |"
            )),
            "{md}"
        );
        assert!(
            md.contains(&format!("**{dropped} pair(s) dropped**")),
            "{md}"
        );
    }

    #[test]
    fn counts_add_up_and_groups_do_not_straddle() {
        let text = corpus();
        let p = prepare(&text, "corpus", &[], &args(&["--en-vocab", "320"])).unwrap();
        let c = &p.card;
        assert_eq!(c.clean.malformed_lines, 1);
        assert_eq!(c.clean.pairs_read, 624);
        assert_eq!(c.clean.exact_duplicates, 12);
        assert_eq!(c.clean.conversion_duplicates, 12);
        assert_eq!(c.clean.pairs_kept, 600);
        assert_eq!(
            c.clean.pairs_read,
            c.clean.exact_duplicates
                + c.clean.conversion_duplicates
                + c.clean.empty_after_normalisation
                + c.clean.example_copies
                + c.clean.pairs_kept
        );
        assert_eq!(c.split_pairs.values().sum::<usize>(), c.clean.pairs_kept);
        assert_eq!(c.split_groups.values().sum::<usize>(), c.groups);
        assert_eq!(c.groups, 300);
        assert_eq!(c.largest_group, 2);
        // No English or Chinese sentence in two splits.
        let mut where_en: HashMap<&str, Split> = HashMap::new();
        let mut where_zh: HashMap<&str, Split> = HashMap::new();
        for (&s, pairs) in &p.splits {
            for pair in pairs {
                assert_eq!(*where_en.entry(&pair.en).or_insert(s), s, "{}", pair.en);
                assert_eq!(*where_zh.entry(&pair.zh).or_insert(s), s, "{}", pair.zh);
                assert!(!pair.zh.contains('個'), "{}", pair.zh);
            }
        }
        let md = c.render();
        assert!(md.contains(ATTRIBUTION));
        assert!(md.contains("| **pairs kept** | **600** |"));
    }

    #[test]
    fn output_is_byte_identical_across_runs() {
        let text = corpus();
        let a = args(&["--en-vocab", "320"]);
        let dir = std::env::temp_dir().join(format!("seq2seq-prepare-test-{}", std::process::id()));
        let (d1, d2) = (dir.join("1"), dir.join("2"));
        write(&prepare(&text, "corpus", &[], &a).unwrap(), &d1).unwrap();
        write(&prepare(&text, "corpus", &[], &a).unwrap(), &d2).unwrap();
        for name in [
            "train.tsv",
            "dev.tsv",
            "test.tsv",
            "dev-ladder.tsv",
            "test-ladder.tsv",
            "tokenizer-en.json",
            "tokenizer-zh.json",
            "data-card.md",
        ] {
            let x = std::fs::read(d1.join(name)).unwrap();
            let y = std::fs::read(d2.join(name)).unwrap();
            assert_eq!(x, y, "{name} differs between runs");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn real_data() -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(DEFAULT_INPUT);
        read_text(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// On the real data: core's encoder gives exactly the ids of the `tokenizers` crate for every
    /// sentence of every split, decode round-trips, and nothing is `<unk>`.
    #[test]
    fn core_matches_tokenizers_crate_on_real_data() {
        let text = real_data();
        let p = prepare(&text, "cmn-train.txt", &[], &args(&[])).unwrap();
        let c = &p.card;
        assert_eq!(c.split_pairs.values().sum::<usize>(), c.clean.pairs_kept);
        let train = c.split_pairs[&Split::Train] as f64 / c.clean.pairs_kept as f64;
        assert!((0.85..0.95).contains(&train), "train share {train}");
        for (tok, lang) in [(&p.en, "en"), (&p.zh, "zh")] {
            let reference: tokenizers::Tokenizer = tok.to_json().parse().unwrap();
            let mut checked = 0;
            for pairs in p.splits.values() {
                for pair in pairs {
                    let s = if lang == "en" { &pair.en } else { &pair.zh };
                    let ours = tok.encode_normalized(s);
                    let theirs = reference.encode(s.as_str(), false).unwrap();
                    assert_eq!(ours.ids, theirs.get_ids(), "{lang}: {s}");
                    assert!(
                        !ours.ids.contains(&seq2seq_core::tokenizer::UNK),
                        "{lang}: {s}"
                    );
                    assert_eq!(tok.decode(&ours.ids), *s, "{lang}: {s}");
                    assert_eq!(
                        reference.decode(theirs.get_ids(), true).unwrap(),
                        *s,
                        "{lang}: {s}"
                    );
                    checked += 1;
                }
            }
            assert_eq!(checked, c.clean.pairs_kept);
        }
    }
}
