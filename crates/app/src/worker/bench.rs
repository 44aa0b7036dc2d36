//! The kernel benchmark suite of seq2seq-gpu (`Bench`; `quick: true` = `BenchConfig::browser()`,
//! the smallest set, else `BenchConfig::quick()`, a larger one) in this browser: tiled vs naive
//! matmul, flash vs naive attention, GPU vs CPU. The tables run one at a time, with a
//! `Progress` message before each, so the page can say which one is running.
//!
//! Without WebGPU the same CPU operations (seq2seq-core, this wasm build, one thread) are timed at
//! the same shapes, so the reader still sees numbers, and the answer says that they are CPU-only.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::backend::CellWeights;
use seq2seq_core::ops::{gru_step, lstm_step, rnn_step};
use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::bench::{data, now_ms, Bench, BenchConfig, Report, Table};

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{BenchTable, BenchTables, Failure, FailureKind, Response};

/// The tables of `Bench::run`, in its order.
const TABLES: [&str; 5] = [
    "matmul",
    "linear",
    "attention",
    "attention (causal)",
    "recurrent cells",
];

fn config(quick: bool) -> BenchConfig {
    if quick {
        BenchConfig::browser()
    } else {
        BenchConfig::quick()
    }
}

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, quick: bool) {
    let start = now_ms();
    let gpu = match Hosting::gpu(hosting).await {
        Ok(gpu) => gpu,
        // Why there is no GPU is on the page already (`Backends`).
        Err(_) => return cpu_only(reply, quick, start).await,
    };
    let ctx = gpu.gpu().context().clone();
    let device = ctx.describe();
    let timer = if ctx.has_timestamps() {
        format!(
            "timestamp queries (period {} ns)",
            ctx.queue().get_timestamp_period()
        )
    } else {
        "no TIMESTAMP_QUERY on this adapter: wall clock around submit + wait".into()
    };
    let mut bench = Bench::new(gpu.gpu().clone(), config(quick));
    let mut tables: Vec<Table> = Vec::new();
    for (i, label) in TABLES.iter().enumerate() {
        if reply.stop_requested().await {
            let report = gpu_report(timer, tables, start);
            return stopped(reply, device, report);
        }
        reply.send(Response::Progress {
            done: i,
            total: TABLES.len(),
            label: (*label).to_owned(),
        });
        let table = match i {
            0 => bench.matmul().await,
            1 => bench.linear().await,
            2 => bench.attention(false).await,
            3 => bench.attention(true).await,
            _ => bench.cells().await,
        };
        match table {
            Ok(t) => tables.push(t),
            Err(e) => {
                return reply.fail(Failure {
                    kind: FailureKind::Gpu,
                    message: format!("{label}: {e}"),
                })
            }
        }
    }
    reply.send(Response::Progress {
        done: TABLES.len(),
        total: TABLES.len(),
        label: "done".into(),
    });
    send_report(reply, device, gpu_report(timer, tables, start));
}

fn gpu_report(timer: String, tables: Vec<Table>, start: f64) -> BenchTables {
    // `Bench` marks a cell that disagrees with the CPU reference "**FAIL** …"; its own failure
    // list is private to `run`, so the failures are read back from the cells.
    let failures = tables
        .iter()
        .flat_map(|t| {
            t.rows
                .iter()
                .filter(|r| r.iter().any(|c| c.contains("FAIL")))
                .map(move |r| format!("{}: {}", t.title, r.join(" | ")))
        })
        .collect();
    BenchTables {
        timer,
        cpu_only: false,
        tables: tables.into_iter().map(structured).collect(),
        failures,
        millis: now_ms() - start,
        stopped: false,
    }
}

const CPU_DEVICE: &str = "CPU (WebAssembly, one thread)";

fn cpu_report(tables: Vec<BenchTable>, start: f64) -> BenchTables {
    BenchTables {
        timer: "no GPU: CPU wall clock (performance.now())".into(),
        cpu_only: true,
        tables,
        failures: Vec::new(),
        millis: now_ms() - start,
        stopped: false,
    }
}

/// The reader stopped the run: send what finished (the tables with rows), then `Cancelled`.
fn stopped(reply: &Reply, device: String, mut report: BenchTables) {
    report.tables.retain(|t| !t.rows.is_empty());
    if !report.tables.is_empty() {
        report.stopped = true;
        send_report(reply, device, report);
    }
    reply.send(Response::Cancelled);
}

fn structured(t: Table) -> BenchTable {
    BenchTable {
        title: t.title,
        note: t.note,
        header: t.header,
        rows: t.rows,
    }
}

/// The Markdown the native `bench` binary writes (`Report::to_markdown`), from the structured
/// tables.
fn send_report(reply: &Reply, device: String, report: BenchTables) {
    let native = Report {
        device: device.clone(),
        timer: report.timer.clone(),
        tables: report
            .tables
            .iter()
            .map(|t| Table {
                title: t.title.clone(),
                note: t.note.clone(),
                header: t.header.clone(),
                rows: t.rows.clone(),
            })
            .collect(),
        failures: report.failures.clone(),
    };
    let mut markdown = match report.cpu_only {
        true => native.tables_markdown() + "No WebGPU: CPU only.\n",
        false => native.to_markdown(),
    };
    if report.stopped {
        markdown += "\nStopped by the reader: only the rows above finished.\n";
    }
    reply.send(Response::BenchReport {
        device,
        markdown,
        report,
    });
}

