//! The benchmark suite: matmul (tiled vs naive vs CPU), attention (flash vs naive vs CPU) and whole
//! recurrent encoder passes (GPU vs CPU). GPU times come from timestamp queries (`TIMESTAMP_QUERY`,
//! ticks × `queue.get_timestamp_period()`) around the recorded work; pipelines are built during the
//! warm-ups, outside the timed region; 3 warm-ups, ≥ 10 samples, median and min; the output of every
//! GPU kernel is checked against the CPU reference of seq2seq-core.
//!
//! Async and target-independent, so the app can run it in the browser; `src/bin/bench.rs` runs it
//! natively and prints Markdown.

use seq2seq_core::backend::CellWeights;
use seq2seq_core::ops::{gru_step, lstm_step, rnn_step};
use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;

use crate::error::{GpuError, GpuResult};
use crate::kernels::{self, naive_scores_bytes, AttentionShape};
use crate::runtime::{Gpu, GpuTensor};

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub warmups: usize,
    pub samples: usize,
    /// Square matmul sizes.
    pub square: Vec<usize>,
    /// (label, M, N, K) of Linear layers (x [M,K] · W[N,K]ᵀ).
    pub linear: Vec<(&'static str, usize, usize, usize)>,
    /// Attention sequence lengths (d = 64, 8 heads, batch 1).
    pub attention_n: Vec<usize>,
    /// Batch 8 is measured too for N up to this.
    pub attention_batch8_max_n: usize,
    /// Longest attention the CPU reference runs in full (beyond it: 16 sampled rows are checked).
    pub attention_cpu_max: usize,
    pub cell_hidden: Vec<usize>,
    pub cell_steps: Vec<usize>,
    pub cell_batch: Vec<usize>,
    /// The device's FP32 peak in GFLOP/s, when known (for "% of peak").
    pub peak_gflops: Option<f64>,
}

impl BenchConfig {
    /// The full set of the issue (for a real GPU).
    pub fn full() -> Self {
        Self {
            warmups: 3,
            samples: 10,
            square: vec![256, 512, 1024, 2048, 4096],
            linear: vec![
                (
                    "decoder output projection, batch 1 (vocab 8000, d 512)",
                    1,
                    8000,
                    512,
                ),
                ("Transformer FFN up (T 128, d 512 → 2048)", 128, 2048, 512),
                ("Transformer FFN down (T 128, 2048 → 512)", 128, 512, 2048),
                ("GRU input gates, T 64 at once (3·512 × 512)", 64, 1536, 512),
                ("LSTM recurrent gates, batch 1 (4·512 × 512)", 1, 2048, 512),
            ],
            attention_n: vec![128, 256, 512, 1024, 2048, 4096, 8192, 16384],
            attention_batch8_max_n: 4096,
            attention_cpu_max: 2048,
            cell_hidden: vec![128, 256, 512],
            cell_steps: vec![32, 128, 512],
            cell_batch: vec![1, 8, 64],
            peak_gflops: None,
        }
    }

    /// The smallest set, for a browser tab on a software adapter (SwiftShader): one size of each
    /// table, so the in-browser run finishes in about a minute.
    pub fn browser() -> Self {
        Self {
            warmups: 1,
            samples: 5,
            square: vec![64, 128],
            linear: vec![("GRU recurrent gates, batch 1 (3·128 × 128)", 1, 384, 128)],
            attention_n: vec![128, 256],
            attention_batch8_max_n: 128,
            attention_cpu_max: 256,
            cell_hidden: vec![64],
            cell_steps: vec![16],
            cell_batch: vec![1, 8],
            peak_gflops: None,
        }
    }

    /// A size set a software adapter (lavapipe, SwiftShader) finishes in a few minutes.
    pub fn quick() -> Self {
        Self {
            warmups: 3,
            samples: 10,
            square: vec![128, 256, 512],
            linear: vec![
                (
                    "decoder output projection, batch 1 (vocab 2000, d 256)",
                    1,
                    2000,
                    256,
                ),
                ("Transformer FFN up (T 32, d 256 → 1024)", 32, 1024, 256),
                ("GRU recurrent gates, batch 1 (3·256 × 256)", 1, 768, 256),
            ],
            attention_n: vec![128, 256, 512, 1024],
            attention_batch8_max_n: 256,
            attention_cpu_max: 1024,
            cell_hidden: vec![128, 256],
            cell_steps: vec![32],
            cell_batch: vec![1, 64],
            peak_gflops: None,
        }
    }
}

