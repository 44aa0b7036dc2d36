//! What the benchmark suite runs: three size sets (a real GPU, a software adapter, a browser tab).

/// The shapes of every table and how many samples each takes.
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
