//! A [`Table`]'s rows as text, for any renderer and in either [`Lang`]: its kind, its cells and
//! the ratios the project reports picked out ([`Highlight`]). Markdown (`markdown.rs`) and the
//! app's HTML view both draw from here, so a number is formatted in one place, once for both
//! languages; the title, note and columns are in `headings.rs`.

use super::lang::Lang;
use super::layer_label::layer_label;
use super::table::{AttentionRow, Check, LinearPath, NaiveAttention, Table};
use super::table::{ATTENTION_HEADS, ATTENTION_HEAD_DIM};
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

/// "0.512 / 0.498": median / min, ms.
fn fmt_ms(t: &Timing) -> String {
    format!("{:.3} / {:.3}", t.median_ms, t.min_ms)
}

/// GFLOP/s at the median time.
fn fmt_gflops(lang: Lang, flops: f64, t: &Timing) -> String {
    if t.median_ms <= 0.0 {
        // A browser without cross-origin isolation coarsens its clock.
        lang.tr("低于计时精度", "below the timer").into()
    } else {
        format!("{:.2}", flops / (t.median_ms * 1e6))
    }
}

/// "3.10×"; "∞×" when the faster time fell below the timer, "—" when both did.
fn fmt_times(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else if x.is_infinite() {
        "∞×".into()
    } else {
        format!("{x:.2}×")
    }
}

/// How many times longer `slow` took than `fast`.
fn ratio(slow: &Timing, fast: &Timing) -> String {
    fmt_times(slow.median_ms / fast.median_ms)
}

/// "GPU 3.10× faster", or (strong) "CPU 2.00× faster".
fn vs_cpu(lang: Lang, cpu: &Timing, gpu: &Timing) -> Cell {
    let (cpu, gpu) = (cpu.median_ms, gpu.median_ms);
    if cpu <= 0.0 {
        Cell {
            text: lang
                .tr(
                    "CPU 更快（低于计时器的分辨率）",
                    "CPU faster (below the timer's resolution)",
                )
                .into(),
            strong: true,
        }
    } else {
        let (winner, times) = if gpu <= cpu {
            ("GPU", fmt_times(cpu / gpu))
        } else {
            ("CPU", fmt_times(gpu / cpu))
        };
        Cell {
            text: lang.tr_with(
                || format!("{winner} 快 {times}"),
                || format!("{winner} {times} faster"),
            ),
            strong: winner == "CPU",
        }
    }
}

fn check_text(lang: Lang, c: &Check) -> String {
    let diff = format!("{:.1e}", c.max_diff);
    if c.ok {
        diff
    } else {
        format!("{} {diff}", lang.tr("不符", "FAIL"))
    }
}

/// A check's cell.
fn check(lang: Lang, c: &Check) -> Cell {
    Cell {
        text: check_text(lang, c),
        strong: !c.ok,
    }
}

