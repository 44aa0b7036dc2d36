//! What defines a run: `TrainConfig` (saved as `train-config.json`), the CLI `Args`, and the
//! run's `state.json` (`RunState`, with one `EvalRecord` per dev evaluation).

use std::path::PathBuf;

use anyhow::{Context, Result};
use seq2seq_core::family::Family;
use seq2seq_core::models::{AttentionConfig, ModelConfig, RecurrentConfig, TransformerConfig};
use seq2seq_core::ops::Activation;
use seq2seq_core::tokenizer::{Language, Tokenizer};
use seq2seq_core::translator::TranslatorConfig;
use serde::{Deserialize, Serialize};

use crate::evaluate::parse_language;

/// Everything that defines a run (saved as `train-config.json` in the run directory).
#[derive(clap::Args, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// rnn, gru, lstm, gru-attn or transformer.
    #[arg(long, default_value = "gru-attn")]
    pub family: Family,
    /// en-zh or zh-en.
    #[arg(long, default_value = "en-zh")]
    pub direction: String,
    /// Embedding size (recurrent families).
    #[arg(long, default_value_t = 256)]
    pub embed_dim: usize,
    /// Hidden size (recurrent families; per direction in gru-attn's encoder).
    #[arg(long, default_value_t = 256)]
    pub hidden_dim: usize,
    /// Bahdanau attention size (gru-attn).
    #[arg(long, default_value_t = 256)]
    pub attn_dim: usize,
    /// Transformer width.
    #[arg(long, default_value_t = 256)]
    pub dim: usize,
    #[arg(long, default_value_t = 4)]
    pub heads: usize,
    #[arg(long, default_value_t = 1024)]
    pub ffn_dim: usize,
    #[arg(long, default_value_t = 3)]
    pub encoder_layers: usize,
    #[arg(long, default_value_t = 3)]
    pub decoder_layers: usize,
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Sentences per batch.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    #[arg(long, default_value_t = 400)]
    pub warmup_steps: usize,
    /// The cosine decay ends at lr × this.
    #[arg(long, default_value_t = 0.05)]
    pub final_lr_ratio: f64,
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// Global gradient-norm clip.
    #[arg(long, default_value_t = 1.0)]
    pub clip: f64,
    #[arg(long, default_value_t = 0.2)]
    pub dropout: f32,
    #[arg(long, default_value_t = 0.1)]
    pub label_smoothing: f64,
    /// Training pairs with more source or target tokens are skipped (160 keeps the ladder's
    /// four-sentence inputs).
    #[arg(long, default_value_t = 160)]
    pub max_tokens: usize,
    /// The length ladder: training examples that join 2 to this many pairs of the train split
    /// (`crate::ladder`) are mixed with the single pairs; 1 = single pairs only.
    #[arg(long, default_value_t = crate::ladder::RUNGS)]
    #[serde(default = "single_pairs")]
    pub ladder_max: usize,
    /// How many joined examples, as a share of the single pairs.
    #[arg(long, default_value_t = 0.6)]
    #[serde(default)]
    pub ladder_share: f64,
    /// Dictionary pairs (English<TAB>Chinese; `crate::dictionary`, e.g.
    /// data/dictionary/hsk-cedict-pairs.tsv) added once per epoch as single examples, after
    /// dropping the page's examples' near-copies and any dev or test sentence.
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<PathBuf>,
    /// A teacher's translations of the train split (`crate::distill`, written by
    /// scripts/distill.sh): they replace the references of the training pairs (sequence-level
    /// distillation); the joined ladder examples are built from the replaced pairs.
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distilled: Option<PathBuf>,
    /// With --distilled: keep each reference that the teacher's translation differs from as a
    /// second single example beside it (two targets for such a source), instead of replacing it.
    #[arg(long, requires = "distilled")]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_references: bool,
    /// Start from these weights (an exported model.safetensors or a run's checkpoint) instead of
    /// random ones; the tensors must match the family and sizes above.
    #[arg(long)]
    #[serde(default)]
    pub init_from: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Prepared data: train.tsv, dev.tsv, tokenizer-en.json, tokenizer-zh.json.
    #[arg(long, default_value = "artifacts/data")]
    pub data: PathBuf,
    /// Use only the first N training pairs (0 = all; for tests).
    #[arg(long, default_value_t = 0)]
    pub train_limit: usize,
    /// Training-time budget in minutes (0 = none): the cosine decay reaches its end when either
    /// the planned steps or this much training time is spent, and training then finishes.
    #[arg(long, default_value_t = 0.0)]
    #[serde(default)]
    pub time_budget_minutes: f64,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: TrainConfig,
    /// Read the run's settings from this JSON file (a `TrainConfig`) instead of the flags above.
    #[arg(long)]
    pub config_file: Option<PathBuf>,
    /// Run directory (default runs/<family>-<src>-<tgt>).
    #[arg(long)]
    pub run_dir: Option<PathBuf>,
    /// Continue from the run directory's last checkpoint (its saved settings win over flags,
    /// except --total-epochs and a larger --time-budget-minutes, which extend the run, and
    /// --dictionary, which adds dictionary pairs from then on).
    #[arg(long)]
    pub resume: bool,
    /// Train for this many epochs in all: overrides the count of --config-file, or of the run
    /// being resumed (its cosine decay is then re-planned over the new total). `--epochs` alone
    /// never changes a resumed run: its default would silently stretch every resume to 20.
    #[arg(long)]
    pub total_epochs: Option<usize>,
    #[arg(long, default_value_t = 250)]
    pub checkpoint_every: usize,
    #[arg(long, default_value_t = 500)]
    pub eval_every: usize,
    /// Dev sentences decoded (greedy, through seq2seq-core) at each evaluation.
    #[arg(long, default_value_t = 300)]
    pub eval_sentences: usize,
    /// Stop cleanly (with a checkpoint) after this many minutes of wall time.
    #[arg(long)]
    pub max_minutes: Option<f64>,
    /// Print a progress line every N steps.
    #[arg(long, default_value_t = 50)]
    pub log_every: usize,
    /// Keep the weights of the last K snapshots in <run>/snapshots/ (0 = none), for
    /// checkpoint averaging (`seq2seq-train average`).
    #[arg(long, default_value_t = 5)]
    pub keep_snapshots: usize,
    /// Steps between snapshots (default: --checkpoint-every).
    #[arg(long)]
    pub snapshot_every: Option<usize>,
}

