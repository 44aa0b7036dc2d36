//! The suite without a GPU (a browser without WebGPU): seq2seq-core's CPU operations timed at the
//! benchmark's shapes, so the reader still sees numbers. One shape per call, so a caller can look
//! for a stop request between shapes (a CPU-bound job must yield to hear it).

use std::hint::black_box;

use seq2seq_core::layers::CellKind;
use seq2seq_core::ops;

use super::cells::{cpu_encoder_pass, encoder_inputs};
use super::config::BenchConfig;
use super::table::{
    CpuAttentionRow, CpuCellRow, CpuMatmulRow, Table, ATTENTION_HEADS, ATTENTION_HEAD_DIM,
};
use super::timing::{data, time_cpu};

/// One measurement of the CPU-only suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuShape {
    Matmul {
        n: usize,
    },
    Attention {
        n: usize,
        causal: bool,
    },
    Cells {
        cell: CellKind,
        hidden: usize,
        steps: usize,
        batch: usize,
    },
}

impl CpuShape {
    /// Which of the [`CpuOnly::TABLES`] tables the shape belongs to (0, 1, 2).
    pub fn table(&self) -> usize {
        match self {
            CpuShape::Matmul { .. } => 0,
            CpuShape::Attention { .. } => 1,
            CpuShape::Cells { .. } => 2,
        }
    }

    /// The table's progress label.
    pub fn label(&self) -> &'static str {
        match self {
            CpuShape::Matmul { .. } => "matmul (CPU)",
            CpuShape::Attention { .. } => "attention (CPU)",
            CpuShape::Cells { .. } => "recurrent cells (CPU)",
        }
    }
}

/// The CPU-only run: [`CpuOnly::shapes`] in order, each timed by [`CpuOnly::run`].
pub struct CpuOnly {
    config: BenchConfig,
    tables: Vec<Table>,
}

impl CpuOnly {
    /// Number of tables.
    pub const TABLES: usize = 3;

    pub fn new(config: BenchConfig) -> Self {
        Self {
            config,
            tables: Vec::new(),
        }
    }

    /// Every shape, table by table.
    pub fn shapes(&self) -> Vec<CpuShape> {
        let c = &self.config;
        let mut shapes: Vec<CpuShape> = c.square.iter().map(|&n| CpuShape::Matmul { n }).collect();
        for causal in [false, true] {
            shapes.extend(
                c.attention_n
                    .iter()
                    .map(|&n| CpuShape::Attention { n, causal }),
            );
        }
        for cell in CellKind::ALL {
            for &hidden in &c.cell_hidden {
                for &steps in &c.cell_steps {
                    for &batch in &c.cell_batch {
                        shapes.push(CpuShape::Cells {
                            cell,
                            hidden,
                            steps,
                            batch,
                        });
                    }
                }
            }
        }
        shapes
    }

    /// Time one shape (~1 s at most) and add its row to its table.
    pub fn run(&mut self, shape: CpuShape) {
        let samples = self.config.samples;
        let time = |f: &mut dyn FnMut()| time_cpu(samples, 1000.0, f).0;
        let table = match shape {
            CpuShape::Matmul { n } => {
                let (a, b) = (data(1, &[n, n]), data(2, &[n, n]));
                let cpu = time(&mut || {
                    black_box(ops::matmul(&a, &b));
                });
                Table::CpuMatmul {
                    rows: vec![CpuMatmulRow { n, cpu }],
                }
            }
            CpuShape::Attention { n, causal } => {
                let width = ATTENTION_HEADS * ATTENTION_HEAD_DIM;
                let (q, k, v) = (
                    data(3, &[n, width]),
                    data(4, &[n, width]),
                    data(5, &[n, width]),
                );
                let cpu = time(&mut || {
                    black_box(ops::scaled_dot_product_attention(
                        &q,
                        &k,
                        &v,
                        ATTENTION_HEADS,
                        causal,
                    ));
                });
                Table::CpuAttention {
                    rows: vec![CpuAttentionRow { n, causal, cpu }],
                }
            }
            CpuShape::Cells {
                cell,
                hidden,
                steps,
                batch,
            } => {
                let (layer, xs) = encoder_inputs(cell, hidden, steps, batch);
                let cpu = time(&mut || {
                    black_box(cpu_encoder_pass(&layer, &xs));
                });
                Table::CpuCells {
                    rows: vec![CpuCellRow {
                        cell,
                        hidden,
                        steps,
                        batch,
                        cpu,
                    }],
                }
            }
        };
        self.append(table);
    }

    /// Add a one-row table to the last table of its kind, or open it.
    fn append(&mut self, one: Table) {
        match (self.tables.last_mut(), one) {
            (Some(Table::CpuMatmul { rows }), Table::CpuMatmul { rows: r }) => rows.extend(r),
            (Some(Table::CpuAttention { rows }), Table::CpuAttention { rows: r }) => rows.extend(r),
            (Some(Table::CpuCells { rows }), Table::CpuCells { rows: r }) => rows.extend(r),
            (_, one) => self.tables.push(one),
        }
    }

    /// The tables so far (every one has at least one row).
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    pub fn into_tables(self) -> Vec<Table> {
        self.tables
    }
}
