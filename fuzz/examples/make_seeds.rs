//! Writes the seed inputs of the three fuzz targets into fuzz/seeds/<target>/ (small valid files
//! of every kind, built with the real writers), from which fuzz/corpus/ was grown:
//!
//! ```sh
//! cd fuzz && cargo +nightly run --example make_seeds
//! ```

use std::path::Path;

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::{
    AttentionConfig, FixedContextModel, GruAttentionModel, ModelConfig, RecurrentConfig,
    TransformerConfig, TransformerModel,
};
use seq2seq_core::ops::Activation;
use seq2seq_core::tokenizer::{Language, Tokenizer};
use seq2seq_core::translator::TranslatorConfig;
use seq2seq_core::weights::{to_safetensors, StorageType, Weights};
use seq2seq_fuzz::{join2, model_loader, split2};

fn configs(src_vocab: usize, tgt_vocab: usize) -> Vec<ModelConfig> {
    let rec = RecurrentConfig {
        src_vocab,
        tgt_vocab,
        embed_dim: 2,
        hidden_dim: 3,
    };
    vec![
        ModelConfig::Rnn(rec.clone()),
        ModelConfig::Gru(rec.clone()),
        ModelConfig::Lstm(rec),
        ModelConfig::GruAttn(AttentionConfig {
            src_vocab,
            tgt_vocab,
            embed_dim: 2,
            hidden_dim: 3,
            attn_dim: 2,
        }),
        ModelConfig::Transformer(TransformerConfig {
            src_vocab,
            tgt_vocab,
            dim: 4,
            heads: 2,
            ffn_dim: 4,
            encoder_layers: 1,
            decoder_layers: 1,
            activation: Activation::Gelu,
        }),
    ]
}

fn random_file(config: &ModelConfig, storage: StorageType) -> Vec<u8> {
    let b = &CpuBackend;
    let mut w = Weights::random(7);
    match config {
        ModelConfig::Rnn(c) => FixedContextModel::new(b, CellKind::Rnn, c, &mut w).map(drop),
        ModelConfig::Gru(c) => FixedContextModel::new(b, CellKind::Gru, c, &mut w).map(drop),
        ModelConfig::Lstm(c) => FixedContextModel::new(b, CellKind::Lstm, c, &mut w).map(drop),
        ModelConfig::GruAttn(c) => GruAttentionModel::new(b, c, &mut w).map(drop),
        ModelConfig::Transformer(c) => TransformerModel::new(b, c, &mut w).map(drop),
    }
    .expect("random weights build");
    to_safetensors(&w.finish().expect("all taken"), storage, None).expect("serialises")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join(name), bytes).expect("write seed");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");

    // model_loader: a valid tiny model of every family in both directions, f16/f32/bf16, and
    // the real config.json of the shipped models beside a tiny model.
    let dir = root.join("model_loader");
    let (en, zh) = model_loader::tokenizers();
    let en_vocab = Tokenizer::from_json(en).unwrap().vocab_size();
    let zh_vocab = Tokenizer::from_json(zh).unwrap().vocab_size();
    for (swap, (src, tgt)) in [(false, (en_vocab, zh_vocab)), (true, (zh_vocab, en_vocab))] {
        for (i, model) in configs(src, tgt).into_iter().enumerate() {
            let (source_language, target_language) = if swap {
                (Language::Zh, Language::En)
            } else {
                (Language::En, Language::Zh)
            };
            let config = TranslatorConfig {
                id: format!("{}-seed", model.family()),
                source_language,
                target_language,
                model: model.clone(),
            };
            let json = serde_json::to_string(&config).unwrap();
            let storage = [StorageType::F16, StorageType::F32, StorageType::BF16][i % 3];
            let bytes = random_file(&model, storage);
            let input = model_loader::join(swap, &json, &bytes);
            let (s, c, w) = model_loader::split(&input);
            assert_eq!((s, c.as_str(), w), (swap, json.as_str(), bytes.as_slice()));
            let dir_name = if swap { "zh-en" } else { "en-zh" };
            write(&dir, &format!("{}-{dir_name}", model.family()), &input);
        }
    }
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models");
    let tiny = random_file(&configs(en_vocab, zh_vocab)[3], StorageType::F16);
    for id in ["transformer-en-zh", "gru-attn-zh-en", "lstm-en-zh"] {
        if let Ok(json) = std::fs::read_to_string(models.join(id).join("config.json")) {
            write(
                &dir,
                &format!("shipped-config-{id}"),
                &model_loader::join(false, &json, &tiny),
            );
        }
    }

    // tokenizer: the fixture files with a sentence (mode 0), sentences for the shipped
    // tokenizers (mode 1: English, mode 3: Chinese).
    let dir = root.join("tokenizer");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/core/tests/fixtures");
    let small_en = Tokenizer::from_chars(Language::En, "abc".chars()).to_json();
    let files = [
        ("file-en-chars", small_en, "a cab 😀"),
        (
            "file-zh",
            std::fs::read_to_string(fixture.join("tokenizer-zh.json")).unwrap(),
            "我們喜歡蘋果,好嗎?",
        ),
        (
            "file-en",
            std::fs::read_to_string(fixture.join("tokenizer-en.json")).unwrap(),
            "I like eating apples.",
        ),
    ];
    for (name, json, text) in files {
        let mut input = vec![0u8];
        input.extend(join2(json.as_bytes(), text.as_bytes()));
        let (j, t) = split2(&input[1..]);
        assert_eq!((j, t), (json.as_bytes(), text.as_bytes()));
        write(&dir, name, &input);
    }
    let texts = [
        (1u8, "en-1", "I like eating apple"),
        (1, "en-2", "The Apple is a great company"),
        (1, "en-3", "A magazine is stuck in the gun."),
        (
            1,
            "en-4",
            "Ｔｏｍ’s ３ “cats”… naïve café e\u{301} ﬁ 😀 مرحبا \u{202E}x\t\n",
        ),
        (3, "zh-1", "我 是 谁"),
        (3, "zh-2", "我們喜歡蘋果,1,000個 10:30 Tom Jackson……(真的)?"),
        (3, "zh-3", "猫坐在垫子上。 😀 ｆｏｏ３"),
    ];
    for (mode, name, text) in texts {
        let mut input = vec![mode];
        input.extend(text.as_bytes());
        write(&dir, name, &input);
    }

    // url_state: every key, good and bad values.
    let dir = root.join("url_state");
    let queries = [
        "",
        "?view=step&embed=1&text=I+like+eating+apple&models=gru-attn",
        "?view=qkv&lang=en&theme=dark&backend=cpu&dir=zh-en&text=%E6%88%91+%E6%98%AF+%E8%B0%81&models=transformer,rnn&beam=4&step=3&layer=1&head=2&token=5&n=4096",
        "?view=flash&head=all&n=16384&embed=true",
        "view=nope&beam=99&models=gru,xyz&embed=maybe&extra=1&text=%zz&&==&a=%E6",
        "?view=bench&theme=light&backend=gpu&models=lstm,gru,rnn,gru-attn,transformer,rnn",
    ];
    for (i, q) in queries.iter().enumerate() {
        write(&dir, &format!("query-{i}"), q.as_bytes());
    }
    println!("seeds written to {}", root.display());
}
