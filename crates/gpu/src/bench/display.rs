//! A [`Table`] as text, for any renderer: its kind, title, note, columns and cells, and the
//! ratios the project reports picked out ([`Highlight`]). Markdown (`markdown.rs`) and the app's
//! HTML view both draw from here, so a number is formatted in one place.

use super::naive_max_n;
use super::table::{
    AttentionRow, Check, LinearPath, NaiveAttention, Table, ATTENTION_HEADS, ATTENTION_HEAD_DIM,
};
use super::timing::Timing;
use crate::measure::fmt_bytes;

/// One cell's text; `strong` marks what the suite wants noticed (a failed check, the CPU winning).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub strong: bool,
}

impl Cell {
    fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            strong: false,
        }
    }
}

/// A column; `ratio` marks a ratio measured in the same run (what survives a noisy machine).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub ratio: bool,
}

fn col(name: &'static str) -> Column {
    Column { name, ratio: false }
}

fn ratio_col(name: &'static str) -> Column {
    Column { name, ratio: true }
}

/// The ratios the page picks out of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    MatmulTiledVsNaive,
    MatmulGpuVsCpu,
    AttentionFlashVsNaive,
    AttentionGpuVsCpu,
    EncoderGpuVsCpu,
}

/// One picked ratio: which, at which size ("N = 256"), and its cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Highlight {
    pub pick: Pick,
    pub at: String,
    pub value: Cell,
}

pub fn fmt_ms(t: &Timing) -> String {
    format!("{:.3} / {:.3}", t.median_ms, t.min_ms)
}

/// GFLOP/s at the median time.
pub fn fmt_gflops(flops: f64, t: &Timing) -> String {
    if t.median_ms <= 0.0 {
        // A browser without cross-origin isolation coarsens its clock.
        "below the timer".into()
    } else {
        format!("{:.2}", flops / (t.median_ms * 1e6))
    }
}

/// How many times longer `slow` took than `fast`.
fn ratio(slow: &Timing, fast: &Timing) -> String {
    format!("{:.2}×", slow.median_ms / fast.median_ms)
}

/// "GPU 3.10× faster", or (strong) "CPU 2.00× faster".
fn vs_cpu(cpu: &Timing, gpu: &Timing) -> Cell {
    let (cpu, gpu) = (cpu.median_ms, gpu.median_ms);
    if cpu <= 0.0 {
        Cell {
            text: "CPU faster (below the timer's resolution)".into(),
            strong: true,
        }
    } else if gpu <= cpu {
        Cell::plain(format!("GPU {:.2}× faster", cpu / gpu))
    } else {
        Cell {
            text: format!("CPU {:.2}× faster", gpu / cpu),
            strong: true,
        }
    }
}

fn check_text(c: &Check) -> String {
    if c.ok {
        format!("{:.1e}", c.max_diff)
    } else {
        format!("FAIL {:.1e}", c.max_diff)
    }
}

/// A check's cell.
fn check(c: &Check) -> Cell {
    Cell {
        text: check_text(c),
        strong: !c.ok,
    }
}

/// Two checks, "a / b" ("—" for one that did not run); `note` follows the first.
fn check_pair(a: &Check, b: Option<&Check>, note: &str) -> Cell {
    Cell {
        text: format!(
            "{}{note} / {}",
            check_text(a),
            b.map_or("—".into(), check_text)
        ),
        strong: !a.ok || b.is_some_and(|b| !b.ok),
    }
}

fn text(s: impl ToString) -> Cell {
    Cell::plain(s.to_string())
}

fn matmul_flops(m: usize, n: usize, k: usize) -> f64 {
    2.0 * (m * n * k) as f64
}

fn attention_flops(n: usize, causal: bool) -> f64 {
    4.0 * (ATTENTION_HEADS * n * n * ATTENTION_HEAD_DIM) as f64 * if causal { 0.5 } else { 1.0 }
}

