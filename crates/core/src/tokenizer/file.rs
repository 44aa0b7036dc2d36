//! The tokenizer file: the subset of the `tokenizers` crate's `tokenizer.json` that seq2seq uses.
//!
//! ```text
//! {
//!   "version": "1.0", "truncation": null, "padding": null,
//!   "added_tokens": [<pad> 0, <s> 1, </s> 2, <unk> 3, <en> or <zh> 4, all special],
//!   "normalizer": null,                       // seq2seq normalises in code (normalize.rs)
//!   "pre_tokenizer": Sequence[Metaspace(▁, always (en) / never (zh), split), Punctuation(Isolated)],
//!   "post_processor": null,
//!   "decoder": Sequence[Replace(▁ → " "), ByteFallback, Fuse, Strip(" ", 1, 0)],
//!   "model": { "type": "BPE", "byte_fallback": true, "vocab": {piece: id, ...}, "merges": [[a, b], ...], ... }
//! }
//! ```
//!
//! The language is the piece at id 4, `<en>` or `<zh>` (a language tag as in multilingual
//! models; never produced by encode). It is not an extra JSON field because the `tokenizers`
//! crate (0.23) fails to parse a file with an unknown top-level key.
//!
//! The same file loads in the `tokenizers` crate (Python or Rust) and gives the same ids on
//! normalised text; `seq2seq-train` tests that on the whole training text.

use std::collections::HashMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value};

use super::{Language, BOS, EOS, LANG_TAG, PAD, UNK};
use crate::{Error, Result};

/// The names of the special pieces, by id.
pub const SPECIALS: [(u32, &str); 4] =
    [(PAD, "<pad>"), (BOS, "<s>"), (EOS, "</s>"), (UNK, "<unk>")];

/// The language-tag piece, at id [`LANG_TAG`].
pub fn language_piece(language: Language) -> &'static str {
    match language {
        Language::En => "<en>",
        Language::Zh => "<zh>",
    }
}

/// The specials and the language tag: the pieces of ids 0..=4.
pub fn reserved_pieces(language: Language) -> [&'static str; 5] {
    let [(_, pad), (_, bos), (_, eos), (_, unk)] = SPECIALS;
    [pad, bos, eos, unk, language_piece(language)]
}

/// Whether the pre-tokeniser puts a "▁" in front of the text: English yes, Chinese no.
pub fn prepends_space(language: Language) -> bool {
    language == Language::En
}

pub(crate) fn pre_tokenizer_json(language: Language) -> Value {
    let scheme = if prepends_space(language) {
        "always"
    } else {
        "never"
    };
    json!({
        "type": "Sequence",
        "pretokenizers": [
            { "type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": true },
            { "type": "Punctuation", "behavior": "Isolated" }
        ]
    })
}

fn decoder_json() -> Value {
    json!({
        "type": "Sequence",
        "decoders": [
            { "type": "Replace", "pattern": { "String": "▁" }, "content": " " },
            { "type": "ByteFallback" },
            { "type": "Fuse" },
            { "type": "Strip", "content": " ", "start": 1, "stop": 0 }
        ]
    })
}

/// What a tokenizer file holds, once read and checked.
pub(crate) struct Parsed {
    pub language: Language,
    pub pieces: Vec<String>,
    pub merges: Vec<(String, String)>,
    pub ignore_merges: bool,
}

#[derive(Deserialize)]
struct FileIn {
    #[serde(default)]
    normalizer: Value,
    #[serde(default)]
    pre_tokenizer: Value,
    model: Option<ModelIn>,
}

#[derive(Deserialize)]
struct ModelIn {
    #[serde(rename = "type")]
    kind: Option<String>,
    vocab: HashMap<String, u32>,
    #[serde(default)]
    merges: Vec<MergeIn>,
    #[serde(default)]
    byte_fallback: bool,
    #[serde(default)]
    dropout: Option<f64>,
    #[serde(default)]
    continuing_subword_prefix: Option<String>,
    #[serde(default)]
    end_of_word_suffix: Option<String>,
    #[serde(default)]
    ignore_merges: bool,
}

/// Merges are `["a", "b"]` in current `tokenizers` files and `"a b"` in older ones.
#[derive(Deserialize)]
#[serde(untagged)]
enum MergeIn {
    Pair(String, String),
    Joined(String),
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Tokenizer(msg.into())
}

