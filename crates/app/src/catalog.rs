//! `models/index.json`: the shipped models, written by `seq2seq-train export`
//! (crates/train/src/export.rs, `IndexEntry`). Fetched once by the worker (which files to fetch,
//! their size and SHA-256), which sends it to the page (model cards, BLEU charts).

use serde::{Deserialize, Serialize};

use crate::route::{Direction, Family};

/// Where the catalogue lives, relative to the page (and to the worker script, beside it).
pub const INDEX_URL: &str = "models/index.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub attribution: String,
    pub license: String,
    pub models: Vec<ModelEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelEntry {
    pub id: String,
    pub family: String,
    pub direction: String,
    pub params: usize,
    /// Size of model.safetensors in bytes.
    pub bytes: u64,
    /// SHA-256 of model.safetensors (hex); also the cache version of all the model's files.
    pub sha256: String,
    pub files: Vec<String>,
    pub training_secs: f64,
    pub test: Scores,
    /// Test BLEU by source length, buckets 1–5, 6–10, 11–15, 16+ words (characters for Chinese).
    pub test_bleu_by_bucket: Vec<(String, f64)>,
    /// Beam width the scores were measured with.
    pub beam: usize,
    /// BLEU on the length ladder (inputs of 1–4 joined test sentences); absent in catalogues
    /// exported before it.
    #[serde(default)]
    pub ladder: Option<Ladder>,
    /// Perplexity of the test references (teacher-forced); absent in older catalogues.
    #[serde(default)]
    pub perplexity: Option<Perplexity>,
}

/// `seq2seq-train rescore`'s perplexity of the test split's references.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Perplexity {
    pub sentences: usize,
    /// Target tokens, EOS included.
    pub tokens: usize,
    pub test: f64,
}

/// A model's scores on the length ladder (crates/train/src/ladder.rs), from `seq2seq-train
/// export` or `rescore`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ladder {
    /// Most sentences joined in one training example (1 = single sentences only).
    pub trained_on_sentences: usize,
    /// Longest training input, in tokens.
    pub trained_max_tokens: usize,
    pub test: LadderScores,
    /// One test input per rung: (sentences joined, source text).
    #[serde(default)]
    pub examples: Vec<(usize, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderScores {
    /// Per rung: (sentences joined, inputs, BLEU).
    pub rungs: Vec<(usize, usize, f64)>,
    /// Over all rungs by source length: (bucket "1-5" … "41+", inputs, BLEU).
    pub by_length: Vec<(String, usize, f64)>,
}

impl Ladder {
    /// BLEU of the longest rung as a share of the 1-sentence rung's.
    pub fn kept(&self) -> Option<f64> {
        let first = self.test.rungs.first()?;
        let last = self.test.rungs.last()?;
        (first.2 > 0.0 && last.0 > first.0).then(|| last.2 / first.2)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub bleu: f64,
    pub chrf: f64,
    pub sentences: usize,
    /// Per source-length bucket: (bucket, sentences in it, BLEU); empty in older catalogues.
    #[serde(default)]
    pub bleu_by_bucket: Vec<(String, usize, f64)>,
}

impl Catalog {
    pub fn from_json(json: &str) -> Result<Catalog, String> {
        serde_json::from_str(json).map_err(|e| format!("models/index.json is not valid: {e}"))
    }

    pub fn get(&self, id: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.id == id)
    }

    pub fn model(&self, family: Family, direction: Direction) -> Option<&ModelEntry> {
        self.get(&family.model_id(direction))
    }
}

impl ModelEntry {
    /// The files the worker needs (the card is for people).
    pub fn runtime_files(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(String::as_str)
            .filter(|f| *f == "config.json" || *f == "model.safetensors" || f.ends_with(".json"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_parses_and_names_all_ten_models() {
        let json = include_str!("../../../www/models/index.json");
        let catalog = Catalog::from_json(json).unwrap();
        for family in Family::ALL {
            for direction in [Direction::EnZh, Direction::ZhEn] {
                let entry = catalog.model(family, direction).unwrap();
                assert_eq!(entry.test_bleu_by_bucket.len(), 4);
                assert!(entry.runtime_files().any(|f| f == "model.safetensors"));
            }
        }
    }
}
