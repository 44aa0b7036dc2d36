//! [`GpuBackend`]: seq2seq-core's `Backend` with the WGSL kernels, so every model of core runs on
//! the GPU unchanged, traces included. Ops record into one command encoder and return at once;
//! `read`/`read_many` submit everything recorded (an encoder pass of T steps is one submission)
//! and wait asynchronously.
//!
//! The trait's ops cannot return errors, so a failed op (a limit exceeded, a bad id) yields a
//! tensor that carries the error, every op on it carries it on, and reading it returns it as
//! `seq2seq_core::Error::Backend`. Nothing panics.

use seq2seq_core::backend::{Attention, Backend, CellWeights, GruStep, LstmStep};
use seq2seq_core::ops::Activation;
use seq2seq_core::tensor::Tensor;
use seq2seq_core::Result;

use crate::context::GpuContext;
use crate::error::{GpuError, GpuResult};
use crate::kernels::{self, AttentionShape, FLASH_MAX_HEAD_DIM, MATVEC_MAX_BATCH};
use crate::runtime::{Gpu, GpuTensor};

/// A tensor of the GPU backend: a buffer, or the error that prevented computing it.
#[derive(Clone, Debug)]
pub struct DeviceTensor {
    value: std::result::Result<GpuTensor, GpuError>,
    shape: Vec<usize>,
}

impl DeviceTensor {
    fn ok(t: GpuTensor) -> Self {
        let shape = t.shape().to_vec();
        Self {
            value: Ok(t),
            shape,
        }
    }

    fn from_result(r: GpuResult<GpuTensor>, shape: Vec<usize>) -> Self {
        match r {
            Ok(t) => Self::ok(t),
            Err(e) => Self {
                value: Err(e),
                shape,
            },
        }
    }

    /// The buffer, or the error that prevented computing it.
    pub fn gpu(&self) -> GpuResult<&GpuTensor> {
        self.value.as_ref().map_err(Clone::clone)
    }

