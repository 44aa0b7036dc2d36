//! `train`: one model per run, with candle on the CPU.
//!
//! Teacher forcing on padded, length-sorted batches; label-smoothed cross-entropy; AdamW (decoupled
//! weight decay) with global-norm gradient clipping; linear warm-up then cosine decay; dropout.
//! Every `--checkpoint-every` steps the run directory gets `checkpoint.safetensors` (weights and
//! Adam moments, f32) and `state.json` (step, epoch, position in the epoch, timings, history);
//! the data order is a pure function of (seed, epoch), so `--resume` continues exactly where the
//! last checkpoint stopped. Every `--eval-every` steps the model is decoded on dev sentences
//! through seq2seq-core (greedy) and scored; the best weights by dev BLEU go to `best.safetensors`.
//! With `--keep-snapshots K`, every `--snapshot-every` steps the weights alone are also saved as
//! `snapshots/step-NNNNNNN.safetensors` (the last K kept), for `seq2seq-train average`.
//! Dropout masks are drawn from an RNG seeded by (config seed, step) before every step.

mod batches;
mod config;
mod optimiser;

pub use batches::{epoch_batches, make_batch, tokenize_pairs, Pairs};
pub use config::{Args, EvalRecord, RunState, TrainConfig};
pub use optimiser::{learning_rate, AdamW};

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::tokenizer::Tokenizer;
use seq2seq_core::translator::{Translator, TranslatorConfig};
use seq2seq_core::weights::{StorageType, Weights};

use crate::data::Pair;
use crate::evaluate::{self, read_split, split_for};
use crate::io;
use crate::ladder;
use crate::nn::{self, Batch, Model};

/// A core translator on the current weights (f32), for evaluation during training.
pub fn core_translator(
    varmap: &VarMap,
    tc: &TranslatorConfig,
    src: &Tokenizer,
    tgt: &Tokenizer,
) -> Result<Translator<CpuBackend>> {
    let bytes = io::model_bytes(varmap, StorageType::F32)?;
    Ok(Translator::new(
        &CpuBackend,
        tc.clone(),
        Weights::from_safetensors(&bytes)?,
        src.clone(),
        tgt.clone(),
    )?)
}

/// Everything a run needs in memory.
pub struct Session {
    pub config: TrainConfig,
    pub translator_config: TranslatorConfig,
    pub varmap: VarMap,
    pub model: Model,
    pub opt: AdamW,
    pub state: RunState,
    pub train: Pairs,
    pub dev_pairs: Vec<(String, String)>,
    pub dev: Pairs,
    pub src_tok: Tokenizer,
    pub tgt_tok: Tokenizer,
    pub dir: PathBuf,
}

const CHECKPOINT: &str = "checkpoint.safetensors";
const STATE: &str = "state.json";
pub const BEST: &str = "best.safetensors";
/// Sub-directory of a run with the last `--keep-snapshots` weight snapshots.
pub const SNAPSHOTS: &str = "snapshots";

/// The snapshots of a run, oldest first: (step, path).
pub fn list_snapshots(dir: &Path) -> Result<Vec<(usize, PathBuf)>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join(SNAPSHOTS)) else {
        return Ok(out);
    };
    for e in entries {
        let path = e?.path();
        let step = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("step-"))
            .and_then(|n| n.strip_suffix(".safetensors"))
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(step) = step {
            out.push((step, path));
        }
    }
    out.sort();
    Ok(out)
}

