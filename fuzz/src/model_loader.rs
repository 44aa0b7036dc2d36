//! Fuzz check: arbitrary config.json + arbitrary safetensors bytes → the loader.
//!
//! Input: `[flags: u8][config_len: u16 LE][config.json][model.safetensors]`. `flags & 1` swaps
//! the direction (zh→en instead of en→zh). The tokenizers are tiny character-level ones
//! ([`tokenizers`]) so that whole valid models fit in a few kilobytes of seed. Everything must
//! end in `Ok` or `Err`, never a panic; a model that loads must also translate a short input.

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::DecodeOptions;
use std::sync::OnceLock;

use seq2seq_core::models::{AnyModel, ModelConfig};
use seq2seq_core::tokenizer::{Language, Tokenizer};
use seq2seq_core::translator::{Translator, TranslatorConfig};
use seq2seq_core::weights::Weights;

/// The English and Chinese tokenizer files of the fuzzed translators: specials, the 256 byte
/// pieces, "▁" and a few characters (vocabularies of 288 and 267 ids).
pub fn tokenizers() -> &'static (String, String) {
    static FILES: OnceLock<(String, String)> = OnceLock::new();
    FILES.get_or_init(|| {
        (
            Tokenizer::from_chars(Language::En, "abcdefghijklmnopqrstuvwxyz".chars()).to_json(),
            Tokenizer::from_chars(Language::Zh, "我是谁苹果".chars()).to_json(),
        )
    })
}

/// The parts of one input.
pub fn split(data: &[u8]) -> (bool, String, &[u8]) {
    let (flags, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let (config, weights) = crate::split2(rest);
    (
        flags & 1 == 1,
        String::from_utf8_lossy(config).into_owned(),
        weights,
    )
}

/// The inverse of [`split`], for writing seeds.
pub fn join(swap: bool, config: &str, weights: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::from(swap)];
    out.extend(crate::join2(config.as_bytes(), weights));
    out
}

fn options(beam_size: usize) -> DecodeOptions {
    DecodeOptions {
        beam_size,
        max_len: 3,
        ..DecodeOptions::default()
    }
}

pub fn check(data: &[u8]) {
    let (swap, config_json, safetensors) = split(data);
    let b = CpuBackend;

    // The parts on their own.
    let config = TranslatorConfig::from_json(&config_json);
    if let Ok(model) = serde_json::from_str::<ModelConfig>(&config_json) {
        let _ = model.validate();
    }
    let weights = Weights::from_safetensors(safetensors);

    // Config + weights → a model, without tokenizers; a model that loads must translate.
    if let (Ok(config), Ok(weights)) = (&config, weights) {
        if let Ok(model) = AnyModel::new(&b, &config.model, weights) {
            let (src_vocab, _) = config.model.vocab_sizes();
            let last = u32::try_from(src_vocab - 1).unwrap_or(u32::MAX);
            let src = [5.min(last), last, 7.min(last)];
            for beam in [1, 2] {
                let _ = pollster::block_on(model.translate(&src, &options(beam), &mut |_| {}));
            }
        }
    }

    // The whole loader, as the app calls it.
    let (en, zh) = tokenizers();
    let (source, target) = if swap { (zh, en) } else { (en, zh) };
    if let Ok(translator) = Translator::load(&b, &config_json, safetensors, source, target) {
        let text = if swap {
            "我是谁"
        } else {
            "i like eating apple"
        };
        let _ = pollster::block_on(translator.translate(text, &options(1), &mut |_| {}));
    }
}
