//! A model with its two tokenizers, loaded from the files of `www/models/<id>/`:
//! `config.json`, `model.safetensors`, and the source and target `tokenizer-*.json`.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::decoding::{DecodeEvent, DecodeOptions, Translation};
use crate::models::{AnyModel, ModelConfig};
use crate::tokenizer::{Language, Tokenizer};
use crate::weights::Weights;
use crate::{Error, Result};

/// `config.json`: the direction and the architecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranslatorConfig {
    /// e.g. "gru-attn-en-zh"
    pub id: String,
    pub source_language: Language,
    pub target_language: Language,
    pub model: ModelConfig,
    /// The GNMT length penalty α of this model's beam search for a source that ends in
    /// punctuation, chosen on dev when it was exported; configs without it use
    /// [`crate::decoding::LENGTH_PENALTY`].
    #[serde(default = "default_length_penalty")]
    pub length_penalty: f32,
    /// α for a source without final punctuation (as readers type), chosen on dev's sources
    /// with it removed: small models run on there under a large α. Absent: `length_penalty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_penalty_unpunctuated: Option<f32>,
}

fn default_length_penalty() -> f32 {
    crate::decoding::LENGTH_PENALTY
}

/// What ends a sentence, for `length_penalty_for`.
pub const FINAL_PUNCTUATION: [char; 7] = ['.', '!', '?', '。', '！', '？', '…'];

/// Whether a source ends in sentence punctuation, trailing spaces ignored.
pub fn ends_in_punctuation(source: &str) -> bool {
    source.trim_end().ends_with(FINAL_PUNCTUATION)
}

impl TranslatorConfig {
    /// The length penalty to decode `source` with.
    pub fn length_penalty_for(&self, source: &str) -> f32 {
        if ends_in_punctuation(source) {
            self.length_penalty
        } else {
            self.unpunctuated_length_penalty()
        }
    }

    /// The α for sources without final punctuation (the punctuated one where none was chosen).
    pub fn unpunctuated_length_penalty(&self) -> f32 {
        self.length_penalty_unpunctuated
            .unwrap_or(self.length_penalty)
    }

    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json)
            .map_err(|e| Error::Config(format!("config.json is not valid: {e}")))
    }
}

/// Tokens and text of a translation, with its traces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranslationOutput {
    /// Display strings of the source pieces, EOS included (one per encoder position).
    pub source_tokens: Vec<String>,
    /// Display strings of the target pieces, one per decoder step (EOS included when produced).
    pub target_tokens: Vec<String>,
    pub text: String,
    pub translation: Translation,
}

pub struct Translator<B: Backend> {
    pub config: TranslatorConfig,
    pub source: Tokenizer,
    pub target: Tokenizer,
    pub model: AnyModel<B>,
}

impl<B: Backend> Translator<B> {
    /// Build from already-parsed parts, checking that they belong together.
    pub fn new(
        b: &B,
        config: TranslatorConfig,
        weights: Weights,
        source: Tokenizer,
        target: Tokenizer,
    ) -> Result<Self> {
        let (src_vocab, tgt_vocab) = config.model.vocab_sizes();
        for (tok, vocab, side, lang) in [
            (&source, src_vocab, "source", config.source_language),
            (&target, tgt_vocab, "target", config.target_language),
        ] {
            if tok.vocab_size() != vocab || tok.language() != lang {
                return Err(Error::Tokenizer(format!(
                    "the {side} tokenizer ({:?}, {} tokens) does not match the model ({lang:?}, {vocab} tokens)",
                    tok.language(),
                    tok.vocab_size()
                )));
            }
        }
        let model = AnyModel::new(b, &config.model, weights)?;
        Ok(Self {
            config,
            source,
            target,
            model,
        })
    }

    /// Build from the raw files.
    pub fn load(
        b: &B,
        config_json: &str,
        safetensors: &[u8],
        source_json: &str,
        target_json: &str,
    ) -> Result<Self> {
        let config = TranslatorConfig::from_json(config_json)?;
        let weights = Weights::from_safetensors(safetensors)?;
        Self::new(
            b,
            config,
            weights,
            Tokenizer::from_json(source_json)?,
            Tokenizer::from_json(target_json)?,
        )
    }

    /// Tokenise, translate, detokenise; events stream as each step is decided, starting with
    /// [`DecodeEvent::Tokenized`] (so a caller never tokenises the text a second time).
    pub async fn translate(
        &self,
        text: &str,
        options: &DecodeOptions,
        on_event: &mut dyn FnMut(DecodeEvent<'_>),
    ) -> Result<TranslationOutput> {
        let encoding = self.source.encode(text)?;
        let mut source_tokens = encoding.tokens;
        source_tokens.push(self.source.token(crate::tokenizer::EOS).to_string());
        on_event(DecodeEvent::Tokenized {
            source_tokens: &source_tokens,
        });
        let translation = self
            .model
            .translate(&encoding.ids, options, on_event)
            .await?;
        let target_tokens = translation
            .steps
            .iter()
            .map(|s| self.target.token(s.token).to_string())
            .collect();
        Ok(TranslationOutput {
            source_tokens,
            target_tokens,
            text: self.target.decode(&translation.tokens),
            translation,
        })
    }

    /// ln p of each token of `reference` as a translation of `text`, then of the closing EOS,
    /// under teacher forcing (`decoding::perplexity` of them is its perplexity).
    pub async fn reference_log_probs(&self, text: &str, reference: &str) -> Result<Vec<f32>> {
        let src = self.source.encode(text)?.ids;
        let tgt = self.target.encode(reference)?.ids;
        self.model.forced_log_probs(&src, &tgt).await
    }
}

#[cfg(test)]
mod length_penalty_tests {
    #[test]
    fn an_unpunctuated_source_gets_its_own_length_penalty() {
        let mut c = crate::demo::random_translator("gru", 1).unwrap().config;
        c.length_penalty = 2.0;
        assert_eq!(c.length_penalty_for("I like apples"), 2.0);
        c.length_penalty_unpunctuated = Some(0.6);
        assert_eq!(c.length_penalty_for("I like apples."), 2.0);
        assert_eq!(c.length_penalty_for("你好吗？ "), 2.0);
        assert_eq!(c.length_penalty_for("I like apples"), 0.6);
    }
}