/// One warm-up, then samples until `samples` or ~1 s (at least 3): (median, min) ms.
fn time_cpu<T>(samples: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    std::hint::black_box(f());
    let mut ms = Vec::new();
    let start = now_ms();
    while ms.len() < 3 || (ms.len() < samples && now_ms() - start < 1000.0) {
        let t0 = now_ms();
        std::hint::black_box(f());
        ms.push(now_ms() - t0);
    }
    ms.sort_by(f64::total_cmp);
    let n = ms.len();
    let median = if n % 2 == 1 {
        ms[n / 2]
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) / 2.0
    };
    (median, ms[0])
}

fn ms(t: (f64, f64)) -> String {
    format!("{:.3} / {:.3}", t.0, t.1)
}

fn gflops(flops: f64, median_ms: f64) -> String {
    if median_ms <= 0.0 {
        "below the timer".into()
    } else {
        format!("{:.2}", flops / (median_ms * 1e6))
    }
}

/// No WebGPU: time seq2seq-core's CPU operations at the benchmark's shapes. Each shape is timed
/// between two looks at the messages, so a stop takes effect within one shape (≤ ~1 s).
async fn cpu_only(reply: &Reply, quick: bool, start: f64) {
    let c = config(quick);
    let total = 3;
    let progress = |done: usize, label: &str| {
        reply.send(Response::Progress {
            done,
            total,
            label: label.to_owned(),
        })
    };
    let mut tables = Vec::new();

    progress(0, "matmul (CPU)");
    let mut t = BenchTable {
        title: "Matmul, square, C = A·B (fp32), CPU only".into(),
        note: "seq2seq-core's blocked matmul in this WebAssembly build, one thread; times in ms, median / min.".into(),
        header: ["M=N=K", "CPU ms", "CPU GFLOP/s"].map(String::from).to_vec(),
        rows: vec![],
    };
    for &n in &c.square {
        if reply.stop_requested().await {
            let report = cpu_report(vec![t], start);
            return stopped(reply, CPU_DEVICE.into(), report);
        }
        let (a, b) = (data(1, &[n, n]), data(2, &[n, n]));
        let time = time_cpu(c.samples, || ops::matmul(&a, &b));
        let flops = 2.0 * (n as f64).powi(3);
        t.rows
            .push(vec![n.to_string(), ms(time), gflops(flops, time.0)]);
    }
    tables.push(t);

    progress(1, "attention (CPU)");
    let (heads, d) = (8usize, 64usize);
    let mut t = BenchTable {
        title: "Attention, 8 heads, d = 64, CPU only".into(),
        note: "seq2seq-core's scaled_dot_product_attention (the naive form: the whole N×N score matrix), batch 1.".into(),
        header: ["N", "causal", "CPU ms", "CPU GFLOP/s"].map(String::from).to_vec(),
        rows: vec![],
    };
    for causal in [false, true] {
        for &n in &c.attention_n {
            if reply.stop_requested().await {
                tables.push(t);
                return stopped(reply, CPU_DEVICE.into(), cpu_report(tables, start));
            }
            let q = data(3, &[n, heads * d]);
            let k = data(4, &[n, heads * d]);
            let v = data(5, &[n, heads * d]);
            let time = time_cpu(c.samples, || {
                ops::scaled_dot_product_attention(&q, &k, &v, heads, causal)
            });
            let flops = 4.0 * (heads * n * n * d) as f64 * if causal { 0.5 } else { 1.0 };
            t.rows.push(vec![
                n.to_string(),
                causal.to_string(),
                ms(time),
                gflops(flops, time.0),
            ]);
        }
    }
    tables.push(t);

    progress(2, "recurrent cells (CPU)");
    let mut t = BenchTable {
        title: "Recurrent encoder pass: T cell steps (input size = H), CPU only".into(),
        note: "T calls of seq2seq-core's rnn_step / gru_step / lstm_step.".into(),
        header: ["cell", "H", "T", "batch", "CPU ms", "CPU GFLOP/s"]
            .map(String::from)
            .to_vec(),
        rows: vec![],
    };
    for (cell, gates) in [("rnn", 1usize), ("gru", 3), ("lstm", 4)] {
        for &h in &c.cell_hidden {
            for &steps in &c.cell_steps {
                for &batch in &c.cell_batch {
                    if reply.stop_requested().await {
                        tables.push(t);
                        return stopped(reply, CPU_DEVICE.into(), cpu_report(tables, start));
                    }
                    let w = CellWeights {
                        w_ih: data(6, &[gates * h, h]),
                        w_hh: data(7, &[gates * h, h]),
                        b_ih: data(8, &[gates * h]),
                        b_hh: data(9, &[gates * h]),
                    };
                    let xs: Vec<Tensor> = (0..steps)
                        .map(|s| data(10 + s as u64, &[batch, h]))
                        .collect();
                    let h0 = data(99, &[batch, h]);
                    let time = time_cpu(c.samples, || {
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
                    let flops = (steps * batch * gates * 2 * 2 * h * h) as f64;
                    t.rows.push(vec![
                        cell.into(),
                        h.to_string(),
                        steps.to_string(),
                        batch.to_string(),
                        ms(time),
                        gflops(flops, time.0),
                    ]);
                }
            }
        }
    }
    tables.push(t);
    progress(total, "done");
    send_report(reply, CPU_DEVICE.into(), cpu_report(tables, start));
}
