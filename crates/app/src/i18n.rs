//! Chinese first, English on request (`?lang=en` or the toggle). Strings live beside their use
//! as `tr(lang, "中文", "English")` pairs, so a newcomer sees both at once.

use crate::route::UiLang;

/// Pick the string of the interface language.
pub fn tr(lang: UiLang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        UiLang::Zh => zh,
        UiLang::En => en,
    }
}

/// Same for owned strings (formatted messages).
pub fn tr_owned(lang: UiLang, zh: String, en: String) -> String {
    match lang {
        UiLang::Zh => zh,
        UiLang::En => en,
    }
}

/// A family's name as the article calls it.
pub fn family_name(lang: UiLang, family: crate::route::Family) -> &'static str {
    use crate::route::Family::*;
    match family {
        Rnn => tr(lang, "RNN（固定 c）", "RNN (fixed c)"),
        Gru => tr(lang, "GRU（固定 c）", "GRU (fixed c)"),
        Lstm => tr(lang, "LSTM（固定 c）", "LSTM (fixed c)"),
        GruAttn => tr(lang, "GRU + 注意力", "GRU + attention"),
        Transformer => "Transformer",
    }
}

/// Human-readable byte counts: "3.6 MB".
pub fn bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else if n >= 1_000 {
        format!("{:.0} KB", n as f64 / 1e3)
    } else {
        format!("{n} B")
    }
}

/// Milliseconds with sensible precision.
pub fn millis(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