/// Median and minimum of the samples, milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub median_ms: f64,
    pub min_ms: f64,
    pub samples: usize,
}

impl Timing {
    fn from(mut ms: Vec<f64>) -> Self {
        ms.sort_by(f64::total_cmp);
        let n = ms.len();
        let median = if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            ms[n / 2]
        } else {
            (ms[n / 2 - 1] + ms[n / 2]) / 2.0
        };
        Timing {
            median_ms: median,
            min_ms: ms.first().copied().unwrap_or(f64::NAN),
            samples: n,
        }
    }
}

/// A result table: a title, the command-independent notes, a header and rows of cells.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub title: String,
    pub note: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn to_markdown(&self) -> String {
        let mut s = format!("### {}\n\n", self.title);
        if !self.note.is_empty() {
            s += &format!("{}\n\n", self.note);
        }
        s += &format!("| {} |\n", self.header.join(" | "));
        s += &format!("|{}\n", "---|".repeat(self.header.len()));
        for r in &self.rows {
            s += &format!("| {} |\n", r.join(" | "));
        }
        s
    }
}

/// Everything one run measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub device: String,
    pub timer: String,
    pub tables: Vec<Table>,
    /// Results that did not match the CPU reference (should be empty).
    pub failures: Vec<String>,
}

impl Report {
    /// The device, the timer and every table, without the verdict.
    pub fn tables_markdown(&self) -> String {
        let mut s = format!("Device: {}\n\nGPU timer: {}\n\n", self.device, self.timer);
        for t in &self.tables {
            s += &t.to_markdown();
            s += "\n";
        }
        s
    }

    /// [`Self::tables_markdown`] and whether every GPU result matched the CPU reference.
    pub fn to_markdown(&self) -> String {
        let mut s = self.tables_markdown();
        if self.failures.is_empty() {
            s += "Every GPU result matched the CPU reference.\n";
        } else {
            s += &format!(
                "**{} result(s) did not match the CPU reference:**\n\n",
                self.failures.len()
            );
            for f in &self.failures {
                s += &format!("- {f}\n");
            }
        }
        s
    }
}

/// Milliseconds from an arbitrary origin (wall clock, for the CPU side).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        // performance.now() (page or worker; sub-millisecond), else Date.now() (1 ms steps).
        let global = js_sys::global();
        js_sys::Reflect::get(&global, &"performance".into())
            .ok()
            .filter(|perf| perf.is_object())
            .and_then(|perf| {
                let now = js_sys::Reflect::get(&perf, &"now".into()).ok()?;
                js_sys::Function::from(now).call0(&perf).ok()?.as_f64()
            })
            .unwrap_or_else(js_sys::Date::now)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
}

fn fmt_ms(t: &Timing) -> String {
    format!("{:.3} / {:.3}", t.median_ms, t.min_ms)
}

fn fmt_bytes(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64)
    } else if b >= 1 << 20 {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", b as f64 / 1024.0)
    }
}

