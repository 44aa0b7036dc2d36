//! Input the models cannot translate: the wrong language, emoji only, punctuation only.
//!
//! The models read one language each. English typed into a zh→en model comes out as confident
//! nonsense, so the page and the CLI refuse it with a reason instead ([`check_input`]).
//!
//! # The rule, and the sentences that decided it
//!
//! A text is counted as Han characters (each about one Chinese word) and Latin *words* (runs of
//! Latin letters). On the 30,407 pairs of `data/tatoeba-cmn-eng/cmn-train.txt.gz`:
//! - no English sentence has a Han character;
//! - every Chinese sentence has at least 2 Han characters, and at least 2 per Latin word: 253 of
//!   them mix in Latin words, the most Latin being "Tom游泳。" and "我用Twitter。" (2 : 1) and
//!   "Tom欠Mary三十元。" (4 : 2).
//!
//! So, for a Chinese source, any Han character makes a text Chinese ("我爱 Python" is
//! translated); Latin words without one are English. For an English source, a text is Chinese
//! when its Han characters outnumber its Latin words (every Chinese sentence above; "I like 苹果",
//! 2 : 2, is still translated as English). Letters of neither script (Arabic, Cyrillic, kana…)
//! are refused as well; digits alone are translated ("42" is a number in both languages).

use unicode_categories::UnicodeCategories;

use super::Language;

/// Why a text cannot be given to a model of a source language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// The text is in the other language: switching direction fixes it.
    OtherLanguage(Language),
    /// Letters, but neither Chinese characters nor Latin letters.
    UnknownScript,
    /// No letter or digit, and at least one emoji or other symbol.
    EmojiOnly,
    /// Nothing but punctuation and spaces.
    PunctuationOnly,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputProblem::OtherLanguage(Language::En) => f.write_str("the text is English"),
            InputProblem::OtherLanguage(Language::Zh) => f.write_str("the text is Chinese"),
            InputProblem::UnknownScript => f.write_str("the text is neither English nor Chinese"),
            InputProblem::EmojiOnly => f.write_str("the text has only emoji or symbols, no words"),
            InputProblem::PunctuationOnly => f.write_str("the text has only punctuation, no words"),
        }
    }
}

/// What a text is made of, for [`check_input`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    /// CJK ideographs (Simplified or Traditional).
    pub han: usize,
    /// Maximal runs of Latin letters ("I'm" is two: "I", "m").
    pub latin_words: usize,
    /// Letters of any other script (Arabic, Cyrillic, kana, Hangul…).
    pub other_letters: usize,
    pub digits: usize,
    /// Emoji and other symbols (Unicode categories S*).
    pub symbols: usize,
}

impl ScriptCounts {
    pub fn of(text: &str) -> ScriptCounts {
        let mut counts = ScriptCounts::default();
        let mut in_latin_word = false;
        for c in text.chars() {
            let latin = is_latin_letter(c);
            if latin && !in_latin_word {
                counts.latin_words += 1;
            }
            // A combining accent (e + U+0301) continues its word.
            in_latin_word = latin || (in_latin_word && c.is_mark());
            if is_han(c) {
                counts.han += 1;
            } else if c.is_alphabetic() && !latin {
                counts.other_letters += 1;
            } else if c.is_numeric() {
                counts.digits += 1;
            } else if c.is_symbol() {
                counts.symbols += 1;
            }
        }
        counts
    }

    /// The language the letters are in: Chinese when Han characters outnumber Latin words,
    /// English when there are Latin words; None without either.
    pub fn dominant(&self) -> Option<Language> {
        if self.han > self.latin_words {
            Some(Language::Zh)
        } else if self.latin_words > 0 {
            Some(Language::En)
        } else {
            None
        }
    }
}

/// Why a model reading `source` cannot translate `text`, or None when it can (see the module
/// documentation for the rule). Empty text and the length limit are [`super::Tokenizer::encode`]'s.
///
/// ```
/// use seq2seq_core::tokenizer::{check_input, InputProblem, Language};
/// assert_eq!(check_input(Language::Zh, "I like apples"), Some(InputProblem::OtherLanguage(Language::En)));
/// assert_eq!(check_input(Language::Zh, "我爱 Python"), None);
/// assert_eq!(check_input(Language::En, "😀🎉"), Some(InputProblem::EmojiOnly));
/// ```
pub fn check_input(source: Language, text: &str) -> Option<InputProblem> {
    let counts = ScriptCounts::of(text);
    let chinese = match source {
        Language::Zh => counts.han > 0,
        Language::En => counts.han > counts.latin_words,
    };
    let english = counts.latin_words > 0;
    match source {
        Language::Zh if chinese => None,
        Language::En if english && !chinese => None,
        Language::Zh if english => Some(InputProblem::OtherLanguage(Language::En)),
        Language::En if chinese => Some(InputProblem::OtherLanguage(Language::Zh)),
        _ if counts.other_letters > 0 => Some(InputProblem::UnknownScript),
        _ if counts.digits > 0 => None,
        _ if counts.symbols > 0 => Some(InputProblem::EmojiOnly),
        _ if text.trim().is_empty() => None,
        _ => Some(InputProblem::PunctuationOnly),
    }
}

