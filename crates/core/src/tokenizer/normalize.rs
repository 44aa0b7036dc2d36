//! Text normalisation, applied to every input before tokenisation and to the training data by
//! `seq2seq-train prepare` (so the models are trained on exactly what they will see).
//!
//! Both languages:
//! - Unicode NFKC: full-width letters and digits become ASCII ("Ｔｏｍ３" → "Tom3"), ligatures and
//!   compatibility characters are unfolded ("ﬁ" → "fi", "⼈" → "人");
//! - every kind of whitespace (tabs, newlines, no-break and ideographic spaces) becomes one space,
//!   runs of spaces collapse, the ends are trimmed; other control characters, zero-width spaces,
//!   the byte-order mark and bidi control marks are dropped; the tokenizer's own space mark "▁" is
//!   read as a space.
//!
//! English: case is **preserved** (decision: "Apple" the company and "apple" the fruit stay apart,
//! output reads as normal English, and an 8k subword vocabulary has room for both cases on ~30k
//! short pairs); curly quotes become straight quotes.
//!
//! Chinese: Traditional → Simplified ([`to_simplified`]); the ASCII
//! punctuation marks `, ? ! ; : ( )` become their full-width Chinese forms (`，？！；：（）`; a comma
//! or colon between two digits, as in "1,000" or "10:30" (spaces between them aside), is
//! kept); "…" is kept (NFKC would turn it into "..."); spaces next to a Chinese character or
//! Chinese punctuation are dropped ("我 是 谁" → "我是谁") while spaces between Latin words stay
//! ("我叫 Tom Jackson").
//!
//! Normalisation is idempotent: normalising normalised text changes nothing.

use unicode_normalization::UnicodeNormalization;

use super::chinese::{is_cjk, to_simplified};
use super::Language;

/// Normalises `text` for `language` (see the module documentation). May return an empty string.
pub fn normalize(language: Language, text: &str) -> String {
    // Invisible characters go before NFKC as well as after: one between a letter and its
    // combining mark ("e\u{1}\u{301}") would otherwise block the composition on the first pass
    // only, and normalisation would not be idempotent (found by fuzz/, tokenizer).
    let text: String = text.chars().filter_map(clean_char).collect();
    let folded: String = match language {
        Language::En => text.nfkc().collect(),
        Language::Zh => to_simplified(&nfkc_keeping(&text, |c| matches!(c, '…' | '‥'))),
    };
    let chars: Vec<char> = folded.chars().filter_map(clean_char).collect();
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            pending_space = prev.is_some();
            continue;
        }
        let c = match language {
            Language::En => english_char(c),
            Language::Zh => {
                // Neighbours across spaces: the spaces may be dropped below, and the result must
                // normalise to itself (NFKC reads a kept "：" back as ":").
                let between_digits = || {
                    let before = chars[..i].iter().rev().find(|&&c| c != ' ');
                    let after = chars[i + 1..].iter().find(|&&c| c != ' ');
                    matches!((before, after), (Some(b), Some(a)) if b.is_ascii_digit() && a.is_ascii_digit())
                };
                chinese_char(c, between_digits)
            }
        };
        if pending_space {
            let drop = language == Language::Zh && (prev.is_some_and(is_cjk) || is_cjk(c));
            if !drop {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// NFKC, except for the characters `keep` selects, which are copied unchanged.
fn nfkc_keeping(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut segment_start = 0;
    for (i, c) in text.char_indices() {
        if keep(c) {
            out.extend(text.get(segment_start..i).unwrap_or("").nfkc());
            out.push(c);
            segment_start = i + c.len_utf8();
        }
    }
    out.extend(text.get(segment_start..).unwrap_or("").nfkc());
    out
}

/// Whitespace → ' ', invisible characters → dropped, everything else kept.
fn clean_char(c: char) -> Option<char> {
    if c.is_whitespace() || c == '▁' {
        return Some(' ');
    }
    let invisible = c.is_control()
        || matches!(c,
            '\u{200B}'                  // zero-width space
            | '\u{00AD}'                // soft hyphen
            | '\u{2060}'                // word joiner
            | '\u{FEFF}'                // byte-order mark
            | '\u{200E}' | '\u{200F}'   // left-to-right / right-to-left marks
            | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}'   // bidi isolates
        );
    (!invisible).then_some(c)
}

fn english_char(c: char) -> char {
    match c {
        '‘' | '’' | '‛' | '′' => '\'',
        '“' | '”' | '„' | '‟' | '″' => '"',
        c => c,
    }
}

fn chinese_char(c: char, between_digits: impl Fn() -> bool) -> char {
    match c {
        ',' if !between_digits() => '，',
        ':' if !between_digits() => '：',
        '?' => '？',
        '!' => '！',
        ';' => '；',
        '(' => '（',
        ')' => '）',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english() {
        assert_eq!(
            normalize(Language::En, "  I  like\teating\napple  "),
            "I like eating apple"
        );
        assert_eq!(
            normalize(Language::En, "Ｔｏｍ’s ３ “cats”"),
            "Tom's 3 \"cats\""
        );
        assert_eq!(normalize(Language::En, "The Apple"), "The Apple");
        assert_eq!(normalize(Language::En, "a\u{7}b\u{200B}c\u{FEFF}"), "abc");
        assert_eq!(normalize(Language::En, "e\u{301}"), "é");
        assert_eq!(normalize(Language::En, "a▁b"), "a b");
        assert_eq!(normalize(Language::En, " \t\n "), "");
    }

    #[test]
    fn chinese() {
        assert_eq!(normalize(Language::Zh, "我們喜歡蘋果"), "我们喜欢苹果");
        assert_eq!(normalize(Language::Zh, "我 是 谁?"), "我是谁？");
        assert_eq!(normalize(Language::Zh, "誰？"), "谁？");
        assert_eq!(normalize(Language::Zh, "你好,Tom!"), "你好，Tom！");
        assert_eq!(
            normalize(Language::Zh, "我叫 Tom Jackson 。"),
            "我叫Tom Jackson。"
        );
        assert_eq!(normalize(Language::Zh, "1,000个 10:30"), "1,000个10:30");
        assert_eq!(normalize(Language::Zh, "10: 30"), "10: 30");
        assert_eq!(normalize(Language::Zh, "好……"), "好……");
        assert_eq!(normalize(Language::Zh, "ｆｏｏ３"), "foo3");
    }

    #[test]
    fn idempotent() {
        for (lang, text) in [
            (Language::En, "Ｔｏｍ’s ３ “cats”…  ok?"),
            (Language::Zh, "我們 喜歡,蘋果?(真的)……1,000 Tom  Jackson"),
            // Found by fuzz/ (tokenizer): the colon became "：", the spaces around it were
            // dropped, and the second pass (NFKC "：" → ":", now between digits) kept ":".
            (Language::Zh, "10:\t\n30 和 1 , 2 和 3： 4"),
            (Language::En, "cafe\u{1}\u{301} e\u{200B}\u{301} naïve"),
            (Language::Zh, "e\u{7}\u{301}我"),
        ] {
            let once = normalize(lang, text);
            assert_eq!(normalize(lang, &once), once);
        }
    }
}
