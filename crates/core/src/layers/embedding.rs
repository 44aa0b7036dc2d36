//! `nn.Embedding`: a table [vocab, dim], one row per token id.

use crate::backend::Backend;
use crate::weights::{Init, Weights};
use crate::{Error, Result};

#[derive(Clone)]
pub struct Embedding<B: Backend> {
    pub table: B::Tensor,
    pub vocab: usize,
    pub dim: usize,
}

impl<B: Backend> Embedding<B> {
    /// Loads `{prefix}.weight` [vocab, dim].
    pub fn new(b: &B, w: &mut Weights, prefix: &str, vocab: usize, dim: usize) -> Result<Self> {
        let table =
            b.upload(&w.take_init(&format!("{prefix}.weight"), &[vocab, dim], Init::Embedding)?);
        Ok(Self { table, vocab, dim })
    }

    /// ids → [ids.len(), dim]. An id outside the vocabulary (a tokenizer that does not match the
    /// model) is an error, not a panic.
    pub fn forward(&self, b: &B, ids: &[u32]) -> Result<B::Tensor> {
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= self.vocab) {
            return Err(Error::Tokenizer(format!(
                "token id {bad} is outside the model's vocabulary of {} (tokenizer and model do not match)",
                self.vocab
            )));
        }
        Ok(b.embedding(&self.table, ids))
    }
}
