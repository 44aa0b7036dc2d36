//! Training the tokenizers.
//!
//! English: the `tokenizers` crate's BPE trainer (native only; core reads its output, see
//! `seq2seq_core::tokenizer`) on the pre-tokenised training sentences, with the four specials, the
//! language tag and the 256 byte-fallback pieces first (ids 0..261), an alphabet of the characters seen at least
//! `min_char_count` times, and merges of pairs seen at least twice up to `vocab_size` pieces.
//! Chinese (`vocab_size` 0): one piece per character seen at least `min_char_count` times.
//! Everything else falls back to bytes, so no input is ever `<unk>`.

use std::collections::{BTreeMap, HashSet};

use anyhow::{anyhow, bail, Context, Result};
use seq2seq_core::tokenizer::file::{prepends_space, reserved_pieces};
use seq2seq_core::tokenizer::{byte_piece, pre_tokenize, Language, Tokenizer};
use tokenizers::models::bpe::{BpeTrainerBuilder, BPE};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::pre_tokenizers::punctuation::Punctuation;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PostProcessorWrapper, PreTokenizerWrapper,
    SplitDelimiterBehavior, TokenizerImpl,
};

/// The four specials, the language tag and the 256 byte pieces.
pub const BASE_PIECES: usize = 5 + 256;

/// How often each character occurs in the pre-tokenised sentences (spaces counted as "▁").
pub fn char_counts<'a>(
    language: Language,
    sentences: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for s in sentences {
        for word in pre_tokenize(s, prepends_space(language)) {
            for c in word.chars() {
                *counts.entry(c).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// Builds the tokenizer for `language` from normalised training sentences. `vocab_size` is the
/// total size (specials, bytes, characters, merges); 0 (or anything not above the base and the
/// alphabet) means characters only.
pub fn build(
    language: Language,
    sentences: &[&str],
    vocab_size: usize,
    min_char_count: usize,
) -> Result<Tokenizer> {
    let counts = char_counts(language, sentences.iter().copied());
    let alphabet: Vec<char> = counts
        .iter()
        .filter(|&(_, &n)| n >= min_char_count.max(1))
        .map(|(&c, _)| c)
        .collect();
    if vocab_size <= BASE_PIECES + alphabet.len() + 1 {
        return Ok(Tokenizer::from_chars(language, alphabet));
    }
    train_bpe(language, sentences, vocab_size, &alphabet)
}

fn train_bpe(
    language: Language,
    sentences: &[&str],
    vocab_size: usize,
    alphabet: &[char],
) -> Result<Tokenizer> {
    let mut specials: Vec<AddedToken> = reserved_pieces(language)
        .iter()
        .map(|s| AddedToken::from(s.to_string(), true))
        .collect();
    specials.extend((0..=255u8).map(|b| AddedToken::from(byte_piece(b), true)));
    let mut initial: HashSet<char> = alphabet.iter().copied().collect();
    initial.insert('▁');
    let mut trainer = BpeTrainerBuilder::new()
        .vocab_size(vocab_size)
        .min_frequency(2)
        .special_tokens(specials)
        .limit_alphabet(initial.len())
        .initial_alphabet(initial)
        .show_progress(false)
        .build();
    let model = BPE::builder()
        .unk_token("<unk>".to_string())
        .byte_fallback(true)
        .build()
        .map_err(|e| anyhow!("BPE model: {e}"))?;
    let mut tk: TokenizerImpl<
        BPE,
        NormalizerWrapper,
        PreTokenizerWrapper,
        PostProcessorWrapper,
        DecoderWrapper,
    > = TokenizerImpl::new(model);
    let scheme = if prepends_space(language) {
        PrependScheme::Always
    } else {
        PrependScheme::Never
    };
    let pre = Sequence::new(vec![
        Metaspace::new('▁', scheme, true).into(),
        Punctuation::new(SplitDelimiterBehavior::Isolated).into(),
    ]);
    tk.with_pre_tokenizer(Some(PreTokenizerWrapper::Sequence(pre)));
    tk.train(&mut trainer, sentences.iter())
        .map_err(|e| anyhow!("training the {language} BPE: {e}"))?;

    let model = serde_json::to_value(tk.get_model()).context("serialising the trained BPE")?;
    let vocab = model
        .get("vocab")
        .and_then(|v| v.as_object())
        .ok_or_else(|| anyhow!("trained BPE has no vocab"))?;
    let mut pieces: Vec<Option<String>> = vec![None; vocab.len()];
    for (piece, id) in vocab {
        let id = id.as_u64().ok_or_else(|| anyhow!("bad id for {piece:?}"))? as usize;
        match pieces.get_mut(id) {
            Some(slot @ None) => *slot = Some(piece.clone()),
            _ => bail!("trained BPE has a bad or repeated id {id}"),
        }
    }
    let pieces: Vec<String> = pieces.into_iter().flatten().collect();
    let merges = model
        .get("merges")
        .and_then(|m| m.as_array())
        .ok_or_else(|| anyhow!("trained BPE has no merges"))?
        .iter()
        .map(|m| {
            let pair = m.as_array().filter(|a| a.len() == 2);
            match pair.map(|a| (a[0].as_str(), a[1].as_str())) {
                Some((Some(a), Some(b))) => Ok((a.to_string(), b.to_string())),
                _ => Err(anyhow!("unexpected merge {m}")),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Tokenizer::from_parts(language, pieces, merges).context("the trained BPE is not valid for core")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENTENCES: [&str; 6] = [
        "I like eating apples.",
        "The Apple is a great company.",
        "The cat sat on the mat.",
        "I like the cat.",
        "Apples are great!",
        "Don't eat the apples.",
    ];

    #[test]
    fn bpe_learns_words_and_round_trips() {
        let t = build(Language::En, &SENTENCES, 400, 1).unwrap();
        assert_eq!(t.language(), Language::En);
        assert!(t.vocab_size() > BASE_PIECES + 20);
        assert!(t.piece_id("▁the").is_some() || t.piece_id("▁The").is_some());
        for s in SENTENCES {
            let e = t.encode(s).unwrap();
            assert_eq!(t.decode(&e.ids), s);
        }
        let json = t.to_json();
        assert_eq!(Tokenizer::from_json(&json).unwrap().to_json(), json);
    }

    #[test]
    fn chars_only_for_chinese() {
        let zh = ["我喜欢苹果。", "我喜欢猫。", "猫坐在垫子上。"];
        let t = build(Language::Zh, &zh, 0, 2).unwrap();
        assert!(t.merges().is_empty());
        for c in ["我", "喜", "欢", "猫", "。"] {
            assert!(t.piece_id(c).is_some(), "{c}");
        }
        // Seen once: byte fallback.
        assert!(t.piece_id("垫").is_none());
        let e = t.encode("猫坐在垫子上。").unwrap();
        assert_eq!(t.decode(&e.ids), "猫坐在垫子上。");
    }

    #[test]
    fn same_input_same_tokenizer() {
        let a = build(Language::En, &SENTENCES, 400, 1).unwrap().to_json();
        let b = build(Language::En, &SENTENCES, 400, 1).unwrap().to_json();
        assert_eq!(a, b);
    }
}
