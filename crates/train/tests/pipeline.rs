//! The training pipeline end to end on a tiny synthetic corpus (seconds): the loss goes down on a
//! fixed batch, a run checkpoints and resumes where it stopped, export writes www/models/<id>/
//! and index.json, and the exported files load with seq2seq-core's `Translator::load` and
//! translate.

use std::path::{Path, PathBuf};

use clap::Parser;
use seq2seq_core::tokenizer::{Language, Tokenizer};
use seq2seq_train::data::Pair;
use seq2seq_train::ladder;
use seq2seq_train::train::{self, Session, TrainConfig};

#[derive(Parser)]
struct TrainCli {
    #[command(flatten)]
    args: train::Args,
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("seq2seq-train-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A tiny parallel corpus: "I see N" ↔ "我看见N" style pairs with a few words.
fn write_data(dir: &Path) {
    let en_words = ["cat", "dog", "bird", "fish", "tea", "rice"];
    let zh_words = ["猫", "狗", "鸟", "鱼", "茶", "饭"];
    let (mut train, mut dev) = (String::new(), String::new());
    for (i, (e, z)) in en_words.iter().zip(zh_words).enumerate() {
        for (j, (e2, z2)) in en_words.iter().zip(zh_words).enumerate() {
            let line = format!("I see a {e} and a {e2}.\t我看见{z}和{z2}。\n");
            if (i + j) % 5 == 0 {
                dev.push_str(&line);
            } else {
                train.push_str(&line);
            }
        }
    }
    std::fs::write(dir.join("train.tsv"), &train).unwrap();
    std::fs::write(dir.join("dev.tsv"), &dev).unwrap();
    std::fs::write(dir.join("test.tsv"), &dev).unwrap();
    // The length ladders `prepare` writes beside the splits (export scores every rung).
    let pairs: Vec<Pair> = dev
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(en, zh)| Pair {
            en: en.into(),
            zh: zh.into(),
        })
        .collect();
    let rungs = ladder::to_tsv(&ladder::eval_ladder(&pairs));
    std::fs::write(dir.join("dev-ladder.tsv"), &rungs).unwrap();
    std::fs::write(dir.join("test-ladder.tsv"), &rungs).unwrap();
    let en = Tokenizer::from_chars(Language::En, train.chars().filter(|c| c.is_ascii()));
    let zh = Tokenizer::from_chars(Language::Zh, train.chars().filter(|c| !c.is_ascii()));
    std::fs::write(dir.join("tokenizer-en.json"), en.to_json()).unwrap();
    std::fs::write(dir.join("tokenizer-zh.json"), zh.to_json()).unwrap();
}

fn tiny(family: &str, data: &Path) -> TrainConfig {
    let mut c = TrainCli::parse_from(["t"]).args.config;
    c.family = family.parse().unwrap();
    c.data = data.to_path_buf();
    c.embed_dim = 16;
    c.hidden_dim = 24;
    c.attn_dim = 16;
    c.dim = 32;
    c.heads = 2;
    c.ffn_dim = 48;
    c.encoder_layers = 1;
    c.decoder_layers = 1;
    c.batch_size = 8;
    c.dropout = 0.0;
    c.warmup_steps = 5;
    c.lr = 3e-3;
    c
}

#[test]
fn loss_decreases_on_a_fixed_batch() {
    let root = temp_dir("loss");
    write_data(&root);
    for family in ["gru", "gru-attn", "transformer"] {
        let mut s = Session::open(tiny(family, &root), &root.join(family), false).expect("session");
        let idx: Vec<usize> = (0..8).collect();
        let batch = train::make_batch(&s.train, &idx, &candle_core::Device::Cpu).expect("batch");
        let first = s.train_step(&batch).expect("step");
        let mut last = first;
        for _ in 0..30 {
            last = s.train_step(&batch).expect("step");
        }
        println!("{family}: loss {first:.3} → {last:.3}");
        assert!(last < 0.7 * first, "{family}: loss {first} → {last}");
    }
}

#[test]
fn train_resume_export_and_load() {
    let root = temp_dir("pipeline");
    write_data(&root);
    let run_dir = root.join("runs/gru-attn-en-zh");
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = [
            "t",
            "--family",
            "gru-attn",
            "--embed-dim",
            "16",
            "--hidden-dim",
            "24",
            "--attn-dim",
            "16",
            "--batch-size",
            "8",
            "--warmup-steps",
            "5",
            "--lr",
            "3e-3",
            "--dropout",
            "0",
            "--eval-every",
            "5",
            "--checkpoint-every",
            "3",
            "--eval-sentences",
            "4",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(["--data".into(), root.display().to_string()]);
        v.extend(["--run-dir".into(), run_dir.display().to_string()]);
        v.extend(extra.iter().map(|s| s.to_string()));
        TrainCli::parse_from(v).args
    };
    train::run(&args(&["--epochs", "1"])).expect("train");
    let state = |_: ()| -> train::RunState {
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("state.json")).unwrap()).unwrap()
    };
    let s1 = state(());
    assert!(s1.finished && s1.epoch == 1 && s1.step > 0);
    // A bare resume keeps the run's own epoch count (the --epochs default must not stretch it).
    train::run(&args(&["--resume"])).expect("resume a finished run");
    let again = state(());
    assert_eq!(
        (again.epoch, again.step),
        (1, s1.step),
        "nothing more to train"
    );
    train::run(&args(&["--total-epochs", "2", "--resume"])).expect("resume");
    let s2 = state(());
    assert_eq!(s2.epoch, 2);
    assert_eq!(
        s2.step,
        2 * s1.step,
        "the resumed run continues from the checkpoint"
    );
    assert!(s2.history.len() > s1.history.len());

    let out = root.join("www/models");
    let entry = seq2seq_train::export::export(&s2, &run_dir.join(train::BEST), &out, 2, None)
        .expect("export");
    let dir = out.join("gru-attn-en-zh");
    for f in &entry.files {
        assert!(dir.join(f).exists(), "{f} written");
    }
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["models"][0]["id"], "gru-attn-en-zh");
    assert_eq!(
        index["models"][0]["test_bleu_by_bucket"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // int8 on disk (export's default): a byte per matrix entry plus an f32 scale per row and
    // f16 vectors, so between 1 and 2 bytes per parameter plus the header.
    assert!(entry.bytes as usize > entry.params, "{} bytes", entry.bytes);
    assert!(
        (entry.bytes as usize) < 2 * entry.params + 16_384,
        "{} bytes",
        entry.bytes
    );

    // The files load through seq2seq-core's Translator::load, exactly as the app reads them.
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let translator = seq2seq_core::translator::Translator::load(
        &seq2seq_core::backend::CpuBackend,
        &read("config.json"),
        &std::fs::read(dir.join("model.safetensors")).unwrap(),
        &read("tokenizer-en.json"),
        &read("tokenizer-zh.json"),
    )
    .expect("Translator::load");
    let out = pollster::block_on(translator.translate(
        "I see a cat and a dog.",
        &seq2seq_train::evaluate::options(2),
        &mut |_| {},
    ))
    .expect("translate");
    println!("translation: {}", out.text);
    let card = read("card.md");
    assert!(card.contains("Tatoeba Project") && card.contains("CC BY 2.0 FR"));
}
