//! Tokenizers: text → pieces → ids, and back.
//!
//! # Design decision: our own reader for a `tokenizer.json` subset
//!
//! The files are the `tokenizers` crate's format (`tokenizer.json`, loadable by that crate in Rust
//! or Python), but core reads and runs them with its own small implementation instead of depending on the
//! `tokenizers` crate, because of its size on wasm32. Measured on 2026-11-24 with rustc 1.95.0: a
//! minimal `cdylib` for `wasm32-unknown-unknown` (release, `opt-level = "s"`, LTO, no wasm-opt) that
//! loads a tokenizer from JSON and encodes/decodes one sentence:
//!
//! | build | wasm bytes | gzip -9 |
//! |---|---|---|
//! | baseline (serde_json only) | 62,032 | 27,457 |
//! | + `tokenizers` 0.23.2 (`default-features = false, features = ["unstable_wasm"]`) | 2,323,734 | 760,631 |
//! | + `unicode-normalization` 0.1.26 (NFKC only) | 188,682 | 90,313 |
//! | + `fast2s` 0.3.1 (Traditional → Simplified table) | 121,287 | 53,608 |
//! | + this module (`Tokenizer::from_json`/`encode`/`decode`, with NFKC and fast2s) | 418,343 | 171,715 |
//!
//! The `tokenizers` crate builds for wasm32 but adds ~2.2 MB (~733 KB gzipped, before it even has
//! a Traditional → Simplified table), well over the ~400 KB budget, for features we do not use
//! (regex pre-tokenisers, Unigram/WordPiece/WordLevel, trainers, padding, truncation). This
//! module adds ~356 KB (~144 KB gzipped), most of it the NFKC and T→S tables. So:
//! - core implements exactly the subset it uses (see [`file`](mod@file)): normaliser in code
//!   ([`normalize`](mod@normalize)), pre-tokeniser `Metaspace` + `Punctuation` ([`pretokenize`]), a BPE model with
//!   byte fallback ([`bpe`]) and the matching decoder; the reader rejects anything else with an
//!   [`Error::Tokenizer`] that names it;
//! - `seq2seq-train` uses the real `tokenizers` crate natively to *train* the BPE vocabulary, and
//!   its tests check that core's ids equal the `tokenizers` crate's ids on the whole training text.
//!
//! # What the tokens look like
//!
//! - English: BPE subwords over words that keep their leading space as "▁" (SentencePiece style).
//!   With the 8k vocabulary, "I like eating apples." → `I` `like` `eating` `apples` `.` and
//!   "unbelievably" → `unb` `##eliev` `##ab` `##ly` as display strings (pieces `▁unb` `eliev`
//!   `ab` `ly`); case is preserved (see [`normalize`](mod@normalize)).
//! - Chinese: one piece per character ("我们喜欢苹果" → `我` `们` `喜` `欢` `苹` `果`); Traditional
//!   input is converted to Simplified first ([`to_simplified`]).
//! - Both: a character outside the vocabulary (emoji, a rare character, another script) becomes
//!   its UTF-8 bytes, shown as `<0xF0>` `<0x9F>` …; `<unk>` is never produced, and
//!   `decode(encode(x))` gives back the normalised `x` exactly.
//! - For a reader, [`display`](mod@display) turns those strings into figure labels (`·s`, `😀`)
//!   and joined text ("I'm"); [`script_check`] says when a text is not in the source's language.
//!
//! Ids: 0 `<pad>`, 1 `<s>`, 2 `</s>`, 3 `<unk>`, 4 the language tag `<en>`/`<zh>` (how a file says
//! its language, see [`file`](mod@file)), then the 256 byte pieces, the characters, and the merges.

pub mod bpe;
mod chinese;
pub mod display;
pub mod file;
pub mod normalize;
pub mod pretokenize;
pub mod script_check;

pub use bpe::byte_piece;
pub use chinese::to_simplified;
pub use display::{figure_labels, join_for_reading};
pub use normalize::normalize;
pub use pretokenize::{pre_tokenize, SPACE_MARK};
pub use script_check::{check_input, InputProblem, ScriptCounts};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};
use bpe::Bpe;

/// Padding.
pub const PAD: u32 = 0;
/// Beginning of sequence (the decoder's first input).
pub const BOS: u32 = 1;
/// End of sequence.
pub const EOS: u32 = 2;
/// Unknown: in the vocabulary for compatibility, never produced by [`Tokenizer::encode`].
pub const UNK: u32 = 3;

/// The language tag (`<en>` or `<zh>`): names the tokenizer's language in the file, never
/// produced by [`Tokenizer::encode`].
pub const LANG_TAG: u32 = 4;

/// The longest input, in characters (Unicode scalar values), that [`Tokenizer::encode`] accepts.
pub const MAX_INPUT_CHARS: usize = 500;

/// The language a tokenizer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

