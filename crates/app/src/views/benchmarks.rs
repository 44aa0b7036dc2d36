//! View 6, Benchmarks: the kernel benchmark suite of seq2seq-gpu run in the reader's browser
//! (tiled vs naive matmul, flash vs naive attention, GPU vs CPU), with the device named, the
//! ratios the project reports picked out, and an honest word when the GPU is emulated in
//! software. Never starts by itself: the reader presses "run". Without WebGPU the same
//! operations are timed on the CPU (WebAssembly) instead, and the page says so. How long a run
//! takes is measured, not promised: the progress line extrapolates from the finished items, and
//! the last run's total on this device is shown beside the buttons.

mod clock;
mod device;
mod last_run;
mod progress;
mod results;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use seq2seq_gpu::measure::now_ms;

use crate::components::ViewIntro;
use crate::context::use_app;
use crate::export::save_text;
use crate::i18n::tr;
use crate::protocol::Request;

use device::DeviceNote;
use progress::BenchProgress;
use results::Results;

#[function_component]
pub fn Benchmarks() -> Html {
    let app = use_app();
    let lang = app.lang();
    let bench = app.state.bench.clone();
    let backends = app.state.backends.clone();
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

    // A full run that finished: remember its total time on this device (for the size set the
    // clock says was started here).
    // Then render again, to show it.
    {
        let result = bench.result.clone();
        let tick = tick.clone();
        use_effect_with(result, move |result| {
            if let (Some(report), Some(clock)) = (result, clock::current()) {
                if !report.stopped {
                    last_run::save(clock.quick, report.cpu_only, report.millis);
                    tick.set(tick.wrapping_add(1));
                }
            }
        });
    }

    let run = |quick: bool| {
        let app = app.clone();
        Callback::from(move |_| {
            clock::start(quick, now_ms());
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

    let device = html! { <DeviceNote backends={backends.clone()} {lang} /> };

    let has_gpu = backends.as_ref().is_some_and(|b| b.gpu_adapter.is_some());
    let progress = bench.running.then(|| {
        html! { <BenchProgress {lang} progress={bench.progress.clone()} gpu={has_gpu} now_ms={now_ms()} /> }
    });
    let last = |quick: bool| {
        last_run::load(quick, !has_gpu).map(|ms| {
            let id = if quick { "bench-last" } else { "bench-last-larger" };
            html! { <span class="muted small" {id} data-ms={format!("{ms:.0}")}>{ last_run::text(lang, ms) }</span> }
        })
    };

    let failure = bench.failure.as_ref().map(|f| {
        html! { <crate::components::FailureNote failure={f.clone()} lead={("性能测试失败", "The benchmark failed")} /> }
    });
    let stopped = bench.cancelled.then(|| {
        let kept = bench.result.as_ref().is_some_and(|r| r.stopped);
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

    let results = bench.result.clone().map(|report| {
        let save = {
            let report = report.clone();
            Callback::from(move |()| {
                save_text(
                    &report.to_markdown(),
                    "text/markdown;charset=utf-8",
                    "seq2seq-benchmark.md",
                )
            })
        };
        html! { <Results {report} {lang} on_save={save} /> }
    });

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
                        { if has_gpu { tr(lang, "运行性能测试", "Run the benchmark") } else { tr(lang, "在 CPU 上运行", "Run on the CPU") } }
                    </button>
                    { for last(true) }
                    <button class="small" id="bench-run-larger" onclick={run(false)} disabled={bench.running || backends.is_none()}>
                        { tr(lang, "更大的尺寸", "Larger sizes") }
                    </button>
                    { for last(false) }
                    if bench.running {
                        <button class="small" id="bench-stop" onclick={stop}>{ tr(lang, "停止（当前这项测完后）", "Stop (after the current measurement)") }</button>
                    }
                </div>
                { for progress }
                { for failure }
                { for stopped }
            </section>
            { for results }
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
