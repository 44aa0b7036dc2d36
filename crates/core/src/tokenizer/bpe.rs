//! The subword model: byte-pair encoding (BPE) with UTF-8 byte fallback, as in the `tokenizers`
//! crate's `BPE { byte_fallback: true }` (the Llama / SentencePiece style).
//!
//! A word starts as one symbol per character. A character that is not in the vocabulary (an
//! emoji, a rare CJK character, Arabic script) becomes one symbol per UTF-8 byte, `<0xF0>`,
//! `<0x9F>`, … — so nothing ever becomes `<unk>`. Then the merges learned in training are applied,
//! always the adjacent pair with the lowest merge rank first (leftmost on ties), until none
//! applies. The Chinese tokenizer has no merges: its pieces are single characters.

use std::collections::HashMap;

use crate::{Error, Result};

/// The name of the byte-fallback piece for byte `b`, e.g. `<0xF0>`.
pub fn byte_piece(b: u8) -> String {
    format!("<0x{b:02X}>")
}

#[derive(Clone, Debug)]
pub(crate) struct Bpe {
    /// id → piece.
    pieces: Vec<String>,
    /// piece → id.
    vocab: HashMap<String, u32>,
    /// Merges in rank order, as written in the file.
    merges: Vec<(String, String)>,
    /// (left id, right id) → (rank, merged id).
    merge_map: HashMap<(u32, u32), (u32, u32)>,
    /// byte → id of its `<0xXX>` piece.
    byte_ids: Vec<u32>,
    /// id → the byte it stands for, for byte-fallback pieces.
    byte_of: HashMap<u32, u8>,
    /// When set, a word that is itself in the vocabulary is one piece, whatever the merges say.
    ignore_merges: bool,
}

impl Bpe {
    /// Builds the model, checking that ids are dense, every byte piece exists and every merge's
    /// parts and result are in the vocabulary.
    pub fn new(
        pieces: Vec<String>,
        merges: Vec<(String, String)>,
        ignore_merges: bool,
    ) -> Result<Bpe> {
        let mut vocab = HashMap::with_capacity(pieces.len());
        for (id, piece) in pieces.iter().enumerate() {
            let id = u32::try_from(id)
                .map_err(|_| Error::Tokenizer("the vocabulary has too many pieces".into()))?;
            if vocab.insert(piece.clone(), id).is_some() {
                return Err(Error::Tokenizer(format!(
                    "the piece {piece:?} appears twice in the vocabulary"
                )));
            }
        }
        let mut byte_ids = Vec::with_capacity(256);
        let mut byte_of = HashMap::with_capacity(256);
        for b in 0..=255u8 {
            let name = byte_piece(b);
            let id = *vocab.get(&name).ok_or_else(|| {
                Error::Tokenizer(format!(
                    "the byte-fallback piece {name} is missing from the vocabulary"
                ))
            })?;
            byte_ids.push(id);
            byte_of.insert(id, b);
        }
        let mut merge_map = HashMap::with_capacity(merges.len());
        for (rank, (left, right)) in merges.iter().enumerate() {
            let lookup = |piece: &str| {
                vocab.get(piece).copied().ok_or_else(|| {
                    Error::Tokenizer(format!(
                        "merge {rank} ({left:?} + {right:?}) uses {piece:?}, which is not in the vocabulary"
                    ))
                })
            };
            let pair = (lookup(left)?, lookup(right)?);
            let merged = lookup(&format!("{left}{right}"))?;
            let rank = u32::try_from(rank)
                .map_err(|_| Error::Tokenizer("the file has too many merges".into()))?;
            // Like the `tokenizers` crate: a repeated merge keeps its last rank.
            merge_map.insert(pair, (rank, merged));
        }
        Ok(Bpe {
            pieces,
            vocab,
            merges,
            merge_map,
            byte_ids,
            byte_of,
            ignore_merges,
        })
    }

    pub fn pieces(&self) -> &[String] {
        &self.pieces
    }

