//! Running a core model for the page: check the input, then call
//! [`seq2seq_core::demo::random_translation`] with the page's fixed seed and length limit.
//!
//! Pure Rust with no browser types, so it is unit-tested natively; the browser test
//! (tests/e2e) checks that the page shows exactly what this returns natively.

use crate::demo::{self, DemoOutput};

/// Seed of the random weights; the browser test computes its expectations with the same one.
pub const SEED: u64 = 42;
/// At most this many target tokens are decoded (greedy).
pub const MAX_LEN: usize = 12;
/// Longest accepted input, in characters.
pub const MAX_CHARS: usize = 500;
/// The article's first example sentence.
pub const DEFAULT_TEXT: &str = "I like eating apple";
/// The model families, in the order of the article.
pub const FAMILIES: [&str; 5] = demo::FAMILIES;

/// Why a translation did not run.
#[derive(Clone, Debug, PartialEq)]
pub enum TranslateError {
    /// Nothing but whitespace was entered.
    Empty,
    /// The text is longer than [`MAX_CHARS`].
    TooLong { chars: usize },
    /// The family is not one of [`FAMILIES`].
    UnknownFamily(String),
    /// The model itself refused the input (its message, verbatim).
    Model(String),
}

impl TranslateError {
    /// The message shown to the reader: Chinese first, then English.
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "请输入要翻译的文本。 Please enter some text to translate.".to_owned(),
            Self::TooLong { chars } => format!(
                "文本太长：{chars} 个字符，最多 {MAX_CHARS} 个。 \
                 The text is too long: {chars} characters, at most {MAX_CHARS}."
            ),
            Self::UnknownFamily(family) => {
                format!("未知的模型：{family}。 Unknown model family: {family}.")
            }
            Self::Model(message) => {
                format!("模型无法处理这段文本。 The model refused this text: {message}")
            }
        }
    }
}

/// Human-readable name of a family, for the select box and the result header.
pub fn family_label(family: &str) -> &'static str {
    match family {
        "rnn" => "RNN · 固定上下文 c",
        "gru" => "GRU · 固定上下文 c",
        "lstm" => "LSTM · 固定上下文 c",
        "gru-attn" => "GRU + Bahdanau 注意力",
        "transformer" => "Transformer · 多头注意力",
        _ => "未知模型",
    }
}

/// Translate `text` with a randomly initialised model of `family` (seed [`SEED`], at most
/// [`MAX_LEN`] tokens). The text is passed to the model unchanged.
pub fn run(family: &str, text: &str) -> Result<DemoOutput, TranslateError> {
    if text.trim().is_empty() {
        return Err(TranslateError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(TranslateError::TooLong { chars });
    }
    if !FAMILIES.contains(&family) {
        return Err(TranslateError::UnknownFamily(family.to_owned()));
    }
    demo::random_translation(family, text, SEED, MAX_LEN)
        .map_err(|err| TranslateError::Model(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_whitespace_are_refused() {
        assert_eq!(run("rnn", ""), Err(TranslateError::Empty));
        assert_eq!(run("gru", " \t\n"), Err(TranslateError::Empty));
    }

    #[test]
    fn too_long_is_refused_with_the_count() {
        let text = "a ".repeat(MAX_CHARS);
        assert_eq!(
            run("lstm", &text),
            Err(TranslateError::TooLong {
                chars: 2 * MAX_CHARS
            })
        );
        assert!(TranslateError::TooLong { chars: 1000 }
            .message()
            .contains("1000"));
    }

    #[test]
    fn unknown_family_is_refused() {
        assert_eq!(
            run("cnn", DEFAULT_TEXT),
            Err(TranslateError::UnknownFamily("cnn".into()))
        );
    }

    #[test]
    fn every_family_translates_deterministically() {
        for family in FAMILIES {
            let first = run(family, DEFAULT_TEXT).unwrap();
            assert_eq!(first.family, family);
            assert!(
                !first.source_tokens.is_empty(),
                "{family}: no source tokens"
            );
            // At most MAX_LEN generated tokens, plus the end marker the decoder may append.
            let generated = first.target_tokens.iter().filter(|t| *t != "</s>").count();
            assert!(generated <= MAX_LEN, "{family}: {generated} > {MAX_LEN}");
            assert_eq!(
                first,
                run(family, DEFAULT_TEXT).unwrap(),
                "{family}: not deterministic"
            );
            assert_ne!(family_label(family), "未知模型");
        }
    }
}
