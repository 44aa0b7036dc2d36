//! Writes the seed inputs of the three fuzz targets into fuzz/seeds/<target>/ (small valid files
//! of every kind, built with the real writers), from which fuzz/corpus/ was grown (and which
//! are committed beside it):
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

    // model_loader: valid models of every family, kept tiny so that the corpus stays small:
    // - with a 5-token vocabulary on both sides (model code only: Translator::load refuses them
    //   as the tokenizers do not match, AnyModel::new and decoding accept them), f16/f32/bf16;
    // - two whole translators (the fuzzed tokenizers' vocabularies), en→zh and zh→en;
    // - the real config.json of a shipped model beside a tiny model.
    let dir = root.join("model_loader");
    let (en, zh) = model_loader::tokenizers();
    let en_vocab = Tokenizer::from_json(en).unwrap().vocab_size();
    let zh_vocab = Tokenizer::from_json(zh).unwrap().vocab_size();
    let seed = |name: String, swap: bool, model: &ModelConfig, storage: StorageType| {
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
        let bytes = random_file(model, storage);
        let input = model_loader::join(swap, &json, &bytes);
        let (s, c, w) = model_loader::split(&input);
        assert_eq!((s, c.as_str(), w), (swap, json.as_str(), bytes.as_slice()));
        write(&dir, &name, &input);
    };
    let storages = [StorageType::F16, StorageType::F32, StorageType::BF16];
    for (i, model) in configs(5, 5).iter().enumerate() {
        seed(
            format!("{}-vocab5", model.family()),
            false,
            model,
            storages[i % 3],
        );
    }
    seed(
        "rnn-en-zh".into(),
        false,
        &configs(en_vocab, zh_vocab)[0],
        StorageType::F16,
    );
    seed(
        "transformer-zh-en".into(),
        true,
        &configs(zh_vocab, en_vocab)[4],
        StorageType::F16,
    );
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models");
    let tiny = random_file(&configs(5, 5)[3], StorageType::F16);
    if let Ok(json) = std::fs::read_to_string(models.join("gru-attn-en-zh").join("config.json")) {
        write(
            &dir,
            "shipped-config-gru-attn-en-zh",
            &model_loader::join(false, &json, &tiny),
        );
    }

    // tokenizer: small files (a character vocabulary; a BPE vocabulary with merges) with a
    // sentence (mode 0); sentences for the shipped tokenizers (mode 1: English, 3: Chinese).
    let dir = root.join("tokenizer");
    let chars = Tokenizer::from_chars(Language::En, "abc".chars()).to_json();
    let bpe = {
        let base = Tokenizer::from_chars(Language::En, "aelps".chars());
        let mut pieces = base.pieces().to_vec();
        let merges: Vec<(String, String)> = [("a", "p"), ("ap", "p"), ("▁", "app"), ("l", "e")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        for (a, b) in &merges {
            pieces.push(format!("{a}{b}"));
        }
        Tokenizer::from_parts(Language::En, pieces, merges)
            .unwrap()
            .to_json()
    };
    let zh_chars = Tokenizer::from_chars(Language::Zh, "我们喜欢苹果".chars()).to_json();
    let files = [
        ("file-en-chars", chars, "a cab 😀"),
        ("file-en-bpe", bpe, "apple apples, please!"),
        ("file-zh-chars", zh_chars, "我們喜歡蘋果,好嗎?"),
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