    fn dims2(&self) -> (usize, usize) {
        match self.shape.as_slice() {
            [n] => (1, *n),
            [m, n] => (*m, *n),
            s => (
                s[..s.len().saturating_sub(1)].iter().product(),
                s.last().copied().unwrap_or(0),
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub struct GpuBackend {
    gpu: Gpu,
}

impl GpuBackend {
    /// The default adapter (see [`GpuContext::new`]).
    pub async fn new() -> GpuResult<Self> {
        Ok(Self::from_context(GpuContext::new().await?))
    }

    pub fn from_context(ctx: GpuContext) -> Self {
        Self { gpu: Gpu::new(ctx) }
    }

    pub fn gpu(&self) -> &Gpu {
        &self.gpu
    }

    fn run1(
        &self,
        a: &DeviceTensor,
        shape: Vec<usize>,
        f: impl FnOnce(&Gpu, &GpuTensor) -> GpuResult<GpuTensor>,
    ) -> DeviceTensor {
        let r = a.gpu().and_then(|a| f(&self.gpu, a));
        DeviceTensor::from_result(r, shape)
    }

    fn run2(
        &self,
        a: &DeviceTensor,
        b: &DeviceTensor,
        shape: Vec<usize>,
        f: impl FnOnce(&Gpu, &GpuTensor, &GpuTensor) -> GpuResult<GpuTensor>,
    ) -> DeviceTensor {
        let r = a
            .gpu()
            .and_then(|a| b.gpu().and_then(|b| f(&self.gpu, a, b)));
        DeviceTensor::from_result(r, shape)
    }

    /// Several outputs from one kernel: each gets the value or the shared error.
    fn many(r: GpuResult<Vec<GpuTensor>>, shapes: Vec<Vec<usize>>) -> Vec<DeviceTensor> {
        match r {
            Ok(ts) => ts.into_iter().map(DeviceTensor::ok).collect(),
            Err(e) => shapes
                .into_iter()
                .map(|shape| DeviceTensor {
                    value: Err(e.clone()),
                    shape,
                })
                .collect(),
        }
    }

    fn cell_inputs(w: &CellWeights<DeviceTensor>) -> GpuResult<[&GpuTensor; 4]> {
        Ok([w.w_ih.gpu()?, w.w_hh.gpu()?, w.b_ih.gpu()?, w.b_hh.gpu()?])
    }
}

fn take<const N: usize>(v: Vec<DeviceTensor>) -> [DeviceTensor; N] {
    let mut it = v.into_iter();
    std::array::from_fn(|_| {
        it.next().unwrap_or(DeviceTensor {
            value: Err(GpuError::InvalidInput("missing output".into())),
            shape: vec![0],
        })
    })
}

impl Backend for GpuBackend {
    type Tensor = DeviceTensor;

    fn name(&self) -> String {
        let info = self.gpu.context().adapter_info();
        format!("WebGPU: {} ({:?})", info.name, info.backend)
    }

    fn upload(&self, t: &Tensor) -> DeviceTensor {
        DeviceTensor::from_result(
            self.gpu.upload("upload", t.shape().to_vec(), t.data()),
            t.shape().to_vec(),
        )
    }

    fn shape(&self, t: &DeviceTensor) -> Vec<usize> {
        t.shape.clone()
    }

    async fn read(&self, t: &DeviceTensor) -> Result<Tensor> {
        let mut v = self.read_many(&[t]).await?;
        v.pop()
            .ok_or_else(|| GpuError::ReadBack("nothing read".into()).into())
    }

    async fn read_many(&self, ts: &[&DeviceTensor]) -> Result<Vec<Tensor>> {
        let gpu_ts = ts.iter().map(|t| t.gpu()).collect::<GpuResult<Vec<_>>>()?;
        let data = self.gpu.read_many(&gpu_ts).await?;
        Ok(ts
            .iter()
            .zip(data)
            .map(|(t, d)| Tensor::new(t.shape.clone(), d))
            .collect())
    }

    fn linear(&self, x: &DeviceTensor, w: &DeviceTensor, b: Option<&DeviceTensor>) -> DeviceTensor {
        let (m, _) = x.dims2();
        let (n, _) = w.dims2();
        let bias = match b.map(|b| b.gpu()).transpose() {
            Ok(b) => b,
            Err(e) => {
                return DeviceTensor {
                    value: Err(e),
                    shape: vec![m, n],
                }
            }
        };
        self.run2(x, w, vec![m, n], |g, x, w| {
            if m <= MATVEC_MAX_BATCH {
                kernels::matvec(g, x, w, bias, None)
            } else {
                kernels::matmul_tiled(g, x, w, true, bias, None)
            }
        })
    }

    fn matmul(&self, a: &DeviceTensor, b: &DeviceTensor) -> DeviceTensor {
        let shape = vec![a.dims2().0, b.dims2().1];
        self.run2(a, b, shape, |g, a, b| {
            kernels::matmul_tiled(g, a, b, false, None, None)
        })
    }

    fn add(&self, a: &DeviceTensor, b: &DeviceTensor) -> DeviceTensor {
        self.run2(a, b, a.shape.clone(), kernels::add)
    }

    fn mul(&self, a: &DeviceTensor, b: &DeviceTensor) -> DeviceTensor {
        self.run2(a, b, a.shape.clone(), kernels::mul)
    }

    fn scale(&self, a: &DeviceTensor, s: f32) -> DeviceTensor {
        self.run1(a, a.shape.clone(), |g, a| kernels::scale(g, a, s))
    }

    fn activation(&self, x: &DeviceTensor, act: Activation) -> DeviceTensor {
        self.run1(x, x.shape.clone(), |g, x| kernels::unary(g, act, x))
    }

    fn softmax_rows(&self, x: &DeviceTensor) -> DeviceTensor {
        self.run1(x, x.shape.clone(), kernels::softmax_rows)
    }

    fn layer_norm(
        &self,
        x: &DeviceTensor,
        w: &DeviceTensor,
        b: &DeviceTensor,
        eps: f32,
    ) -> DeviceTensor {
        let r = x
            .gpu()
            .and_then(|x| kernels::layer_norm(&self.gpu, x, w.gpu()?, b.gpu()?, eps));
        DeviceTensor::from_result(r, x.shape.clone())
    }

    fn embedding(&self, table: &DeviceTensor, ids: &[u32]) -> DeviceTensor {
        let shape = vec![ids.len(), table.dims2().1];
        self.run1(table, shape, |g, t| kernels::embedding(g, t, ids))
    }

    fn concat_cols(&self, parts: &[&DeviceTensor]) -> DeviceTensor {
        let rows = parts.first().map_or(0, |p| p.dims2().0);
        let shape = vec![rows, parts.iter().map(|p| p.dims2().1).sum()];
        let r = parts
            .iter()
            .map(|p| p.gpu())
            .collect::<GpuResult<Vec<_>>>()
            .and_then(|ps| kernels::concat_cols(&self.gpu, &ps));
        DeviceTensor::from_result(r, shape)
    }

    fn concat_rows(&self, a: &DeviceTensor, b: &DeviceTensor) -> DeviceTensor {
        let (m1, n) = a.dims2();
        let (m2, n2) = b.dims2();
        self.run2(a, b, vec![m1 + m2, n], |g, a, b| {
            kernels_expect(n == n2, || {
                format!("concat_rows: widths {n} and {n2} differ")
            })?;
            let out = g.alloc("concat_rows out", [m1 + m2, n])?;
            g.copy(a, 0, &out, 0, m1 * n);
            g.copy(b, 0, &out, m1 * n, m2 * n);
            Ok(out)
        })
    }

    fn slice_rows(&self, x: &DeviceTensor, start: usize, len: usize) -> DeviceTensor {
        let (m, n) = x.dims2();
        self.run1(x, vec![len, n], |g, x| {
            kernels_expect(start + len <= m, || {
                format!("slice_rows: {start}+{len} beyond {m} rows")
            })?;
            let out = g.alloc("slice_rows out", [len, n])?;
            g.copy(x, start * n, &out, 0, len * n);
            Ok(out)
        })
    }

    fn attention(
        &self,
        q: &DeviceTensor,
        k: &DeviceTensor,
        v: &DeviceTensor,
        heads: usize,
        causal: bool,
        want_weights: bool,
    ) -> Attention<DeviceTensor> {
        let (tq, width) = q.dims2();
        let tk = k.dims2().0;
        let d = width.checked_div(heads).unwrap_or(0);
        let shape = AttentionShape {
            batch: 1,
            heads,
            tq,
            tk,
            d,
            causal,
        };
        let r = (|| -> GpuResult<Vec<GpuTensor>> {
            let (q, k, v) = (q.gpu()?, k.gpu()?, v.gpu()?);
            kernels_expect(heads > 0 && width % heads == 0, || {
                format!("attention: width {width}, {heads} heads")
            })?;
            if d <= FLASH_MAX_HEAD_DIM {
                let (out, stats) = kernels::flash_attention(&self.gpu, q, k, v, shape)?;
                let mut outs = vec![out];
                if want_weights {
                    let alpha = kernels::attention_rebuild(&self.gpu, q, k, &stats, shape)?;
                    outs.push(alpha.reshape([heads, tq, tk]));
                }
                Ok(outs)
            } else {
                let (out, weights) = kernels::attention_naive(&self.gpu, q, k, v, shape)?;
                Ok(vec![out, weights.reshape([heads, tq, tk])])
            }
        })();
        let mut outs = Self::many(r, vec![vec![tq, width], vec![heads, tq, tk]]).into_iter();
        let output = outs.next().unwrap_or(DeviceTensor {
            value: Err(GpuError::InvalidInput("no output".into())),
            shape: vec![tq, width],
        });
        let weights = if want_weights { outs.next() } else { None };
        Attention { output, weights }
    }

    fn additive_attention(
        &self,
        query_proj: &DeviceTensor,
        keys_proj: &DeviceTensor,
        v: &DeviceTensor,
        values: &DeviceTensor,
    ) -> (DeviceTensor, DeviceTensor) {
        let r = (|| {
            let (c, a) = kernels::additive_attention(
                &self.gpu,
                query_proj.gpu()?,
                keys_proj.gpu()?,
                v.gpu()?,
                values.gpu()?,
            )?;
            Ok(vec![c, a])
        })();
        let [c, a] = take(Self::many(
            r,
            vec![vec![1, values.dims2().1], vec![1, keys_proj.dims2().0]],
        ));
        (c, a)
    }

    fn rnn_cell(
        &self,
        x: &DeviceTensor,
        h: &DeviceTensor,
        w: &CellWeights<DeviceTensor>,
    ) -> DeviceTensor {
        let r = (|| {
            let [w_ih, w_hh, b_ih, b_hh] = Self::cell_inputs(w)?;
            kernels::rnn_cell(&self.gpu, x.gpu()?, h.gpu()?, w_ih, w_hh, b_ih, b_hh)
        })();
        DeviceTensor::from_result(r, h.shape.clone())
    }

    fn gru_cell(
        &self,
        x: &DeviceTensor,
        h: &DeviceTensor,
        w: &CellWeights<DeviceTensor>,
    ) -> GruStep<DeviceTensor> {
        let r = (|| {
            let [w_ih, w_hh, b_ih, b_hh] = Self::cell_inputs(w)?;
            let o = kernels::gru_cell(&self.gpu, x.gpu()?, h.gpu()?, w_ih, w_hh, b_ih, b_hh)?;
            Ok(vec![o.h, o.r, o.z, o.n])
        })();
        let [h, r, z, n] = take(Self::many(r, vec![h.shape.clone(); 4]));
        GruStep { h, r, z, n }
    }

    fn lstm_cell(
        &self,
        x: &DeviceTensor,
        h: &DeviceTensor,
        c: &DeviceTensor,
        w: &CellWeights<DeviceTensor>,
    ) -> LstmStep<DeviceTensor> {
        let r = (|| {
            let [w_ih, w_hh, b_ih, b_hh] = Self::cell_inputs(w)?;
            let o = kernels::lstm_cell(
                &self.gpu,
                x.gpu()?,
                h.gpu()?,
                c.gpu()?,
                w_ih,
                w_hh,
                b_ih,
                b_hh,
            )?;
            Ok(vec![o.h, o.c, o.i, o.f, o.g, o.o])
        })();
        let [h, c, i, f, g, o] = take(Self::many(r, vec![h.shape.clone(); 6]));
        LstmStep { h, c, i, f, g, o }
    }
}

fn kernels_expect(cond: bool, msg: impl FnOnce() -> String) -> GpuResult<()> {
    if cond {
        Ok(())
    } else {
        Err(GpuError::InvalidInput(msg()))
    }
}