fn ratio(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

/// Uniform values in [-1, 1) from a small deterministic generator (no rand dependency at run time).
pub fn data(seed: u64, shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let v = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect();
    Tensor::new(shape, v)
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
        Ok((Timing::from(ms), last))
    }

    /// Time a CPU closure: one warm-up, then samples until `samples` or ~2 s, at least 3.
    pub fn time_cpu<T>(&self, mut f: impl FnMut() -> T) -> (Timing, T) {
        let mut out = f();
        let mut ms = Vec::new();
        let start = now_ms();
        while ms.len() < 3 || (ms.len() < self.config.samples && now_ms() - start < 2000.0) {
            let t0 = now_ms();
            out = f();
            ms.push(now_ms() - t0);
        }
        (Timing::from(ms), out)
    }

    async fn check(
        &mut self,
        what: &str,
        got: &GpuTensor,
        want: &Tensor,
        tol: f32,
    ) -> GpuResult<String> {
        let data = self.gpu.read(got).await?;
        self.check_host(what, &data, want.data(), tol)
    }

    fn check_host(&mut self, what: &str, got: &[f32], want: &[f32], tol: f32) -> GpuResult<String> {
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
            Ok(format!("**FAIL** {max:.1e}"))
        } else {
            Ok(format!("{max:.1e}"))
        }
    }

    /// Run everything in the config.
    pub async fn run(mut self) -> GpuResult<Report> {
        let ctx = self.gpu.context().clone();
        let timer = if self.queries.is_some() {
            format!("timestamp queries (period {} ns)", self.period_ns)
        } else {
            "no TIMESTAMP_QUERY on this adapter: wall clock around submit + wait".into()
        };
        let mut tables = vec![self.matmul().await?, self.linear().await?];
        tables.push(self.attention(false).await?);
        tables.push(self.attention(true).await?);
        tables.push(self.cells().await?);
        Ok(Report {
            device: ctx.describe(),
            timer,
            tables,
            failures: self.failures,
        })
    }

    fn gflops(&self, flops: f64, t: &Timing) -> (String, String) {
        let g = flops / (t.median_ms * 1e6);
        let peak = self
            .config
            .peak_gflops
            .map_or("n/a".into(), |p| format!("{:.1}%", 100.0 * g / p));
        (format!("{g:.2}"), peak)
    }

    pub async fn matmul(&mut self) -> GpuResult<Table> {
        let mut t = Table {
            title: "Matmul, square, C = A·B (fp32)".into(),
            note: "times in ms, median / min; GFLOP/s = 2·M·N·K / median. CPU: seq2seq-core's blocked matmul, one thread.".into(),
            header: [
                "M=N=K", "tiled ms", "tiled GFLOP/s", "% of peak", "naive ms", "naive GFLOP/s", "tiled / naive", "CPU ms",
                "GPU (tiled) vs CPU", "max |diff|",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![],
        };
        for &n in &self.config.square.clone() {
            let (a, b) = (data(1, &[n, n]), data(2, &[n, n]));
            let (ga, gb) = (self.up(&a)?, self.up(&b)?);
            let gpu = self.gpu.clone();
            let (tiled, out) = self
                .time_gpu(|| {
                    Ok(vec![kernels::matmul_tiled(
                        &gpu, &ga, &gb, false, None, None,
                    )?])
                })
                .await?;
            let (naive, out_n) = self
                .time_gpu(|| Ok(vec![kernels::matmul_naive(&gpu, &ga, &gb, false)?]))
                .await?;
            let (cpu, want) = self.time_cpu(|| ops::matmul(&a, &b));
            let tol = 1e-5 + 2e-6 * n as f32;
            let e1 = self
                .check(&format!("matmul_tiled {n}"), &out[0], &want, tol)
                .await?;
            let e2 = self
                .check(&format!("matmul_naive {n}"), &out_n[0], &want, tol)
                .await?;
            let flops = 2.0 * (n as f64).powi(3);
            let (g_t, peak) = self.gflops(flops, &tiled);
            let (g_n, _) = self.gflops(flops, &naive);
            t.rows.push(vec![
                n.to_string(),
                fmt_ms(&tiled),
                g_t,
                peak,
                fmt_ms(&naive),
                g_n,
                ratio(naive.median_ms, tiled.median_ms),
                fmt_ms(&cpu),
                vs_cpu(cpu.median_ms, tiled.median_ms),
                format!("{e1} / {e2}"),
            ]);
        }
        Ok(t)
    }

    pub async fn linear(&mut self) -> GpuResult<Table> {
        let mut t = Table {
            title: "Matmul at the models' Linear shapes, y = x·Wᵀ + b".into(),
            note: "W in PyTorch layout [N, K]. \"GPU path\" is what GpuBackend::linear picks: the matrix–vector kernel for M ≤ 8, the tiled kernel (transposed B, fused bias) otherwise.".into(),
            header: [
                "layer", "M×N×K", "GPU path", "path ms", "path GFLOP/s", "tiled ms", "naive ms", "path / naive", "CPU ms",
                "GPU vs CPU", "max |diff|",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![],
        };
        for &(label, m, n, k) in &self.config.linear.clone() {
            let (x, w, b) = (data(3, &[m, k]), data(4, &[n, k]), data(5, &[n]));
            let (gx, gw, gb) = (self.up(&x)?, self.up(&w)?, self.up(&b)?);
            let gpu = self.gpu.clone();
            let matvec = m <= kernels::MATVEC_MAX_BATCH;
            let (path, out) = self
                .time_gpu(|| {
                    Ok(vec![if matvec {
                        kernels::matvec(&gpu, &gx, &gw, Some(&gb), None)?
                    } else {
                        kernels::matmul_tiled(&gpu, &gx, &gw, true, Some(&gb), None)?
                    }])
                })
                .await?;
            let (tiled, _) = self
                .time_gpu(|| {
                    Ok(vec![kernels::matmul_tiled(
                        &gpu,
                        &gx,
                        &gw,
                        true,
                        Some(&gb),
                        None,
                    )?])
                })
                .await?;
            let (naive, out_n) = self
                .time_gpu(|| Ok(vec![kernels::matmul_naive(&gpu, &gx, &gw, true)?]))
                .await?;
            let (cpu, want) = self.time_cpu(|| ops::linear(&x, &w, Some(&b)));
            let tol = 1e-5 + 2e-6 * k as f32;
            let e = self
                .check(&format!("linear {label}"), &out[0], &want, tol)
                .await?;
            let want_nb = ops::linear(&x, &w, None);
            let e2 = self
                .check(&format!("linear naive {label}"), &out_n[0], &want_nb, tol)
                .await?;
            let (g, _) = self.gflops(2.0 * (m * n * k) as f64, &path);
            t.rows.push(vec![
                label.into(),
                format!("{m}×{n}×{k}"),
                if matvec { "matvec" } else { "tiled" }.into(),
                fmt_ms(&path),
                g,
                fmt_ms(&tiled),
                fmt_ms(&naive),
                ratio(naive.median_ms, path.median_ms),
                fmt_ms(&cpu),
                vs_cpu(cpu.median_ms, path.median_ms),
                format!("{e} / {e2}"),
            ]);
        }
        Ok(t)
    }

    pub async fn attention(&mut self, causal: bool) -> GpuResult<Table> {
        let (heads, d) = (8usize, 64usize);
        let limit = self.gpu.context().max_binding_bytes();
        let mut t = Table {
            title: format!("Attention, 8 heads, d = 64, {}", if causal { "causal" } else { "not causal" }),
            note: format!(
                "memory = buffers the method allocates (q, k, v, output, + flash's (m, l) or naive's two N×N matrices). Naive is refused when its score matrix exceeds maxStorageBufferBindingSize ({}): on this device the largest N naive can run is {} at batch 1 and {} at batch 8 (8 heads); flash needs O(N) memory. CPU: seq2seq-core's scaled_dot_product_attention; above N = {} only 16 sampled query rows are checked against it.",
                fmt_bytes(limit),
                naive_max_n(limit, heads),
                naive_max_n(limit, 8 * heads),
                self.config.attention_cpu_max
            ),
            header: [
                "batch", "N", "flash ms", "flash memory", "naive ms", "naive memory", "flash / naive speed-up", "CPU ms", "flash vs CPU",
                "max |diff| flash / naive",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![],
        };
        let mut cases: Vec<(usize, usize)> =
            self.config.attention_n.iter().map(|&n| (1, n)).collect();
        let b8 = self.config.attention_batch8_max_n;
        cases.extend(
            self.config
                .attention_n
                .iter()
                .filter(|&&n| n <= b8)
                .map(|&n| (8, n)),
        );
        for (batch, n) in cases {
            let shape = AttentionShape {
                batch,
                heads,
                tq: n,
                tk: n,
                d,
                causal,
            };
            let (q, k, v) = (
                data(6, &[batch * n, heads * d]),
                data(7, &[batch * n, heads * d]),
                data(8, &[batch * n, heads * d]),
            );
            // CPU reference over every batch (core's function is one sequence at a time)
            let cpu_ref = |q: &Tensor, first_row: usize, rows: usize, b: usize| {
                let kb = ops::slice_rows(&k, b * n, n);
                let vb = ops::slice_rows(&v, b * n, n);
                let qb = ops::slice_rows(q, b * n + first_row, rows);
                ops::scaled_dot_product_attention(&qb, &kb, &vb, heads, causal).output
            };
            let (gq, gk, gv) = (self.up(&q)?, self.up(&k)?, self.up(&v)?);
            let gpu = self.gpu.clone();
            let io = 4 * (batch * n * heads * d) as u64 * 4;
            let flash_mem = io + (batch * heads * n * 2 * 4) as u64;
            let naive_mem = io + 2 * naive_scores_bytes(&shape);
            let (flash, fo) = self
                .time_gpu(|| {
                    let (o, stats) = kernels::flash_attention(&gpu, &gq, &gk, &gv, shape)?;
                    Ok(vec![o, stats])
                })
                .await?;
            let naive = match kernels::attention_naive(&gpu, &gq, &gk, &gv, shape) {
                Err(e @ GpuError::Limit { .. }) => Err(e),
                Err(e) => return Err(e),
                Ok(_) => Ok(self
                    .time_gpu(|| {
                        Ok(vec![
                            kernels::attention_naive(&gpu, &gq, &gk, &gv, shape)?.0,
                        ])
                    })
                    .await?),
            };
            let full_cpu = n <= self.config.attention_cpu_max;
            let tol = 2e-5 + 1e-8 * n as f32;
            let (cpu_cell, vs, errs) = if full_cpu {
                let (cpu, want) = self.time_cpu(|| {
                    let mut out = Vec::with_capacity(batch * n * heads * d);
                    for b in 0..batch {
                        out.extend_from_slice(cpu_ref(&q, 0, n, b).data());
                    }
                    Tensor::new([batch * n, heads * d], out)
                });
                let ef = self
                    .check(
                        &format!("flash attention B={batch} N={n} causal={causal}"),
                        &fo[0],
                        &want,
                        tol,
                    )
                    .await?;
                let en = match &naive {
                    Ok((_, no)) => {
                        self.check(
                            &format!("naive attention B={batch} N={n} causal={causal}"),
                            &no[0],
                            &want,
                            tol,
                        )
                        .await?
                    }
                    Err(_) => "—".into(),
                };
                (
                    fmt_ms(&cpu),
                    vs_cpu(cpu.median_ms, flash.median_ms),
                    format!("{ef} / {en}"),
                )
            } else {
                // the last 16 query rows of the last sequence (query i at absolute position
                // N − 16 + i, as core's causal mask puts it)
                let rows = 16.min(n);
                let want = cpu_ref(&q, n - rows, rows, batch - 1);
                let got = self.gpu.read(&fo[0]).await?;
                let w = heads * d;
                let ef = self.check_host(
                    &format!("flash attention B={batch} N={n} causal={causal} (last {rows} rows)"),
                    &got[(batch * n - rows) * w..],
                    want.data(),
                    tol,
                )?;
                (
                    "—".into(),
                    "—".into(),
                    format!("{ef} (last {rows} rows) / —"),
                )
            };
            let (naive_ms, naive_mem_s, speedup) = match &naive {
                Ok((nt, _)) => (
                    fmt_ms(nt),
                    fmt_bytes(naive_mem),
                    ratio(nt.median_ms, flash.median_ms),
                ),
                Err(_) => (
                    format!(
                        "refused: scores need {} > limit",
                        fmt_bytes(naive_scores_bytes(&shape))
                    ),
                    fmt_bytes(naive_mem),
                    "naive cannot run".into(),
                ),
            };
            t.rows.push(vec![
                batch.to_string(),
                n.to_string(),
                fmt_ms(&flash),
                fmt_bytes(flash_mem),
                naive_ms,
                naive_mem_s,
                speedup,
                cpu_cell,
                vs,
                errs,
            ]);
            self.gpu.clear_pool();
        }
        Ok(t)
    }

    pub async fn cells(&mut self) -> GpuResult<Table> {
        let mut t = Table {
            title: "Recurrent encoder pass: T fused cell steps in one submission (input size = H)".into(),
            note: "GPU: T dispatches of rnn_cell / gru_cell / lstm_cell recorded into one command encoder and submitted once; CPU: T calls of seq2seq-core's rnn_step / gru_step / lstm_step.".into(),
            header: ["cell", "H", "T", "batch", "GPU ms", "GFLOP/s", "CPU ms", "GPU vs CPU", "max |diff| h"].map(String::from).to_vec(),
            rows: vec![],
        };
        for cell in ["rnn", "gru", "lstm"] {
            let gates = match cell {
                "rnn" => 1,
                "gru" => 3,
                _ => 4,
            };
            for &h in &self.config.cell_hidden.clone() {
                for &steps in &self.config.cell_steps.clone() {
                    for &batch in &self.config.cell_batch.clone() {
                        let s = 1.0 / (h as f32).sqrt();
                        let scale = |t: Tensor| ops::scale(&t, s);
                        let w = CellWeights {
                            w_ih: scale(data(10, &[gates * h, h])),
                            w_hh: scale(data(11, &[gates * h, h])),
                            b_ih: scale(data(12, &[gates * h])),
                            b_hh: scale(data(13, &[gates * h])),
                        };
                        let xs: Vec<Tensor> = (0..steps)
                            .map(|i| data(100 + i as u64, &[batch, h]))
                            .collect();
                        let h0 = Tensor::zeros([batch, h]);
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
                        let gh0 = self.up(&h0)?;
                        let gpu = self.gpu.clone();
                        let (time, out) = self
                            .time_gpu(|| {
                                let (mut hh, mut cc) = (gh0.clone(), gh0.clone());
                                for x in &gxs {
                                    match cell {
                                        "rnn" => {
                                            hh = kernels::rnn_cell(
                                                &gpu, x, &hh, &gw[0], &gw[1], &gw[2], &gw[3],
                                            )?
                                        }
                                        "gru" => {
                                            hh = kernels::gru_cell(
                                                &gpu, x, &hh, &gw[0], &gw[1], &gw[2], &gw[3],
                                            )?
                                            .h
                                        }
                                        _ => {
                                            let o = kernels::lstm_cell(
                                                &gpu, x, &hh, &cc, &gw[0], &gw[1], &gw[2], &gw[3],
                                            )?;
                                            (hh, cc) = (o.h, o.c);
                                        }
                                    }
                                }
                                Ok(vec![hh])
                            })
                            .await?;
                        let (cpu, want) = self.time_cpu(|| {
                            let (mut hh, mut cc) = (h0.clone(), h0.clone());
                            for x in &xs {
                                match cell {
                                    "rnn" => hh = rnn_step(x, &hh, &w),
                                    "gru" => hh = gru_step(x, &hh, &w).h,
                                    _ => {
                                        let o = lstm_step(x, &hh, &cc, &w);
                                        (hh, cc) = (o.h, o.c);
                                    }
                                }
                            }
                            hh
                        });
                        let e = self
                            .check(
                                &format!("{cell} encoder H={h} T={steps} B={batch}"),
                                &out[0],
                                &want,
                                1e-4,
                            )
                            .await?;
                        let flops = (steps * batch * gates * 2 * 2 * h * h) as f64;
                        let (g, _) = self.gflops(flops, &time);
                        t.rows.push(vec![
                            cell.into(),
                            h.to_string(),
                            steps.to_string(),
                            batch.to_string(),
                            fmt_ms(&time),
                            g,
                            fmt_ms(&cpu),
                            vs_cpu(cpu.median_ms, time.median_ms),
                            e,
                        ]);
                    }
                }
            }
        }
        Ok(t)
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

/// "GPU 3.1× faster" or "CPU 2.0× faster".
fn vs_cpu(cpu_ms: f64, gpu_ms: f64) -> String {
    if cpu_ms <= 0.0 {
        // A browser without cross-origin isolation coarsens its clock; no ratio can be given.
        "**CPU faster** (below the timer's resolution)".to_string()
    } else if gpu_ms <= cpu_ms {
        format!("GPU {:.2}× faster", cpu_ms / gpu_ms)
    } else {
        format!("**CPU {:.2}× faster**", gpu_ms / cpu_ms)
    }
}