pub(crate) fn parse(json: &str) -> Result<Parsed> {
    let file: FileIn =
        serde_json::from_str(json).map_err(|e| bad(format!("not a valid tokenizer file: {e}")))?;
    if !file.normalizer.is_null() {
        return Err(bad(
            "`normalizer` must be null: seq2seq normalises text in code (tokenizer/normalize.rs)",
        ));
    }
    let model = file.model.ok_or_else(|| bad("the file has no `model`"))?;
    if model.kind.as_deref() != Some("BPE") {
        return Err(bad(format!(
            "unsupported model type {:?}; only \"BPE\" is supported",
            model.kind
        )));
    }
    if !model.byte_fallback {
        return Err(bad("the BPE model must have `byte_fallback: true`"));
    }
    if model.dropout.is_some() {
        return Err(bad("BPE `dropout` is not supported (it must be null)"));
    }
    if model.continuing_subword_prefix.is_some() || model.end_of_word_suffix.is_some() {
        return Err(bad(
            "`continuing_subword_prefix` and `end_of_word_suffix` are not supported (they must be null)",
        ));
    }
    let n = model.vocab.len();
    let mut slots: Vec<Option<String>> = vec![None; n];
    for (piece, id) in model.vocab {
        let slot = slots.get_mut(id as usize).ok_or_else(|| {
            bad(format!(
                "piece {piece:?} has id {id}, but the vocabulary has only {n} pieces (ids must be 0..{n})"
            ))
        })?;
        if let Some(other) = slot.replace(piece.clone()) {
            return Err(bad(format!(
                "pieces {other:?} and {piece:?} share the id {id}"
            )));
        }
    }
    // Every slot is filled: n distinct ids below n.
    let pieces: Vec<String> = slots.into_iter().flatten().collect();
    for (id, name) in SPECIALS {
        if pieces.get(id as usize).map(String::as_str) != Some(name) {
            return Err(bad(format!("the special piece {name} must have id {id}")));
        }
    }
    let language = match pieces.get(LANG_TAG as usize).map(String::as_str) {
        Some("<en>") => Language::En,
        Some("<zh>") => Language::Zh,
        other => {
            return Err(bad(format!(
                "id {LANG_TAG} must be the language piece <en> or <zh>, found {other:?}"
            )))
        }
    };
    if file.pre_tokenizer != pre_tokenizer_json(language) {
        return Err(bad(format!(
            "unsupported `pre_tokenizer`; for {language} expected {}",
            pre_tokenizer_json(language)
        )));
    }
    let merges = model
        .merges
        .into_iter()
        .enumerate()
        .map(|(rank, m)| match m {
            MergeIn::Pair(a, b) => Ok((a, b)),
            MergeIn::Joined(s) => match s.split_once(' ') {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => {
                    Ok((a.to_string(), b.to_string()))
                }
                _ => Err(bad(format!("merge {rank} ({s:?}) is not two pieces"))),
            },
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Parsed {
        language,
        pieces,
        merges,
        ignore_merges: model.ignore_merges,
    })
}

/// The vocabulary as a JSON object in id order (as the `tokenizers` crate writes it).
struct VocabById<'a>(&'a [String]);

impl Serialize for VocabById<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, piece) in self.0.iter().enumerate() {
            map.serialize_entry(piece, &id)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: &'static str,
    truncation: Value,
    padding: Value,
    added_tokens: Vec<Value>,
    normalizer: Value,
    pre_tokenizer: Value,
    post_processor: Value,
    decoder: Value,
    model: ModelOut<'a>,
}

#[derive(Serialize)]
struct ModelOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    dropout: Value,
    unk_token: &'static str,
    continuing_subword_prefix: Value,
    end_of_word_suffix: Value,
    fuse_unk: bool,
    byte_fallback: bool,
    ignore_merges: bool,
    vocab: VocabById<'a>,
    merges: &'a [(String, String)],
}

pub(crate) fn write(
    language: Language,
    pieces: &[String],
    merges: &[(String, String)],
    ignore_merges: bool,
) -> String {
    let file = FileOut {
        version: "1.0",
        truncation: Value::Null,
        padding: Value::Null,
        added_tokens: reserved_pieces(language)
            .iter()
            .enumerate()
            .map(|(id, name)| {
                json!({ "id": id, "content": name, "single_word": false, "lstrip": false,
                        "rstrip": false, "normalized": false, "special": true })
            })
            .collect(),
        normalizer: Value::Null,
        pre_tokenizer: pre_tokenizer_json(language),
        post_processor: Value::Null,
        decoder: decoder_json(),
        model: ModelOut {
            kind: "BPE",
            dropout: Value::Null,
            unk_token: "<unk>",
            continuing_subword_prefix: Value::Null,
            end_of_word_suffix: Value::Null,
            fuse_unk: true,
            byte_fallback: true,
            ignore_merges,
            vocab: VocabById(pieces),
            merges,
        },
    };
    // Serialising strings, numbers and maps with string keys cannot fail.
    serde_json::to_string(&file).expect("a tokenizer file always serialises")
}
