//! Tokens for a reader: one label per token for figures, and joined text for reading.
//!
//! [`super::Tokenizer::token`] gives each id a display string: `apple` for a word-initial piece
//! (`▁apple`), `##s` for an English piece that continues a word, `▁` for a lone space, `<0xF0>`
//! for a byte of the UTF-8 fallback, `<s>`/`</s>`/`<pad>`/`<unk>`/`<en>`/`<zh>` for the specials.
//! Those are exact but not for reading. This module turns a sequence of them into:
//! - [`figure_labels`]: still one label per token (the axes of a heatmap need one), with a
//!   continuing piece written `·s` and a run of byte tokens written as the character they spell
//!   on its first byte and `·` on the others: `<0xF0>` `<0x9F>` `<0x98>` `<0x80>` → `😀` `·` `·`
//!   `·`; an incomplete or invalid sequence spells `�`;
//! - [`join_for_reading`]: the text ("I'm", not "I ' ##m"; "😀", not four byte labels), the
//!   specials left out, as [`super::Tokenizer::decode`] would give from the ids.

use super::{Language, SPACE_MARK};

/// How [`super::Tokenizer::token`] marks an English piece that continues a word.
pub const CONTINUATION_PREFIX: &str = "##";

/// How [`figure_labels`] marks a token that continues the previous one.
pub const CONTINUATION_MARK: char = '·';

/// The specials' display strings (and `<?>`, an id out of range): not part of the text.
const SPECIALS: [&str; 7] = ["<pad>", "<s>", "</s>", "<unk>", "<en>", "<zh>", "<?>"];

/// The byte of a byte-fallback token (`<0xF0>` → 0xF0).
pub fn byte_of_token(token: &str) -> Option<u8> {
    let hex = token.strip_prefix("<0x")?.strip_suffix('>')?;
    (hex.len() == 2)
        .then(|| u8::from_str_radix(hex, 16).ok())
        .flatten()
}

/// One label per token (see the module documentation): continuing pieces as `·s`, byte runs as
/// the characters they spell on their first byte and `·` on the rest, everything else as it is.
///
/// ```
/// use seq2seq_core::tokenizer::figure_labels;
/// let tokens = ["I", "'", "##m", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>"].map(String::from);
/// assert_eq!(figure_labels(&tokens), ["I", "'", "·m", "▁", "😀", "·", "·", "·"]);
/// ```
pub fn figure_labels(tokens: &[String]) -> Vec<String> {
    let mut labels = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let run = tokens[i..]
            .iter()
            .map_while(|t| byte_of_token(t))
            .collect::<Vec<u8>>();
        if run.is_empty() {
            let token = &tokens[i];
            labels.push(match token.strip_prefix(CONTINUATION_PREFIX) {
                Some(rest) if !rest.is_empty() => format!("{CONTINUATION_MARK}{rest}"),
                _ => token.clone(),
            });
            i += 1;
            continue;
        }
        for (text, bytes) in spelled_characters(&run) {
            labels.push(text);
            labels.extend((1..bytes).map(|_| CONTINUATION_MARK.to_string()));
        }
        i += run.len();
    }
    labels
}

/// The text a sequence of display tokens spells, for reading: word-initial pieces after a space,
/// continuing pieces, punctuation and bytes glued to what precedes them, `▁` a space, specials
/// left out. English words are the alphanumeric pieces without `##`; in Chinese every piece is
/// glued (the tokenizer writes Chinese characters one by one, with no "▁").
///
/// ```
/// use seq2seq_core::tokenizer::{join_for_reading, Language};
/// let tokens = ["I", "'", "##m", "here", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", ".", "</s>"];
/// assert_eq!(join_for_reading(Language::En, &tokens.map(String::from)), "I'm here 😀.");
/// ```
pub fn join_for_reading(language: Language, tokens: &[String]) -> String {
    let mut text = String::new();
    let mut bytes: Vec<u8> = Vec::new();
    for token in tokens {
        if let Some(b) = byte_of_token(token) {
            bytes.push(b);
            continue;
        }
        text.push_str(&String::from_utf8_lossy(&bytes));
        bytes.clear();
        if SPECIALS.contains(&token.as_str()) {
            continue;
        }
        if let Some(rest) = token.strip_prefix(CONTINUATION_PREFIX) {
            text.push_str(rest);
            continue;
        }
        if token.chars().eq([SPACE_MARK]) {
            if !text.is_empty() {
                text.push(' ');
            }
            continue;
        }
        let starts_word =
            language == Language::En && token.chars().next().is_some_and(char::is_alphanumeric);
        if starts_word && !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
        text.push_str(token);
    }
    text.push_str(&String::from_utf8_lossy(&bytes));
    text
}

