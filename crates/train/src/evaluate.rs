//! `eval`: BLEU/chrF of a model on a split, decoding through seq2seq-core (the code the browser
//! runs), overall and by source length; also scores plain hypothesis/reference files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::DecodeOptions;
use seq2seq_core::tokenizer::Language;
use seq2seq_core::translator::Translator;
use serde::{Deserialize, Serialize};

use crate::ladder;
use crate::metrics::{self, BleuTokenizer, BUCKETS};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model id: loads www/models/<id>/ (or --model-dir).
    #[arg(long)]
    pub model: Option<String>,
    /// Directory of exported models.
    #[arg(long, default_value = "www/models")]
    pub models_dir: PathBuf,
    /// Prepared data (dev.tsv, test.tsv).
    #[arg(long, default_value = "artifacts/data")]
    pub data: PathBuf,
    /// dev or test.
    #[arg(long, default_value = "test")]
    pub split: String,
    #[arg(long, default_value_t = 4)]
    pub beam: usize,
    /// Evaluate only N sentences, spread evenly over the split.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Write the hypotheses here, one per line.
    #[arg(long)]
    pub hyps_out: Option<PathBuf>,
    /// Score a hypothesis file against --refs instead of running a model.
    #[arg(long, requires = "refs", conflicts_with = "model")]
    pub hyps: Option<PathBuf>,
    #[arg(long)]
    pub refs: Option<PathBuf>,
    /// Target language of --hyps/--refs (en: BLEU with 13a, zh: BLEU with the zh tokenizer).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// GNMT length penalty α of the beam search (default: the model's, from its config.json).
    #[arg(long)]
    pub length_penalty: Option<f32>,
    /// Evaluate the split's length ladder (`<split>-ladder.tsv`: 1–4 joined sentences) instead:
    /// BLEU per rung and by source length up to 40+ words; --limit applies per rung.
    #[arg(long, conflicts_with = "hyps")]
    pub ladder: bool,
}

/// Scores of one model on a split's length ladder.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LadderScores {
    /// Per rung: (sentences joined, inputs, BLEU).
    pub rungs: Vec<(usize, usize, f64)>,
    /// Over all rungs, by source length (`metrics::LADDER_BUCKETS`): (bucket, inputs, BLEU).
    pub by_length: Vec<(String, usize, f64)>,
}

impl LadderScores {
    /// BLEU of the longest rung as a share of the 1-sentence rung's (None without both).
    pub fn kept(&self) -> Option<f64> {
        let first = self.rungs.first()?;
        let last = self.rungs.last()?;
        (first.2 > 0.0 && last.0 > first.0).then(|| last.2 / first.2)
    }
}

/// The ladder inputs of a split, at most `limit` per rung (spread evenly), as (rung, source,
/// reference) for the direction.
pub fn ladder_inputs(
    data: &Path,
    split: &str,
    source: Language,
    limit: Option<usize>,
) -> Result<Vec<(usize, String, String)>> {
    let rungs = ladder::read(&data.join(format!("{split}-ladder.tsv")))?;
    let mut out = Vec::new();
    for k in 1..=ladder::RUNGS {
        let of_k: Vec<&ladder::Rung> = rungs.iter().filter(|r| r.sentences == k).collect();
        for i in spread(of_k.len(), limit.unwrap_or(usize::MAX)) {
            let p = &of_k[i].pair;
            let (s, r) = match source {
                Language::En => (p.en.clone(), p.zh.clone()),
                Language::Zh => (p.zh.clone(), p.en.clone()),
            };
            out.push((k, s, r));
        }
    }
    Ok(out)
}

/// One input per rung, the one of median source length (in characters) of its rung.
pub fn ladder_examples(inputs: &[(usize, String, String)]) -> Vec<(usize, String)> {
    (1..=ladder::RUNGS)
        .filter_map(|k| {
            let mut of_k: Vec<&String> = inputs.iter().filter(|i| i.0 == k).map(|i| &i.1).collect();
            of_k.sort_by_key(|s| (s.chars().count(), s.as_str()));
            of_k.get(of_k.len() / 2).map(|s| (k, s.to_string()))
        })
        .collect()
}

/// Translates and scores ladder inputs (from `ladder_inputs`).
pub fn evaluate_ladder(
    t: &Translator<CpuBackend>,
    inputs: &[(usize, String, String)],
    decoding: &Decoding,
) -> LadderScores {
    let sources: Vec<String> = inputs.iter().map(|i| i.1.clone()).collect();
    let hyps = translate_all(t, &sources, decoding);
    let tok = BleuTokenizer::for_language(t.config.target_language);
    let score_where = |keep: &dyn Fn(usize, &str) -> bool| {
        let (h, r): (Vec<String>, Vec<String>) = inputs
            .iter()
            .zip(&hyps)
            .filter(|((k, s, _), _)| keep(*k, s))
            .map(|((_, _, r), h)| (h.clone(), r.clone()))
            .unzip();
        (h.len(), metrics::corpus_bleu(&h, &r, tok))
    };
    let src_lang = t.config.source_language;
    LadderScores {
        rungs: (1..=ladder::RUNGS)
            .map(|k| {
                let (n, b) = score_where(&|rk, _| rk == k);
                (k, n, b)
            })
            .filter(|r| r.1 > 0)
            .collect(),
        by_length: metrics::LADDER_BUCKETS
            .iter()
            .enumerate()
            .map(|(i, &(name, _, _))| {
                let (n, b) = score_where(&|_, s| {
                    metrics::bucket_in(&metrics::LADDER_BUCKETS, metrics::source_words(s, src_lang))
                        == i
                });
                (name.to_string(), n, b)
            })
            .collect(),
    }
}

