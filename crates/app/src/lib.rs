//! seq2seq-app: the playground UI (Yew function components) and its inference worker.
//!
//! Data flows one way: text → worker (tokenizer → model on a backend) → tokens + trace → UI.

pub mod route;
