//! `translate`: sentences on stdin (one per line, Simplified or Traditional Chinese, or English),
//! translations on stdout, through seq2seq-core: the code the browser runs. A line the page
//! refuses (the other language, emoji or punctuation only: `tokenizer::check_input`) is refused
//! here too, with the reason on stderr and an empty line on stdout.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Result;
use seq2seq_core::tokenizer::check_input;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model id: www/models/<id>/ (e.g. transformer-en-zh).
    #[arg(long)]
    pub model: String,
    #[arg(long, default_value = "www/models")]
    pub models_dir: PathBuf,
    /// Beam size (1 = greedy).
    #[arg(long, default_value_t = 4)]
    pub beam: usize,
    /// After each translation, a tab and its perplexity (exp of the mean −ln p of the chosen
    /// tokens, EOS included: what the page shows beside it).
    #[arg(long)]
    pub perplexity: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let t = crate::evaluate::load_model(&args.models_dir.join(&args.model))?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            writeln!(out)?;
            continue;
        }
        if let Some(problem) = check_input(t.source.language(), &line) {
            eprintln!("cannot translate {line:?}: {problem}");
            writeln!(out)?;
            continue;
        }
        let opts = crate::evaluate::options_for(&t, args.beam.max(1), &line);
        match pollster::block_on(t.translate(&line, &opts, &mut |_| {})) {
            Ok(r) if args.perplexity => {
                let log_probs = seq2seq_core::decoding::token_log_probs(&r.translation.steps);
                let ppl = seq2seq_core::decoding::perplexity(&log_probs).unwrap_or(f64::NAN);
                writeln!(out, "{}\t{ppl:.4}", r.text)?
            }
            Ok(r) => writeln!(out, "{}", r.text)?,
            Err(e) => {
                eprintln!("cannot translate {line:?}: {e}");
                writeln!(out)?;
            }
        }
        out.flush()?;
    }
    Ok(())
}
