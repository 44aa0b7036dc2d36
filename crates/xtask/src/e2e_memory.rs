//! The memory view's expectations for the browser test (tests/e2e/views/memory.mjs): the
//! `seq2seq-train memory` CLI's numbers (seq2seq-core's `grad::memory_report`, natively) for
//! every en→zh model on the longest ready-made input the page offers: the test ladder's
//! examples of rungs 1–4 joined (the first model in family order that has them, as
//! `views/memory.rs` picks them). Written into artifacts/e2e/expected.json under `memory`.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use serde::Serialize;

const FAMILIES: [&str; 5] = ["rnn", "gru", "lstm", "gru-attn", "transformer"];

#[derive(Serialize)]
pub struct MemoryCase {
    model: String,
    text: String,
    /// The CLI's JSON line (core's `MemoryReport`).
    report: serde_json::Value,
}

/// The page's "all joined" chip for en→zh.
fn joined_ladder(root: &Path) -> Result<String> {
    let path = root.join("www/models/index.json");
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?,
    )?;
    let models = index["models"]
        .as_array()
        .context("index.json: no models")?;
    for family in FAMILIES {
        let id = format!("{family}-en-zh");
        let Some(model) = models.iter().find(|m| m["id"] == id.as_str()) else {
            continue;
        };
        let examples: Vec<&str> = model["ladder"]["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[1].as_str())
            .collect();
        if examples.len() > 1 {
            return Ok(examples.join(" "));
        }
    }
    bail!("no en-zh model in index.json has ladder examples")
}

/// Run `seq2seq-train memory` (the debug binary xtask built) for every en→zh model.
pub fn expected(root: &Path, cli: &Path) -> Result<Vec<MemoryCase>> {
    let text = joined_ladder(root)?;
    let mut cases = Vec::new();
    for family in FAMILIES {
        let model = format!("{family}-en-zh");
        let mut child = std::process::Command::new(cli)
            .args(["memory", "--model", &model])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", cli.display()))?;
        child
            .stdin
            .take()
            .context("no stdin")?
            .write_all(format!("{text}\n").as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!("memory --model {model} failed");
        }
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .with_context(|| format!("memory --model {model}: not one JSON line"))?;
        if report.get("error").is_some() {
            bail!("memory --model {model}: {report}");
        }
        println!(
            "expected: memory {model}: {} source tokens",
            report["source_tokens"].as_array().map_or(0, Vec::len)
        );
        cases.push(MemoryCase {
            model,
            text: text.clone(),
            report,
        });
    }
    Ok(cases)
}
