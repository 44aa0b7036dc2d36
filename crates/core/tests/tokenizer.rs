//! Tokenizer tests on the committed fixtures (built by `seq2seq-train prepare --en-vocab 1000
//! --min-char-count 3`) and on the whole training text (`data/tatoeba-cmn-eng/cmn-train.txt.gz`).

mod training_text;
use training_text::training_text;

use seq2seq_core::tokenizer::{
    normalize, to_simplified, Encoding, Language, Tokenizer, BOS, EOS, LANG_TAG, MAX_INPUT_CHARS,
    PAD, UNK,
};
use seq2seq_core::Error;

const EN_JSON: &str = include_str!("fixtures/tokenizer-en.json");
const ZH_JSON: &str = include_str!("fixtures/tokenizer-zh.json");

fn en() -> Tokenizer {
    Tokenizer::from_json(EN_JSON).expect("the English fixture loads")
}

fn zh() -> Tokenizer {
    Tokenizer::from_json(ZH_JSON).expect("the Chinese fixture loads")
}

fn both() -> [Tokenizer; 2] {
    [en(), zh()]
}

fn encode(t: &Tokenizer, text: &str) -> Encoding {
    t.encode(text)
        .unwrap_or_else(|e| panic!("{} cannot encode {text:?}: {e}", t.language()))
}

/// The whole training text, committed in the repository (gzip).

#[test]
fn fixtures_load_and_write_back_identically() {
    let (en, zh) = (en(), zh());
    assert_eq!(en.language(), Language::En);
    assert_eq!(zh.language(), Language::Zh);
    assert_eq!(en.vocab_size(), 1000);
    assert!(zh.vocab_size() > 1500, "{}", zh.vocab_size());
    assert!(zh.merges().is_empty());
    assert_eq!(en.to_json(), EN_JSON);
    assert_eq!(zh.to_json(), ZH_JSON);
    for t in [&en, &zh] {
        assert_eq!(t.token(PAD), "<pad>");
        assert_eq!(t.token(BOS), "<s>");
        assert_eq!(t.token(EOS), "</s>");
        assert_eq!(t.token(UNK), "<unk>");
    }
    assert_eq!(en.token(LANG_TAG), "<en>");
    assert_eq!(zh.token(LANG_TAG), "<zh>");
}

#[test]
fn round_trips_the_training_text() {
    let text = training_text();
    let (en, zh) = (en(), zh());
    let mut lines = 0;
    for line in text.lines() {
        let mut fields = line.split('\t');
        let (Some(e), Some(z)) = (fields.next(), fields.next()) else {
            continue;
        };
        for (t, raw) in [(&en, e), (&zh, z)] {
            let normalized = t.normalize(raw);
            assert_eq!(
                t.normalize(&normalized),
                normalized,
                "normalise is idempotent"
            );
            let enc = encode(t, raw);
            assert!(!enc.ids.contains(&UNK), "{raw:?} → {:?}", enc.tokens);
            assert_eq!(enc, t.encode_normalized(&normalized));
            assert_eq!(t.decode(&enc.ids), normalized, "{raw:?} → {:?}", enc.tokens);
        }
        lines += 1;
    }
    assert!(lines > 30_000, "{lines}");
}

#[test]
fn never_unk_and_always_round_trips_on_odd_input() {
    let inputs = [
        "I love 🍎 and 👨‍👩‍👧!",
        "e\u{301}le\u{300}ve cafe\u{301} nai\u{308}ve",
        "שלום עולם",
        "مرحبا بالعالم",
        "tab\tnew\nline\rbell\u{7}null\u{0}escape\u{1b}",
        "我喜欢 Python 和 Rust，你呢?",
        "The flibbertigibbetyzork glorped.",
        "𠮷野家 龘 ㄅㄆㄇ かなカナ 한국어",
        "∑ x² ≤ ∞ ≠ ½",
        "\u{200B}\u{FEFF}x\u{202E}y\u{2066}z",
        "<s> </s> <unk> <0x41> <en> ▁",
    ];
    for t in both() {
        for input in inputs {
            let enc = encode(&t, input);
            assert!(
                !enc.ids.contains(&UNK),
                "{}: {input:?} → {:?}",
                t.language(),
                enc.tokens
            );
            assert!(!enc.ids.iter().any(|&id| id <= LANG_TAG), "{input:?}");
            assert_eq!(enc.tokens.len(), enc.ids.len());
            assert_eq!(
                t.decode(&enc.ids),
                t.normalize(input),
                "{}: {input:?}",
                t.language()
            );
        }
    }
}

