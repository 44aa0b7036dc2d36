//! The small set of operations the models are written against. The CPU backend here is the
//! reference; seq2seq-gpu implements the same trait with WGSL kernels, so every model runs on
//! either unchanged.
//!
//! Ops record work and return handles at once; only [`Backend::read`] waits (asynchronously, as
//! browsers require), so a GPU backend can batch a whole encoder pass into one submission.

mod cpu;
mod depth;

/// The cell types live with their CPU specification in [`crate::ops::cells`].
pub use crate::ops::cells::{CellWeights, GruStep, LstmStep};
pub use cpu::CpuBackend;
pub use depth::{DepthBackend, Node};

use crate::ops::Activation;
use crate::tensor::Tensor;
use crate::Result;

/// Output of scaled dot-product attention on a backend.
#[derive(Clone, Debug)]
pub struct Attention<T> {
    /// [Tq, heads·d]
    pub output: T,
    /// [heads, Tq, Tk], only when asked for (a flash kernel does not materialise it otherwise)
    pub weights: Option<T>,
}

#[allow(async_fn_in_trait)]
pub trait Backend: Clone {
    /// A tensor living on this backend.
    type Tensor: Clone;

    /// Human-readable name of the device ("CPU (wasm32 simd128)", "WebGPU: …").
    fn name(&self) -> String;

    fn upload(&self, t: &Tensor) -> Self::Tensor;
    fn shape(&self, t: &Self::Tensor) -> Vec<usize>;

    /// Bring a tensor back to the host; the only point where a backend may wait.
    async fn read(&self, t: &Self::Tensor) -> Result<Tensor>;

    /// Read several tensors with one wait.
    async fn read_many(&self, ts: &[&Self::Tensor]) -> Result<Vec<Tensor>> {
        let mut out = Vec::with_capacity(ts.len());
        for t in ts {
            out.push(self.read(t).await?);
        }
        Ok(out)
    }

    /// x[m,k] · W[n,k]ᵀ + b[n]
    fn linear(&self, x: &Self::Tensor, w: &Self::Tensor, b: Option<&Self::Tensor>) -> Self::Tensor;
    /// a[m,k] · b[k,n]
    fn matmul(&self, a: &Self::Tensor, b: &Self::Tensor) -> Self::Tensor;
    fn add(&self, a: &Self::Tensor, b: &Self::Tensor) -> Self::Tensor;
    fn mul(&self, a: &Self::Tensor, b: &Self::Tensor) -> Self::Tensor;
    fn scale(&self, a: &Self::Tensor, s: f32) -> Self::Tensor;
    fn activation(&self, x: &Self::Tensor, act: Activation) -> Self::Tensor;
    fn softmax_rows(&self, x: &Self::Tensor) -> Self::Tensor;
    fn layer_norm(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        b: &Self::Tensor,
        eps: f32,
    ) -> Self::Tensor;
    /// Rows `ids` of table [vocab, dim].
    fn embedding(&self, table: &Self::Tensor, ids: &[u32]) -> Self::Tensor;
    fn concat_cols(&self, parts: &[&Self::Tensor]) -> Self::Tensor;
    /// Rows of `a` then rows of `b` (appending to a KV cache).
    fn concat_rows(&self, a: &Self::Tensor, b: &Self::Tensor) -> Self::Tensor;
    fn slice_rows(&self, x: &Self::Tensor, start: usize, len: usize) -> Self::Tensor;

    /// softmax(Q Kᵀ/√d [+ causal mask]) V per head; q [Tq, heads·d], k, v [Tk, heads·d].
    fn attention(
        &self,
        q: &Self::Tensor,
        k: &Self::Tensor,
        v: &Self::Tensor,
        heads: usize,
        causal: bool,
        want_weights: bool,
    ) -> Attention<Self::Tensor>;

    /// Bahdanau attention: returns (context [1, D], α [1, S]); see `ops::additive_attention`.
    fn additive_attention(
        &self,
        query_proj: &Self::Tensor,
        keys_proj: &Self::Tensor,
        v: &Self::Tensor,
        values: &Self::Tensor,
    ) -> (Self::Tensor, Self::Tensor);

    /// h' = tanh(W_ih x + b_ih + W_hh h + b_hh); x [B, I], h [B, H].
    fn rnn_cell(
        &self,
        x: &Self::Tensor,
        h: &Self::Tensor,
        w: &CellWeights<Self::Tensor>,
    ) -> Self::Tensor;
    fn gru_cell(
        &self,
        x: &Self::Tensor,
        h: &Self::Tensor,
        w: &CellWeights<Self::Tensor>,
    ) -> GruStep<Self::Tensor>;
    fn lstm_cell(
        &self,
        x: &Self::Tensor,
        h: &Self::Tensor,
        c: &Self::Tensor,
        w: &CellWeights<Self::Tensor>,
    ) -> LstmStep<Self::Tensor>;
}