pub fn print_ladder(what: &str, s: &LadderScores) {
    println!("{what}:");
    for (k, n, b) in &s.rungs {
        println!("  {k} sentence(s): BLEU {b:6.2}  ({n} inputs)");
    }
    if let Some(kept) = s.kept() {
        println!("  kept at the longest rung: {:.0} %", 100.0 * kept);
    }
    for (name, n, b) in &s.by_length {
        println!("  source {name:>5} words: BLEU {b:6.2}  ({n} inputs)");
    }
}

/// Scores of one model on one split.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub sentences: usize,
    pub bleu: f64,
    pub chrf: f64,
    /// BLEU by source length: "1-5", "6-10", "11-15", "16+" words → (sentences, BLEU).
    pub bleu_by_bucket: Vec<(String, usize, f64)>,
}

pub fn parse_language(code: &str) -> Result<Language> {
    match code {
        "en" => Ok(Language::En),
        "zh" => Ok(Language::Zh),
        other => anyhow::bail!("unknown language `{other}` (en or zh)"),
    }
}

/// Reads a split: (English, Chinese) pairs.
pub fn read_split(path: &Path) -> Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect())
}

/// (source, reference) pairs of a split for a direction.
pub fn split_for(pairs: &[(String, String)], source: Language) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(en, zh)| match source {
            Language::En => (en.clone(), zh.clone()),
            Language::Zh => (zh.clone(), en.clone()),
        })
        .collect()
}

/// `n` indices spread evenly over `0..len` (the splits are sorted by length, so a prefix would
/// hold only short sentences); all of them when `n >= len`.
pub fn spread(len: usize, n: usize) -> Vec<usize> {
    if n >= len {
        return (0..len).collect();
    }
    (0..n).map(|i| i * len / n).collect()
}

/// Decode options for evaluation: no traces, the page's length limit and length penalty.
pub fn options(beam: usize) -> DecodeOptions {
    DecodeOptions {
        beam_size: beam,
        max_len: seq2seq_core::decoding::MAX_TARGET_TOKENS,
        length_penalty: seq2seq_core::decoding::LENGTH_PENALTY,
        top_k: 1,
        trace: false,
    }
}

/// `options(beam)` with the model's length penalty for `source` (chosen on dev at export,
/// `TranslatorConfig::length_penalty_for`): what the page decodes with.
pub fn options_for(t: &Translator<CpuBackend>, beam: usize, source: &str) -> DecodeOptions {
    DecodeOptions {
        length_penalty: t.config.length_penalty_for(source),
        ..options(beam)
    }
}

/// How a batch of sources is decoded: as the page does (`options_for`, per source), or with
/// fixed options (training's greedy check, a length penalty being tried).
#[derive(Clone, Debug)]
pub enum Decoding {
    Model { beam: usize },
    Fixed(DecodeOptions),
}

impl Decoding {
    pub fn options(&self, t: &Translator<CpuBackend>, source: &str) -> DecodeOptions {
        match self {
            Decoding::Model { beam } => options_for(t, *beam, source),
            Decoding::Fixed(o) => o.clone(),
        }
    }
}

/// Translates every source through seq2seq-core, on all cores. A source the tokenizer or the
/// model rejects (too long) gives an empty hypothesis.
pub fn translate_all(
    t: &Translator<CpuBackend>,
    sources: &[String],
    decoding: &Decoding,
) -> Vec<String> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = sources.len().div_ceil(threads).max(1);
    let mut out = vec![String::new(); sources.len()];
    std::thread::scope(|scope| {
        for (srcs, outs) in sources.chunks(chunk).zip(out.chunks_mut(chunk)) {
            scope.spawn(move || {
                for (s, o) in srcs.iter().zip(outs.iter_mut()) {
                    let opts = decoding.options(t, s);
                    *o = pollster::block_on(t.translate(s, &opts, &mut |_| {}))
                        .map(|r| r.text)
                        .unwrap_or_default();
                }
            });
        }
    });
    out
}

/// BLEU, chrF and BLEU per source-length bucket.
pub fn score(
    sources: &[String],
    hyps: &[String],
    refs: &[String],
    source_lang: Language,
    target_lang: Language,
) -> Scores {
    let tok = BleuTokenizer::for_language(target_lang);
    let mut bucketed: Vec<(Vec<String>, Vec<String>)> = vec![(vec![], vec![]); BUCKETS.len()];
    for ((s, h), r) in sources.iter().zip(hyps).zip(refs) {
        let b = metrics::bucket_of(metrics::source_words(s, source_lang));
        bucketed[b].0.push(h.clone());
        bucketed[b].1.push(r.clone());
    }
    Scores {
        sentences: hyps.len(),
        bleu: metrics::corpus_bleu(hyps, refs, tok),
        chrf: metrics::corpus_chrf(hyps, refs),
        bleu_by_bucket: BUCKETS
            .iter()
            .zip(&bucketed)
            .map(|(&(name, _, _), (h, r))| {
                (name.to_string(), h.len(), metrics::corpus_bleu(h, r, tok))
            })
            .collect(),
    }
}

