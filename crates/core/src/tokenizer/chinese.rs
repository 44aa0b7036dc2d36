//! Chinese script handling.
//!
//! Tatoeba's Chinese column mixes Simplified and Traditional script. The models read and write
//! Simplified Chinese, so Traditional input is converted with a real character table: the
//! MIT-licensed [`fast2s`] crate (built from OpenCC's data). "我們喜歡蘋果" and "我们喜欢苹果" are
//! the same sentence to every model.

/// Converts Traditional Chinese characters to Simplified ones; everything else is kept as it is.
///
/// ```
/// use seq2seq_core::tokenizer::to_simplified;
/// assert_eq!(to_simplified("我們喜歡蘋果"), "我们喜欢苹果");
/// assert_eq!(to_simplified("I like apples"), "I like apples");
/// ```
pub fn to_simplified(text: &str) -> String {
    fast2s::convert(text)
}

/// Whether `c` is written "inside" Chinese text: a CJK ideograph, CJK punctuation, a full-width
/// form or a Chinese quote mark. A space next to such a character carries no meaning in Chinese
/// ("我 是 谁" is "我是谁"), so the Chinese normaliser drops it.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals, Kangxi radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation (。、「」…)
        | 0x3040..=0x30FF    // kana (appears in some sentences)
        | 0x3100..=0x312F    // bopomofo
        | 0x31C0..=0x31EF    // CJK strokes
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFFEF    // half-width and full-width forms (，！？：；（）)
        | 0x20000..=0x3134F  // CJK extensions B..G
    ) || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_traditional_and_keeps_simplified() {
        assert_eq!(to_simplified("我們喜歡蘋果"), "我们喜欢苹果");
        assert_eq!(to_simplified("我们喜欢苹果"), "我们喜欢苹果");
        assert_eq!(to_simplified("誰？"), "谁？");
    }

    #[test]
    fn cjk_classes() {
        assert!(is_cjk('我'));
        assert!(is_cjk('。'));
        assert!(is_cjk('，'));
        assert!(!is_cjk('a'));
        assert!(!is_cjk(' '));
        assert!(!is_cjk('3'));
    }
}
