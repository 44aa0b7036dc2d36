//! The reference backend: every op is the plain function of `ops` on host tensors.

use super::{Attention, Backend, CellWeights, GruStep, LstmStep};
use crate::ops::{self, Activation};
use crate::tensor::Tensor;
use crate::Result;

#[derive(Clone, Copy, Debug, Default)]
pub struct CpuBackend;

impl Backend for CpuBackend {
    type Tensor = Tensor;

    fn name(&self) -> String {
        if cfg!(target_arch = "wasm32") {
            "CPU (WebAssembly SIMD)".into()
        } else {
            "CPU (native)".into()
        }
    }

    fn upload(&self, t: &Tensor) -> Tensor {
        t.clone()
    }

    fn shape(&self, t: &Tensor) -> Vec<usize> {
        t.shape().to_vec()
    }

    async fn read(&self, t: &Tensor) -> Result<Tensor> {
        Ok(t.clone())
    }

    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Tensor {
        ops::linear(x, w, b)
    }

    fn matmul(&self, a: &Tensor, b: &Tensor) -> Tensor {
        ops::matmul(a, b)
    }

    fn add(&self, a: &Tensor, b: &Tensor) -> Tensor {
        ops::add(a, b)
    }

    fn mul(&self, a: &Tensor, b: &Tensor) -> Tensor {
        ops::mul(a, b)
    }

    fn scale(&self, a: &Tensor, s: f32) -> Tensor {
        ops::scale(a, s)
    }

    fn activation(&self, x: &Tensor, act: Activation) -> Tensor {
        act.map(x)
    }

    fn softmax_rows(&self, x: &Tensor) -> Tensor {
        ops::softmax_rows(x)
    }

    fn layer_norm(&self, x: &Tensor, w: &Tensor, b: &Tensor, eps: f32) -> Tensor {
        ops::layer_norm(x, w, b, eps)
    }

    fn embedding(&self, table: &Tensor, ids: &[u32]) -> Tensor {
        ops::embedding(table, ids)
    }

    fn concat_cols(&self, parts: &[&Tensor]) -> Tensor {
        ops::concat_cols(parts)
    }

    fn concat_rows(&self, a: &Tensor, b: &Tensor) -> Tensor {
        let (_, n) = a.dims2();
        assert_eq!(b.dims2().1, n, "concat_rows: widths differ");
        let mut data = a.data().to_vec();
        data.extend_from_slice(b.data());
        let rows = a.dims2().0 + b.dims2().0;
        Tensor::new([rows, n], data)
    }

    fn slice_rows(&self, x: &Tensor, start: usize, len: usize) -> Tensor {
        ops::slice_rows(x, start, len)
    }

    fn attention(
        &self,
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        heads: usize,
        causal: bool,
        want_weights: bool,
    ) -> Attention<Tensor> {
        let out = ops::scaled_dot_product_attention(q, k, v, heads, causal);
        Attention {
            output: out.output,
            weights: want_weights.then_some(out.weights),
        }
    }

    fn additive_attention(
        &self,
        query_proj: &Tensor,
        keys_proj: &Tensor,
        v: &Tensor,
        values: &Tensor,
    ) -> (Tensor, Tensor) {
        ops::additive_attention(query_proj, keys_proj, v, values)
    }

    fn rnn_cell(&self, x: &Tensor, h: &Tensor, w: &CellWeights<Tensor>) -> Tensor {
        ops::rnn_step(x, h, w)
    }

    fn gru_cell(&self, x: &Tensor, h: &Tensor, w: &CellWeights<Tensor>) -> GruStep<Tensor> {
        ops::gru_step(x, h, w)
    }

    fn lstm_cell(
        &self,
        x: &Tensor,
        h: &Tensor,
        c: &Tensor,
        w: &CellWeights<Tensor>,
    ) -> LstmStep<Tensor> {
        ops::lstm_step(x, h, c, w)
    }
}
