//! `report`: tables for the README from `www/models/index.json`: each model's test BLEU by source
//! length, and how much of its short-sentence BLEU it keeps on longer sources (BLEU of a bucket ÷
//! BLEU of 1–5 words); and the same on the test length ladder (BLEU of four joined sentences ÷
//! BLEU of one). The fixed-context models (rnn, gru, lstm) should keep less than the attention
//! models (gru-attn, transformer): the article's bottleneck, measured.

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
    for dir in directions(entries) {
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
            s += &format!(
                "| {dir} | {} | {} | {} | {} | {} | {} | {} |\n",
                e.id,
                context(e),
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

/// The context a family decodes with, as the tables name it.
fn context(e: &IndexEntry) -> &'static str {
    if e.family.has_fixed_context() {
        "fixed c"
    } else {
        "attention"
    }
}

/// The directions of `entries`, sorted: each table groups its rows by them.
fn directions(entries: &[IndexEntry]) -> Vec<&str> {
    let mut dirs: Vec<&str> = entries.iter().map(|e| e.direction.as_str()).collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The test-ladder table (markdown): BLEU per rung (1–4 joined sentences), the inputs of each,
/// and the share of its one-sentence BLEU each model keeps at the longest rung. Models without
/// ladder scores are left out.
pub fn ladder_table(entries: &[IndexEntry]) -> String {
    let mut s = String::from(
        "| direction | model | context | trained on (sentences) | test BLEU 1 / 2 / 3 / 4 | inputs per rung | kept at 4 |\n|---|---|---|---:|---|---|---:|\n",
    );
    for dir in directions(entries) {
        for e in entries.iter().filter(|e| e.direction == dir) {
            let Some(ladder) = &e.ladder else { continue };
            let rungs = &ladder.test.rungs;
            let kept = ladder
                .test
                .kept()
                .map(|k| format!("{:.0} %", 100.0 * k))
                .unwrap_or_else(|| "–".into());
            s += &format!(
                "| {dir} | {} | {} | {} | {} | {} | {kept} |\n",
                e.id,
                context(e),
                ladder.trained_on_sentences,
                rungs
                    .iter()
                    .map(|r| format!("{:.1}", r.2))
                    .collect::<Vec<_>>()
                    .join(" / "),
                rungs
                    .iter()
                    .map(|r| r.1.to_string())
                    .collect::<Vec<_>>()
                    .join(" / "),
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
    println!(
        "\nThe test length ladder: BLEU of 1–4 joined test sentences, and the share of the \
         one-sentence BLEU each model keeps at four:\n"
    );
    print!("{}", ladder_table(&entries));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{LadderScores, Scores};
    use crate::export::LadderEntry;

    fn entry(id: &str, family: &str, direction: &str, buckets: [f64; 4]) -> IndexEntry {
        let names = ["1-5", "6-10", "11-15", "16+"];
        IndexEntry {
            id: id.into(),
            family: family.parse().unwrap(),
            direction: direction.into(),
            source_language: direction[..2].into(),
            target_language: direction[3..].into(),
            params: 1,
            bytes: 1,
            sha256: String::new(),
            files: Vec::new(),
            training_secs: 0.0,
            dev: Scores::default(),
            test: Scores {
                sentences: 40,
                bleu: 0.0,
                chrf: 0.0,
                bleu_by_bucket: names
                    .iter()
                    .zip(buckets)
                    .map(|(n, b)| (n.to_string(), 10, b))
                    .collect(),
            },
            test_bleu_by_bucket: Vec::new(),
            beam: 4,
            ladder: None,
            perplexity: None,
            dictionary: None,
        }
    }

    #[test]
    fn kept_share_is_bucket_over_short_bleu() {
        let t = length_table(&[
            entry("gru-zh-en", "gru", "zh-en", [20.0, 15.0, 10.0, 5.0]),
            entry(
                "transformer-en-zh",
                "transformer",
                "en-zh",
                [30.0, 24.0, 15.0, 9.0],
            ),
        ]);
        let rows: Vec<&str> = t.lines().skip(2).collect();
        // Grouped by direction: en-zh first.
        assert!(rows[0].starts_with("| en-zh | transformer-en-zh | attention |"));
        assert!(rows[0].ends_with("| 80 % | 50 % | 30 % |"), "{}", rows[0]);
        assert!(rows[1].starts_with("| zh-en | gru-zh-en | fixed c |"));
        assert!(rows[1].ends_with("| 75 % | 50 % | 25 % |"), "{}", rows[1]);
    }

    #[test]
    fn ladder_table_keeps_the_longest_rung_over_one_sentence() {
        let mut gru = entry("gru-en-zh", "gru", "en-zh", [20.0, 15.0, 10.0, 5.0]);
        gru.ladder = Some(LadderEntry {
            trained_on_sentences: 4,
            trained_max_tokens: 160,
            dev: LadderScores::default(),
            test: LadderScores {
                rungs: vec![(1, 100, 20.0), (2, 50, 12.0), (3, 33, 9.0), (4, 25, 7.0)],
                by_length: Vec::new(),
            },
            examples: Vec::new(),
        });
        // A model without ladder scores has no row.
        let rnn = entry("rnn-en-zh", "rnn", "en-zh", [8.0, 6.0, 4.0, 2.0]);
        let t = ladder_table(&[gru, rnn]);
        let rows: Vec<&str> = t.lines().skip(2).collect();
        assert_eq!(
            rows,
            ["| en-zh | gru-en-zh | fixed c | 4 | 20.0 / 12.0 / 9.0 / 7.0 | 100 / 50 / 33 / 25 | 35 % |"]
        );
    }
}