/// Two checks, "a / b" ("—" for one that did not run); `note` follows the first.
fn check_pair(lang: Lang, a: &Check, b: Option<&Check>, note: &str) -> Cell {
    Cell {
        text: format!(
            "{}{note} / {}",
            check_text(lang, a),
            b.map_or("—".into(), |b| check_text(lang, b))
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

/// "batch = 8" in `lang`.
fn batch_is(lang: Lang, batch: usize) -> String {
    format!("{} = {batch}", lang.tr("批大小", "batch"))
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

    /// Every row as cells, one per column.
    pub fn cells(&self, lang: Lang) -> Vec<Vec<Cell>> {
        match self {
            Table::Matmul { peak_gflops, rows } => rows
                .iter()
                .map(|r| {
                    let flops = matmul_flops(r.n, r.n, r.n);
                    let peak = peak_gflops.map_or(lang.tr("未知", "n/a").into(), |p| {
                        format!("{:.1}%", 100.0 * flops / (r.tiled.median_ms * 1e6) / p)
                    });
                    vec![
                        text(r.n),
                        text(fmt_ms(&r.tiled)),
                        text(fmt_gflops(lang, flops, &r.tiled)),
                        text(peak),
                        text(fmt_ms(&r.naive)),
                        text(fmt_gflops(lang, flops, &r.naive)),
                        text(ratio(&r.naive, &r.tiled)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(lang, &r.cpu, &r.tiled),
                        check_pair(lang, &r.tiled_check, Some(&r.naive_check), ""),
                    ]
                })
                .collect(),
            Table::Linear { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(layer_label(lang, &r.label)),
                        text(format!("{}×{}×{}", r.m, r.n, r.k)),
                        text(match r.path {
                            LinearPath::Matvec => lang.tr("矩阵向量", "matvec"),
                            LinearPath::Tiled => lang.tr("分块", "tiled"),
                        }),
                        text(fmt_ms(&r.path_time)),
                        text(fmt_gflops(lang, matmul_flops(r.m, r.n, r.k), &r.path_time)),
                        text(fmt_ms(&r.tiled)),
                        text(fmt_ms(&r.naive)),
                        text(ratio(&r.naive, &r.path_time)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(lang, &r.cpu, &r.path_time),
                        check_pair(lang, &r.path_check, Some(&r.naive_check), ""),
                    ]
                })
                .collect(),
            Table::Attention { rows, .. } => {
                rows.iter().map(|r| attention_cells(lang, r)).collect()
            }
            Table::Cells { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(r.cell.name()),
                        text(r.hidden),
                        text(r.steps),
                        text(r.batch),
                        text(fmt_ms(&r.gpu)),
                        text(fmt_gflops(lang, r.flops(), &r.gpu)),
                        text(fmt_ms(&r.cpu)),
                        vs_cpu(lang, &r.cpu, &r.gpu),
                        check(lang, &r.check),
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
                        text(fmt_gflops(lang, flops, &r.cpu)),
                    ]
                })
                .collect(),
            Table::CpuAttention { rows } => rows
                .iter()
                .map(|r| {
                    vec![
                        text(r.n),
                        text(match (lang, r.causal) {
                            (Lang::Zh, causal) => {
                                if causal {
                                    "是"
                                } else {
                                    "否"
                                }
                            }
                            (Lang::En, causal) => {
                                if causal {
                                    "true"
                                } else {
                                    "false"
                                }
                            }
                        }),
                        text(fmt_ms(&r.cpu)),
                        text(fmt_gflops(lang, attention_flops(r.n, r.causal), &r.cpu)),
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
                        text(fmt_gflops(lang, flops, &r.cpu)),
                    ]
                })
                .collect(),
        }
    }

    /// The ratios the project reports, from the last (largest) row of the GPU tables.
    pub fn highlights(&self, lang: Lang) -> Vec<Highlight> {
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
                        pick(Pick::MatmulGpuVsCpu, at, vs_cpu(lang, &r.cpu, &r.tiled)),
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
                    let comma = lang.tr("，", ", ");
                    let at = format!("{}{comma}N = {}", batch_is(lang, r.batch), r.n);
                    vec![
                        pick(
                            Pick::AttentionFlashVsNaive,
                            at.clone(),
                            flash_vs_naive(lang, r),
                        ),
                        pick(Pick::AttentionGpuVsCpu, at, flash_vs_cpu(lang, r)),
                    ]
                })
                .unwrap_or_default(),
            Table::Cells { rows } => rows
                .last()
                .map(|r| {
                    let (cell, comma) = (lang.tr("单元", "cell"), lang.tr("，", ", "));
                    let at = format!(
                        "{cell} = {}{comma}H = {}{comma}T = {}{comma}{}",
                        r.cell.name(),
                        r.hidden,
                        r.steps,
                        batch_is(lang, r.batch)
                    );
                    vec![pick(
                        Pick::EncoderGpuVsCpu,
                        at,
                        vs_cpu(lang, &r.cpu, &r.gpu),
                    )]
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

fn flash_vs_naive(lang: Lang, r: &AttentionRow) -> Cell {
    match &r.naive {
        NaiveAttention::Ran { time, .. } => text(ratio(time, &r.flash)),
        NaiveAttention::Refused { .. } => text(lang.tr("朴素无法运行", "naive cannot run")),
    }
}

fn flash_vs_cpu(lang: Lang, r: &AttentionRow) -> Cell {
    r.cpu
        .as_ref()
        .map_or(text("—"), |cpu| vs_cpu(lang, cpu, &r.flash))
}

fn attention_cells(lang: Lang, r: &AttentionRow) -> Vec<Cell> {
    let (naive_ms, naive_check) = match &r.naive {
        NaiveAttention::Ran { time, check } => (fmt_ms(time), check.as_ref()),
        NaiveAttention::Refused { scores_bytes } => {
            let need = fmt_bytes(*scores_bytes);
            let refused = lang.tr_with(
                || format!("拒绝：分数矩阵需 {need} > 上限"),
                || format!("refused: scores need {need} > limit"),
            );
            (refused, None)
        }
    };
    let sampled = r.checked_rows.map_or(String::new(), |n| {
        lang.tr_with(
            || format!("（最后 {n} 行）"),
            || format!(" (last {n} rows)"),
        )
    });
    vec![
        text(r.batch),
        text(r.n),
        text(fmt_ms(&r.flash)),
        text(fmt_bytes(r.flash_bytes)),
        text(naive_ms),
        text(fmt_bytes(r.naive_bytes)),
        flash_vs_naive(lang, r),
        r.cpu.as_ref().map_or(text("—"), |cpu| text(fmt_ms(cpu))),
        flash_vs_cpu(lang, r),
        check_pair(lang, &r.flash_check, naive_check, &sampled),
    ]
}
