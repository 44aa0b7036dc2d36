//! A run as a progress bar counts it: the items the app's worker reports on (one per GPU table of
//! [`Step::ALL`], or one per shape of the CPU-only suite), each with its name and an estimate of
//! its work, so that the page can extrapolate the time left from the items already done.
//!
//! Work is counted in floating-point operations: every timed run of every kernel and of the CPU
//! reference (warm-ups included), plus a fixed cost per GPU submission and per dispatch, written
//! as the operations it is worth. Items differ by orders of magnitude (the attention tables hold
//! most of the arithmetic, the cell tables most of the dispatches), so equal weights would say
//! "almost done" after the two quick matmul tables. The model is rough (a real GPU and an emulated
//! one weigh arithmetic and submissions differently); the page divides by the time the finished
//! items actually took, so the estimate corrects itself as the run goes.

use seq2seq_core::layers::CellKind;

use super::config::BenchConfig;
use super::cpu_only::{CpuOnly, CpuShape};
use super::lang::Lang;
use super::table::{cell_flops, ATTENTION_HEADS, ATTENTION_HEAD_DIM};
use super::Step;

/// One GPU submission (record, submit, wait, read back) in operations: ~2 ms of an emulated GPU.
const SUBMISSION: f64 = 4e6;
/// One more dispatch inside a submission (the cell tables record T of them).
const DISPATCH: f64 = 4e5;

/// One item of a run: what the page names while it runs, and its estimated work.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanItem {
    zh: &'static str,
    en: &'static str,
    pub work: f64,
}

impl PlanItem {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.tr(self.zh, self.en)
    }
}

/// The items of one run, in the order the worker runs them.
#[derive(Clone, Debug, PartialEq)]
pub struct RunPlan {
    pub items: Vec<PlanItem>,
}

impl RunPlan {
    /// The GPU suite: one item per table.
    pub fn gpu(config: &BenchConfig) -> Self {
        let items = Step::ALL
            .into_iter()
            .map(|step| {
                let (zh, en) = step.names();
                PlanItem {
                    zh,
                    en,
                    work: gpu_work(config, step),
                }
            })
            .collect();
        Self { items }
    }

