//! Table 5: a recurrent encoder pass of each cell kind, T fused cell steps recorded into one
//! submission on the GPU vs T steps of core's `Recurrent` layer on the CPU. The inputs and the CPU
//! pass are shared with the CPU-only suite.

use seq2seq_core::backend::{CellWeights, CpuBackend};
use seq2seq_core::layers::{CellKind, Recurrent};
use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;

use super::table::{CellRow, Table};
use super::timing::data;
use super::Bench;
use crate::error::GpuResult;
use crate::kernels;
use crate::runtime::{Gpu, GpuTensor};

/// A layer of `cell` with input size = hidden size (weights U(±1/√H) like PyTorch's), and the
/// `steps` inputs [batch, hidden] of one pass.
pub(super) fn encoder_inputs(
    cell: CellKind,
    hidden: usize,
    steps: usize,
    batch: usize,
) -> (Recurrent<CpuBackend>, Vec<Tensor>) {
    let rows = cell.gates() * hidden;
    let s = 1.0 / (hidden as f32).sqrt();
    let scaled = |seed, shape: &[usize]| ops::scale(&data(seed, shape), s);
    let layer = Recurrent {
        kind: cell,
        input: hidden,
        hidden,
        weights: CellWeights {
            w_ih: scaled(10, &[rows, hidden]),
            w_hh: scaled(11, &[rows, hidden]),
            b_ih: scaled(12, &[rows]),
            b_hh: scaled(13, &[rows]),
        },
    };
    let xs = (0..steps)
        .map(|i| data(100 + i as u64, &[batch, hidden]))
        .collect();
    (layer, xs)
}

/// The pass on the CPU, from h = 0: the last hidden state [batch, H].
pub(super) fn cpu_encoder_pass(layer: &Recurrent<CpuBackend>, xs: &[Tensor]) -> Tensor {
    let batch = xs.first().map_or(1, |x| x.dims2().0);
    let mut state = layer.zero_state(&CpuBackend, batch);
    for x in xs {
        state = layer.step(&CpuBackend, x, &state).state;
    }
    state.h
}

/// The pass on the GPU, recorded without waiting: one fused kernel per step.
fn gpu_encoder_pass(
    gpu: &Gpu,
    cell: CellKind,
    w: &[GpuTensor; 4],
    xs: &[GpuTensor],
    h0: &GpuTensor,
) -> GpuResult<GpuTensor> {
    let [w_ih, w_hh, b_ih, b_hh] = w;
    let (mut h, mut c) = (h0.clone(), h0.clone());
    for x in xs {
        match cell {
            CellKind::Rnn => h = kernels::rnn_cell(gpu, x, &h, w_ih, w_hh, b_ih, b_hh)?,
            CellKind::Gru => h = kernels::gru_cell(gpu, x, &h, w_ih, w_hh, b_ih, b_hh)?.h,
            CellKind::Lstm => {
                let o = kernels::lstm_cell(gpu, x, &h, &c, w_ih, w_hh, b_ih, b_hh)?;
                (h, c) = (o.h, o.c);
            }
        }
    }
    Ok(h)
}

impl Bench {
    pub(super) async fn cells(&mut self) -> GpuResult<Table> {
        let mut rows = Vec::new();
        for cell in CellKind::ALL {
            for hidden in self.config.cell_hidden.clone() {
                for steps in self.config.cell_steps.clone() {
                    for batch in self.config.cell_batch.clone() {
                        let (layer, xs) = encoder_inputs(cell, hidden, steps, batch);
                        let w = &layer.weights;
                        let gw = [
                            self.up(&w.w_ih)?,
                            self.up(&w.w_hh)?,
                            self.up(&w.b_ih)?,
                            self.up(&w.b_hh)?,
                        ];
                        let gxs = xs
                            .iter()
                            .map(|x| self.up(x))
                            .collect::<GpuResult<Vec<_>>>()?;
                        let gh0 = self.up(&Tensor::zeros([batch, hidden]))?;
                        let gpu = self.gpu.clone();
                        let (time, out) = self
                            .time_gpu(|| Ok(vec![gpu_encoder_pass(&gpu, cell, &gw, &gxs, &gh0)?]))
                            .await?;
                        let (cpu, want) = self.time_cpu(|| cpu_encoder_pass(&layer, &xs));
                        let what =
                            format!("{} encoder H={hidden} T={steps} B={batch}", cell.name());
                        let check = self.check(&what, &out[0], &want, 1e-4).await?;
                        rows.push(CellRow {
                            cell,
                            hidden,
                            steps,
                            batch,
                            gpu: time,
                            cpu,
                            check,
                        });
                    }
                }
            }
        }
        Ok(Table::Cells { rows })
    }
}
