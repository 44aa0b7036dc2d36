//! View 6, Benchmarks: the kernel benchmark suite of seq2seq-gpu run in the reader's browser
//! (tiled vs naive matmul, flash vs naive attention, GPU vs CPU), with the device named, the
//! ratios the project reports picked out, and an honest word when the GPU is emulated in
//! software. Never starts by itself: the reader presses "run". Without WebGPU the same
//! operations are timed on the CPU (WebAssembly) instead, and the page says so.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::ViewIntro;
use crate::context::use_app;
use crate::i18n::{millis, tr, tr_owned};
use crate::protocol::{BenchTable, BenchTables, Request};
use crate::route::UiLang;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Save `text` as a file (the Markdown report).
fn save_text(text: &str, filename: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/markdown;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = doc.create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A cell of `Report::to_markdown`: `**x**` marks what the suite wants noticed.
fn cell(text: &str) -> Html {
    match text.strip_prefix("**").and_then(|t| t.split_once("**")) {
        Some((bold, rest)) => {
            html! { <><strong>{ bold.to_owned() }</strong>{ rest.to_owned() }</> }
        }
        None => html! { { text.to_owned() } },
    }
}

/// Columns that hold a ratio measured in the same run.
fn is_ratio(header: &str) -> bool {
    header.contains(" / naive") || header.contains("vs CPU") || header.contains("speed-up")
}

fn table_kind(t: &BenchTable) -> &'static str {
    let title = t.title.to_lowercase();
    if title.starts_with("matmul, square") {
        "matmul"
    } else if title.starts_with("matmul at") {
        "linear"
    } else if title.starts_with("attention") {
        "attention"
    } else {
        "cells"
    }
}

/// One highlighted ratio: what, at which size, the value as the suite wrote it.
struct Highlight {
    what: String,
    at: String,
    value: String,
}

fn column(t: &BenchTable, name: &str) -> Option<usize> {
    t.header.iter().position(|h| h == name)
}

/// The ratios the project reports, from the last (largest) row of each table.
fn highlights(lang: UiLang, report: &BenchTables) -> Vec<Highlight> {
    let mut out = Vec::new();
    let mut add = |t: &BenchTable, size_cols: &[&str], col: &str, what: String| {
        let (Some(c), Some(row)) = (column(t, col), t.rows.last()) else {
            return;
        };
        let at = size_cols
            .iter()
            .filter_map(|s| column(t, s).map(|i| format!("{s} = {}", row[i])))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Highlight {
            what,
            at,
            value: row[c].replace("**", ""),
        });
    };
    for t in &report.tables {
        match (table_kind(t), t.title.contains("not causal")) {
            ("matmul", _) => {
                add(
                    t,
                    &["M=N=K"],
                    "tiled / naive",
                    tr(lang, "矩阵乘法：分块 vs 朴素", "Matmul: tiled vs naive").into(),
                );
                add(
                    t,
                    &["M=N=K"],
                    "GPU (tiled) vs CPU",
                    tr(lang, "矩阵乘法：GPU vs CPU", "Matmul: GPU vs CPU").into(),
                );
            }
            ("attention", true) => {
                add(
                    t,
                    &["batch", "N"],
                    "flash / naive speed-up",
                    tr(lang, "注意力：Flash vs 朴素", "Attention: flash vs naive").into(),
                );
                add(
                    t,
                    &["batch", "N"],
                    "flash vs CPU",
                    tr(lang, "注意力：GPU vs CPU", "Attention: GPU vs CPU").into(),
                );
            }
            ("cells", _) => add(
                t,
                &["cell", "H", "T", "batch"],
                "GPU vs CPU",
                tr(
                    lang,
                    "循环编码器：GPU vs CPU",
                    "Recurrent encoder: GPU vs CPU",
                )
                .into(),
            ),
            _ => {}
        }
    }
    out
}

#[derive(Properties, PartialEq)]
struct TableProps {
    table: BenchTable,
    index: usize,
}

