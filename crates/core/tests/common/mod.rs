//! Shared by the property tests of decoding and traces (`properties_decoding.rs`,
//! `properties_traces.rs`): the article's example sentences, the seeds of the random models, and
//! the source ids decoding starts from.
#![allow(dead_code)]

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::tokenizer::EOS;
use seq2seq_core::translator::Translator;

/// The article's example sentences (and a longer one).
pub const SENTENCES: [&str; 5] = [
    "I like eating apple",
    "The Apple is a great company",
    "A magazine is stuck in the gun.",
    "The cat sat on the mat",
    "The cat sat on the mat and the dog sat on the log, and nobody knew why.",
];
pub const SEEDS: [u64; 3] = [1, 7, 2024];

/// Source ids with EOS appended, as `decoding::decode` would pass them on.
pub fn source_ids(t: &Translator<CpuBackend>, text: &str) -> Vec<u32> {
    let mut ids = t.source.encode(text).unwrap().ids;
    ids.push(EOS);
    ids
}
