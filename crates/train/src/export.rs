//! `export`: a trained run → `www/models/<id>/` (model.safetensors in f16, config.json, the two
//! tokenizers, card.md) and its entry in `www/models/index.json`. The exported files are loaded
//! back through seq2seq-core and scored on dev and test (beam 4): the card's numbers are those of
//! the files the app downloads.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use candle_core::Device;
use seq2seq_core::family::Family;
use seq2seq_core::translator::TranslatorConfig;
use seq2seq_core::weights::StorageType;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::average::{AverageInfo, AVERAGED, AVERAGED_INFO};
use crate::evaluate::{self, read_split, split_for, LadderScores, Scores};
use crate::index::update_index;
use crate::perplexity::PerplexityEntry;

use crate::train::{RunState, BEST};

pub const ATTRIBUTION: &str = crate::prepare::ATTRIBUTION;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run directory (runs/<id>), written by `train`.
    #[arg(long)]
    pub run: PathBuf,
    /// Which weights: best (by dev BLEU), last (the last checkpoint), averaged (the output of
    /// `seq2seq-train average`, <run>/averaged.safetensors) or the path of a safetensors file.
    #[arg(long, default_value = "best")]
    pub weights: String,
    #[arg(long, default_value = "www/models")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 4)]
    pub beam: usize,
    /// Score only N dev/test sentences, spread evenly over each split (the card says so).
    #[arg(long)]
    pub eval_limit: Option<usize>,
    /// How the weights are stored: int8 (matrices as int8 with per-row scales, vectors f16;
    /// half the bytes) or f16. Both are dequantised to f32 at load by seq2seq-core.
    #[arg(long, value_enum, default_value_t = Storage::Int8)]
    pub storage: Storage,
    /// Length penalties α tried on dev; the best goes into config.json (one value: no tuning).
    #[arg(long, value_delimiter = ',', default_values_t = crate::length_penalty::GRID)]
    pub length_penalties: Vec<f32>,
}

/// The number format of an exported model.safetensors.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Storage {
    #[default]
    Int8,
    F16,
}

impl Storage {
    pub fn core(self) -> StorageType {
        match self {
            Storage::Int8 => StorageType::Int8Rows,
            Storage::F16 => StorageType::F16,
        }
    }

    /// How the card names it.
    pub fn describe(self) -> &'static str {
        match self {
            Storage::Int8 => "int8 matrices with one f32 scale per row, f16 vectors",
            Storage::F16 => "f16",
        }
    }
}

/// One entry of `www/models/index.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub family: Family,
    pub direction: String,
    pub source_language: String,
    pub target_language: String,
    pub params: usize,
    /// Size of model.safetensors.
    pub bytes: u64,
    /// SHA-256 of model.safetensors.
    pub sha256: String,
    pub files: Vec<String>,
    pub training_secs: f64,
    pub dev: Scores,
    pub test: Scores,
    /// Test BLEU by source length (words), in bucket order 1–5, 6–10, 11–15, 16+.
    pub test_bleu_by_bucket: Vec<(String, f64)>,
    pub beam: usize,
    /// BLEU on the length ladder (1–4 joined sentences); absent in exports made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ladder: Option<LadderEntry>,
    /// Perplexity of the test references; absent in exports made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perplexity: Option<PerplexityEntry>,
    /// The dictionary file the training added (`train --dictionary`); such weights are
    /// CC BY-SA 4.0 (data/dictionary/README.md). Absent when none was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<String>,
}

/// The length ladder's scores of one model, and how long its training inputs were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderEntry {
    /// Most sentences joined in one training example (1 = single sentences only).
    pub trained_on_sentences: usize,
    /// Longest training input kept, in tokens.
    pub trained_max_tokens: usize,
    pub dev: LadderScores,
    pub test: LadderScores,
    /// One test input per rung (sentences joined, source text), the median length of its rung:
    /// the page's ready-made long inputs.
    #[serde(default)]
    pub examples: Vec<(usize, String)>,
}

