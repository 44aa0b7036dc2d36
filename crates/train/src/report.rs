//! `report`: tables for the README from `www/models/index.json`: each model's test BLEU by source
//! length, and how much of its short-sentence BLEU it keeps on longer sources (BLEU of a bucket ÷
//! BLEU of 1–5 words). The fixed-context models (rnn, gru, lstm) should keep less than the
//! attention models (gru-attn, transformer): the article's bottleneck, measured.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::export::IndexEntry;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The catalogue written by `export`.
    #[arg(long, default_value = "www/models/index.json")]
    pub index: PathBuf,
}

/// The entries of an index.json.
pub fn read_index(path: &std::path::Path) -> Result<Vec<IndexEntry>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let models = v
        .get("models")
        .cloned()
        .context("index.json has no `models`")?;
    Ok(serde_json::from_value(models)?)
}

/// The length-drop table (markdown), one row per model, grouped by direction.
pub fn length_table(entries: &[IndexEntry]) -> String {
    let mut s = String::from(
        "| direction | model | context | test BLEU 1–5 / 6–10 / 11–15 / 16+ | sentences per bucket | kept at 6–10 | kept at 11–15 | kept at 16+ |\n|---|---|---|---|---|---:|---:|---:|\n",
    );
    let mut dirs: Vec<&str> = entries.iter().map(|e| e.direction.as_str()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        for e in entries.iter().filter(|e| e.direction == dir) {
            let b = &e.test.bleu_by_bucket;
            let Some(short) = b.first().map(|x| x.2).filter(|&x| x > 0.0) else {
                continue;
            };
            let kept = |i: usize| {
                b.get(i)
                    .map(|x| format!("{:.0} %", 100.0 * x.2 / short))
                    .unwrap_or_default()
            };
            let context = match e.family.as_str() {
                "transformer" | "gru-attn" => "attention",
                _ => "fixed c",
            };
            s += &format!(
                "| {dir} | {} | {context} | {} | {} | {} | {} | {} |\n",
                e.id,
                b.iter()
                    .map(|x| format!("{:.1}", x.2))
                    .collect::<Vec<_>>()
                    .join(" / "),
                b.iter()
                    .map(|x| x.1.to_string())
                    .collect::<Vec<_>>()
                    .join(" / "),
                kept(1),
                kept(2),
                kept(3)
            );
        }
    }
    s
}

pub fn run(args: &Args) -> Result<()> {
    let entries = read_index(&args.index)?;
    println!(
        "Share of the 1–5-word test BLEU each model keeps on longer sources (from {}):\n",
        args.index.display()
    );
    print!("{}", length_table(&entries));
    Ok(())
}
