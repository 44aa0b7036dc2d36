//! What the suite measured, as typed numbers: one row type per table, the [`Table`]s and the
//! [`Report`]. Rendering lives elsewhere: [`super::display`] turns a table into cells of text,
//! which `markdown.rs` writes as Markdown (CLI, BENCHMARKS.md, the page's download) and the app's
//! Benchmarks view as HTML.

use seq2seq_core::layers::CellKind;
use serde::{Deserialize, Serialize};

use super::timing::Timing;

/// max |GPU − CPU| over one output, and whether it stayed within the tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub max_diff: f32,
    pub ok: bool,
}

/// Square matmul C = A·B at M = N = K = `n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatmulRow {
    pub n: usize,
    pub tiled: Timing,
    pub naive: Timing,
    pub cpu: Timing,
    pub tiled_check: Check,
    pub naive_check: Check,
}

/// Which kernel `GpuBackend::linear` uses at a shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinearPath {
    /// matrix–vector, M ≤ `MATVEC_MAX_BATCH`
    Matvec,
    Tiled,
}

/// y = x·Wᵀ + b at one of the models' Linear shapes, x [M, K], W [N, K].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearRow {
    pub label: String,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub path: LinearPath,
    /// The path's kernel, the tiled one and the naive one (no bias), the CPU.
    pub path_time: Timing,
    pub tiled: Timing,
    pub naive: Timing,
    pub cpu: Timing,
    pub path_check: Check,
    pub naive_check: Check,
}

/// Naive attention at one shape: it ran, or was refused (its score matrix exceeds the binding
/// limit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NaiveAttention {
    /// `check` is None where the CPU reference did not run in full.
    Ran {
        time: Timing,
        check: Option<Check>,
    },
    Refused {
        scores_bytes: u64,
    },
}

/// Attention over N keys and queries, `batch` sequences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttentionRow {
    pub batch: usize,
    pub n: usize,
    pub flash: Timing,
    /// Bytes each method allocates (q, k, v, output and its own scratch).
    pub flash_bytes: u64,
    pub naive_bytes: u64,
    pub naive: NaiveAttention,
    /// None above `attention_cpu_max`, where only `checked_rows` rows are compared.
    pub cpu: Option<Timing>,
    pub flash_check: Check,
    pub checked_rows: Option<usize>,
}

/// A recurrent encoder pass: `steps` cell steps, input size = hidden size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellRow {
    pub cell: CellKind,
    pub hidden: usize,
    pub steps: usize,
    pub batch: usize,
    pub gpu: Timing,
    pub cpu: Timing,
    pub check: Check,
}

impl CellRow {
    /// Two matmuls (input and recurrent) of [B, H] by [gates·H, H] per step.
    pub fn flops(&self) -> f64 {
        cell_flops(self.cell, self.hidden, self.steps, self.batch)
    }
}

pub(crate) fn cell_flops(cell: CellKind, hidden: usize, steps: usize, batch: usize) -> f64 {
    (steps * batch * cell.gates() * 2 * 2 * hidden * hidden) as f64
}

/// A CPU-only timing (no WebGPU): matmul at M = N = K = `n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuMatmulRow {
    pub n: usize,
    pub cpu: Timing,
}

/// A CPU-only timing of attention (batch 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuAttentionRow {
    pub n: usize,
    pub causal: bool,
    pub cpu: Timing,
}

/// A CPU-only timing of an encoder pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuCellRow {
    pub cell: CellKind,
    pub hidden: usize,
    pub steps: usize,
    pub batch: usize,
    pub cpu: Timing,
}

/// Attention's fixed sizes: 8 heads of d = 64.
pub const ATTENTION_HEADS: usize = 8;
pub const ATTENTION_HEAD_DIM: usize = 64;

/// One result table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Table {
    Matmul {
        /// The device's FP32 peak, when given (for "% of peak").
        peak_gflops: Option<f64>,
        rows: Vec<MatmulRow>,
    },
    Linear {
        rows: Vec<LinearRow>,
    },
    Attention {
        causal: bool,
        /// The device's maxStorageBufferBindingSize, which refuses naive attention.
        binding_limit: u64,
        /// Longest N the CPU reference runs in full.
        cpu_max_n: usize,
        rows: Vec<AttentionRow>,
    },
    Cells {
        rows: Vec<CellRow>,
    },
    CpuMatmul {
        rows: Vec<CpuMatmulRow>,
    },
    CpuAttention {
        rows: Vec<CpuAttentionRow>,
    },
    CpuCells {
        rows: Vec<CpuCellRow>,
    },
}

impl Table {
    pub fn len(&self) -> usize {
        match self {
            Table::Matmul { rows, .. } => rows.len(),
            Table::Linear { rows } => rows.len(),
            Table::Attention { rows, .. } => rows.len(),
            Table::Cells { rows } => rows.len(),
            Table::CpuMatmul { rows } => rows.len(),
            Table::CpuAttention { rows } => rows.len(),
            Table::CpuCells { rows } => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything one run measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The adapter (or "CPU (WebAssembly, one thread)" without WebGPU).
    pub device: String,
    /// How GPU times were taken (timestamp queries or wall clock).
    pub timer: super::lang::Timer,
    pub tables: Vec<Table>,
    /// Results that did not match the CPU reference (should be empty).
    pub failures: Vec<String>,
    /// No WebGPU: only the CPU (seq2seq-core) was timed.
    pub cpu_only: bool,
    /// The reader stopped the run: these are the tables (and rows) that finished before.
    pub stopped: bool,
    /// Wall time of the whole run, milliseconds.
    pub millis: f64,
}