#[test]
fn byte_fallback_pieces_are_shown_as_bytes() {
    for t in both() {
        let enc = encode(&t, "🍎");
        let bytes: Vec<&str> = enc
            .tokens
            .iter()
            .map(String::as_str)
            .filter(|s| s.starts_with("<0x"))
            .collect();
        assert_eq!(bytes, ["<0xF0>", "<0x9F>", "<0x8D>", "<0x8E>"]);
    }
}

#[test]
fn english_tokens_are_readable_words_and_subwords() {
    let t = en();
    let enc = encode(&t, "I like eating apples.");
    assert_eq!(enc.tokens.first().map(String::as_str), Some("I"));
    assert_eq!(enc.tokens.last().map(String::as_str), Some("."));
    assert!(enc.tokens.iter().any(|s| s == "like"), "{:?}", enc.tokens);
    for s in &enc.tokens {
        assert!(
            !s.contains('▁') && !s.starts_with("<0x"),
            "{:?}",
            enc.tokens
        );
    }
    assert_eq!(t.decode(&enc.ids), "I like eating apples.");
    // Case is preserved.
    let company = encode(&t, "The Apple is a great company");
    assert_eq!(t.decode(&company.ids), "The Apple is a great company");
    // A made-up word becomes subwords, glued back on decode.
    let made_up = encode(&t, "Blorptastic");
    assert!(made_up.ids.len() > 1);
    assert!(
        made_up.tokens[1..].iter().all(|s| s.starts_with("##")),
        "{:?}",
        made_up.tokens
    );
    assert_eq!(t.decode(&made_up.ids), "Blorptastic");
}

#[test]
fn chinese_tokens_are_characters_and_either_script_works() {
    let t = zh();
    let simplified = encode(&t, "我们喜欢苹果");
    let traditional = encode(&t, "我們喜歡蘋果");
    assert_eq!(traditional.ids, simplified.ids);
    assert_eq!(simplified.tokens, ["我", "们", "喜", "欢", "苹", "果"]);
    assert_eq!(t.decode(&traditional.ids), "我们喜欢苹果");
    assert_eq!(to_simplified("我們喜歡蘋果"), "我们喜欢苹果");
    // The article's example with spaces: spaces between Chinese characters carry no meaning.
    assert_eq!(encode(&t, "我 是 谁").ids, encode(&t, "我是谁").ids);
    assert_eq!(normalize(Language::Zh, "誰?"), "谁？");
}

#[test]
fn decode_skips_specials() {
    for t in both() {
        let enc = encode(&t, "OK 好");
        let mut ids = vec![BOS];
        ids.extend(&enc.ids);
        ids.extend([EOS, PAD, PAD, u32::MAX]);
        assert_eq!(t.decode(&ids), t.normalize("OK 好"));
        assert_eq!(t.decode(&[]), "");
        assert_eq!(t.token(u32::MAX), "<?>");
    }
}

