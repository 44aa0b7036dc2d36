//! The kernel benchmark suite of seq2seq-gpu (`Bench`; `quick: true` = `BenchConfig::browser()`,
//! the smallest set, else `BenchConfig::quick()`, a larger one) in this browser: tiled vs naive
//! matmul, flash vs naive attention, GPU vs CPU. The tables run one at a time (`Step::ALL`), with
//! a `Progress` message before each, so the page can say which one is running and estimate the
//! time left (`RunPlan::gpu`: the same items).
//!
//! Without WebGPU the same CPU operations (seq2seq-core, this wasm build, one thread) are timed at
//! the same shapes (`CpuOnly`, one shape at a time, a `Progress` for each: `RunPlan::cpu_only`),
//! so the reader still sees numbers, and the
//! report says that they are CPU-only. Either run can be stopped: what finished is sent
//! (`stopped: true`), then `Cancelled`.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_gpu::bench::{Bench, BenchConfig, CpuOnly, Report, Step};
use seq2seq_gpu::measure::now_ms;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, Response};

fn config(quick: bool) -> BenchConfig {
    if quick {
        BenchConfig::browser()
    } else {
        BenchConfig::quick()
    }
}

fn progress(reply: &Reply, done: usize, total: usize, label: &str) {
    reply.send(Response::Progress {
        done,
        total,
        label: label.to_owned(),
    });
}

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, quick: bool) {
    let start = now_ms();
    let gpu = match Hosting::gpu(hosting).await {
        Ok(gpu) => gpu,
        // Why there is no GPU is on the page already (`Backends`).
        Err(_) => return cpu_only(reply, quick, start).await,
    };
    let mut bench = Bench::new(gpu.gpu().clone(), config(quick));
    let mut report = Report {
        device: gpu.gpu().context().describe(),
        timer: bench.timer(),
        ..Report::default()
    };
    let total = Step::ALL.len();
    for (i, step) in Step::ALL.into_iter().enumerate() {
        if reply.stop_requested().await {
            report.failures = bench.failures().to_vec();
            return stopped(reply, report, start);
        }
        progress(reply, i, total, step.label());
        match bench.table(step).await {
            Ok(table) => report.tables.push(table),
            Err(e) => {
                return reply.fail(Failure {
                    kind: FailureKind::Gpu,
                    message: format!("{}: {e}", step.label()),
                })
            }
        }
    }
    progress(reply, total, total, "done");
    report.failures = bench.failures().to_vec();
    finish(reply, report, start);
}

/// No WebGPU: time seq2seq-core's CPU operations at the benchmark's shapes. Each shape is timed
/// between two looks at the messages, so a stop takes effect within one shape (≤ ~1 s).
async fn cpu_only(reply: &Reply, quick: bool, start: f64) {
    let mut suite = CpuOnly::new(config(quick));
    let report = |suite: CpuOnly| Report {
        device: "CPU (WebAssembly, one thread)".into(),
        timer: seq2seq_gpu::bench::Timer::CpuOnly,
        tables: suite.into_tables(),
        cpu_only: true,
        ..Report::default()
    };
    let shapes = suite.shapes();
    let total = shapes.len();
    for (i, shape) in shapes.into_iter().enumerate() {
        if reply.stop_requested().await {
            return stopped(reply, report(suite), start);
        }
        progress(reply, i, total, shape.label());
        suite.run(shape);
    }
    progress(reply, total, total, "done");
    finish(reply, report(suite), start);
}

fn finish(reply: &Reply, mut report: Report, start: f64) {
    report.millis = now_ms() - start;
    reply.send(Response::BenchReport(report));
}

/// The reader stopped the run: send what finished (the tables with rows), then `Cancelled`.
fn stopped(reply: &Reply, mut report: Report, start: f64) {
    report.tables.retain(|t| !t.is_empty());
    if !report.tables.is_empty() {
        report.stopped = true;
        finish(reply, report, start);
    }
    reply.send(Response::Cancelled);
}
