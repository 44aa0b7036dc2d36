//! View 5, the FlashAttention lab: naive vs flash attention on the reader's GPU for growing N
//! (time, memory, max difference; naive stops where its N×N score matrix no longer fits one
//! storage binding), an animation of flash's key tiles with the running (m, l, o) from
//! seq2seq-core's CPU twin (`ops::flash_trace`), and α rebuilt from the saved (m, l).
//!
//! Heavy runs never start by themselves: the reader presses "run". State in the URL: `n` (the
//! largest N), `causal`, `step` (the animation's tile).

mod chart;
mod tiles;

use yew::prelude::*;

use crate::components::ViewIntro;
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::{FlashLabRequest, FlashLabRow, Request};
use crate::route::MAX_LAB_N;
use crate::state::JobKind;

pub use tiles::{RebuildPanel, TileAnimation};

/// Heads and head dimension of the lab (batch 1).
pub const LAB_HEADS: usize = 4;
pub const LAB_HEAD_DIM: usize = 64;
/// The smallest N of a run.
const FIRST_N: usize = 128;
/// The choices of the "N up to" selector.
const N_CHOICES: [usize; 8] = [256, 512, 1024, 2048, 4096, 8192, 16384, 128];

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

/// Bytes in binary units (the limits are powers of two).
pub fn fmt_bytes(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64)
    } else if b >= 1 << 20 {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", b as f64 / 1024.0)
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

/// The GPU lab: controls, progress, the table and the chart.
#[function_component]
fn LabPanel() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let run = &app.state.flash_lab;
    let no_gpu = app
        .state
        .backends
        .as_ref()
        .and_then(|b| b.gpu_unavailable.clone());
    let software = app.state.backends.as_ref().is_some_and(|b| b.gpu_software);
    // The request of the rows on screen (the job that produced them).
    let shown = match app.state.jobs.get(&run.job) {
        Some(JobKind::FlashLab(r)) => Some(r.clone()),
        _ => None,
    };

    let on_n = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = select.value().parse::<usize>() {
                app.update_url(false, |u| u.lab_n = n.clamp(1, MAX_LAB_N));
            }
        })
    };
    let on_causal = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let checked = input.checked();
            app.update_url(false, |u| u.lab_causal = checked);
        })
    };
    let on_run = {
        let app = app.clone();
        let (n, causal) = (url.lab_n, url.lab_causal);
        Callback::from(move |_| {
            app.request(Request::FlashLab(lab_request(n, causal)));
        })
    };
    let on_stop = {
        let app = app.clone();
        let job = run.job;
        Callback::from(move |_| {
            app.request(Request::Cancel { job });
        })
    };
    let mut choices: Vec<usize> = N_CHOICES.to_vec();
    if !choices.contains(&url.lab_n) {
        choices.push(url.lab_n);
    }
    choices.sort_unstable();
    let options = choices.iter().map(|&n| {
        html! { <option value={n.to_string()} selected={n == url.lab_n}>{ n }</option> }
    });
    let lengths = lab_lengths(url.lab_n);

    let progress = run
        .progress
        .as_ref()
        .filter(|_| run.running)
        .map(|(done, total, label)| {
            html! {
                <div class="download" role="status" id="flash-progress">
                    <progress max={total.to_string()} value={done.to_string()}></progress>
                    <span class="muted small">{ format!("{done}/{total} · {label}") }</span>
                </div>
            }
        });
    let failure = run.failure.as_ref().map(|f| {
        html! {
            <p class="failure" role="alert" id="flash-failure">
                { tr(lang, "实验失败：", "The lab failed: ") }{ f.message.clone() }
            </p>
        }
    });
    let no_gpu_note = no_gpu.as_ref().map(|why| {
        html! {
            <p class="notice flash-no-gpu" role="status" id="flash-no-webgpu">
                <strong>{ tr(lang, "这个实验需要 WebGPU。", "This lab needs WebGPU.") }</strong>
                { " " }{ tr(lang, "本浏览器没有可用的 WebGPU：", "This browser offers none: ") }{ why.get(lang).to_owned() }
                { " " }{ tr(lang, "下面的逐块动画和 α 重建在 CPU 上计算，照常可用。", "The tile animation and the α rebuild below run on the CPU and work as usual.") }
            </p>
        }
    });
    let slow_note = (software && url.lab_n > 1024 && no_gpu.is_none()).then(|| {
        html! {
            <p class="hint small">{ tr(lang,
                "提示：你的 WebGPU 是软件模拟的（很慢），N > 1024 可能要跑好几分钟。",
                "Note: your WebGPU adapter is emulated in software (slow): N above 1024 can take minutes.") }</p>
        }
    });

    let rows = &run.result;
    let table_rows = rows.iter().map(|r| row_html(lang, r));
    let errors = rows.iter().filter_map(|r| {
        let e = r.naive_error.as_ref().map(|e| (tr(lang, "朴素", "naive"), e)).into_iter()
            .chain(r.flash_error.as_ref().map(|e| ("flash", e)));
        let items: Vec<Html> = e.map(|(which, msg)| html! {
            <li data-n={r.n.to_string()}>{ format!("N = {} · {which}: ", r.n) }<code>{ msg.clone() }</code></li>
        }).collect();
        (!items.is_empty()).then(|| html! { <>{ for items }</> })
    }).collect::<Vec<_>>();
    let about = rows.last().map(|r| {
        html! {
            <p class="muted small" id="flash-device">
                { tr_owned(lang,
                    format!("设备：{}。计时：{}，每个 N 取 3 次的中位数（先热身 1 次）。maxStorageBufferBindingSize = {}：{} 个头时，朴素注意力最大只能到 N = {}。",
                        r.device, timer_name(lang, &r.timer), fmt_bytes(r.binding_limit), LAB_HEADS, r.naive_max_n),
                    format!("Device: {}. Timer: {}, median of 3 samples per N (after 1 warm-up). maxStorageBufferBindingSize = {}: with {} heads naive attention fits up to N = {}.",
                        r.device, timer_name(lang, &r.timer), fmt_bytes(r.binding_limit), LAB_HEADS, r.naive_max_n)) }
            </p>
        }
    });
    let caption = shown.as_ref().map(|r| {
        tr_owned(
            lang,
            format!(
                "batch 1 · {} 头 × d = {} · {} · N = {}",
                r.heads,
                r.head_dim,
                if r.causal {
                    "因果掩码"
                } else {
                    "无掩码"
                },
                r.lengths
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "batch 1 · {} heads × d = {} · {} · N = {}",
                r.heads,
                r.head_dim,
                if r.causal { "causal" } else { "not causal" },
                r.lengths
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    });

    html! {
        <section class="card flash-lab" id="flash-lab"
                 data-state={if run.running { "running" } else if run.failure.is_some() { "failed" } else if !rows.is_empty() { "done" } else { "idle" }}>
            <h3>{ tr(lang, "在你的 GPU 上：朴素 vs Flash", "On your GPU: naive vs flash") }</h3>
            { for no_gpu_note }
            <div class="row flash-controls">
                <label>{ tr(lang, "N 最大到 ", "N up to ") }
                    <select id="flash-n" onchange={on_n} disabled={run.running}>{ for options }</select>
                </label>
                <label class="flash-check">
                    <input type="checkbox" id="flash-causal" checked={url.lab_causal} onchange={on_causal} disabled={run.running} />
                    { tr(lang, " 因果掩码", " causal mask") }
                </label>
                <button class="primary" id="flash-run" onclick={on_run} disabled={run.running || no_gpu.is_some()}>
                    { if run.running { tr(lang, "运行中…", "Running…") } else { tr(lang, "运行", "Run") } }
                </button>
                if run.running {
                    <button class="small" id="flash-stop" onclick={on_stop}>{ tr(lang, "停止", "Stop") }</button>
                }
                if run.cancelled {
                    <span class="muted small" id="flash-stopped">{ tr(lang, "已停止：下面是停止前完成的 N。", "Stopped: below are the N that finished before.") }</span>
                }
                <span class="muted small">{ tr_owned(lang,
                    format!("{} 头 × d = {}，N = {}", LAB_HEADS, LAB_HEAD_DIM, lengths.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")),
                    format!("{} heads × d = {}, N = {}", LAB_HEADS, LAB_HEAD_DIM, lengths.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "))) }</span>
            </div>
            { for slow_note }
            { for progress }
            { for failure }
            if !rows.is_empty() {
                if let Some(caption) = caption { <p class="caption">{ caption }</p> }
                <div class="scroll-x">
                    <table class="flash-table" id="flash-table">
                        <thead><tr>
                            <th scope="col">{ "N" }</th>
                            <th scope="col">{ tr(lang, "朴素 时间", "naive time") }</th>
                            <th scope="col">{ tr(lang, "Flash 时间", "flash time") }</th>
                            <th scope="col">{ tr(lang, "朴素 / Flash", "naive / flash") }</th>
                            <th scope="col">{ tr(lang, "朴素 显存", "naive memory") }</th>
                            <th scope="col">{ tr(lang, "Flash 显存", "flash memory") }</th>
                            <th scope="col">{ "max |flash − naive|" }</th>
                            <th scope="col">{ tr(lang, "max |flash − CPU|", "max |flash − CPU|") }</th>
                        </tr></thead>
                        <tbody>{ for table_rows }</tbody>
                    </table>
                </div>
                if !errors.is_empty() {
                    <ul class="flash-errors small" id="flash-errors">{ for errors }</ul>
                }
                <chart::LabChart rows={rows.clone()} />
                { for about }
            } else if !run.running {
                <p class="muted small">{ tr(lang,
                    "按“运行”开始（不会自动开始：大的 N 在慢设备上要跑一会儿）。",
                    "Press Run to start (it never starts by itself: large N take a while on slow devices).") }</p>
            }
        </section>
    }
}

fn timer_name(lang: crate::route::UiLang, timer: &str) -> String {
    if timer.contains("timestamp") {
        tr(lang, "GPU 时间戳查询", "GPU timestamp queries").to_owned()
    } else {
        tr(
            lang,
            "墙钟时间（提交到读回）",
            "wall clock (submit to read-back)",
        )
        .to_owned()
    }
}

fn row_html(lang: crate::route::UiLang, r: &FlashLabRow) -> Html {
    let time = |ms: Option<f64>, err: &Option<String>, class: &'static str| match (ms, err) {
        (Some(ms), _) => html! { <td class={class} data-ms={ms.to_string()}>{ fmt_ms(ms) }</td> },
        (None, Some(e)) => html! {
            <td class={classes!(class, "lab-error")} title={e.clone()} data-error="1">
                { if e.contains("maxStorageBufferBindingSize") { tr(lang, "✗ 超出绑定上限", "✗ over the binding limit") } else { tr(lang, "✗ 失败", "✗ failed") } }
            </td>
        },
        (None, None) => html! { <td class={class}>{ "—" }</td> },
    };
    let speedup = match (r.naive_ms, r.flash_ms) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".into(),
    };
    let diff = |d: Option<f32>, class: &'static str| match d {
        Some(d) => {
            html! { <td class={class} data-value={d.to_string()}>{ format!("{d:.1e}") }</td> }
        }
        None => html! { <td class={class}>{ "—" }</td> },
    };
    html! {
        <tr data-n={r.n.to_string()}>
            <th scope="row">{ r.n }</th>
            { time(r.naive_ms, &r.naive_error, "naive-ms") }
            { time(r.flash_ms, &r.flash_error, "flash-ms") }
            <td>{ speedup }</td>
            <td class={classes!("naive-bytes", r.naive_error.is_some().then_some("muted"))} data-bytes={r.naive_bytes.to_string()}>{ fmt_bytes(r.naive_bytes) }</td>
            <td class="flash-bytes" data-bytes={r.flash_bytes.to_string()}>{ fmt_bytes(r.flash_bytes) }</td>
            { diff(r.max_diff, "max-diff") }
            { diff(r.cpu_diff, "cpu-diff") }
        </tr>
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