impl LadderEntry {
    /// Scores `t` on the ladders of `splits` ("dev", "test"); a split left out stays empty.
    pub fn measure(
        t: &seq2seq_core::translator::Translator<seq2seq_core::backend::CpuBackend>,
        data: &Path,
        splits: &[&str],
        beam: usize,
        limit: Option<usize>,
        trained_on_sentences: usize,
        trained_max_tokens: usize,
    ) -> Result<Self> {
        let id = &t.config.id;
        let source = t.config.source_language;
        let (mut dev, mut test) = (LadderScores::default(), LadderScores::default());
        let mut examples = Vec::new();
        for &split in splits {
            let inputs = evaluate::ladder_inputs(data, split, source, limit)?;
            let s = evaluate::evaluate_ladder(t, &inputs, &evaluate::Decoding::Model { beam });
            evaluate::print_ladder(&format!("{id} {split} ladder (beam {beam})"), &s);
            if split == "test" {
                // The page's ready-made inputs: from the whole test ladder, not a sample.
                examples =
                    evaluate::ladder_examples(&evaluate::ladder_inputs(data, split, source, None)?);
                test = s;
            } else {
                dev = s;
            }
        }
        Ok(Self {
            trained_on_sentences,
            trained_max_tokens,
            dev,
            test,
            examples,
        })
    }
}

