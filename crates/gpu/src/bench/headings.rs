//! What a [`Table`] says about itself, in either language: its title, the note under it and its
//! column names. The rows' text is in `display.rs`.

use super::lang::Lang;
use super::naive_max_n;
use super::table::{Table, ATTENTION_HEADS, ATTENTION_HEAD_DIM};
use crate::measure::fmt_bytes;

/// A column; `ratio` marks a ratio measured in the same run (what survives a noisy machine).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub ratio: bool,
}

impl Table {
    pub fn title(&self, lang: Lang) -> String {
        let (heads, d) = (ATTENTION_HEADS, ATTENTION_HEAD_DIM);
        match self {
            Table::Matmul { .. } => lang
                .tr(
                    "方阵矩阵乘法 C = A·B（32 位浮点）",
                    "Matmul, square, C = A·B (fp32)",
                )
                .into(),
            Table::Linear { .. } => lang
                .tr(
                    "模型线性层形状的矩阵乘法 y = x·Wᵀ + b",
                    "Matmul at the models' Linear shapes, y = x·Wᵀ + b",
                )
                .into(),
            Table::Attention { causal, .. } => lang.tr_with(
                || {
                    let mask = if *causal { "因果" } else { "非因果" };
                    format!("注意力，{heads} 个头，d = {d}，{mask}")
                },
                || {
                    let mask = if *causal { "causal" } else { "not causal" };
                    format!("Attention, {heads} heads, d = {d}, {mask}")
                },
            ),
            Table::Cells { .. } => lang
                .tr(
                    "循环编码器一遍：T 个融合的单元步，一次提交（输入维度 = H）",
                    "Recurrent encoder pass: T fused cell steps in one submission (input size = H)",
                )
                .into(),
            Table::CpuMatmul { .. } => lang
                .tr(
                    "方阵矩阵乘法 C = A·B（32 位浮点），仅 CPU",
                    "Matmul, square, C = A·B (fp32), CPU only",
                )
                .into(),
            Table::CpuAttention { .. } => lang.tr_with(
                || format!("注意力，{heads} 个头，d = {d}，仅 CPU"),
                || format!("Attention, {heads} heads, d = {d}, CPU only"),
            ),
            Table::CpuCells { .. } => lang
                .tr(
                    "循环编码器一遍：T 个单元步（输入维度 = H），仅 CPU",
                    "Recurrent encoder pass: T cell steps (input size = H), CPU only",
                )
                .into(),
        }
    }

    pub fn note(&self, lang: Lang) -> String {
        match self {
            Table::Matmul { .. } => lang.tr(
                "时间单位 ms，中位数 / 最小值；GFLOP/s = 2·M·N·K / 中位数。CPU：seq2seq-core 的分块矩阵乘法，单线程。",
                "times in ms, median / min; GFLOP/s = 2·M·N·K / median. CPU: seq2seq-core's blocked matmul, one thread.",
            ).into(),
            Table::Linear { .. } => lang.tr(
                "W 按 PyTorch 的布局 [N, K]。“GPU 路径”是 GpuBackend::linear 的选择：M ≤ 8 时用矩阵向量内核，否则用分块内核（B 转置，融合偏置）。",
                "W in PyTorch layout [N, K]. \"GPU path\" is what GpuBackend::linear picks: the matrix–vector kernel for M ≤ 8, the tiled kernel (transposed B, fused bias) otherwise.",
            ).into(),
            Table::Attention { binding_limit, cpu_max_n, .. } => {
                let limit = fmt_bytes(*binding_limit);
                let batch1 = naive_max_n(*binding_limit, ATTENTION_HEADS);
                let batch8 = naive_max_n(*binding_limit, 8 * ATTENTION_HEADS);
                let heads = ATTENTION_HEADS;
                lang.tr_with(
                    || format!("显存 = 该方法分配的缓冲区（q、k、v、输出，再加 Flash 的 (m, l) 或朴素的两个 N×N 矩阵）。分数矩阵超过 maxStorageBufferBindingSize（{limit}）时朴素方法被拒绝：在这台设备上，朴素方法能运行的最大 N 在批大小 1 时为 {batch1}，批大小 8 时为 {batch8}（{heads} 个头）；Flash 只需 O(N) 显存。CPU：seq2seq-core 的 scaled_dot_product_attention；N 超过 {cpu_max_n} 时只抽取 16 行查询与它比对。"),
                    || format!("memory = buffers the method allocates (q, k, v, output, + flash's (m, l) or naive's two N×N matrices). Naive is refused when its score matrix exceeds maxStorageBufferBindingSize ({limit}): on this device the largest N naive can run is {batch1} at batch 1 and {batch8} at batch 8 ({heads} heads); flash needs O(N) memory. CPU: seq2seq-core's scaled_dot_product_attention; above N = {cpu_max_n} only 16 sampled query rows are checked against it."),
                )
            }
            Table::Cells { .. } => lang.tr(
                "GPU：rnn_cell / gru_cell / lstm_cell 的 T 次调度录入同一个命令编码器，一次提交；CPU：seq2seq-core 的 rnn_step / gru_step / lstm_step 调用 T 次。",
                "GPU: T dispatches of rnn_cell / gru_cell / lstm_cell recorded into one command encoder and submitted once; CPU: T calls of seq2seq-core's rnn_step / gru_step / lstm_step.",
            ).into(),
            Table::CpuMatmul { .. } => lang.tr(
                "seq2seq-core 的分块矩阵乘法，在这个 WebAssembly 构建里单线程运行；时间单位 ms，中位数 / 最小值。",
                "seq2seq-core's blocked matmul in this WebAssembly build, one thread; times in ms, median / min.",
            ).into(),
            Table::CpuAttention { .. } => lang.tr(
                "seq2seq-core 的 scaled_dot_product_attention（朴素形式：整个 N×N 分数矩阵），批大小 1。",
                "seq2seq-core's scaled_dot_product_attention (the naive form: the whole N×N score matrix), batch 1.",
            ).into(),
            Table::CpuCells { .. } => lang.tr(
                "seq2seq-core 的 rnn_step / gru_step / lstm_step 调用 T 次。",
                "T calls of seq2seq-core's rnn_step / gru_step / lstm_step.",
            ).into(),
        }
    }