/// UTF-8 bytes → (character, bytes it took); each invalid or incomplete sequence is one `�`
/// (the same cuts as `String::from_utf8_lossy`).
fn spelled_characters(bytes: &[u8]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().chars().map(|c| (c.to_string(), c.len_utf8())));
        if !chunk.invalid().is_empty() {
            out.push((
                char::REPLACEMENT_CHARACTER.to_string(),
                chunk.invalid().len(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{byte_piece, Tokenizer};

    fn strings(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|t| t.to_string()).collect()
    }

    fn bytes_of(text: &str) -> Vec<String> {
        text.bytes().map(byte_piece).collect()
    }

    #[test]
    fn byte_tokens_spell_their_characters() {
        assert_eq!(byte_of_token("<0xF0>"), Some(0xF0));
        assert_eq!(byte_of_token("<0x9f>"), Some(0x9F));
        for not_byte in ["<0xF>", "<0xF00>", "0xF0", "<s>", "<0xZZ>", "F0"] {
            assert_eq!(byte_of_token(not_byte), None, "{not_byte}");
        }
        // One emoji (4 bytes), then "é" (2 bytes) and a 3-byte Han character, back to back.
        let mut tokens = strings(&["I", "▁"]);
        tokens.extend(bytes_of("😀é中"));
        tokens.push(".".into());
        assert_eq!(
            figure_labels(&tokens),
            ["I", "▁", "😀", "·", "·", "·", "é", "·", "中", "·", "·", "."]
        );
        // A ZWJ family is several characters: each labels its own first byte.
        let family = bytes_of("👨\u{200D}👩");
        assert_eq!(
            figure_labels(&family),
            ["👨", "·", "·", "·", "\u{200D}", "·", "·", "👩", "·", "·", "·"]
        );
    }

    #[test]
    fn incomplete_and_invalid_bytes_are_replacement_characters() {
        // The first two bytes of 😀, then a word: one � over two tokens.
        let tokens = strings(&["<0xF0>", "<0x9F>", "hi"]);
        assert_eq!(figure_labels(&tokens), ["\u{FFFD}", "·", "hi"]);
        assert_eq!(join_for_reading(Language::En, &tokens), "\u{FFFD} hi");
        // A lone continuation byte, then a valid "é".
        let tokens = strings(&["<0x80>", "<0xC3>", "<0xA9>"]);
        assert_eq!(figure_labels(&tokens), ["\u{FFFD}", "é", "·"]);
        assert_eq!(join_for_reading(Language::Zh, &tokens), "\u{FFFD}é");
        // A sequence cut at the end of the tokens.
        assert_eq!(
            figure_labels(&strings(&["<0xE4>", "<0xB8>"])),
            ["\u{FFFD}", "·"]
        );
    }

    #[test]
    fn pieces_are_marked_in_figures_and_joined_for_reading() {
        let tokens = strings(&[
            "I", "'", "##m", "unb", "##eliev", "##ab", "##ly", "!", "</s>",
        ]);
        assert_eq!(
            figure_labels(&tokens),
            ["I", "'", "·m", "unb", "·eliev", "·ab", "·ly", "!", "</s>"]
        );
        assert_eq!(join_for_reading(Language::En, &tokens), "I'm unbelievably!");
        // Not a piece: kept as it is.
        assert_eq!(figure_labels(&strings(&["##"])), ["##"]);
        let zh = strings(&["<s>", "我", "叫", "T", "o", "m", "▁", "J", "。", "</s>"]);
        assert_eq!(figure_labels(&zh), zh);
        assert_eq!(join_for_reading(Language::Zh, &zh), "我叫Tom J。");
        assert_eq!(
            join_for_reading(Language::En, &strings(&["▁", "(", "##hi", ")"])),
            "(hi)"
        );
    }

    /// On the committed fixture tokenizers (`tests/fixtures`, a 1,000-piece English BPE), the
    /// joined tokens equal `decode`, and no label is a byte or a `##` piece.
    /// (`tests/reader_text.rs` checks the same on the whole training text.)
    #[test]
    fn joined_tokens_equal_decode() {
        let en = include_str!("../../tests/fixtures/tokenizer-en.json");
        let zh = include_str!("../../tests/fixtures/tokenizer-zh.json");
        let cases = [
            (en, "I'm here, unbelievably."),
            (en, "I like 🍎 and it's 😀!"),
            (en, "Tom (not Mary) said \"no\"... café naïve"),
            (zh, "我爱 Python 😀！"),
            (zh, "我叫Tom Jackson。"),
        ];
        for (json, text) in cases {
            let t = Tokenizer::from_json(json).expect("fixture loads");
            let e = t.encode(text).unwrap();
            assert_eq!(
                join_for_reading(t.language(), &e.tokens),
                t.decode(&e.ids),
                "{text}: {:?}",
                e.tokens
            );
            let labels = figure_labels(&e.tokens);
            assert_eq!(labels.len(), e.tokens.len());
            assert!(
                labels
                    .iter()
                    .all(|l| !l.starts_with("<0x") && !l.starts_with("##")),
                "{labels:?}"
            );
        }
    }
}