    /// The CPU-only suite: one item per shape ([`CpuOnly::shapes`]).
    pub fn cpu_only(config: &BenchConfig) -> Self {
        let runs = cpu_runs(config);
        let items = CpuOnly::new(config.clone())
            .shapes()
            .into_iter()
            .map(|shape| {
                let (zh, en, flops) = match shape {
                    CpuShape::Matmul { n } => ("矩阵乘法（CPU）", "matmul (CPU)", matmul(n, n, n)),
                    CpuShape::Attention { n, .. } => {
                        ("注意力（CPU）", "attention (CPU)", attention(1, n))
                    }
                    CpuShape::Cells {
                        cell,
                        hidden,
                        steps,
                        batch,
                    } => (
                        "循环单元（CPU）",
                        "recurrent cells (CPU)",
                        cell_flops(cell, hidden, steps, batch),
                    ),
                };
                PlanItem {
                    zh,
                    en,
                    work: runs * flops,
                }
            })
            .collect();
        Self { items }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Milliseconds left after `done` items took `done_ms`, `running_ms` into the next: the time
    /// per unit of work so far, times the work left, less what the running item has already
    /// spent (but never below the items after it). None before an item has finished.
    pub fn remaining_ms(&self, done: usize, done_ms: f64, running_ms: f64) -> Option<f64> {
        let work = |items: &[PlanItem]| items.iter().map(|i| i.work).sum::<f64>();
        let finished = work(self.items.get(..done)?);
        if done == 0 || finished <= 0.0 {
            return None;
        }
        let per_work = done_ms / finished;
        let left = work(&self.items[done..]) * per_work - running_ms;
        let after_running = work(self.items.get(done + 1..).unwrap_or_default()) * per_work;
        Some(left.max(after_running).max(0.0))
    }
}

fn matmul(m: usize, n: usize, k: usize) -> f64 {
    2.0 * (m * n * k) as f64
}

/// Counted in full even when causal: the masked kernels and the CPU reference still visit the
/// whole N×N score matrix (measured in Chromium's SwiftShader, browser sizes: 55 s not causal,
/// 63 s causal).
fn attention(batch: usize, n: usize) -> f64 {
    4.0 * (batch * ATTENTION_HEADS * n * n * ATTENTION_HEAD_DIM) as f64
}

/// Timed runs of a GPU kernel: warm-ups, then samples.
fn gpu_runs(c: &BenchConfig) -> f64 {
    (c.warmups + c.samples.max(1)) as f64
}

/// Runs of the CPU reference: one warm-up, then at least 3 samples (`time_cpu`).
fn cpu_runs(c: &BenchConfig) -> f64 {
    (1 + c.samples.max(3)) as f64
}

/// One GPU table's work: its kernels' runs, one submission each, and the CPU reference.
fn gpu_work(c: &BenchConfig, step: Step) -> f64 {
    let (gpu, cpu) = (gpu_runs(c), cpu_runs(c));
    let kernels = |count: f64, flops: f64| count * gpu * (flops + SUBMISSION);
    match step {
        Step::Matmul => c
            .square
            .iter()
            .map(|&n| kernels(2.0, matmul(n, n, n)) + cpu * matmul(n, n, n))
            .sum(),
        Step::Linear => c
            .linear
            .iter()
            .map(|&(_, m, n, k)| kernels(3.0, matmul(m, n, k)) + cpu * matmul(m, n, k))
            .sum(),
        Step::Attention | Step::CausalAttention => {
            let batch8 = c
                .attention_n
                .iter()
                .filter(|&&n| n <= c.attention_batch8_max_n);
            let cases = c
                .attention_n
                .iter()
                .map(|&n| (1, n))
                .chain(batch8.map(|&n| (8, n)));
            cases
                .map(|(batch, n)| {
                    let flops = attention(batch, n);
                    let reference = if n <= c.attention_cpu_max {
                        cpu * flops
                    } else {
                        flops * 16.0 / (batch * n) as f64
                    };
                    kernels(2.0, flops) + reference
                })
                .sum()
        }
        Step::Cells => {
            let mut work = 0.0;
            for cell in CellKind::ALL {
                for &hidden in &c.cell_hidden {
                    for &steps in &c.cell_steps {
                        for &batch in &c.cell_batch {
                            let flops = cell_flops(cell, hidden, steps, batch);
                            work += kernels(1.0, flops + steps as f64 * DISPATCH) + cpu * flops;
                        }
                    }
                }
            }
            work
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_has_the_items_the_worker_reports_each_with_work() {
        for config in [BenchConfig::browser(), BenchConfig::quick()] {
            let gpu = RunPlan::gpu(&config);
            assert_eq!(gpu.len(), Step::ALL.len());
            let cpu = RunPlan::cpu_only(&config);
            assert_eq!(cpu.len(), CpuOnly::new(config.clone()).shapes().len());
            for item in gpu.items.iter().chain(&cpu.items) {
                assert!(item.work > 0.0 && item.work.is_finite(), "{item:?}");
            }
        }
        let gpu = RunPlan::gpu(&BenchConfig::browser());
        assert_eq!(gpu.items[3].name(Lang::Zh), "因果注意力");
        assert_eq!(gpu.items[3].name(Lang::En), "attention (causal)");
        // The attention tables are most of the browser run's arithmetic.
        let work: Vec<f64> = gpu.items.iter().map(|i| i.work).collect();
        assert!(
            work[2] > work[0] && work[2] > work[1] && work[2] > work[4],
            "{work:?}"
        );
    }

    #[test]
    fn the_time_left_scales_the_work_left_by_the_time_per_work_so_far() {
        let item = |work| PlanItem {
            zh: "",
            en: "",
            work,
        };
        let plan = RunPlan {
            items: vec![item(1.0), item(3.0), item(4.0)],
        };
        assert_eq!(plan.remaining_ms(0, 0.0, 500.0), None, "nothing finished");
        // 1 unit took 1 s: 7 units are left; 2 s into the running item, 5 s remain.
        assert_eq!(plan.remaining_ms(1, 1000.0, 2000.0), Some(5000.0));
        // The running item overran its share: at least the items after it remain.
        assert_eq!(plan.remaining_ms(1, 1000.0, 9000.0), Some(4000.0));
        assert_eq!(plan.remaining_ms(3, 8000.0, 0.0), Some(0.0));
    }
}
