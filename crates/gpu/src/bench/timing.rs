//! Samples: median / min of a set of timings, CPU timing on the wall clock ([`now_ms`]), and the
//! benchmark's input data.

use seq2seq_core::fixtures;
use seq2seq_core::tensor::Tensor;

use crate::measure::now_ms;
use serde::{Deserialize, Serialize};

/// Median and minimum of the samples, milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub median_ms: f64,
    pub min_ms: f64,
    pub samples: usize,
}

impl Timing {
    pub fn from_samples(mut ms: Vec<f64>) -> Self {
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

/// Time a CPU closure: one warm-up, then samples until `samples` or `budget_ms`, at least 3.
/// Returns the timing and the last output.
pub fn time_cpu<T>(samples: usize, budget_ms: f64, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut out = std::hint::black_box(f());
    let mut ms = Vec::new();
    let start = now_ms();
    while ms.len() < 3 || (ms.len() < samples && now_ms() - start < budget_ms) {
        let t0 = now_ms();
        out = std::hint::black_box(f());
        ms.push(now_ms() - t0);
    }
    (Timing::from_samples(ms), out)
}

/// The benchmark's inputs: uniform values in [-1, 1) ([`fixtures::uniform`]).
pub fn data(seed: u64, shape: &[usize]) -> Tensor {
    fixtures::uniform(seed, shape, 1.0)
}