impl Table {
    /// What the table measures: "matmul", "linear", "attention" or "cells" (CPU-only tables
    /// included), for a page's `data-kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Table::Matmul { .. } | Table::CpuMatmul { .. } => "matmul",
            Table::Linear { .. } => "linear",
            Table::Attention { .. } | Table::CpuAttention { .. } => "attention",
            Table::Cells { .. } | Table::CpuCells { .. } => "cells",
        }
    }

    pub fn title(&self) -> String {
        match self {
            Table::Matmul { .. } => "Matmul, square, C = A·B (fp32)".into(),
            Table::Linear { .. } => "Matmul at the models' Linear shapes, y = x·Wᵀ + b".into(),
            Table::Attention { causal, .. } => format!(
                "Attention, {ATTENTION_HEADS} heads, d = {ATTENTION_HEAD_DIM}, {}",
                if *causal { "causal" } else { "not causal" }
            ),
            Table::Cells { .. } => {
                "Recurrent encoder pass: T fused cell steps in one submission (input size = H)"
                    .into()
            }
            Table::CpuMatmul { .. } => "Matmul, square, C = A·B (fp32), CPU only".into(),
            Table::CpuAttention { .. } => {
                format!("Attention, {ATTENTION_HEADS} heads, d = {ATTENTION_HEAD_DIM}, CPU only")
            }
            Table::CpuCells { .. } => {
                "Recurrent encoder pass: T cell steps (input size = H), CPU only".into()
            }
        }
    }

    pub fn note(&self) -> String {
        match self {
            Table::Matmul { .. } => "times in ms, median / min; GFLOP/s = 2·M·N·K / median. CPU: seq2seq-core's blocked matmul, one thread.".into(),
            Table::Linear { .. } => "W in PyTorch layout [N, K]. \"GPU path\" is what GpuBackend::linear picks: the matrix–vector kernel for M ≤ 8, the tiled kernel (transposed B, fused bias) otherwise.".into(),
            Table::Attention { binding_limit, cpu_max_n, .. } => format!(
                "memory = buffers the method allocates (q, k, v, output, + flash's (m, l) or naive's two N×N matrices). Naive is refused when its score matrix exceeds maxStorageBufferBindingSize ({}): on this device the largest N naive can run is {} at batch 1 and {} at batch 8 ({ATTENTION_HEADS} heads); flash needs O(N) memory. CPU: seq2seq-core's scaled_dot_product_attention; above N = {cpu_max_n} only 16 sampled query rows are checked against it.",
                fmt_bytes(*binding_limit),
                naive_max_n(*binding_limit, ATTENTION_HEADS),
                naive_max_n(*binding_limit, 8 * ATTENTION_HEADS),
            ),
            Table::Cells { .. } => "GPU: T dispatches of rnn_cell / gru_cell / lstm_cell recorded into one command encoder and submitted once; CPU: T calls of seq2seq-core's rnn_step / gru_step / lstm_step.".into(),
            Table::CpuMatmul { .. } => "seq2seq-core's blocked matmul in this WebAssembly build, one thread; times in ms, median / min.".into(),
            Table::CpuAttention { .. } => "seq2seq-core's scaled_dot_product_attention (the naive form: the whole N×N score matrix), batch 1.".into(),
            Table::CpuCells { .. } => "T calls of seq2seq-core's rnn_step / gru_step / lstm_step.".into(),
        }
    }

    pub fn columns(&self) -> Vec<Column> {
        match self {
            Table::Matmul { .. } => vec![
                col("M=N=K"),
                col("tiled ms"),
                col("tiled GFLOP/s"),
                col("% of peak"),
                col("naive ms"),
                col("naive GFLOP/s"),
                ratio_col("tiled / naive"),
                col("CPU ms"),
                ratio_col("GPU (tiled) vs CPU"),
                col("max |diff|"),
            ],
            Table::Linear { .. } => vec![
                col("layer"),
                col("M×N×K"),
                col("GPU path"),
                col("path ms"),
                col("path GFLOP/s"),
                col("tiled ms"),
                col("naive ms"),
                ratio_col("path / naive"),
                col("CPU ms"),
                ratio_col("GPU vs CPU"),
                col("max |diff|"),
            ],
            Table::Attention { .. } => vec![
                col("batch"),
                col("N"),
                col("flash ms"),
                col("flash memory"),
                col("naive ms"),
                col("naive memory"),
                ratio_col("flash / naive speed-up"),
                col("CPU ms"),
                ratio_col("flash vs CPU"),
                col("max |diff| flash / naive"),
            ],
            Table::Cells { .. } => vec![
                col("cell"),
                col("H"),
                col("T"),
                col("batch"),
                col("GPU ms"),
                col("GFLOP/s"),
                col("CPU ms"),
                ratio_col("GPU vs CPU"),
                col("max |diff| h"),
            ],
            Table::CpuMatmul { .. } => vec![col("M=N=K"), col("CPU ms"), col("CPU GFLOP/s")],
            Table::CpuAttention { .. } => {
                vec![col("N"), col("causal"), col("CPU ms"), col("CPU GFLOP/s")]
            }
            Table::CpuCells { .. } => vec![
                col("cell"),
                col("H"),
                col("T"),
                col("batch"),
                col("CPU ms"),
                col("CPU GFLOP/s"),
            ],
        }
    }

    /// Every row as cells, one per column.
    pub fn cells(&self) -> Vec<Vec<Cell>> {
        match self {
            Table::Matmul { peak_gflops, rows } => rows
                .iter()
                .map(|r| {
                    let flops = matmul_flops(r.n, r.n, r.n);
                    let peak = peak_gflops.map_or("n/a".into(), |p| {
                        format!("{:.1}%", 100.0 * flops / (r.tiled.median_ms * 1e6) / p)
                    });
                    vec![
                        text(r.n),
                        text(fmt_ms(&r.tiled)),
                        text(fmt_gflops(flops, &r.tiled)),
                        text(peak),
                        text(fmt_ms(&r.naive)),
                        text(fmt_gflops(flops, &r.naive)),
                        text(ratio(&r.naive, &r.tiled)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(&r.cpu, &r.tiled),
                        check_pair(&r.tiled_check, Some(&r.naive_check), ""),
                    ]
                })
                .collect(),
            Table::Linear { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.label),
                        text(format!("{}×{}×{}", r.m, r.n, r.k)),
                        text(match r.path {
                            LinearPath::Matvec => "matvec",
                            LinearPath::Tiled => "tiled",
                        }),
                        text(fmt_ms(&r.path_time)),
                        text(fmt_gflops(matmul_flops(r.m, r.n, r.k), &r.path_time)),
                        text(fmt_ms(&r.tiled)),
                        text(fmt_ms(&r.naive)),
                        text(ratio(&r.naive, &r.path_time)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(&r.cpu, &r.path_time),
                        check_pair(&r.path_check, Some(&r.naive_check), ""),
                    ]
                })
                .collect(),
            Table::Attention { rows, .. } => rows.iter().map(attention_cells).collect(),
            Table::Cells { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(r.cell.name()),
                        text(r.hidden),
                        text(r.steps),
                        text(r.batch),
                        text(fmt_ms(&r.gpu)),
                        text(fmt_gflops(r.flops(), &r.gpu)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(&r.cpu, &r.gpu),
                        check(&r.check),
                    ]
                })
                .collect(),
            Table::CpuMatmul { rows } => rows
                .iter()
                .map(|r| {
                    let flops = matmul_flops(r.n, r.n, r.n);
                    vec![
                        text(r.n),
                        text(fmt_ms(&r.cpu)),
                        text(fmt_gflops(flops, &r.cpu)),
                    ]
                })
                .collect(),
            Table::CpuAttention { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(r.n),
                        text(r.causal),
                        text(fmt_ms(&r.cpu)),
                        text(fmt_gflops(attention_flops(r.n, r.causal), &r.cpu)),
                    ]
                })
                .collect(),
            Table::CpuCells { rows } => rows
                .iter()
                .map(|r| {
                    let flops = super::table::cell_flops(r.cell, r.hidden, r.steps, r.batch);
                    vec![
                        text(r.cell.name()),
                        text(r.hidden),
                        text(r.steps),
                        text(r.batch),
                        text(fmt_ms(&r.cpu)),
                        text(fmt_gflops(flops, &r.cpu)),
                    ]
                })
                .collect(),
        }
    }

    /// The ratios the project reports, from the last (largest) row of the GPU tables.
    pub fn highlights(&self) -> Vec<Highlight> {
        let pick = |pick, at: String, value| Highlight { pick, at, value };
        match self {
            Table::Matmul { rows, .. } => rows
                .last()
                .map(|r| {
                    let at = format!("M=N=K = {}", r.n);
                    vec![
                        pick(
                            Pick::MatmulTiledVsNaive,
                            at.clone(),
                            text(ratio(&r.naive, &r.tiled)),
                        ),
                        pick(Pick::MatmulGpuVsCpu, at, vs_cpu(&r.cpu, &r.tiled)),
                    ]
                })
                .unwrap_or_default(),
            Table::Attention {
                causal: false,
                rows,
                ..
            } => rows
                .last()
                .map(|r| {
                    let at = format!("batch = {}, N = {}", r.batch, r.n);
                    vec![
                        pick(Pick::AttentionFlashVsNaive, at.clone(), flash_vs_naive(r)),
                        pick(Pick::AttentionGpuVsCpu, at, flash_vs_cpu(r)),
                    ]
                })
                .unwrap_or_default(),
            Table::Cells { rows } => rows
                .last()
                .map(|r| {
                    let at = format!(
                        "cell = {}, H = {}, T = {}, batch = {}",
                        r.cell.name(),
                        r.hidden,
                        r.steps,
                        r.batch
                    );
                    vec![pick(Pick::EncoderGpuVsCpu, at, vs_cpu(&r.cpu, &r.gpu))]
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

fn flash_vs_naive(r: &AttentionRow) -> Cell {
    match &r.naive {
        NaiveAttention::Ran { time, .. } => text(ratio(time, &r.flash)),
        NaiveAttention::Refused { .. } => text("naive cannot run"),
    }
}

fn flash_vs_cpu(r: &AttentionRow) -> Cell {
    r.cpu
        .as_ref()
        .map_or(text("—"), |cpu| vs_cpu(cpu, &r.flash))
}

fn attention_cells(r: &AttentionRow) -> Vec<Cell> {
    let (naive_ms, naive_check) = match &r.naive {
        NaiveAttention::Ran { time, check } => (fmt_ms(time), check.as_ref()),
        NaiveAttention::Refused { scores_bytes } => (
            format!("refused: scores need {} > limit", fmt_bytes(*scores_bytes)),
            None,
        ),
    };
    let sampled = r
        .checked_rows
        .map_or(String::new(), |n| format!(" (last {n} rows)"));
    vec![
        text(r.batch),
        text(r.n),
        text(fmt_ms(&r.flash)),
        text(fmt_bytes(r.flash_bytes)),
        text(naive_ms),
        text(fmt_bytes(r.naive_bytes)),
        flash_vs_naive(r),
        r.cpu.as_ref().map_or(text("—"), |cpu| text(fmt_ms(cpu))),
        flash_vs_cpu(r),
        check_pair(&r.flash_check, naive_check, &sampled),
    ]
}