/// The dropout seed of one step: a pure function of (config seed, step).
pub fn dropout_seed(seed: u64, step: usize) -> u64 {
    seed.wrapping_mul(0xD1B5_4A32_D192_ED03)
        .wrapping_add((step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

impl Session {
    /// A new run, or (with `resume`) the run in `dir` at its last checkpoint.
    pub fn open(config: TrainConfig, dir: &Path, resume: bool) -> Result<Self> {
        let dev = Device::Cpu;
        let (config, prior) = if resume {
            let s: RunState = serde_json::from_str(
                &std::fs::read_to_string(dir.join(STATE))
                    .with_context(|| format!("no checkpoint to resume in {}", dir.display()))?,
            )?;
            let mut c = s.config.clone();
            // The saved epoch count wins (see `Args::total_epochs` to change it); a larger time
            // budget extends a run: the cosine decay is re-stretched over it.
            c.time_budget_minutes = c.time_budget_minutes.max(config.time_budget_minutes);
            // --dictionary on a resume adds the dictionary pairs from here on (a fine-tuning
            // variant of a finished run; the data order of later epochs changes with it).
            if config.dictionary.is_some() {
                c.dictionary = config.dictionary.clone();
            }
            (c, Some(s))
        } else {
            (config, None)
        };
        let (src_tok, tgt_tok, _, _) = config.tokenizers()?;
        let tc = config.translator_config(src_tok.vocab_size(), tgt_tok.vocab_size())?;
        let (sl, _) = config.languages()?;
        let mut singles: Vec<Pair> = read_split(&config.data.join("train.tsv"))?
            .into_iter()
            .map(|(en, zh)| Pair { en, zh })
            .collect();
        if config.train_limit > 0 {
            singles.truncate(config.train_limit);
        }
        let mut references = Vec::new();
        if let Some(path) = &config.distilled {
            let examples = Path::new(crate::near_copies::DEFAULT_EXAMPLES);
            let (stats, changed_references) =
                crate::distill::replace_targets(&mut singles, path, sl, examples)?;
            if config.keep_references {
                references = changed_references;
                eprintln!(
                    "--keep-references: {} references kept beside the teacher's targets",
                    references.len()
                );
            }
            eprintln!(
                "distilled {}: {} targets replaced by the teacher's, {} kept (no teacher line, \
                 or an empty one; {} teacher lines were near-copies of the page's examples)",
                path.display(),
                stats.replaced,
                stats.no_teacher_line,
                stats.example_copies
            );
        }
        let joined = ladder::training_joins(
            &singles,
            config.ladder_max,
            config.ladder_share,
            config.seed,
        );
        let dictionary = match &config.dictionary {
            Some(path) => {
                let examples = Path::new(crate::near_copies::DEFAULT_EXAMPLES);
                let (pairs, stats) = crate::dictionary::read(path, examples, &config.data)?;
                eprintln!(
                    "dictionary {}: {} pairs, {} kept ({} near-copies of the page's examples, \
                     {} dev/test sentences dropped)",
                    path.display(),
                    stats.read,
                    stats.kept,
                    stats.example_copies,
                    stats.scored_sentences
                );
                pairs
            }
            None => Vec::new(),
        };
        let en_zh: Vec<(String, String)> = singles
            .into_iter()
            .chain(references)
            .chain(joined)
            .chain(dictionary)
            .map(|p| (p.en, p.zh))
            .collect();
        let train = split_for(&en_zh, sl);
        let dev_pairs = split_for(&read_split(&config.data.join("dev.tsv"))?, sl);
        let train = tokenize_pairs(&train, &src_tok, &tgt_tok, config.max_tokens)?;
        let dev_tok = tokenize_pairs(&dev_pairs, &src_tok, &tgt_tok, usize::MAX)?;
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
        // Seed candle's initialisers (they draw from the thread RNG): not reproducible bit for
        // bit across machines, but every run saves its initial state in its checkpoints.
        let model = Model::new(&vb, &tc.model, config.dropout)?;
        if let (None, Some(init)) = (&prior, &config.init_from) {
            let bytes =
                std::fs::read(init).with_context(|| format!("reading {}", init.display()))?;
            let tensors = io::read_tensors(&bytes, &dev)?;
            io::load_into(&varmap, &tensors)
                .with_context(|| format!("{} does not fit this model", init.display()))?;
        }
        let mut opt = AdamW::new(io::sorted_vars(&varmap))?;
        let params = io::param_count(&varmap);
        let state = match prior {
            Some(mut s) => {
                let bytes = std::fs::read(dir.join(CHECKPOINT))?;
                let tensors = io::read_tensors(&bytes, &dev)?;
                io::load_into(&varmap, &tensors)?;
                for (i, (name, _)) in opt.vars.iter().enumerate() {
                    opt.m[i] = tensors
                        .get(&format!("adam.m/{name}"))
                        .context("checkpoint lacks Adam moments")?
                        .clone();
                    opt.v[i] = tensors
                        .get(&format!("adam.v/{name}"))
                        .context("checkpoint lacks Adam moments")?
                        .clone();
                }
                opt.t = s.step;
                s.config = config.clone();
                s.finished = false;
                s
            }
            None => RunState {
                config: config.clone(),
                step: 0,
                epoch: 0,
                batch_in_epoch: 0,
                train_secs: 0.0,
                best_dev_bleu: -1.0,
                best_step: 0,
                params,
                history: Vec::new(),
                finished: false,
            },
        };
        std::fs::create_dir_all(dir)?;
        std::fs::write(
            dir.join("train-config.json"),
            serde_json::to_string_pretty(&config)?,
        )?;
        Ok(Self {
            config,
            translator_config: tc,
            varmap,
            model,
            opt,
            state,
            train,
            dev_pairs,
            dev: dev_tok,
            src_tok,
            tgt_tok,
            dir: dir.to_path_buf(),
        })
    }

    pub fn total_steps(&self) -> usize {
        self.config.epochs * self.train.len().div_ceil(self.config.batch_size)
    }

    pub fn save_checkpoint(&self) -> Result<()> {
        let vars = io::sorted_vars(&self.varmap);
        let mut named: Vec<(String, &Tensor)> = vars
            .iter()
            .map(|(k, v)| (k.clone(), v.as_tensor()))
            .collect();
        for (i, (name, _)) in self.opt.vars.iter().enumerate() {
            named.push((format!("adam.m/{name}"), &self.opt.m[i]));
            named.push((format!("adam.v/{name}"), &self.opt.v[i]));
        }
        let map = io::core_map(named)?;
        let bytes = seq2seq_core::weights::to_safetensors(&map, StorageType::F32, None)?;
        io::write_atomic(&self.dir.join(CHECKPOINT), &bytes)?;
        io::write_atomic(
            &self.dir.join(STATE),
            serde_json::to_string_pretty(&self.state)?.as_bytes(),
        )?;
        Ok(())
    }

    /// Saves the current weights (f32, no optimiser state) as a snapshot and deletes all but the
    /// last `keep` snapshots.
    pub fn save_snapshot(&self, keep: usize) -> Result<()> {
        if keep == 0 {
            return Ok(());
        }
        let dir = self.dir.join(SNAPSHOTS);
        std::fs::create_dir_all(&dir)?;
        io::write_atomic(
            &dir.join(format!("step-{:07}.safetensors", self.state.step)),
            &io::model_bytes(&self.varmap, StorageType::F32)?,
        )?;
        let all = list_snapshots(&self.dir)?;
        for (_, path) in &all[..all.len().saturating_sub(keep)] {
            std::fs::remove_file(path)?;
        }
        Ok(())
    }

    /// Teacher-forced NLL per token on the first `n` dev pairs.
    pub fn dev_nll(&self, n: usize) -> Result<f64> {
        let dev = Device::Cpu;
        let idx = evaluate::spread(self.dev.len(), n);
        let (mut sum, mut count) = (0f64, 0f64);
        for chunk in idx.chunks(64) {
            let b = make_batch(&self.dev, chunk, &dev)?;
            let logits = self.model.forward(&b, false)?;
            sum += nn::nll_sum(&logits, &b)? as f64;
            count += b.target_tokens()? as f64;
        }
        Ok(sum / count.max(1.0))
    }

    /// Greedy-decodes the first `n` dev sentences through seq2seq-core: (BLEU, chrF).
    pub fn dev_scores(&self, n: usize) -> Result<(f64, f64)> {
        let t = core_translator(
            &self.varmap,
            &self.translator_config,
            &self.src_tok,
            &self.tgt_tok,
        )?;
        let pairs: Vec<(String, String)> = evaluate::spread(self.dev_pairs.len(), n)
            .into_iter()
            .map(|i| self.dev_pairs[i].clone())
            .collect();
        let (s, _) =
            evaluate::evaluate(&t, &pairs, &evaluate::Decoding::Fixed(evaluate::options(1)));
        Ok((s.bleu, s.chrf))
    }

    /// One optimisation step on a batch: returns the (smoothed) loss.
    pub fn train_step(&mut self, batch: &Batch) -> Result<f64> {
        let total = self.total_steps();
        nn::seed_dropout(dropout_seed(self.config.seed, self.state.step));
        let logits = self.model.forward(batch, true)?;
        let loss = nn::loss(&logits, batch, self.config.label_smoothing)?;
        let grads = loss.backward()?;
        let lr = learning_rate(&self.config, self.state.step, total, self.state.train_secs);
        self.opt
            .step(&grads, lr, self.config.weight_decay, self.config.clip)?;
        self.state.step += 1;
        Ok(loss.to_scalar::<f32>()? as f64)
    }
}

pub fn run(args: &Args) -> Result<()> {
    let mut config = match &args.config_file {
        Some(p) => serde_json::from_str(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )
        .with_context(|| format!("{} is not a TrainConfig", p.display()))?,
        None => args.config.clone(),
    };
    if let (Some(total), Some(_)) = (args.total_epochs, &args.config_file) {
        config.epochs = total;
    }
    let dir = match &args.run_dir {
        Some(d) => d.clone(),
        None => PathBuf::from("runs").join(config.id()?),
    };
    let mut s = Session::open(config, &dir, args.resume)?;
    if let (Some(total), true) = (args.total_epochs, args.resume) {
        // Re-plans the cosine decay over the new total from the current step on.
        s.config.epochs = total.max(s.state.epoch + 1);
    }
    let dev = Device::Cpu;
    println!(
        "train {}: {} params, {} training pairs, {} steps/epoch, {} epochs, run dir {}{}",
        s.translator_config.id,
        s.state.params,
        s.train.len(),
        s.train.len().div_ceil(s.config.batch_size),
        s.config.epochs,
        dir.display(),
        if args.resume {
            format!(
                " (resumed at step {}, epoch {})",
                s.state.step,
                s.state.epoch + 1
            )
        } else {
            String::new()
        }
    );
    let started = Instant::now();
    let mut session_secs_at_start = s.state.train_secs;
    let mut window_loss = (0f64, 0usize);
    let mut last_loss: Option<f64> = None;
    let out_of_time = |started: &Instant| {
        args.max_minutes
            .is_some_and(|m| started.elapsed().as_secs_f64() > m * 60.0)
    };
    let mut stopped_early = false;
    'epochs: while s.state.epoch < s.config.epochs {
        let batches = epoch_batches(&s.train, s.config.batch_size, s.config.seed, s.state.epoch);
        let bar = crate::progress::bar(
            batches.len() as u64,
            &format!("epoch {}/{}", s.state.epoch + 1, s.config.epochs),
        );
        bar.set_position(s.state.batch_in_epoch as u64);
        let epoch_timer = Instant::now();
        while s.state.batch_in_epoch < batches.len() {
            let b = make_batch(&s.train, &batches[s.state.batch_in_epoch], &dev)?;
            let t0 = Instant::now();
            let loss = s.train_step(&b)?;
            s.state.train_secs += t0.elapsed().as_secs_f64();
            s.state.batch_in_epoch += 1;
            window_loss.0 += loss;
            window_loss.1 += 1;
            bar.inc(1);
            bar.set_message(format!("epoch {} loss {loss:.3}", s.state.epoch + 1));
            if s.state.step % args.log_every == 0 {
                let mean = window_loss.0 / window_loss.1.max(1) as f64;
                last_loss = Some(mean);
                bar.suspend(|| {
                    println!(
                        "step {:>6}  epoch {:>2}  batch {:>4}/{}  loss {:.4}  lr {:.2e}  {:.0} s",
                        s.state.step,
                        s.state.epoch + 1,
                        s.state.batch_in_epoch,
                        batches.len(),
                        mean,
                        learning_rate(&s.config, s.state.step, s.total_steps(), s.state.train_secs),
                        s.state.train_secs
                    )
                });
                window_loss = (0.0, 0);
            }
            if s.state.step % args.eval_every == 0 {
                eval_and_keep_best(&mut s, args, last_loss, &bar)?;
            }
            if s.state.step % args.checkpoint_every == 0 {
                s.save_checkpoint()?;
            }
            if s.state.step % args.snapshot_every.unwrap_or(args.checkpoint_every).max(1) == 0 {
                s.save_snapshot(args.keep_snapshots)?;
            }
            if out_of_time(&started) {
                stopped_early = true;
                break 'epochs;
            }
            if s.config.time_budget_minutes > 0.0
                && s.state.train_secs >= s.config.time_budget_minutes * 60.0
            {
                println!(
                    "time budget of {} min reached",
                    s.config.time_budget_minutes
                );
                break 'epochs;
            }
        }
        bar.finish_and_clear();
        println!(
            "epoch {} done in {:.0} s",
            s.state.epoch + 1,
            epoch_timer.elapsed().as_secs_f64()
        );
        s.state.epoch += 1;
        s.state.batch_in_epoch = 0;
        s.save_checkpoint()?;
    }
    if !stopped_early {
        // Final evaluation, unless the last step just had one.
        if s.state.history.last().map(|h| h.step) != Some(s.state.step) {
            let bar = indicatif::ProgressBar::hidden();
            eval_and_keep_best(&mut s, args, last_loss, &bar)?;
        }
        s.state.finished = true;
        // The final weights are always a snapshot (the last one of an average).
        if list_snapshots(&s.dir)?.last().map(|(st, _)| *st) != Some(s.state.step) {
            s.save_snapshot(args.keep_snapshots)?;
        }
    }
    s.save_checkpoint()?;
    session_secs_at_start = s.state.train_secs - session_secs_at_start;
    println!(
        "{} at step {} ({:.0} s of training this session, {:.0} s in all); best dev BLEU {:.2} at step {}",
        if stopped_early { "stopped (time limit); resume with --resume" } else { "finished" },
        s.state.step,
        session_secs_at_start,
        s.state.train_secs,
        s.state.best_dev_bleu,
        s.state.best_step
    );
    Ok(())
}

fn eval_and_keep_best(
    s: &mut Session,
    args: &Args,
    train_loss: Option<f64>,
    bar: &indicatif::ProgressBar,
) -> Result<()> {
    let t0 = Instant::now();
    let dev_nll = s.dev_nll(args.eval_sentences)?;
    let (bleu, chrf) = s.dev_scores(args.eval_sentences)?;
    let rec = EvalRecord {
        step: s.state.step,
        epoch: s.state.epoch + 1,
        train_secs: s.state.train_secs,
        train_loss,
        dev_nll,
        dev_bleu: bleu,
        dev_chrf: chrf,
    };
    let better = bleu > s.state.best_dev_bleu;
    if better {
        s.state.best_dev_bleu = bleu;
        s.state.best_step = s.state.step;
        io::write_atomic(
            &s.dir.join(BEST),
            &io::model_bytes(&s.varmap, StorageType::F32)?,
        )?;
    }
    bar.suspend(|| {
        println!(
            "eval step {:>6}: dev nll {:.3}  dev BLEU {:.2}  chrF {:.2} (greedy, {} sentences, {:.0} s){}",
            rec.step,
            dev_nll,
            bleu,
            chrf,
            args.eval_sentences.min(s.dev_pairs.len()),
            t0.elapsed().as_secs_f64(),
            if better { "  * best" } else { "" }
        )
    });
    s.state.history.push(rec);
    Ok(())
}