pub fn run(args: &Args) -> Result<()> {
    let state: RunState = serde_json::from_str(
        &std::fs::read_to_string(args.run.join("state.json"))
            .with_context(|| format!("no state.json in {}", args.run.display()))?,
    )?;
    let (weights_file, weights) = match args.weights.as_str() {
        "best" => (args.run.join(BEST), best_weights_note(&state)),
        "last" => (
            args.run.join("checkpoint.safetensors"),
            format!("the last checkpoint, step {}", state.step),
        ),
        "averaged" => {
            let info: AverageInfo = serde_json::from_str(
                &std::fs::read_to_string(args.run.join(AVERAGED_INFO)).with_context(|| {
                    format!(
                        "no {AVERAGED_INFO} in {} (run `seq2seq-train average` first)",
                        args.run.display()
                    )
                })?,
            )?;
            (
                args.run.join(AVERAGED),
                format!(
                    "checkpoint averaging: the element-wise mean of the weights at steps {} (`seq2seq-train average`)",
                    info.steps
                        .iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
        path => (PathBuf::from(path), format!("`{path}`")),
    };
    let notes_file = args.run.join(CARD_NOTES);
    let extras = CardExtras {
        weights,
        notes: std::fs::read_to_string(&notes_file).ok(),
        run_dir: Some(args.run.display().to_string()),
        storage: args.storage,
    };
    let entry = export_with(
        &state,
        &weights_file,
        &extras,
        &args.out,
        args.beam,
        args.eval_limit,
        &args.length_penalties,
    )?;
    if entry.bytes > 4_000_000 {
        eprintln!(
            "warning: {} is {} bytes, over the 4 MB budget per model",
            entry.id, entry.bytes
        );
    }
    println!(
        "exported {} ({} params, {} bytes): test BLEU {:.2} chrF {:.2}, dev BLEU {:.2} chrF {:.2}",
        entry.id,
        entry.params,
        entry.bytes,
        entry.test.bleu,
        entry.test.chrf,
        entry.dev.bleu,
        entry.dev.chrf
    );
    Ok(())
}

/// A run's optional `card-notes.md` is appended to the card (how the model was made, ablations).
pub const CARD_NOTES: &str = "card-notes.md";

/// What the card says beyond the run's state.
#[derive(Clone, Debug, Default)]
pub struct CardExtras {
    /// Which weights were exported (one line).
    pub weights: String,
    /// Markdown appended to the card (a run's card-notes.md).
    pub notes: Option<String>,
    /// The run directory, for the retrain line (default runs/<id>).
    pub run_dir: Option<String>,
    /// How the weights are stored.
    pub storage: Storage,
}

fn best_weights_note(state: &RunState) -> String {
    format!(
        "best dev BLEU (greedy, dev sentences spread over the split) at step {}",
        state.best_step
    )
}

/// Writes the model directory and updates the index; returns the index entry.
pub fn export(
    state: &RunState,
    weights_file: &Path,
    out: &Path,
    beam: usize,
    eval_limit: Option<usize>,
) -> Result<IndexEntry> {
    let extras = CardExtras {
        weights: best_weights_note(state),
        ..CardExtras::default()
    };
    let fixed = [seq2seq_core::decoding::LENGTH_PENALTY];
    export_with(state, weights_file, &extras, out, beam, eval_limit, &fixed)
}

/// `export` with the card's weights line, notes and run directory given.
pub fn export_with(
    state: &RunState,
    weights_file: &Path,
    extras: &CardExtras,
    out: &Path,
    beam: usize,
    eval_limit: Option<usize>,
    length_penalties: &[f32],
) -> Result<IndexEntry> {
    let config = &state.config;
    let (src_tok, tgt_tok, src_json, tgt_json) = config.tokenizers()?;
    let tc = config.translator_config(src_tok.vocab_size(), tgt_tok.vocab_size())?;
    let id = tc.id.clone();
    let dir = out.join(&id);
    std::fs::create_dir_all(&dir)?;

    // Weights: only the model's tensors (a checkpoint also holds Adam moments), in f16.
    let bytes = std::fs::read(weights_file)
        .with_context(|| format!("reading {}", weights_file.display()))?;
    let tensors = crate::io::read_tensors(&bytes, &Device::Cpu)?;
    let model_tensors = crate::io::core_map(
        tensors
            .iter()
            .filter(|(k, _)| !k.starts_with("adam."))
            .map(|(k, v)| (k.clone(), v)),
    )?;
    let params: usize = model_tensors.values().map(|t| t.len()).sum();
    // One metadata entry only: safetensors writes a map's entries in hash order, and a single
    // entry keeps the file (and its SHA-256) the same on every export.
    let mut meta = std::collections::HashMap::new();
    meta.insert(
        "conversion".to_string(),
        format!(
            "{id}: trained in f32 with candle, stored as {}",
            extras.storage.describe()
        ),
    );
    let st =
        seq2seq_core::weights::to_safetensors(&model_tensors, extras.storage.core(), Some(meta))?;
    std::fs::write(dir.join("model.safetensors"), &st)?;
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&tc)? + "\n",
    )?;
    let (sl, tl) = config.languages()?;
    std::fs::write(dir.join(format!("tokenizer-{}.json", sl.code())), &src_json)?;
    std::fs::write(dir.join(format!("tokenizer-{}.json", tl.code())), &tgt_json)?;

    // Load what we wrote, exactly as the app does; choose its length penalty on dev; score it.
    let split_pairs = |name: &str| -> Result<Vec<(String, String)>> {
        let pairs = read_split(&config.data.join(format!("{name}.tsv")))?;
        let pairs = split_for(&pairs, sl);
        Ok(match eval_limit {
            Some(n) => evaluate::spread(pairs.len(), n)
                .into_iter()
                .map(|i| pairs[i].clone())
                .collect(),
            None => pairs,
        })
    };
    let mut t = evaluate::load_model(&dir)?;
    let (chosen, tried) =
        crate::length_penalty::choose(&t, &split_pairs("dev")?, beam, length_penalties);
    if tried.len() > 1 {
        let tc = TranslatorConfig {
            length_penalty: chosen.punctuated,
            length_penalty_unpunctuated: Some(chosen.unpunctuated),
            ..tc
        };
        std::fs::write(
            dir.join("config.json"),
            serde_json::to_string_pretty(&tc)? + "\n",
        )?;
        t = evaluate::load_model(&dir)?;
    }
    let decoding = crate::length_penalty::card_section(chosen, &tried, beam);
    let score_split = |name: &str| -> Result<Scores> {
        let pairs = split_pairs(name)?;
        let (s, hyps) = evaluate::evaluate(&t, &pairs, &evaluate::Decoding::Model { beam });
        evaluate::print_scores(&format!("{id} {name} (beam {beam})"), &s);
        let _ = hyps;
        Ok(s)
    };
    let dev = score_split("dev")?;
    let test = score_split("test")?;
    let ladder = LadderEntry::measure(
        &t,
        &config.data,
        &["dev", "test"],
        beam,
        eval_limit,
        config.ladder_max.max(1),
        config.max_tokens,
    )?;
    let perplexity = PerplexityEntry::measure(&t, &config.data, eval_limit)?;

    let files = vec![
        "model.safetensors".to_string(),
        "config.json".to_string(),
        format!("tokenizer-{}.json", sl.code()),
        format!("tokenizer-{}.json", tl.code()),
        "card.md".to_string(),
    ];
    let entry = IndexEntry {
        id: id.clone(),
        family: config.family,
        direction: format!("{}-{}", sl.code(), tl.code()),
        source_language: sl.code().to_string(),
        target_language: tl.code().to_string(),
        params,
        bytes: st.len() as u64,
        sha256: hex(&Sha256::digest(&st)),
        files,
        training_secs: state.train_secs,
        test_bleu_by_bucket: test
            .bleu_by_bucket
            .iter()
            .map(|(n, _, b)| (n.clone(), round2(*b)))
            .collect(),
        dev,
        test,
        beam,
        ladder: Some(ladder),
        perplexity: Some(perplexity),
        dictionary: config.dictionary.as_ref().map(|p| p.display().to_string()),
    };
    std::fs::write(
        dir.join("card.md"),
        card(state, &entry, extras, eval_limit, &decoding),
    )?;
    update_index(&out.join("index.json"), &entry)?;
    Ok(entry)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `decoding`: the length-penalty paragraph (`length_penalty::card_section`).
fn card(
    state: &RunState,
    e: &IndexEntry,
    x: &CardExtras,
    eval_limit: Option<usize>,
    decoding: &str,
) -> String {
    let c = &state.config;
    let arch = match c.family {
        Family::Transformer => format!(
            "pre-norm Transformer, d = {}, {} heads, FFN {}, {} encoder + {} decoder layers, GELU",
            c.dim, c.heads, c.ffn_dim, c.encoder_layers, c.decoder_layers
        ),
        Family::GruAttn => format!(
            "bidirectional GRU encoder ({} per direction) + GRU decoder with Bahdanau attention (size {}), embeddings {}",
            c.hidden_dim, c.attn_dim, c.embed_dim
        ),
        Family::Rnn | Family::Gru | Family::Lstm => format!(
            "{} encoder–decoder with one fixed context vector, hidden {}, embeddings {}",
            c.family.slug().to_uppercase(),
            c.hidden_dim,
            c.embed_dim
        ),
    };
    let run_dir = x
        .run_dir
        .clone()
        .unwrap_or_else(|| format!("runs/{}", e.id));
    let mut s = String::new();
    s += &format!("# {}\n\n", e.id);
    s += &format!(
        "{} → {} translation, family `{}`: {arch}.\n\n",
        e.source_language, e.target_language, e.family
    );
    s += "## Scores (project test and dev splits, beam 4, seq2seq-core decoding of these exact files)\n\n";
    s += "BLEU and chrF follow sacreBLEU's definitions (BLEU: `13a` tokens for English, `zh` (one token per Chinese character) for Chinese; chrF2 on characters).\n\n";
    s += decoding;
    if let Some(n) = eval_limit {
        s += &format!("**Scored on {n} sentences of each split, spread evenly over it (not the whole split).**\n\n");
    }
    s += "| split | sentences | BLEU | chrF |\n|---|---:|---:|---:|\n";
    for (name, sc) in [("test", &e.test), ("dev", &e.dev)] {
        s += &format!(
            "| {name} | {} | {:.2} | {:.2} |\n",
            sc.sentences, sc.bleu, sc.chrf
        );
    }
    s += "\nTest BLEU by source length (words for English, characters for Chinese):\n\n| source length | sentences | BLEU |\n|---|---:|---:|\n";
    for (name, n, b) in &e.test.bleu_by_bucket {
        s += &format!("| {name} | {n} | {b:.2} |\n");
    }
    if let Some(l) = &e.ladder {
        s += &ladder_section(l);
    }
    if let Some(p) = &e.perplexity {
        s += &crate::perplexity::section(p);
    }
    s += &format!(
        "\n## Model\n\n- parameters: {}\n- file: model.safetensors, {} bytes ({}), sha256 `{}`\n- conversion: trained in f32 with candle (crates/train), weights saved under the same PyTorch names and layouts as seq2seq-core reads, stored as {} for shipping (seq2seq-core turns them back into f32 at load); no renaming or transposing\n- tokenizers: `tokenizer-en.json` (BPE subwords), `tokenizer-zh.json` (one piece per character), byte fallback (no `<unk>`)\n\n",
        e.params, e.bytes, x.storage.describe(), e.sha256, x.storage.describe()
    );
    s += &format!(
        "## Training\n\n- data: the project's train split (see the data card written by `seq2seq-train prepare`; pairs longer than {} tokens skipped){}\n- {} steps, at most {} epochs{}, batch {} sentences, AdamW (lr {}, warm-up {} steps, cosine decay to ×{}, weight decay {}), clip {}, dropout {}, label smoothing {}\n- training time: {:.1} min on 2 shared CPU cores (candle)\n- weights: {}\n- retrain: {}\n\n```json\n{}\n```\n\n",
        c.max_tokens,
        match &c.distilled {
            Some(p) if c.keep_references => format!("; a teacher's translations of the same split, `{}`, beside the references they differ from (sequence-level distillation with the references kept, `crate::distill`)", p.display()),
            Some(p) => format!("; its targets replaced by a teacher's translations of the same split, `{}` (sequence-level distillation, `crate::distill`)", p.display()),
            None => String::new(),
        },
        state.step, c.epochs,
        if c.time_budget_minutes > 0.0 {
            format!(" or {} min of training time (the cosine decay follows whichever ends first)", c.time_budget_minutes)
        } else {
            String::new()
        },
        c.batch_size, c.lr, c.warmup_steps, c.final_lr_ratio,
        c.weight_decay, c.clip, c.dropout, c.label_smoothing, state.train_secs / 60.0,
        x.weights,
        if x.notes.is_some() {
            format!("this run was made in several steps, listed below under the run's notes; its final settings (`{run_dir}/train-config.json`) are")
        } else {
            format!("save the settings below as `train-config.json`, then `cargo run --release -p seq2seq-train -- train --config-file train-config.json --run-dir {run_dir}` and `export --run {run_dir}`")
        },
        serde_json::to_string_pretty(c).unwrap_or_default()
    );
    if let Some(h) = state.history.last() {
        s += &format!(
            "Last evaluation during training: step {}, dev NLL {:.3}, dev BLEU {:.2} (greedy).\n\n",
            h.step, h.dev_nll, h.dev_bleu
        );
    }
    s += &crate::near_copies::card_section();
    if let Some(notes) = &x.notes {
        s += notes.trim_end();
        s += "\n\n";
    }
    s += &match &e.dictionary {
        None => format!(
            "## License and attribution\n\nModel weights: MIT OR Apache-2.0 (the project's license). Training data: {ATTRIBUTION} License: https://creativecommons.org/licenses/by/2.0/fr/\n"
        ),
        Some(path) => format!(
            "## License and attribution\n\nModel weights: CC BY-SA 4.0 ({}): the training added the dictionary pairs of `{path}` (data/dictionary/README.md). Training data: {ATTRIBUTION} License: https://creativecommons.org/licenses/by/2.0/fr/ {}\n",
            crate::dictionary::LICENSE_URL,
            crate::dictionary::ATTRIBUTION
        ),
    };
    s
}

/// The card's length-ladder tables (test and dev).
pub fn ladder_section(l: &LadderEntry) -> String {
    let mut s = format!(
        "\n### Length ladder\n\nInputs of 1–4 unrelated sentences of one split joined into one (English by spaces, Chinese by nothing; `seq2seq-train prepare` writes `<split>-ladder.tsv`). Training inputs joined up to {} sentence(s), at most {} tokens.\n\n| sentences joined | test inputs | test BLEU | dev inputs | dev BLEU |\n|---:|---:|---:|---:|---:|\n",
        l.trained_on_sentences, l.trained_max_tokens
    );
    for t in &l.test.rungs {
        let dev = l.dev.rungs.iter().find(|d| d.0 == t.0);
        s += &format!(
            "| {} | {} | {:.2} | {} | {} |\n",
            t.0,
            t.1,
            t.2,
            dev.map_or("–".to_owned(), |d| d.1.to_string()),
            dev.map_or("not scored".to_owned(), |d| format!("{:.2}", d.2))
        );
    }
    if let Some(kept) = l.test.kept() {
        s += &format!(
            "\nAt {} sentences the model keeps {:.0} % of its 1-sentence test BLEU.\n",
            l.test.rungs.last().map_or(0, |r| r.0),
            100.0 * kept
        );
    }
    s += "\nTest ladder BLEU by source length (all rungs; words for English, characters for Chinese):\n\n| source length | inputs | BLEU |\n|---|---:|---:|\n";
    for (name, n, b) in &l.test.by_length {
        s += &format!("| {name} | {n} | {b:.2} |\n");
    }
    s
}
