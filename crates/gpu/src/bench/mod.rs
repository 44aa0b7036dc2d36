//! The benchmark suite: matmul (tiled vs naive vs CPU), attention (flash vs naive vs CPU) and whole
//! recurrent encoder passes (GPU vs CPU). GPU times come from timestamp queries (`TIMESTAMP_QUERY`,
//! ticks × `queue.get_timestamp_period()`) around the recorded work; pipelines are built during the
//! warm-ups, outside the timed region; 3 warm-ups, ≥ 10 samples, median and min; the output of every
//! GPU kernel is checked against the CPU reference of seq2seq-core.
//!
//! Async and target-independent, so the app runs it in the browser; `src/bin/bench.rs` runs it
//! natively and prints Markdown. Results are typed numbers ([`Table`], [`Report`]); each table
//! becomes text in one place (`display.rs`), written as Markdown in one place (`markdown.rs`).
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | [`Bench`]: the runner (timing on the GPU and CPU, checks), [`Step`]: the tables in order |
//! | `config.rs`, `timing.rs` | [`BenchConfig`] (sizes), [`Timing`], CPU timing, input data (the clock and byte units: `crate::measure`) |
//! | `matmul.rs`, `attention.rs`, `cells.rs` | one GPU table each (cells: rnn, gru, lstm by `CellKind`) |
//! | `sequential.rs` | encoders of every family over T = 8 … 1024 on any backend: time beside dependent steps (`?view=parallel`) |
//! | `cpu_only.rs` | [`CpuOnly`]: the same operations on the CPU alone (a browser without WebGPU) |
//! | `plan.rs` | [`RunPlan`]: a run's progress items with their estimated work, for the time left |
//! | `table.rs` | the typed rows, [`Table`], [`Report`] |
//! | `lang.rs`, `headings.rs`, `display.rs`, `layer_label.rs` | a table as text in Chinese or English ([`Lang`]): title, note and columns; cells and picked ratios; the Linear layers' labels |
//! | `markdown.rs` | Markdown (English) |

mod attention;
mod cells;
mod config;
mod cpu_only;
mod display;
mod headings;
mod lang;
mod layer_label;
mod markdown;
mod matmul;
mod plan;
pub mod sequential;
mod table;
#[cfg(test)]
mod text_tests;
mod timing;

pub use config::BenchConfig;
pub use cpu_only::{CpuOnly, CpuShape};
pub use display::{Cell, Highlight, Pick};
pub use headings::Column;
pub use lang::{Lang, Timer};
pub use markdown::sequential_markdown;
pub use plan::{PlanItem, RunPlan};
pub use table::*;
pub use timing::{data, time_cpu, Timing};

use seq2seq_core::tensor::Tensor;

use crate::error::{GpuError, GpuResult};
use crate::measure::now_ms;
use crate::runtime::{Gpu, GpuTensor};

/// The GPU tables of a run, in order. A caller that reports progress or stops between tables
/// walks [`Step::ALL`] with [`Bench::table`]; [`Bench::run`] does the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Matmul,
    Linear,
    Attention,
    CausalAttention,
    Cells,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Matmul,
        Step::Linear,
        Step::Attention,
        Step::CausalAttention,
        Step::Cells,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Step::Matmul => "matmul",
            Step::Linear => "linear",
            Step::Attention => "attention",
            Step::CausalAttention => "attention (causal)",
            Step::Cells => "recurrent cells",
        }
    }

    /// (Chinese, English) names for a progress line; English is [`Step::label`].
    pub fn names(self) -> (&'static str, &'static str) {
        let zh = match self {
            Step::Matmul => "矩阵乘法",
            Step::Linear => "线性层",
            Step::Attention => "注意力",
            Step::CausalAttention => "因果注意力",
            Step::Cells => "循环单元",
        };
        (zh, self.label())
    }
}

/// The runner: a runtime plus (when the device has them) timestamp queries.
pub struct Bench {
    gpu: Gpu,
    config: BenchConfig,
    queries: Option<(wgpu::QuerySet, wgpu::Buffer)>,
    period_ns: f64,
    failures: Vec<String>,
}

