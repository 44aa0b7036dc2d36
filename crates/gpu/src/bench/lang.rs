//! The language of the tables' text: Chinese for the page's default interface, English for the
//! page's English interface and for Markdown (the `bench` binary, BENCHMARKS.md, the page's
//! download). Numbers are formatted once (`display.rs`), then placed in either language's words.
//!
//! Vocabulary (the app's own words): tiled 分块, naive 朴素, flash Flash, matvec 矩阵向量,
//! batch 批大小, cell 单元, causal 因果, layer 层, path 路径, max |diff| 最大 |差|, memory 显存,
//! "X 3.10× faster" "X 快 3.10×", "A vs B" "A 对比 B". Names stay as they are: GPU, CPU, ms,
//! GFLOP/s, KiB/MiB/GiB, the sizes (N, d, H, T, M×N×K), the cells (rnn, gru, lstm), the families
//! (GRU, LSTM, Transformer) and the code the notes cite (seq2seq-core's functions, WebGPU limits).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The text of this language.
    pub fn tr(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The same for formatted text; each language's sentence is built only when it is chosen.
    pub fn tr_with(self, zh: impl FnOnce() -> String, en: impl FnOnce() -> String) -> String {
        match self {
            Lang::Zh => zh(),
            Lang::En => en(),
        }
    }
}

/// How a run's GPU times were taken, in either language (the Markdown's English is the same
/// as before the page became bilingual).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Timer {
    /// WebGPU/wgpu timestamp queries written around each sample's work.
    Timestamps { period_ns: f32 },
    /// No `TIMESTAMP_QUERY` on the adapter: wall clock around submit and wait.
    #[default]
    WallClock,
    /// No GPU at all: the CPU's wall clock (`performance.now()` in a page).
    CpuOnly,
}

impl Timer {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Timer::Timestamps { period_ns } => lang.tr_with(
                || format!("GPU 时间戳查询（周期 {period_ns} ns）"),
                || format!("timestamp queries (period {period_ns} ns)"),
            ),
            Timer::WallClock => lang
                .tr(
                    "适配器不支持 TIMESTAMP_QUERY：用挂钟计时（提交到完成）",
                    "no TIMESTAMP_QUERY on this adapter: wall clock around submit + wait",
                )
                .to_owned(),
            Timer::CpuOnly => lang
                .tr(
                    "没有 GPU：CPU 挂钟（performance.now()）",
                    "no GPU: CPU wall clock (performance.now())",
                )
                .to_owned(),
        }
    }
}
