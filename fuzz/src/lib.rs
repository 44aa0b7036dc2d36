//! The checks the fuzz targets run, as plain functions over bytes, so the same code replays the
//! committed corpus in the normal test suite (`crates/core/tests/fuzz_corpus.rs` includes
//! `split.rs`, `model_loader.rs` and `tokenizer.rs`). `url_state.rs` compiles
//! crates/app/src/route.rs itself; the app's own unit tests cover its round trip.
//!
//! Every check must return normally on any input: a panic (a failed assertion included) is a bug.

pub mod model_loader;
pub mod tokenizer;
pub mod url_state;

mod split;

pub use split::{join2, split2};
