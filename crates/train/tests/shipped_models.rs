//! The models in www/models: every entry of index.json loads with seq2seq-core's
//! `Translator::load` (as the app loads it), matches its recorded size and SHA-256, stays within
//! the size budget (≤ 4 MB each, ≤ 30 MB in all), and translates a sentence.

use sha2::{Digest, Sha256};

#[test]
fn shipped_models_load_and_fit_the_budget() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/models");
    let text = std::fs::read_to_string(root.join("index.json"))
        .expect("www/models/index.json (committed with the models)");
    let index: serde_json::Value = serde_json::from_str(&text).expect("index.json is JSON");
    let models = index["models"].as_array().expect("models array");
    let mut total = 0u64;
    for m in models {
        let id = m["id"].as_str().expect("id");
        let dir = root.join(id);
        let weights = std::fs::read(dir.join("model.safetensors")).expect("weights");
        assert_eq!(
            weights.len() as u64,
            m["bytes"].as_u64().unwrap(),
            "{id}: bytes"
        );
        let sha: String = Sha256::digest(&weights)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha, m["sha256"].as_str().unwrap(), "{id}: sha256");
        let dir_bytes: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(dir_bytes <= 4_000_000, "{id}: {dir_bytes} bytes on disk");
        total += dir_bytes;
        let t = seq2seq_train::evaluate::load_model(&dir).expect("Translator::load");
        assert_eq!(t.config.id, id);
        let text = match t.config.source_language {
            seq2seq_core::tokenizer::Language::En => "I like eating apples.",
            seq2seq_core::tokenizer::Language::Zh => "我喜欢吃苹果。",
        };
        let out = pollster::block_on(t.translate(
            text,
            &seq2seq_train::evaluate::options(1),
            &mut |_| {},
        ))
        .expect("translate");
        println!("{id}: {text} → {}", out.text);
        assert!(!out.text.is_empty(), "{id} translated to nothing");
        assert_eq!(m["test_bleu_by_bucket"].as_array().unwrap().len(), 4);
    }
    println!("{} models, {total} bytes", models.len());
    assert!(total <= 30_000_000, "all models: {total} bytes");
}