/// Runs saved before the ladder existed trained on single pairs.
fn single_pairs() -> usize {
    1
}

/// One dev evaluation during training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalRecord {
    pub step: usize,
    pub epoch: usize,
    pub train_secs: f64,
    /// Mean training loss of the last logged window (None before the first).
    pub train_loss: Option<f64>,
    pub dev_nll: f64,
    pub dev_bleu: f64,
    pub dev_chrf: f64,
}

/// `state.json`: where the run stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub config: TrainConfig,
    pub step: usize,
    /// Epoch in progress (0-based) and batches of it already done.
    pub epoch: usize,
    pub batch_in_epoch: usize,
    /// Seconds spent training (all sessions).
    pub train_secs: f64,
    pub best_dev_bleu: f64,
    pub best_step: usize,
    pub params: usize,
    pub history: Vec<EvalRecord>,
    pub finished: bool,
}

impl TrainConfig {
    pub fn languages(&self) -> Result<(Language, Language)> {
        let (s, t) = self
            .direction
            .split_once('-')
            .context("--direction is en-zh or zh-en")?;
        let (s, t) = (parse_language(s)?, parse_language(t)?);
        anyhow::ensure!(s != t, "source and target languages are the same");
        Ok((s, t))
    }

    pub fn id(&self) -> Result<String> {
        let (s, t) = self.languages()?;
        Ok(format!("{}-{}-{}", self.family, s.code(), t.code()))
    }

    /// core's architecture config for these vocabulary sizes.
    pub fn model_config(&self, src_vocab: usize, tgt_vocab: usize) -> Result<ModelConfig> {
        let rec = RecurrentConfig {
            src_vocab,
            tgt_vocab,
            embed_dim: self.embed_dim,
            hidden_dim: self.hidden_dim,
        };
        let c = match self.family {
            Family::Rnn => ModelConfig::Rnn(rec),
            Family::Gru => ModelConfig::Gru(rec),
            Family::Lstm => ModelConfig::Lstm(rec),
            Family::GruAttn => ModelConfig::GruAttn(AttentionConfig {
                src_vocab,
                tgt_vocab,
                embed_dim: self.embed_dim,
                hidden_dim: self.hidden_dim,
                attn_dim: self.attn_dim,
            }),
            Family::Transformer => ModelConfig::Transformer(TransformerConfig {
                src_vocab,
                tgt_vocab,
                dim: self.dim,
                heads: self.heads,
                ffn_dim: self.ffn_dim,
                encoder_layers: self.encoder_layers,
                decoder_layers: self.decoder_layers,
                activation: Activation::Gelu,
            }),
        };
        c.validate()?;
        Ok(c)
    }

    /// The tokenizers (source, target) from the data directory.
    pub fn tokenizers(&self) -> Result<(Tokenizer, Tokenizer, String, String)> {
        let (s, t) = self.languages()?;
        let read = |l: Language| -> Result<String> {
            let p = self.data.join(format!("tokenizer-{}.json", l.code()));
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
        };
        let (sj, tj) = (read(s)?, read(t)?);
        Ok((
            Tokenizer::from_json(&sj)?,
            Tokenizer::from_json(&tj)?,
            sj,
            tj,
        ))
    }

    pub fn translator_config(
        &self,
        src_vocab: usize,
        tgt_vocab: usize,
    ) -> Result<TranslatorConfig> {
        let (s, t) = self.languages()?;
        Ok(TranslatorConfig {
            id: self.id()?,
            source_language: s,
            target_language: t,
            model: self.model_config(src_vocab, tgt_vocab)?,
            length_penalty: seq2seq_core::decoding::LENGTH_PENALTY,
            length_penalty_unpunctuated: None,
        })
    }
}
