//! `memory`: the memory view's numbers (`?view=memory`) for sentences on stdin, one JSON line
//! each (seq2seq-core's `grad::memory_report`, the code the page's worker runs): the source
//! pieces, the greedy translation, ‖∂c/∂e_j‖ per source position (with α for the attention
//! families), ‖∂L/∂h_t‖ per encoder step for the teacher-forced pair, and how long each part
//! took. The browser test compares the page's numbers with these.
//!
//! ```text
//! echo "I like eating apple" | cargo run --release -p seq2seq-train -- memory --model rnn-en-zh
//! ```

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use seq2seq_core::grad::{memory_report, GradModel, MemoryQuery};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model id: www/models/<id>/ (e.g. rnn-en-zh).
    #[arg(long)]
    pub model: String,
    #[arg(long, default_value = "www/models")]
    pub models_dir: PathBuf,
    /// Decoder step whose context is differentiated (gru-attn, transformer; clamped to the
    /// target's length).
    #[arg(long, default_value_t = 0)]
    pub step: usize,
    /// Teacher-forced target (default: the model's own greedy translation).
    #[arg(long)]
    pub reference: Option<String>,
}

pub fn run(args: &Args) -> Result<()> {
    let t = crate::evaluate::load_model(&args.models_dir.join(&args.model))?;
    let grad = GradModel::from_model(&t.model);
    let start = Instant::now();
    let clock = || start.elapsed().as_secs_f64() * 1000.0;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let query = MemoryQuery {
            text: &line,
            step: args.step,
            reference: args.reference.as_deref(),
        };
        match pollster::block_on(memory_report(&t, &grad, &query, &clock, &mut |_| {})) {
            Ok(report) => writeln!(out, "{}", serde_json::to_string(&report)?)?,
            Err(e) => writeln!(
                out,
                "{}",
                serde_json::json!({ "error": e.to_string(), "text": line })
            )?,
        }
        out.flush()?;
    }
    Ok(())
}
