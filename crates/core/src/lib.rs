//! seq2seq-core: the specification of every model in the playground.
//!
//! Data flows one way: text → [`tokenizer`] → model ([`models`]) on a [`backend::Backend`]
//! → tokens + [`trace`] → UI. Everything here is plain Rust (no wasm, no wgpu) and builds for
//! native targets and for wasm32.

pub mod error;

pub use error::{Error, Result};