/// A CJK ideograph (the unified block, its extensions and the compatibility ideographs).
fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A letter of the Latin script: ASCII, Latin-1, Extended-A/B, Extended Additional, full-width.
fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic()
        && matches!(c as u32,
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::{En, Zh};

    /// Chinese sentences of the training split with the most Latin in them (the module's table),
    /// and ordinary ones: a Chinese source translates them, an English one refuses them as Chinese.
    const CHINESE: [&str; 9] = [
        "Tom游泳。",
        "我用Twitter。",
        "Tom欠Mary三十元。",
        "Tom 不想让Mary走",
        "所有人，都请说 cheese 。",
        "Charles Lindbergh於1927年成功完成了第一次獨自飛越大西洋。",
        "“Australia”这个词的重音要放在哪？",
        "我們喜歡蘋果",
        "他昨天晚上在图书馆学习了三个小时。",
    ];

    const ENGLISH: [&str; 7] = [
        "Hi.",
        "I'm",
        "I like eating apple",
        "Tom didn't know what to say, so he said nothing at all.",
        "cafe\u{301} na\u{308}ive",
        "I like 🍎 and 🐱!",
        "Ｆｕｌｌ ｗｉｄｔｈ",
    ];

    #[test]
    fn each_language_in_its_own_box() {
        for text in CHINESE {
            assert_eq!(check_input(Zh, text), None, "{text}");
            assert_eq!(
                check_input(En, text),
                Some(InputProblem::OtherLanguage(Zh)),
                "{text}"
            );
            assert_eq!(ScriptCounts::of(text).dominant(), Some(Zh), "{text}");
        }
        for text in ENGLISH {
            assert_eq!(check_input(En, text), None, "{text}");
            assert_eq!(
                check_input(Zh, text),
                Some(InputProblem::OtherLanguage(En)),
                "{text}"
            );
            assert_eq!(ScriptCounts::of(text).dominant(), Some(En), "{text}");
        }
    }

    #[test]
    fn mixed_input_translates() {
        // 2 Han : 1 Latin word — Chinese, translated by zh→en and refused by en→zh.
        assert_eq!(check_input(Zh, "我爱 Python"), None);
        assert_eq!(
            check_input(En, "我爱 Python"),
            Some(InputProblem::OtherLanguage(Zh))
        );
        // 2 Han : 2 Latin words — a tie stays with the box it was typed in.
        assert_eq!(check_input(En, "I like 苹果"), None);
        assert_eq!(check_input(Zh, "I like 苹果"), None);
    }

    #[test]
    fn counts() {
        let c = ScriptCounts::of("I'm 我 42 😀 привет");
        assert_eq!(
            c,
            ScriptCounts {
                han: 1,
                latin_words: 2,
                other_letters: 6,
                digits: 2,
                symbols: 1
            }
        );
        assert_eq!(ScriptCounts::of("cafe\u{301}s").latin_words, 1);
    }

    #[test]
    fn no_words() {
        for source in [En, Zh] {
            for text in ["😀", "🍎🐱", "👍🏽", "👨‍👩‍👧", "🇨🇳", "😀!?", "€ + $"]
            {
                assert_eq!(
                    check_input(source, text),
                    Some(InputProblem::EmojiOnly),
                    "{text}"
                );
            }
            for text in ["?!…", "。。。", "“”", "...", "- ( ) -"] {
                assert_eq!(
                    check_input(source, text),
                    Some(InputProblem::PunctuationOnly),
                    "{text}"
                );
            }
            for text in ["مرحبا بالعالم", "Привет", "こんにちは", "안녕하세요"]
            {
                assert_eq!(
                    check_input(source, text),
                    Some(InputProblem::UnknownScript),
                    "{text}"
                );
            }
            // Numbers are the same in both languages; empty text is the tokenizer's to refuse.
            for text in ["42", "3.14!", "", "   "] {
                assert_eq!(check_input(source, text), None, "{text:?}");
            }
        }
    }
}
