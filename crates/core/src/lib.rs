//! seq2seq-core: the specification of every model in the playground.
//!
//! Data flows one way: text → [`tokenizer`] → model ([`models`]) on a [`backend::Backend`]
//! → tokens + [`trace`] → UI. Everything here is plain Rust (no wasm, no wgpu) and builds for
//! native targets and for wasm32.
//!
//! - [`tensor`], [`ops`]: host tensors and the reference operations (the GPU kernels' twins)
//! - [`backend`]: the op set models are written against; [`backend::CpuBackend`]
//! - [`layers`]: Linear, Embedding, RNN/GRU/LSTM cells, bidirectional, Bahdanau, multi-head
//!   attention, Transformer layers, sinusoidal positions
//! - [`seq2seq`]: the `Seq2Seq` trait (encode + one step) that models implement and decoding drives
//! - [`family`]: `Family`, the five families as one type with their string form
//! - [`models`]: the five families; [`decoding`]: greedy and beam search; [`trace`]: what the UI shows
//! - [`weights`]: safetensors in and out; [`translator`]: tokenizers + model from files
//! - [`demo`]: randomly initialised models for tests and the smoke-test page
//! - [`fixtures`]: seeded example tensors and `max_diff`, shared by tests, benchmarks and views

pub mod backend;
pub mod decoding;
pub mod demo;
pub mod error;
pub mod family;
pub mod fixtures;
pub mod grad;
pub mod layers;
pub mod models;
pub mod ops;
pub mod seq2seq;
pub mod sequential;
pub mod tensor;
pub mod tokenizer;
pub mod trace;
pub mod translator;
pub mod weights;

pub use error::{BackendError, BackendErrorKind, Error, Result};
