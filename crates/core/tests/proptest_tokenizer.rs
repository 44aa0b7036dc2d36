//! Property tests (proptest) of the tokenizers, on the shipped tokenizer files
//! (www/models/…/tokenizer-{en,zh}.json) and arbitrary text:
//! - `encode` never panics; it fails only with `InvalidInput`, and only for text that normalises
//!   to nothing or is over the length limit;
//! - every id is in range and none is a special (`<unk>` never appears);
//! - `decode(encode(x)) == normalize(x)`: the round trip is exact on normalised text;
//! - normalisation is idempotent, and Traditional → Simplified is part of it: normalising
//!   Traditional text gives the same as normalising its Simplified form.
//!
//! Few cases each (fast in debug builds); `cargo xtask test` runs them with the other tests.

use proptest::prelude::*;
use proptest::test_runner::Config;

use seq2seq_core::tokenizer::{
    normalize, to_simplified, Language, Tokenizer, LANG_TAG, MAX_INPUT_CHARS,
};
use seq2seq_core::Error;

const SHIPPED_EN: &str = include_str!("../../../www/models/transformer-en-zh/tokenizer-en.json");
const SHIPPED_ZH: &str = include_str!("../../../www/models/transformer-en-zh/tokenizer-zh.json");

fn en() -> &'static Tokenizer {
    static T: std::sync::OnceLock<Tokenizer> = std::sync::OnceLock::new();
    T.get_or_init(|| Tokenizer::from_json(SHIPPED_EN).expect("shipped English tokenizer"))
}

fn zh() -> &'static Tokenizer {
    static T: std::sync::OnceLock<Tokenizer> = std::sync::OnceLock::new();
    T.get_or_init(|| Tokenizer::from_json(SHIPPED_ZH).expect("shipped Chinese tokenizer"))
}

/// Text a reader might type: words, punctuation, both scripts (Traditional too), digits,
/// emoji, combining marks, right-to-left text, odd whitespace and control characters.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-z]{1,8}",
        Just(" ".to_string()),
        "[ \t\n\u{3000}\u{a0}]{1,3}",
        "[.,!?;:'\"()…“”‘’-]",
        "[0-9]{1,4}",
        "[我是谁们喜欢吃苹果猫坐在垫子上。，？！]{1,4}",
        "[我們喜歡蘋果貓墊誰說話國語門開車]{1,4}",
        "[😀🍎🐱]",
        "[e\u{301}\u{308}\u{200b}\u{200e}\u{202e}\u{feff}\u{1}\u{7f}]",
        "[مرحبا שלום]{1,5}",
        "[Ｔｏｍ３ﬁ]{1,3}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

fn check(tokenizer: &Tokenizer, text: &str) -> Result<(), TestCaseError> {
    let lang = tokenizer.language();
    let normalized = normalize(lang, text);
    prop_assert_eq!(
        normalize(lang, &normalized),
        normalized.clone(),
        "idempotent"
    );
    match tokenizer.encode(text) {
        Ok(encoding) => {
            prop_assert!(!normalized.is_empty());
            prop_assert_eq!(encoding.ids.len(), encoding.tokens.len());
            for &id in &encoding.ids {
                prop_assert!(
                    id > LANG_TAG && (id as usize) < tokenizer.vocab_size(),
                    "id {}",
                    id
                );
            }
            prop_assert_eq!(tokenizer.decode(&encoding.ids), normalized);
        }
        Err(Error::InvalidInput(_)) => {
            prop_assert!(normalized.is_empty() || text.chars().count() > MAX_INPUT_CHARS);
        }
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 128, ..Config::default() })]

    #[test]
    fn english_round_trips_texty_input(text in texty()) {
        check(en(), &text)?;
    }

    #[test]
    fn chinese_round_trips_texty_input(text in texty()) {
        check(zh(), &text)?;
    }

    #[test]
    fn any_unicode_never_panics_and_round_trips(text in any::<String>()) {
        check(en(), &text)?;
        check(zh(), &text)?;
    }

    #[test]
    fn traditional_and_simplified_normalise_alike(text in texty()) {
        let simplified = to_simplified(&text);
        prop_assert_eq!(to_simplified(&simplified), simplified.clone());
        prop_assert_eq!(normalize(Language::Zh, &text), normalize(Language::Zh, &simplified));
        let zh = zh();
        let a = zh.encode(&text).map(|e| e.ids).ok();
        let b = zh.encode(&simplified).map(|e| e.ids).ok();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn decode_never_panics_on_any_ids(ids in prop::collection::vec(any::<u32>(), 0..40)) {
        for tokenizer in [en(), zh()] {
            // Out-of-range ids and specials are skipped, stray bytes become U+FFFD.
            let text = tokenizer.decode(&ids);
            let in_range: Vec<u32> = ids
                .iter()
                .copied()
                .filter(|&id| id > LANG_TAG && (id as usize) < tokenizer.vocab_size())
                .collect();
            prop_assert_eq!(tokenizer.decode(&in_range), text);
        }
    }
}

/// Over the length limit is an error that says so, whatever the text.
#[test]
fn over_the_limit_is_invalid_input() {
    let text = "a".repeat(MAX_INPUT_CHARS + 1);
    for tokenizer in [en(), zh()] {
        match tokenizer.encode(&text) {
            Err(Error::InvalidInput(message)) => assert!(message.contains("limit"), "{message}"),
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
}
