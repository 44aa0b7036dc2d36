//! The Linear table's layer labels (`BenchConfig::linear`, written in English, e.g. "GRU
//! recurrent gates, batch 1 (3·128 × 128)") in Chinese: each phrase the size sets use, replaced
//! in order. A test checks every label of every size set leaves no English word behind.

use super::lang::Lang;

/// (English, Chinese), longest phrases first.
const PHRASES: [(&str, &str); 11] = [
    ("decoder output projection", "解码器输出投影"),
    ("FFN up", "前馈层升维"),
    ("FFN down", "前馈层降维"),
    ("input gates", "输入门"),
    ("recurrent gates", "循环门"),
    (" at once", " 一次算完"),
    ("batch ", "批大小 "),
    ("vocab ", "词表 "),
    (", ", "，"),
    (" (", "（"),
    (")", "）"),
];

/// A layer label in `lang`.
pub fn layer_label(lang: Lang, english: &str) -> String {
    match lang {
        Lang::En => english.to_owned(),
        Lang::Zh => PHRASES
            .iter()
            .fold(english.to_owned(), |s, (en, zh)| s.replace(en, zh)),
    }
}
