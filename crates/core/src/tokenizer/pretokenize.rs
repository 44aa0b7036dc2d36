//! Pre-tokenisation: how normalised text is cut into "words" before the subword model runs.
//!
//! It is exactly the `tokenizers` crate's
//! `Sequence[Metaspace(replacement "▁", prepend_scheme, split true), Punctuation(Isolated)]`
//! (the file says so, and the reader checks it): spaces become "▁", for English a "▁" is put in
//! front of the text (`prepend_scheme` "always"; Chinese: "never", so a Chinese sentence does not
//! start with a lone "▁" piece), every "▁" starts a new word, and every punctuation character is a
//! word of its own.
//!
//! "I like apples." → `▁I` `▁like` `▁apples` `.`; "我叫Tom Jackson。" → `我叫Tom` `▁Jackson` `。`
//!
//! Because the space is kept inside the pieces, decoding is exact: concatenate, turn "▁" back into
//! spaces, drop a leading one.

use unicode_categories::UnicodeCategories;

/// The character that stands for a space inside pieces (U+2581, as in SentencePiece).
pub const SPACE_MARK: char = '▁';

/// Splits normalised text into pre-tokenised words (see the module documentation); `prepend`:
/// put a "▁" in front of the text (English) or not (Chinese).
pub fn pre_tokenize(text: &str, prepend: bool) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    if prepend && !text.starts_with([' ', SPACE_MARK]) {
        current.push(SPACE_MARK);
    }
    for c in text.chars() {
        let c = if c == ' ' { SPACE_MARK } else { c };
        if c == SPACE_MARK && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut out = Vec::with_capacity(words.len() + 2);
    for word in words {
        let mut run = String::new();
        for c in word.chars() {
            if is_punctuation(c) {
                if !run.is_empty() {
                    out.push(std::mem::take(&mut run));
                }
                out.push(c.to_string());
            } else {
                run.push(c);
            }
        }
        if !run.is_empty() {
            out.push(run);
        }
    }
    out
}

/// The `tokenizers` crate's definition of punctuation: ASCII punctuation or a Unicode `P*` category.
pub(crate) fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_punctuation() {
        assert_eq!(
            pre_tokenize("I like apples.", true),
            ["▁I", "▁like", "▁apples", "."]
        );
        assert_eq!(pre_tokenize("Don't!", true), ["▁Don", "'", "t", "!"]);
        assert_eq!(pre_tokenize("(hi)", true), ["▁", "(", "hi", ")"]);
        assert_eq!(pre_tokenize("我是谁？", false), ["我是谁", "？"]);
        assert_eq!(
            pre_tokenize("我叫Tom Jackson。", false),
            ["我叫Tom", "▁Jackson", "。"]
        );
        assert_eq!(pre_tokenize("", true), ["▁"]);
        assert!(pre_tokenize("", false).is_empty());
    }
}
