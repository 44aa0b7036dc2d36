//! Fuzz check: arbitrary tokenizer files and arbitrary text through core's tokenizer.
//!
//! Input: `[mode: u8][rest]`.
//! - `mode & 1 == 0`: `rest` = `[json_len: u16 LE][tokenizer.json][text]`: parse the file; when
//!   it loads, it must write back to a file that loads to the same vocabulary and merges, and
//!   encoding the text must keep the invariants below.
//! - `mode & 1 == 1`: `rest` is text for a shipped tokenizer (`mode & 2`: Chinese, else English).
//!
//! Invariants of `encode`: ids in range, never `<unk>` or another special, one display token per
//! id; `decode(encode(x)) == normalize(x)` (exact round trip of the normalised text);
//! normalisation is idempotent.

use seq2seq_core::tokenizer::{normalize, Tokenizer, LANG_TAG};

/// The shipped tokenizers (identical in every www/models/<id>/ of one language).
pub const SHIPPED_EN: &str = include_str!("../../www/models/transformer-en-zh/tokenizer-en.json");
pub const SHIPPED_ZH: &str = include_str!("../../www/models/transformer-en-zh/tokenizer-zh.json");

pub fn check_text(tokenizer: &Tokenizer, text: &str) {
    let lang = tokenizer.language();
    let normalized = normalize(lang, text);
    assert_eq!(
        normalize(lang, &normalized),
        normalized,
        "normalisation is not idempotent on {text:?}"
    );
    let Ok(encoding) = tokenizer.encode(text) else {
        return;
    };
    assert_eq!(encoding.ids.len(), encoding.tokens.len());
    for &id in &encoding.ids {
        assert!(
            (id as usize) < tokenizer.vocab_size() && id > LANG_TAG,
            "id {id} out of range or special, for {text:?}"
        );
    }
    assert_eq!(
        tokenizer.decode(&encoding.ids),
        normalized,
        "decode(encode(x)) differs from normalize(x) for {text:?}"
    );
}

pub fn check(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 1 {
        let text = String::from_utf8_lossy(rest);
        let json = if mode & 2 == 2 {
            SHIPPED_ZH
        } else {
            SHIPPED_EN
        };
        let tokenizer = shipped(json);
        check_text(tokenizer, &text);
        return;
    }
    let (json, text) = crate::split2(rest);
    let (json, text) = (String::from_utf8_lossy(json), String::from_utf8_lossy(text));
    let Ok(tokenizer) = Tokenizer::from_json(&json) else {
        return;
    };
    let written = tokenizer.to_json();
    let back = Tokenizer::from_json(&written)
        .unwrap_or_else(|e| panic!("a loaded tokenizer writes a file it cannot read: {e}"));
    assert_eq!(back.pieces(), tokenizer.pieces());
    assert_eq!(back.merges(), tokenizer.merges());
    assert_eq!(back.language(), tokenizer.language());
    // Arbitrary vocabularies need not round-trip (a piece may be unreachable by the merges), so
    // only the panics and the range of the ids are checked here.
    if let Ok(encoding) = tokenizer.encode(&text) {
        assert_eq!(encoding.ids.len(), encoding.tokens.len());
        assert!(encoding
            .ids
            .iter()
            .all(|&id| (id as usize) < tokenizer.vocab_size()));
        let _ = tokenizer.decode(&encoding.ids);
    }
    let ids: Vec<u32> = text.chars().map(|c| c as u32 % 4096).collect();
    let _ = tokenizer.decode(&ids);
}

fn shipped(json: &'static str) -> &'static Tokenizer {
    use std::sync::OnceLock;
    static EN: OnceLock<Tokenizer> = OnceLock::new();
    static ZH: OnceLock<Tokenizer> = OnceLock::new();
    let cell = if std::ptr::eq(json, SHIPPED_ZH) {
        &ZH
    } else {
        &EN
    };
    cell.get_or_init(|| Tokenizer::from_json(json).expect("the shipped tokenizer loads"))
}