    pub fn merges(&self) -> &[(String, String)] {
        &self.merges
    }

    pub fn ignore_merges(&self) -> bool {
        self.ignore_merges
    }

    pub fn piece(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).map(String::as_str)
    }

    pub fn id(&self, piece: &str) -> Option<u32> {
        self.vocab.get(piece).copied()
    }

    /// The byte a byte-fallback piece stands for.
    pub fn byte_of(&self, id: u32) -> Option<u8> {
        self.byte_of.get(&id).copied()
    }

    /// Appends the ids of one pre-tokenised word to `out`.
    pub fn encode_word(&self, word: &str, out: &mut Vec<u32>) {
        if self.ignore_merges {
            if let Some(&id) = self.vocab.get(word) {
                out.push(id);
                return;
            }
        }
        let mut symbols: Vec<u32> = Vec::with_capacity(word.len());
        let mut buf = [0u8; 4];
        for c in word.chars() {
            let s: &str = c.encode_utf8(&mut buf);
            match self.vocab.get(s) {
                Some(&id) => symbols.push(id),
                None => symbols.extend(s.bytes().filter_map(|b| self.byte_ids.get(b as usize))),
            }
        }
        loop {
            // The applicable merge of lowest rank; the leftmost one on ties.
            let mut best: Option<(u32, usize, u32)> = None;
            for (pos, pair) in symbols.windows(2).enumerate() {
                if let [left, right] = *pair {
                    if let Some(&(rank, merged)) = self.merge_map.get(&(left, right)) {
                        if best.is_none_or(|(best_rank, _, _)| rank < best_rank) {
                            best = Some((rank, pos, merged));
                        }
                    }
                }
            }
            let Some((_, pos, merged)) = best else { break };
            symbols[pos] = merged;
            symbols.remove(pos + 1);
        }
        out.extend(symbols);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(merges: &[(&str, &str)]) -> Bpe {
        let mut pieces: Vec<String> = ["<pad>", "<s>", "</s>", "<unk>"]
            .into_iter()
            .map(String::from)
            .collect();
        pieces.extend((0..=255u8).map(byte_piece));
        for p in ["▁", "a", "b", "c", "ab", "▁ab", "abc", "bc"] {
            pieces.push(p.into());
        }
        let merges = merges
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Bpe::new(pieces, merges, false).expect("valid toy model")
    }

    fn pieces_of(bpe: &Bpe, word: &str) -> Vec<String> {
        let mut ids = Vec::new();
        bpe.encode_word(word, &mut ids);
        ids.iter()
            .map(|&id| bpe.piece(id).unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn merges_by_rank() {
        let bpe = toy(&[("a", "b"), ("▁", "ab"), ("b", "c"), ("ab", "c")]);
        assert_eq!(pieces_of(&bpe, "▁abc"), ["▁ab", "c"]);
        let bpe = toy(&[("b", "c"), ("a", "b")]);
        assert_eq!(pieces_of(&bpe, "abc"), ["a", "bc"]);
        assert_eq!(pieces_of(&bpe, "abab"), ["ab", "ab"]);
    }

    #[test]
    fn byte_fallback() {
        let bpe = toy(&[]);
        assert_eq!(pieces_of(&bpe, "aé"), ["a", "<0xC3>", "<0xA9>"]);
    }

    #[test]
    fn rejects_bad_models() {
        let err = Bpe::new(vec!["a".into()], vec![], false).unwrap_err();
        assert!(err.to_string().contains("<0x00>"), "{err}");
        let mut pieces: Vec<String> = (0..=255u8).map(byte_piece).collect();
        pieces.push("a".into());
        let err = Bpe::new(pieces.clone(), vec![("a".into(), "a".into())], false).unwrap_err();
        assert!(err.to_string().contains("\"aa\""), "{err}");
        pieces.push("a".into());
        let err = Bpe::new(pieces, vec![], false).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }
}
