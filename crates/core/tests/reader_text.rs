//! What a reader sees, on the whole training text (`data/tatoeba-cmn-eng/cmn-train.txt.gz`,
//! 30,407 pairs): every sentence passes the input check of its own language and is refused, as the
//! other language, by the other direction; and the tokens shown for it join back to the decoded
//! text, with no byte or `##` label (the committed fixture tokenizers: 1,000 English pieces, so
//! many words split and rarer characters fall back to bytes).

mod training_text;
use training_text::training_text;

use seq2seq_core::tokenizer::{
    check_input, figure_labels, join_for_reading, InputProblem, Language, Tokenizer,
};

fn training_pairs() -> Vec<(String, String)> {
    let text = training_text();
    let pairs: Vec<(String, String)> = text
        .lines()
        .map(|line| {
            let mut cols = line.split('\t');
            let en = cols.next().expect("English column").to_string();
            let zh = cols.next().expect("Chinese column").to_string();
            (en, zh)
        })
        .collect();
    assert!(pairs.len() > 30_000, "{} pairs", pairs.len());
    pairs
}

#[test]
fn every_training_sentence_is_accepted_in_its_direction_only() {
    for (en, zh) in training_pairs() {
        assert_eq!(check_input(Language::En, &en), None, "{en}");
        assert_eq!(check_input(Language::Zh, &zh), None, "{zh}");
        assert_eq!(
            check_input(Language::Zh, &en),
            Some(InputProblem::OtherLanguage(Language::En)),
            "{en}"
        );
        assert_eq!(
            check_input(Language::En, &zh),
            Some(InputProblem::OtherLanguage(Language::Zh)),
            "{zh}"
        );
    }
}

#[test]
fn shown_tokens_join_to_the_decoded_text() {
    let en = Tokenizer::from_json(include_str!("fixtures/tokenizer-en.json")).unwrap();
    let zh = Tokenizer::from_json(include_str!("fixtures/tokenizer-zh.json")).unwrap();
    let (mut pieces, mut bytes) = (0, 0);
    for (en_text, zh_text) in training_pairs() {
        for (t, text) in [(&en, &en_text), (&zh, &zh_text)] {
            let e = t.encode(text).unwrap();
            assert_eq!(
                join_for_reading(t.language(), &e.tokens),
                t.decode(&e.ids),
                "{text}: {:?}",
                e.tokens
            );
            let labels = figure_labels(&e.tokens);
            assert_eq!(labels.len(), e.tokens.len(), "{text}");
            for (label, token) in labels.iter().zip(&e.tokens) {
                assert!(
                    !label.contains("<0x") && !label.starts_with("##"),
                    "{text}: {label}"
                );
                pieces += usize::from(token.starts_with("##"));
                bytes += usize::from(token.starts_with("<0x"));
            }
        }
    }
    // The text exercises both conventions many times over.
    assert!(
        pieces > 10_000 && bytes > 100,
        "{pieces} pieces, {bytes} bytes"
    );
}