impl Language {
    /// "en" or "zh".
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The result of [`Tokenizer::encode`]: ids and their display strings, without BOS/EOS.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encoding {
    pub ids: Vec<u32>,
    /// `tokens[i]` is [`Tokenizer::token`]`(ids[i])`.
    pub tokens: Vec<String>,
}

/// A tokenizer for one language (see the module documentation).
#[derive(Clone, Debug)]
pub struct Tokenizer {
    language: Language,
    bpe: Bpe,
    /// id → display string.
    display: Vec<String>,
}

impl Tokenizer {
    /// Reads a tokenizer file (see [`file`](mod@file)). Anything malformed or unsupported is an
    /// [`Error::Tokenizer`] that says what is wrong.
    pub fn from_json(json: &str) -> Result<Tokenizer> {
        let parsed = file::parse(json)?;
        Self::build(
            parsed.language,
            parsed.pieces,
            parsed.merges,
            parsed.ignore_merges,
        )
    }

    /// Builds a tokenizer from its vocabulary (`pieces[id]`, with [`file::reserved_pieces`] at
    /// ids 0..=4 and all 256 byte pieces somewhere) and its merges in rank order. Used by
    /// `seq2seq-train prepare` after training.
    pub fn from_parts(
        language: Language,
        pieces: Vec<String>,
        merges: Vec<(String, String)>,
    ) -> Result<Tokenizer> {
        for (id, name) in file::reserved_pieces(language).iter().enumerate() {
            if pieces.get(id).map(String::as_str) != Some(*name) {
                return Err(Error::Tokenizer(format!(
                    "the reserved piece {name} must have id {id}"
                )));
            }
        }
        Self::build(language, pieces, merges, false)
    }

    /// A character-level tokenizer: the specials and language tag, the 256 byte pieces, "▁" and
    /// `chars` (in the order given; duplicates are skipped).
    pub fn from_chars(language: Language, chars: impl IntoIterator<Item = char>) -> Tokenizer {
        let mut pieces: Vec<String> = file::reserved_pieces(language)
            .iter()
            .map(|n| n.to_string())
            .collect();
        pieces.extend((0..=255u8).map(byte_piece));
        let mut seen: std::collections::HashSet<String> = pieces.iter().cloned().collect();
        for c in std::iter::once(SPACE_MARK).chain(chars) {
            let s = c.to_string();
            if seen.insert(s.clone()) {
                pieces.push(s);
            }
        }
        Self::build(language, pieces, Vec::new(), false)
            .expect("specials, bytes and distinct characters form a valid vocabulary")
    }

    fn build(
        language: Language,
        pieces: Vec<String>,
        merges: Vec<(String, String)>,
        ignore_merges: bool,
    ) -> Result<Tokenizer> {
        let bpe = Bpe::new(pieces, merges, ignore_merges)?;
        let display = (0..bpe.pieces().len())
            .map(|id| display_string(language, &bpe, id as u32))
            .collect();
        Ok(Tokenizer {
            language,
            bpe,
            display,
        })
    }