#[function_component]
fn ResultTable(props: &TableProps) -> Html {
    let t = &props.table;
    let ratio_cols: Vec<bool> = t.header.iter().map(|h| is_ratio(h)).collect();
    let rows = t.rows.iter().map(|r| {
        html! {
            <tr>{ for r.iter().enumerate().map(|(i, c)| html! {
                <td class={classes!(ratio_cols.get(i).copied().unwrap_or(false).then_some("ratio"))}>{ cell(c) }</td>
            }) }</tr>
        }
    });
    html! {
        <section class="card bench-table" data-kind={table_kind(t)} data-index={props.index.to_string()}>
            <h3>{ t.title.clone() }</h3>
            <div class="scroll-x">
                <table>
                    <thead><tr>{ for t.header.iter().enumerate().map(|(i, h)| html! {
                        <th scope="col" class={classes!(ratio_cols[i].then_some("ratio"))}>{ h.clone() }</th>
                    }) }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if !t.note.is_empty() { <p class="muted small">{ t.note.clone() }</p> }
        </section>
    }
}

#[function_component]
pub fn Benchmarks() -> Html {
    let app = use_app();
    let lang = app.lang();
    let bench = app.state.bench.clone();
    let backends = app.state.backends.clone();
    let started = use_state(|| None::<f64>);
    let tick = use_state(|| 0u32);

    // While running: re-render every 250 ms for the elapsed-time counter.
    {
        let tick = tick.clone();
        use_effect_with(bench.running, move |&running| {
            let mut handle = None;
            let mut closure = None;
            if running {
                let cb = Closure::<dyn FnMut()>::new(move || tick.set(tick.wrapping_add(1)));
                handle = web_sys::window().and_then(|w| {
                    w.set_interval_with_callback_and_timeout_and_arguments_0(
                        cb.as_ref().unchecked_ref(),
                        250,
                    )
                    .ok()
                });
                closure = Some(cb);
            }
            move || {
                if let (Some(id), Some(w)) = (handle, web_sys::window()) {
                    w.clear_interval_with_handle(id);
                }
                drop(closure);
            }
        });
    }

    let run = |quick: bool| {
        let app = app.clone();
        let started = started.clone();
        Callback::from(move |_| {
            started.set(Some(now_ms()));
            app.request(Request::Bench { quick });
        })
    };

    let stop = {
        let app = app.clone();
        let job = bench.job;
        Callback::from(move |_| {
            app.request(Request::Cancel { job });
        })
    };

    let device = match &backends {
        None => {
            html! { <p class="muted">{ tr(lang, "正在检测 WebGPU…", "Looking for WebGPU…") }</p> }
        }
        Some(b) => match &b.gpu_adapter {
            Some(adapter) => html! {
                <>
                    <p class="bench-device" data-adapter={adapter.clone()} data-software={b.gpu_software.to_string()}>
                        <strong>{ tr(lang, "GPU 适配器：", "GPU adapter: ") }</strong>
                        if adapter.trim().is_empty() {
                            <span class="muted">{ tr(lang, "（浏览器未提供名称；运行后下方会写明设备）", "(the browser does not name it; the run below names the device)") }</span>
                        } else {
                            { adapter.clone() }
                        }
                        if b.gpu_software { <span class="badge fallback">{ tr(lang, "软件模拟", "software-emulated") }</span> }
                    </p>
                    if b.gpu_software {
                        <p class="notice bench-honest" role="note">{ tr(lang,
                            "这个适配器在 CPU 上模拟 GPU（SwiftShader / lavapipe 一类）：结果正确，但很慢，这里 CPU 通常更快。同一次运行里的比值（分块 vs 朴素、Flash vs 朴素）仍有意义；绝对时间只有在真实 GPU 上才有意义。",
                            "This adapter emulates a GPU on the CPU (SwiftShader / lavapipe kind): correct, but slow, and here the CPU usually wins. Ratios measured in the same run (tiled vs naive, flash vs naive) still mean something; absolute times only mean something on a real GPU.") }</p>
                    }
                </>
            },
            None => html! {
                <p class="notice error bench-no-gpu" role="note">
                    { tr(lang, "这个浏览器没有可用的 WebGPU，GPU 性能测试无法运行。", "This browser has no usable WebGPU, so the GPU benchmark cannot run.") }
                    { " " }
                    if let Some(why) = &b.gpu_unavailable { <span class="small">{ format!("({})", why.get(lang)) }</span> }
                    { " " }
                    { tr(lang, "“运行”会在 CPU（WebAssembly，单线程）上测同样的运算，以作对照。",
                             "“Run” times the same operations on the CPU (WebAssembly, one thread) instead.") }
                </p>
            },
        },
    };

    let progress = if bench.running {
        let elapsed = started.map_or(0.0, |s| (now_ms() - s) / 1000.0);
        let (done, total, label) = bench.progress.clone().unwrap_or((0, 1, String::new()));
        html! {
            <div class="bench-progress" role="status" aria-live="polite">
                <progress max={total.to_string()} value={done.to_string()}></progress>
                <span>{ tr_owned(lang,
                    format!("运行中：{} ({}/{}) · 已用 {elapsed:.1} 秒", label, (done + 1).min(total), total),
                    format!("Running: {} ({}/{}) · {elapsed:.1} s elapsed", label, (done + 1).min(total), total)) }</span>
            </div>
        }
    } else {
        html! {}
    };

    let failure = bench.failure.as_ref().map(|f| {
        html! { <p class="failure" role="alert">{ tr(lang, "性能测试失败：", "The benchmark failed: ") }{ f.message.clone() }</p> }
    });
    let stopped = bench.cancelled.then(|| {
        let kept = bench.result.as_ref().is_some_and(|(_, _, r)| r.stopped);
        html! {
            <p class="muted" id="bench-stopped">
                if kept {
                    { tr(lang, "已停止：下面是停止前完成的部分。", "Stopped: below is what finished before.") }
                } else {
                    { tr(lang, "已停止（还没有完成的表）。", "Stopped (no table had finished).") }
                }
            </p>
        }
    });

    let results = match &bench.result {
        None => html! {},
        Some((device, markdown, report)) => {
            let report: Rc<BenchTables> = report.clone();
            let md = markdown.clone();
            let save = Callback::from(move |_| save_text(&md, "seq2seq-benchmark.md"));
            let picks = highlights(lang, &report).into_iter().map(|h| {
                let cpu_wins = h.value.contains("CPU");
                html! {
                    <li class={classes!("highlight", cpu_wins.then_some("cpu-wins"))}>
                        <span class="what">{ h.what }</span>
                        <span class="value">{ h.value }</span>
                        <span class="muted small">{ h.at }</span>
                    </li>
                }
            });
            html! {
                <div class="bench-results" data-cpu-only={report.cpu_only.to_string()}>
                    <section class="card">
                        <p class="bench-ran-on"><strong>{ tr(lang, "运行设备：", "Ran on: ") }</strong><span class="device-name">{ device.clone() }</span></p>
                        <p class="muted small">{ tr(lang, "计时：", "Timer: ") }{ report.timer.clone() }{ " · " }{ tr(lang, "总用时 ", "total ") }{ millis(report.millis) }</p>
                        if !report.cpu_only {
                            <ul class="highlights">{ for picks }</ul>
                        }
                        if !report.cpu_only {
                            if report.failures.is_empty() {
                                <p class="small">{ tr(lang, "✓ 每个 GPU 结果都与 CPU 参考实现一致（最后一列是最大差）。", "✓ Every GPU result matched the CPU reference (max |diff| in the last column).") }</p>
                            } else {
                                <div class="failure" role="alert">
                                    <p>{ tr_owned(lang, format!("{} 个结果与 CPU 参考不一致：", report.failures.len()), format!("{} result(s) did not match the CPU reference:", report.failures.len())) }</p>
                                    <ul>{ for report.failures.iter().map(|f| html! { <li>{ f.clone() }</li> }) }</ul>
                                </div>
                            }
                        }
                        <button class="small" onclick={save}>{ tr(lang, "下载 Markdown 报告", "Download the Markdown report") }</button>
                    </section>
                    { for report.tables.iter().enumerate().map(|(i, t)| html! { <ResultTable table={t.clone()} index={i} /> }) }
                </div>
            }
        }
    };

    let has_gpu = backends.as_ref().is_some_and(|b| b.gpu_adapter.is_some());
    html! {
        <div class="bench-view" data-state={if bench.running { "running" } else if bench.failure.is_some() { "failed" } else if bench.cancelled { "stopped" } else if bench.result.is_some() { "done" } else { "idle" }}>
            <ViewIntro>
                <p>{ tr(lang,
                    "在你的浏览器里运行本项目的 GPU 内核性能测试：分块 vs 朴素矩阵乘法、FlashAttention vs 朴素注意力、GPU vs CPU。每个 GPU 结果都与 CPU 参考实现比对。",
                    "Run this project's GPU kernel benchmark in your browser: tiled vs naive matmul, FlashAttention vs naive attention, GPU vs CPU. Every GPU result is checked against the CPU reference.") }</p>
            </ViewIntro>
            <section class="card controls">
                { device }
                <div class="row">
                    <button class="primary" id="bench-run" onclick={run(true)} disabled={bench.running || backends.is_none()}>
                        { if has_gpu { tr(lang, "运行性能测试（约 1 分钟）", "Run the benchmark (about a minute)") } else { tr(lang, "在 CPU 上运行", "Run on the CPU") } }
                    </button>
                    <button class="small" id="bench-run-larger" onclick={run(false)} disabled={bench.running || backends.is_none()}>
                        { tr(lang, "更大的尺寸（软件适配器上需数分钟）", "Larger sizes (minutes on a software adapter)") }
                    </button>
                    if bench.running {
                        <button class="small" id="bench-stop" onclick={stop}>{ tr(lang, "停止（当前这项测完后）", "Stop (after the current measurement)") }</button>
                    }
                </div>
                { progress }
                { for failure }
                { for stopped }
            </section>
            { results }
            <details class="card bench-method">
                <summary>{ tr(lang, "怎么测的", "How these numbers are made") }</summary>
                <ul class="small">
                    <li>{ tr(lang, "GPU 时间：WebGPU 时间戳查询（浏览器提供时），在每个样本的录制工作前后写入；流水线在预热时建好，不计时。中位数 / 最小值，毫秒。",
                                "GPU time: WebGPU timestamp queries (where the browser exposes them) written before and after each sample's recorded work; pipelines are built during the warm-ups, outside the timed region. Median / min in ms.") }</li>
                    <li>{ tr(lang, "CPU 时间：seq2seq-core 参考函数的挂钟时间（单线程 WebAssembly）。浏览器未跨源隔离时计时器较粗，很短的 CPU 时间可能低于分辨率。",
                                "CPU time: wall clock around seq2seq-core's reference functions (one WebAssembly thread). Without cross-origin isolation the browser coarsens its clock, so very short CPU times can fall below its resolution.") }</li>
                    <li>{ tr(lang, "比值（分块 / 朴素、Flash / 朴素、GPU vs CPU）来自同一次运行，比绝对时间更经得起机器噪声。浏览器里用的是最小的尺寸集（BenchConfig::browser）。",
                                "Ratios (tiled / naive, flash / naive, GPU vs CPU) come from one run, so they survive a noisy machine better than absolute times. The browser runs the smallest size set (BenchConfig::browser).") }</li>
                    <li>{ tr(lang, "完整的方法、命令、设备与日期，以及原生（lavapipe）与浏览器（SwiftShader）的结果表，见项目源码中的 BENCHMARKS.md；命令：cargo run -p seq2seq-gpu --release --bin bench -- --quick。",
                                "The full methodology, commands, devices and dates, and the native (lavapipe) and browser (SwiftShader) tables, are in BENCHMARKS.md in the project's sources; command: cargo run -p seq2seq-gpu --release --bin bench -- --quick.") }</li>
                </ul>
            </details>
        </div>
    }
}
