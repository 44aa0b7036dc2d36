//! View 5, the FlashAttention lab: naive vs flash attention on the reader's GPU for growing N
//! (time, memory, max difference; naive stops where its N×N score matrix no longer fits one
//! storage binding), an animation of flash's key tiles with the running (m, l, o) from
//! seq2seq-core's CPU twin (`ops::flash_trace`), and α rebuilt from the saved (m, l).
//!
//! Heavy runs never start by themselves: the reader presses "run". State in the URL: `n` (the
//! largest N), `causal`, `step` (the animation's tile).

mod chart;
mod emulated;
mod lab;
mod table;
mod tiles;

use yew::prelude::*;

use crate::components::ViewIntro;
use crate::context::use_app;
use crate::i18n::tr;
use crate::protocol::FlashLabRequest;

use lab::LabPanel;
pub use tiles::{RebuildPanel, TileAnimation};

/// Heads and head dimension of the lab (batch 1).
pub const LAB_HEADS: usize = 4;
pub const LAB_HEAD_DIM: usize = 64;
/// The smallest N of a run.
const FIRST_N: usize = 128;
/// The choices of the "N up to" selector.
const N_CHOICES: [usize; 8] = [256, 512, 1024, 2048, 4096, 8192, 16384, 128];

/// The lab's largest N when the URL names none, from the adapter: a real GPU runs N = 2048 in well
/// under a second, a software one (SwiftShader, lavapipe; `gpu_software`, None while not probed)
/// takes minutes beyond N = 1024 (BENCHMARKS.md), so it starts at 512.
pub fn default_lab_n(gpu_software: Option<bool>) -> usize {
    match gpu_software {
        Some(false) => 2048,
        _ => 512,
    }
}

/// N = 128, 256, … below `lab_n`, then `lab_n` itself.
pub fn lab_lengths(lab_n: usize) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut n = FIRST_N;
    while n < lab_n {
        lengths.push(n);
        n *= 2;
    }
    lengths.push(lab_n.max(1));
    lengths
}

fn lab_request(lab_n: usize, causal: bool) -> FlashLabRequest {
    FlashLabRequest {
        lengths: lab_lengths(lab_n),
        heads: LAB_HEADS,
        head_dim: LAB_HEAD_DIM,
        causal,
    }
}

/// "1.23 ms", with more digits for small times.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

#[function_component]
pub fn FlashLab() -> Html {
    let app = use_app();
    let lang = app.lang();
    html! {
        <div class="flash-view">
            <ViewIntro>
                <p>{ tr(lang,
                    "朴素注意力先算出完整的 N×N 分数矩阵，再做 softmax、乘 V；FlashAttention 把键分成小块（tile），边读边用“在线 softmax”更新每行的最大值 m、和 l 与输出 o，从不存下 N×N 矩阵，所以显存随 N 线性增长。",
                    "Naive attention computes the whole N×N score matrix, then softmax, then multiplies by V. FlashAttention walks over the keys in tiles and updates each row's running maximum m, sum l and output o with an online softmax: it never stores the N×N matrix, so its memory grows linearly in N.") }</p>
                <p>{ tr(lang,
                    "下面：在你的 GPU 上比较两者；逐块动画展示 m、l、o 如何更新；最后看 α 为什么要用保存的 (m, l) 重新计算。",
                    "Below: both on your GPU; an animation of the tiles with m, l and o; and why α has to be rebuilt from the saved (m, l).") }</p>
            </ViewIntro>
            <LabPanel />
            <TileAnimation />
            <RebuildPanel />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::lab_lengths;

    #[test]
    fn lengths_double_up_to_the_limit() {
        assert_eq!(lab_lengths(512), vec![128, 256, 512]);
        assert_eq!(lab_lengths(3000), vec![128, 256, 512, 1024, 2048, 3000]);
        assert_eq!(lab_lengths(100), vec![100]);
        assert_eq!(lab_lengths(128), vec![128]);
    }
}