    /// The file (see [`file`](mod@file)); [`from_json`](Self::from_json) reads it back to an equal tokenizer.
    pub fn to_json(&self) -> String {
        file::write(
            self.language,
            self.bpe.pieces(),
            self.bpe.merges(),
            self.bpe.ignore_merges(),
        )
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// Number of ids, specials and byte pieces included.
    pub fn vocab_size(&self) -> usize {
        self.bpe.pieces().len()
    }

    /// The raw pieces by id (e.g. `▁apple`, `s`, `<0xF0>`).
    pub fn pieces(&self) -> &[String] {
        self.bpe.pieces()
    }

    /// The merges in rank order.
    pub fn merges(&self) -> &[(String, String)] {
        self.bpe.merges()
    }

    /// The id of a raw piece, if it is in the vocabulary.
    pub fn piece_id(&self, piece: &str) -> Option<u32> {
        self.bpe.id(piece)
    }

    /// [`normalize()`](fn@normalize) for this tokenizer's language.
    pub fn normalize(&self, text: &str) -> String {
        normalize(self.language, text)
    }

    /// Text → pieces, without BOS/EOS. Empty or whitespace-only text and text longer than
    /// [`MAX_INPUT_CHARS`] are [`Error::InvalidInput`]. Never produces [`UNK`].
    pub fn encode(&self, text: &str) -> Result<Encoding> {
        let chars = text.chars().count();
        if chars > MAX_INPUT_CHARS {
            return Err(Error::InvalidInput(format!(
                "the text is {chars} characters long; the limit is {MAX_INPUT_CHARS} characters"
            )));
        }
        let normalized = self.normalize(text);
        if normalized.is_empty() {
            return Err(Error::InvalidInput(if text.trim().is_empty() {
                "the text is empty".to_string()
            } else {
                "the text has only invisible or control characters".to_string()
            }));
        }
        Ok(self.encode_normalized(&normalized))
    }

    /// Encodes text that is already normalised (e.g. a line of `train.tsv`), with no length limit.
    pub fn encode_normalized(&self, normalized: &str) -> Encoding {
        let mut ids = Vec::with_capacity(normalized.len());
        for word in pre_tokenize(normalized, file::prepends_space(self.language)) {
            self.bpe.encode_word(&word, &mut ids);
        }
        let tokens = ids.iter().map(|&id| self.token(id).to_string()).collect();
        Encoding { ids, tokens }
    }

    /// Ids → text. Skips the specials (PAD, BOS, EOS, UNK, the language tag) and ids out of range; byte pieces are
    /// joined into UTF-8 (invalid sequences become U+FFFD); "▁" becomes a space, so English words
    /// are separated by spaces and subwords are glued, and Chinese characters are joined without
    /// spaces.
    pub fn decode(&self, ids: &[u32]) -> String {
        let mut raw = String::new();
        let mut bytes: Vec<u8> = Vec::new();
        for &id in ids {
            if matches!(id, PAD | BOS | EOS | UNK | LANG_TAG) {
                continue;
            }
            if let Some(b) = self.bpe.byte_of(id) {
                bytes.push(b);
                continue;
            }
            if let Some(piece) = self.bpe.piece(id) {
                raw.push_str(&String::from_utf8_lossy(&bytes));
                bytes.clear();
                raw.push_str(piece);
            }
        }
        raw.push_str(&String::from_utf8_lossy(&bytes));
        let text = raw.replace(SPACE_MARK, " ");
        match text.strip_prefix(' ') {
            Some(rest) => rest.to_string(),
            None => text,
        }
    }

    /// The display string of one id, for attention maps: a word-initial piece without its "▁"
    /// (`▁apple` → "apple"), an English word-continuing piece with "##" (`s` → "##s"),
    /// punctuation and Chinese characters as they are, byte pieces as `<0xF0>`, specials as
    /// `<s>`, `<en>` etc. An id out of range shows as "<?>".
    pub fn token(&self, id: u32) -> &str {
        self.display.get(id as usize).map_or("<?>", String::as_str)
    }
}

fn display_string(language: Language, bpe: &Bpe, id: u32) -> String {
    let piece = bpe.piece(id).unwrap_or("<?>");
    if id <= LANG_TAG || bpe.byte_of(id).is_some() {
        return piece.to_string();
    }
    if let Some(rest) = piece.strip_prefix(SPACE_MARK) {
        return if rest.is_empty() {
            SPACE_MARK.to_string()
        } else {
            rest.to_string()
        };
    }
    match (language, piece.chars().next()) {
        (Language::En, Some(c)) if c.is_alphanumeric() => format!("##{piece}"),
        _ => piece.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy_en() -> Tokenizer {
        let mut pieces: Vec<String> = file::reserved_pieces(Language::En)
            .iter()
            .map(|n| n.to_string())
            .collect();
        pieces.extend((0..=255u8).map(byte_piece));
        for p in [
            "▁", "a", "e", "l", "p", "s", ".", "I", "▁I", "ap", "pl", "app", "▁app", "▁apple",
            "le", "apple",
        ] {
            pieces.push(p.to_string());
        }
        let merges = [
            ("▁", "I"),
            ("a", "p"),
            ("ap", "p"),
            ("▁", "app"),
            ("l", "e"),
            ("▁app", "le"),
            ("app", "le"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        Tokenizer::from_parts(Language::En, pieces, merges).expect("valid toy")
    }

    #[test]
    fn encode_decode_toy() {
        let t = toy_en();
        let e = t.encode("I apples.").unwrap();
        assert_eq!(e.tokens, ["I", "apple", "##s", "."]);
        assert_eq!(t.decode(&e.ids), "I apples.");
        let e = t.encode("I 😀").unwrap();
        assert_eq!(e.tokens, ["I", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>"]);
        assert_eq!(t.decode(&e.ids), "I 😀");
        assert!(!e.ids.contains(&UNK));
    }

    #[test]
    fn json_round_trip() {
        let t = toy_en();
        let json = t.to_json();
        let back = Tokenizer::from_json(&json).unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.pieces(), t.pieces());
        assert_eq!(back.language(), Language::En);
    }

    #[test]
    fn decode_skips_specials_and_bad_ids() {
        let t = toy_en();
        let mut ids = vec![BOS];
        ids.extend(t.encode("I apple").unwrap().ids);
        ids.extend([EOS, PAD, UNK, LANG_TAG, 99_999]);
        assert_eq!(t.decode(&ids), "I apple");
        assert_eq!(t.token(99_999), "<?>");
    }

    #[test]
    fn char_tokenizer() {
        let t = Tokenizer::from_chars(Language::Zh, "我们喜欢苹果".chars());
        let e = t.encode("我們喜歡蘋果").unwrap();
        assert_eq!(e.tokens, ["我", "们", "喜", "欢", "苹", "果"]);
        assert_eq!(t.decode(&e.ids), "我们喜欢苹果");
    }
}
