//! The catalogue, `www/models/index.json`: one entry per exported model (`IndexEntry`), in a
//! fixed order, with the license and attribution its models call for.

use std::path::Path;

use anyhow::{Context, Result};
use seq2seq_core::family::Family;
use serde_json::Value;

use crate::export::{IndexEntry, ATTRIBUTION};

/// A family's place in the catalogue: the attention models first.
fn catalogue_rank(family: Family) -> usize {
    match family {
        Family::Transformer => 0,
        Family::GruAttn => 1,
        Family::Lstm => 2,
        Family::Gru => 3,
        Family::Rnn => 4,
    }
}

/// Replaces (or adds) `entry` in the index, kept in a fixed order.
pub fn update_index(path: &Path, entry: &IndexEntry) -> Result<()> {
    let mut models: Vec<Value> = match std::fs::read_to_string(path) {
        Ok(text) => {
            let v: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            v.get("models")
                .and_then(|m| m.as_array())
                .cloned()
                .unwrap_or_default()
        }
        Err(_) => Vec::new(),
    };
    models.retain(|m| m.get("id").and_then(Value::as_str) != Some(entry.id.as_str()));
    models.push(serde_json::to_value(entry)?);
    let key = |m: &Value| {
        let fam = m
            .get("family")
            .and_then(Value::as_str)
            .and_then(Family::from_slug);
        let dir = m.get("direction").and_then(Value::as_str).unwrap_or("");
        (fam.map_or(99, catalogue_rank), dir.to_string())
    };
    models.sort_by_key(key);
    let (license, attribution) = index_terms(&models);
    let index = serde_json::json!({
        "version": 1,
        "license": license,
        "attribution": attribution,
        "models": models,
    });
    std::fs::write(path, serde_json::to_string_pretty(&index)? + "\n")?;
    Ok(())
}

/// index.json's license and attribution: the dictionary's terms join Tatoeba's when a model
/// was trained on it (`IndexEntry::dictionary`).
pub fn index_terms(models: &[Value]) -> (String, String) {
    let with_dictionary: Vec<&str> = models
        .iter()
        .filter(|m| m.get("dictionary").is_some_and(|d| !d.is_null()))
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .collect();
    if with_dictionary.is_empty() {
        return (
            "Models: MIT OR Apache-2.0. Training data: CC BY 2.0 FR.".to_string(),
            ATTRIBUTION.to_string(),
        );
    }
    (
        format!(
            "Models: MIT OR Apache-2.0, except {} (trained on dictionary pairs): CC BY-SA 4.0. \
             Training data: CC BY 2.0 FR; dictionary pairs: CC BY-SA 4.0.",
            with_dictionary.join(", ")
        ),
        format!("{ATTRIBUTION} {}", crate::dictionary::ATTRIBUTION),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_trained_on_the_dictionary_changes_the_index_terms() {
        let plain = vec![serde_json::json!({"id": "gru-en-zh"})];
        assert_eq!(index_terms(&plain).1, ATTRIBUTION);
        let mixed = vec![
            serde_json::json!({"id": "gru-en-zh"}),
            serde_json::json!({"id": "transformer-en-zh", "dictionary": "d.tsv"}),
        ];
        let (license, attribution) = index_terms(&mixed);
        assert!(license.contains("except transformer-en-zh"), "{license}");
        assert!(license.contains("CC BY-SA 4.0"), "{license}");
        assert!(attribution.contains("CC-CEDICT"), "{attribution}");
    }
}
