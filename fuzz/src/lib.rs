//! The checks the fuzz targets run, as plain functions over bytes, so the same code replays the
//! committed corpus in the normal test suites through `replay.rs`:
//! `crates/core/tests/fuzz_corpus.rs` includes `split.rs`, `model_loader.rs` and `tokenizer.rs`;
//! `crates/app/tests/fuzz_corpus.rs` includes `url_state.rs`, which compiles
//! crates/app/src/route.rs itself.
//!
//! Every check must return normally on any input: a panic (a failed assertion included) is a bug.

pub mod model_loader;
pub mod tokenizer;
pub mod url_state;

mod split;

pub use split::{join2, split2};
