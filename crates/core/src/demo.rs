//! Randomly initialised models of every family, with the small fixture tokenizers: for tests, and
//! for the smoke-test page that checks the browser computes exactly what native code computes.
//! (The playground itself shows trained models only.)

use serde::{Deserialize, Serialize};

use crate::backend::CpuBackend;
use crate::decoding::DecodeOptions;
use crate::family::Family;
use crate::models::{AttentionConfig, ModelConfig, RecurrentConfig, TransformerConfig};
use crate::ops::Activation;
use crate::tokenizer::{Language, Tokenizer};
use crate::translator::{Translator, TranslatorConfig};
use crate::weights::Weights;
use crate::Result;

/// The five families' string forms, in the article's order ([`Family::ALL`]).
pub const FAMILIES: [&str; 5] = ["rnn", "gru", "lstm", "gru-attn", "transformer"];

const EN_TOKENIZER: &str = include_str!("../tests/fixtures/tokenizer-en.json");
const ZH_TOKENIZER: &str = include_str!("../tests/fixtures/tokenizer-zh.json");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoOutput {
    pub family: String,
    pub source_tokens: Vec<String>,
    pub target_tokens: Vec<String>,
    pub text: String,
    pub steps: usize,
}

/// A small architecture of `family` for the given vocabulary sizes.
pub fn small_config(family: &str, src_vocab: usize, tgt_vocab: usize) -> Result<ModelConfig> {
    let rec = RecurrentConfig {
        src_vocab,
        tgt_vocab,
        embed_dim: 16,
        hidden_dim: 24,
    };
    Ok(match family.parse::<Family>()? {
        Family::Rnn => ModelConfig::Rnn(rec),
        Family::Gru => ModelConfig::Gru(rec),
        Family::Lstm => ModelConfig::Lstm(rec),
        Family::GruAttn => ModelConfig::GruAttn(AttentionConfig {
            src_vocab,
            tgt_vocab,
            embed_dim: 16,
            hidden_dim: 24,
            attn_dim: 20,
        }),
        Family::Transformer => ModelConfig::Transformer(TransformerConfig {
            src_vocab,
            tgt_vocab,
            dim: 32,
            heads: 4,
            ffn_dim: 64,
            encoder_layers: 2,
            decoder_layers: 2,
            activation: Activation::Gelu,
        }),
    })
}

/// An en→zh translator of `family` with random weights drawn from `seed`.
pub fn random_translator(family: &str, seed: u64) -> Result<Translator<CpuBackend>> {
    let source = Tokenizer::from_json(EN_TOKENIZER)?;
    let target = Tokenizer::from_json(ZH_TOKENIZER)?;
    let config = TranslatorConfig {
        id: format!("{family}-en-zh-random"),
        source_language: Language::En,
        target_language: Language::Zh,
        model: small_config(family, source.vocab_size(), target.vocab_size())?,
        length_penalty: crate::decoding::LENGTH_PENALTY,
        length_penalty_unpunctuated: None,
    };
    Translator::new(&CpuBackend, config, Weights::random(seed), source, target)
}

/// Translate `text` en→zh with a random model of `family`, greedily, at most `max_len` tokens
/// before EOS (so at most `max_len + 1` decoder steps, EOS included).
/// Deterministic: the same output natively and in wasm.
pub fn random_translation(
    family: &str,
    text: &str,
    seed: u64,
    max_len: usize,
) -> Result<DemoOutput> {
    let translator = random_translator(family, seed)?;
    let options = DecodeOptions {
        max_len,
        ..DecodeOptions::default()
    };
    let out = pollster::block_on(translator.translate(text, &options, &mut |_| {}))?;
    Ok(DemoOutput {
        family: family.to_string(),
        steps: out.translation.steps.len(),
        source_tokens: out.source_tokens,
        target_tokens: out.target_tokens,
        text: out.text,
    })
}