/// Loads www/models/<id>/ through seq2seq-core.
pub fn load_model(dir: &Path) -> Result<Translator<CpuBackend>> {
    let read = |name: &str| -> Result<String> {
        std::fs::read_to_string(dir.join(name))
            .with_context(|| format!("reading {}", dir.join(name).display()))
    };
    let config = seq2seq_core::translator::TranslatorConfig::from_json(&read("config.json")?)?;
    let weights = std::fs::read(dir.join("model.safetensors"))
        .with_context(|| format!("reading {}", dir.join("model.safetensors").display()))?;
    let src = read(&format!("tokenizer-{}.json", config.source_language.code()))?;
    let tgt = read(&format!("tokenizer-{}.json", config.target_language.code()))?;
    Ok(Translator::load(
        &CpuBackend,
        &read("config.json")?,
        &weights,
        &src,
        &tgt,
    )?)
}

/// Evaluates a translator on (source, reference) pairs.
pub fn evaluate(
    t: &Translator<CpuBackend>,
    pairs: &[(String, String)],
    decoding: &Decoding,
) -> (Scores, Vec<String>) {
    let sources: Vec<String> = pairs.iter().map(|p| p.0.clone()).collect();
    let refs: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
    let hyps = translate_all(t, &sources, decoding);
    let s = score(
        &sources,
        &hyps,
        &refs,
        t.config.source_language,
        t.config.target_language,
    );
    (s, hyps)
}

pub fn print_scores(what: &str, s: &Scores) {
    println!(
        "{what}: BLEU {:.2}  chrF {:.2}  ({} sentences)",
        s.bleu, s.chrf, s.sentences
    );
    for (name, n, b) in &s.bleu_by_bucket {
        println!("  source {name:>5} words: BLEU {b:6.2}  ({n} sentences)");
    }
}

pub fn run(args: &Args) -> Result<()> {
    if let (Some(h), Some(r)) = (&args.hyps, &args.refs) {
        let read = |p: &Path| -> Result<Vec<String>> {
            Ok(std::fs::read_to_string(p)
                .with_context(|| format!("reading {}", p.display()))?
                .lines()
                .map(str::to_string)
                .collect())
        };
        let (hyps, refs) = (read(h)?, read(r)?);
        anyhow::ensure!(
            hyps.len() == refs.len(),
            "{} hypotheses but {} references",
            hyps.len(),
            refs.len()
        );
        let tok = BleuTokenizer::for_language(parse_language(&args.lang)?);
        println!(
            "BLEU {:.4} (tokenize={})  chrF {:.4}",
            metrics::corpus_bleu(&hyps, &refs, tok),
            tok.name(),
            metrics::corpus_chrf(&hyps, &refs)
        );
        return Ok(());
    }
    let id = args
        .model
        .as_deref()
        .context("give --model <id> (or --hyps and --refs)")?;
    let t = load_model(&args.models_dir.join(id))?;
    let (decoding, label) = match args.length_penalty {
        Some(alpha) => (
            Decoding::Fixed(DecodeOptions {
                length_penalty: alpha,
                ..options(args.beam)
            }),
            format!("beam {}, length penalty {alpha}", args.beam),
        ),
        None => (
            Decoding::Model { beam: args.beam },
            format!(
                "beam {}, the model's length penalty {} ({} without final punctuation)",
                args.beam,
                t.config.length_penalty,
                t.config.unpunctuated_length_penalty()
            ),
        ),
    };
    if args.ladder {
        let inputs = ladder_inputs(
            &args.data,
            &args.split,
            t.config.source_language,
            args.limit,
        )?;
        let start = std::time::Instant::now();
        let s = evaluate_ladder(&t, &inputs, &decoding);
        print_ladder(&format!("{id} on the {} ladder ({label})", args.split), &s);
        println!("decoded in {:.1} s", start.elapsed().as_secs_f64());
        return Ok(());
    }
    let pairs = read_split(&args.data.join(format!("{}.tsv", args.split)))?;
    let mut pairs = split_for(&pairs, t.config.source_language);
    if let Some(n) = args.limit {
        pairs = spread(pairs.len(), n)
            .into_iter()
            .map(|i| pairs[i].clone())
            .collect();
    }
    let start = std::time::Instant::now();
    let (s, hyps) = evaluate(&t, &pairs, &decoding);
    print_scores(&format!("{id} on {} ({label})", args.split), &s);
    println!("decoded in {:.1} s", start.elapsed().as_secs_f64());
    if let Some(p) = &args.hyps_out {
        std::fs::write(p, hyps.join("\n") + "\n")?;
    }
    Ok(())
}
