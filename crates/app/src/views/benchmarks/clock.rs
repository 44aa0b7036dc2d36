//! The page's clock for the benchmark run in progress: which size set the reader started, when,
//! and when the last progress item was first seen finished. Kept outside the component, so that
//! leaving the view and coming back mid-run keeps the elapsed time and the estimate.

use std::cell::Cell;

use seq2seq_gpu::bench::{BenchConfig, RunPlan};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunClock {
    /// The smaller size set (the main button), else the larger one.
    pub quick: bool,
    pub started_ms: f64,
    /// Items finished, and when the page saw the last of them finish.
    pub done: usize,
    pub done_at_ms: f64,
}

thread_local! {
    static CLOCK: Cell<Option<RunClock>> = const { Cell::new(None) };
}

/// The reader pressed "run" at `now_ms`.
pub fn start(quick: bool, now_ms: f64) {
    CLOCK.set(Some(RunClock {
        quick,
        started_ms: now_ms,
        done: 0,
        done_at_ms: now_ms,
    }));
}

/// The run's clock after seeing `done` items finished at `now_ms` (None: no run started here).
pub fn observe(done: usize, now_ms: f64) -> Option<RunClock> {
    let mut clock = CLOCK.get()?;
    if done > clock.done {
        clock.done = done;
        clock.done_at_ms = now_ms;
        CLOCK.set(Some(clock));
    }
    Some(clock)
}

pub fn current() -> Option<RunClock> {
    CLOCK.get()
}

/// The sizes the worker runs for each button (`worker/bench.rs`, `config`).
pub fn sizes(quick: bool) -> BenchConfig {
    if quick {
        BenchConfig::browser()
    } else {
        BenchConfig::quick()
    }
}

/// The items the worker reports on for this run: GPU tables, or CPU-only shapes.
pub fn plan(quick: bool, gpu: bool) -> RunPlan {
    if gpu {
        RunPlan::gpu(&sizes(quick))
    } else {
        RunPlan::cpu_only(&sizes(quick))
    }
}