#[test]
fn empty_whitespace_and_too_long_input_are_invalid() {
    for t in both() {
        for bad in ["", " ", "\t\n  \u{3000}", "\u{7}\u{200B}"] {
            match t.encode(bad) {
                Err(Error::InvalidInput(_)) => {}
                other => panic!("{bad:?}: expected InvalidInput, got {other:?}"),
            }
        }
        let limit = "a".repeat(MAX_INPUT_CHARS);
        assert!(t.encode(&limit).is_ok());
        let chinese_limit = "好".repeat(MAX_INPUT_CHARS);
        assert!(t.encode(&chinese_limit).is_ok());
        match t.encode(&format!("{limit}a")) {
            Err(Error::InvalidInput(msg)) => {
                assert!(msg.contains("500"), "{msg}");
                assert!(msg.contains("501"), "{msg}");
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
        assert!(matches!(
            t.encode(&"x ".repeat(100_000)),
            Err(Error::InvalidInput(_))
        ));
    }
}

fn expect_tokenizer_error(json: &str, what: &str) -> String {
    match Tokenizer::from_json(json) {
        Err(Error::Tokenizer(msg)) => msg,
        Err(other) => panic!("{what}: expected Error::Tokenizer, got {other:?}"),
        Ok(_) => panic!("{what}: a corrupt file was accepted"),
    }
}

#[test]
fn corrupt_files_are_tokenizer_errors() {
    let cases: Vec<(String, &str, &str)> = vec![
        (String::new(), "empty", "valid"),
        ("not json".into(), "not json", "valid"),
        ("[]".into(), "an array", "valid"),
        ("{}".into(), "no model", "model"),
        (
            EN_JSON[..EN_JSON.len() / 2].to_string(),
            "truncated",
            "valid",
        ),
        (
            EN_JSON.replace("\"BPE\"", "\"WordPiece\""),
            "model type",
            "BPE",
        ),
        (
            EN_JSON.replace("\"byte_fallback\":true", "\"byte_fallback\":false"),
            "no byte fallback",
            "byte_fallback",
        ),
        (
            EN_JSON.replace("\"<0x41>\":", "\"<0x41x>\":"),
            "a byte piece missing",
            "<0x41>",
        ),
        (
            EN_JSON.replace("\"<en>\":4", "\"<fr>\":4"),
            "unknown language",
            "language",
        ),
        (
            EN_JSON.replace("\"<unk>\":3", "\"<unk>\":999999"),
            "id out of range",
            "999999",
        ),
        (
            EN_JSON.replace("\"<unk>\":3", "\"<unk>\":2"),
            "two pieces, one id",
            "share",
        ),
        (
            EN_JSON.replace("\"<unk>\":3", "\"<unk>\":-3"),
            "negative id",
            "valid",
        ),
        (
            EN_JSON.replace("\"merges\":[[", "\"merges\":[[\"zz\",\"qq\"],["),
            "merge of unknown pieces",
            "merge 0",
        ),
        (
            EN_JSON.replace("\"merges\":[[", "\"merges\":[\"onlyone\",["),
            "merge not a pair",
            "merge 0",
        ),
        (
            EN_JSON.replace("\"normalizer\":null", "\"normalizer\":{\"type\":\"NFC\"}"),
            "a normaliser",
            "normalizer",
        ),
        (
            EN_JSON.replace("Isolated", "Removed"),
            "another pre-tokeniser",
            "pre_tokenizer",
        ),
        (
            EN_JSON.replace("\"dropout\":null", "\"dropout\":0.1"),
            "dropout",
            "dropout",
        ),
    ];
    for (json, what, needle) in cases {
        let msg = expect_tokenizer_error(&json, what);
        assert!(
            msg.contains(needle),
            "{what}: {msg:?} should mention {needle:?}"
        );
    }
}

#[test]
fn no_panic_on_any_truncation_or_byte_flip() {
    // Every prefix length (stepped) and a sweep of single-byte corruptions: always Ok or
    // Error::Tokenizer, never a panic.
    let bytes = ZH_JSON.as_bytes();
    for cut in (0..bytes.len()).step_by(97) {
        if let Ok(s) = std::str::from_utf8(&bytes[..cut]) {
            assert!(Tokenizer::from_json(s).is_err());
        }
    }
    for (i, b) in [b'"', b'{', b'}', b'0', b'x', b':', b',', b'[']
        .iter()
        .cycle()
        .enumerate()
        .take(400)
    {
        let mut copy = EN_JSON.as_bytes().to_vec();
        let at = (i * 7919) % copy.len();
        copy[at] = *b;
        if let Ok(s) = String::from_utf8(copy) {
            match Tokenizer::from_json(&s) {
                Ok(t) => {
                    let _ = t.encode("A made-up wordz, 😀");
                }
                Err(Error::Tokenizer(_)) => {}
                Err(other) => panic!("unexpected error kind {other:?}"),
            }
        }
    }
}