    pub fn columns(&self, lang: Lang) -> Vec<Column> {
        let col = |zh, en| Column {
            name: lang.tr(zh, en),
            ratio: false,
        };
        let ratio_col = |zh, en| Column {
            name: lang.tr(zh, en),
            ratio: true,
        };
        let max_diff = || col("最大 |差|", "max |diff|");
        match self {
            Table::Matmul { .. } => vec![
                col("M=N=K", "M=N=K"),
                col("分块 ms", "tiled ms"),
                col("分块 GFLOP/s", "tiled GFLOP/s"),
                col("峰值占比", "% of peak"),
                col("朴素 ms", "naive ms"),
                col("朴素 GFLOP/s", "naive GFLOP/s"),
                ratio_col("分块 / 朴素", "tiled / naive"),
                col("CPU ms", "CPU ms"),
                ratio_col("GPU（分块）对比 CPU", "GPU (tiled) vs CPU"),
                max_diff(),
            ],
            Table::Linear { .. } => vec![
                col("层", "layer"),
                col("M×N×K", "M×N×K"),
                col("GPU 路径", "GPU path"),
                col("路径 ms", "path ms"),
                col("路径 GFLOP/s", "path GFLOP/s"),
                col("分块 ms", "tiled ms"),
                col("朴素 ms", "naive ms"),
                ratio_col("路径 / 朴素", "path / naive"),
                col("CPU ms", "CPU ms"),
                ratio_col("GPU 对比 CPU", "GPU vs CPU"),
                max_diff(),
            ],
            Table::Attention { .. } => vec![
                col("批大小", "batch"),
                col("N", "N"),
                col("Flash ms", "flash ms"),
                col("Flash 显存", "flash memory"),
                col("朴素 ms", "naive ms"),
                col("朴素显存", "naive memory"),
                ratio_col("Flash / 朴素加速比", "flash / naive speed-up"),
                col("CPU ms", "CPU ms"),
                ratio_col("Flash 对比 CPU", "flash vs CPU"),
                col("最大 |差| Flash / 朴素", "max |diff| flash / naive"),
            ],
            Table::Cells { .. } => vec![
                col("单元", "cell"),
                col("H", "H"),
                col("T", "T"),
                col("批大小", "batch"),
                col("GPU ms", "GPU ms"),
                col("GFLOP/s", "GFLOP/s"),
                col("CPU ms", "CPU ms"),
                ratio_col("GPU 对比 CPU", "GPU vs CPU"),
                col("最大 |差| h", "max |diff| h"),
            ],
            Table::CpuMatmul { .. } => vec![
                col("M=N=K", "M=N=K"),
                col("CPU ms", "CPU ms"),
                col("CPU GFLOP/s", "CPU GFLOP/s"),
            ],
            Table::CpuAttention { .. } => vec![
                col("N", "N"),
                col("因果", "causal"),
                col("CPU ms", "CPU ms"),
                col("CPU GFLOP/s", "CPU GFLOP/s"),
            ],
            Table::CpuCells { .. } => vec![
                col("单元", "cell"),
                col("H", "H"),
                col("T", "T"),
                col("批大小", "batch"),
                col("CPU ms", "CPU ms"),
                col("CPU GFLOP/s", "CPU GFLOP/s"),
            ],
        }
    }
}