impl Bench {
    pub fn new(gpu: Gpu, config: BenchConfig) -> Self {
        let ctx = gpu.context();
        let queries = ctx.has_timestamps().then(|| {
            let set = ctx.device().create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("bench timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count: 2,
            });
            let buf = ctx.device().create_buffer(&wgpu::BufferDescriptor {
                label: Some("bench timestamp resolve"),
                size: 256,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            });
            (set, buf)
        });
        let period_ns = f64::from(ctx.queue().get_timestamp_period());
        Self {
            gpu,
            config,
            queries,
            period_ns,
            failures: Vec::new(),
        }
    }

    /// How GPU times are taken on this device.
    pub fn timer(&self) -> Timer {
        if self.queries.is_some() {
            Timer::Timestamps {
                period_ns: self.period_ns as f32,
            }
        } else {
            Timer::WallClock
        }
    }

    /// Results so far that did not match the CPU reference (should be empty).
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// Measure one table.
    pub async fn table(&mut self, step: Step) -> GpuResult<Table> {
        match step {
            Step::Matmul => self.matmul().await,
            Step::Linear => self.linear().await,
            Step::Attention => self.attention(false).await,
            Step::CausalAttention => self.attention(true).await,
            Step::Cells => self.cells().await,
        }
    }

    /// Run every table of [`Step::ALL`].
    pub async fn run(mut self) -> GpuResult<Report> {
        let start = now_ms();
        let mut tables = Vec::new();
        for step in Step::ALL {
            tables.push(self.table(step).await?);
        }
        Ok(Report {
            device: self.gpu.context().describe(),
            timer: self.timer(),
            tables,
            failures: self.failures,
            cpu_only: false,
            stopped: false,
            millis: now_ms() - start,
        })
    }

    fn up(&self, t: &Tensor) -> GpuResult<GpuTensor> {
        self.gpu.upload("bench input", t.shape().to_vec(), t.data())
    }

    /// Time `record` (which records GPU work and returns its outputs): warm-ups, then samples,
    /// each its own submission. Returns the timing and the outputs of the last sample.
    pub async fn time_gpu(
        &self,
        mut record: impl FnMut() -> GpuResult<Vec<GpuTensor>>,
    ) -> GpuResult<(Timing, Vec<GpuTensor>)> {
        for _ in 0..self.config.warmups {
            let out = record()?;
            self.gpu.finish().await?;
            drop(out);
        }
        let mut ms = Vec::with_capacity(self.config.samples);
        let mut last = Vec::new();
        for _ in 0..self.config.samples.max(1) {
            match &self.queries {
                Some((set, buf)) => {
                    self.gpu.write_timestamp(set, 0);
                    last = record()?;
                    self.gpu.write_timestamp(set, 1);
                    self.gpu
                        .with_encoder(|enc| enc.resolve_query_set(set, 0..2, buf, 0));
                    let raw = self.gpu.read_raw(&[(buf, 0, 16)]).await?;
                    let b = raw
                        .first()
                        .ok_or_else(|| GpuError::ReadBack("no timestamps".into()))?;
                    let t = |i: usize| {
                        u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]))
                    };
                    ms.push(t(1).saturating_sub(t(0)) as f64 * self.period_ns / 1e6);
                }
                None => {
                    let t0 = now_ms();
                    last = record()?;
                    self.gpu.finish().await?;
                    ms.push(now_ms() - t0);
                }
            }
        }
        Ok((Timing::from_samples(ms), last))
    }

    /// Time a CPU closure: one warm-up, then samples until `samples` or ~2 s, at least 3.
    pub fn time_cpu<T>(&self, f: impl FnMut() -> T) -> (Timing, T) {
        time_cpu(self.config.samples, 2000.0, f)
    }

    /// Read `got` back and compare it with the CPU's `want`.
    async fn check(
        &mut self,
        what: &str,
        got: &GpuTensor,
        want: &Tensor,
        tol: f32,
    ) -> GpuResult<Check> {
        let data = self.gpu.read(got).await?;
        Ok(self.check_host(what, &data, want.data(), tol))
    }

    /// Compare two host slices; a mismatch is recorded in [`Self::failures`] with its first bad
    /// index.
    fn check_host(&mut self, what: &str, got: &[f32], want: &[f32], tol: f32) -> Check {
        let mut max = 0.0f32;
        let mut bad = None;
        for (i, (a, b)) in got.iter().zip(want).enumerate() {
            let d = (a - b).abs();
            if (d > tol || d.is_nan()) && bad.is_none() {
                bad = Some(i);
            }
            max = max.max(d);
        }
        if got.len() != want.len() {
            bad = Some(got.len().min(want.len()));
        }
        if let Some(i) = bad {
            self.failures.push(format!(
                "{what}: max diff {max:.2e} > {tol:.0e}, first bad index {i}"
            ));
        }
        Check {
            max_diff: max,
            ok: bad.is_none(),
        }
    }
}

/// The largest N whose `bh`·N² score matrix fits `limit` bytes.
pub fn naive_max_n(limit: u64, bh: usize) -> usize {
    let mut n = ((limit / (4 * bh as u64)) as f64).sqrt() as usize;
    while (bh * (n + 1) * (n + 1) * 4) as u64 <= limit {
        n += 1;
    }
    while n > 0 && (bh * n * n * 4) as u64 > limit {
        n -= 1;
    }
    n
}
