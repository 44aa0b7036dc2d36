//! Sequential vs parallel (`?view=parallel`): the article's "RNN 是一个时序一步一步计算的过程，
//! 比较难以并行". Every family's encoder of the current direction (shipped widths and doubled)
//! runs over T = 8 … `tmax` source tokens on this browser's GPU and CPU; the page draws the
//! dependent steps of each pass (counted on seq2seq-core's `DepthBackend`) and the time, and says
//! what the numbers show on this device. Runs only when the reader presses Run.

mod chart;
mod findings;
mod results;

use seq2seq_core::sequential::LENGTHS;
use yew::prelude::*;

use crate::components::ViewIntro;
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::{BackendKind, ParallelRequest, Request};
use crate::route::{Direction, Family, MAX_PARALLEL_TMAX, MIN_PARALLEL_TMAX};

use results::ParallelResults;

/// The lengths of a run: the sweep's lengths up to `tmax`.
pub fn lengths(tmax: usize) -> Vec<usize> {
    LENGTHS.into_iter().filter(|&t| t <= tmax).collect()
}

/// Every family of `direction`, on the GPU (when there is one) and the CPU.
pub fn parallel_request(direction: Direction, tmax: usize, gpu: bool) -> ParallelRequest {
    ParallelRequest {
        model_ids: Family::ALL.iter().map(|f| f.model_id(direction)).collect(),
        lengths: lengths(tmax),
        backends: if gpu {
            vec![BackendKind::Gpu, BackendKind::Cpu]
        } else {
            vec![BackendKind::Cpu]
        },
    }
}

#[function_component]
pub fn Parallel() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let run = &app.state.parallel;
    let gpu = app
        .state
        .backends
        .as_ref()
        .is_some_and(|b| b.gpu_unavailable.is_none());
    let probed = app.state.backends.is_some();
    let run_lengths = lengths(url.parallel_tmax);
    let on_tmax = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(t) = select.value().parse::<usize>() {
                app.update_url(false, |u| {
                    u.parallel_tmax = t.clamp(MIN_PARALLEL_TMAX, MAX_PARALLEL_TMAX)
                });
            }
        })
    };
    let on_run = {
        let app = app.clone();
        let request = parallel_request(url.direction, url.parallel_tmax, gpu);
        Callback::from(move |_: MouseEvent| {
            app.request(Request::Parallel(request.clone()));
        })
    };
    let on_stop = {
        let app = app.clone();
        let job = run.job;
        Callback::from(move |_: MouseEvent| {
            app.request(Request::Cancel { job });
        })
    };
    let options = LENGTHS.iter().filter(|&&t| t >= 32).map(|&t| {
        html! { <option value={t.to_string()} selected={t == url.parallel_tmax}>{ t }</option> }
    });
    let progress = run
        .progress
        .as_ref()
        .filter(|_| run.running)
        .map(|progress| html! { <crate::components::RunProgress id="parallel-progress" progress={progress.clone()} /> });
    let state = if run.running {
        "running"
    } else if !probed {
        // The backends are still being probed: Run is disabled until then.
        "loading"
    } else if run.failure.is_some() {
        "failed"
    } else if !run.result.is_empty() {
        "done"
    } else {
        "idle"
    };
    html! {
        <div class="parallel-view">
            <ViewIntro>
                <p>{ tr(lang,
                    "文章说：RNN 是一个时序一步一步计算的过程，比较难以并行——h_t 要等 h_(t−1) 算完。自注意力在一次运算里让每个位置看所有位置，所以一层里没有这种先后依赖。",
                    "The article: an RNN computes step by step and is hard to parallelise — h_t has to wait for h_(t−1). Self-attention lets every position look at every other in one operation, so a layer has no such chain.") }</p>
                <p>{ tr(lang,
                    "这里用真实的编码器代码（随机权重，发布的宽度和加倍的宽度）编码 T 个词元：数出必须一个接一个完成的步骤（依赖链长度），并在你的 GPU 和 CPU 上计时。",
                    "Here the real encoder code (random weights, at the shipped widths and doubled) encodes T tokens: we count the steps that must happen one after another (the dependency chain), and time the pass on your GPU and CPU.") }</p>
            </ViewIntro>
            <section class="card parallel-run" id="parallel-run" data-state={state}>
                <div class="row parallel-controls">
                    <label>{ tr(lang, "T 最大到 ", "T up to ") }
                        <select id="parallel-tmax" onchange={on_tmax} disabled={run.running}>{ for options }</select>
                    </label>
                    <button class="primary" id="parallel-run-button" onclick={on_run} disabled={run.running || !probed}>
                        { if run.running { tr(lang, "运行中…", "Running…") } else { tr(lang, "运行", "Run") } }
                    </button>
                    if run.running {
                        <button class="small" id="parallel-stop" onclick={on_stop}>{ tr(lang, "停止", "Stop") }</button>
                    }
                    <span class="muted small">{ tr_owned(lang,
                        format!("T = {run_lengths:?}；{}", if gpu { "GPU 与 CPU" } else { "只有 CPU（这个浏览器没有可用的 WebGPU）" }),
                        format!("T = {run_lengths:?}; {}", if gpu { "GPU and CPU" } else { "CPU only (no usable WebGPU in this browser)" })) }</span>
                </div>
                { for progress }
                if let Some(f) = &run.failure {
                    <crate::components::FailureNote failure={f.clone()} lead={("运行失败", "The run failed")} id="parallel-failure" />
                }
                if run.cancelled {
                    <p class="muted small" id="parallel-stopped">{ tr(lang, "已停止：下面是停止前完成的部分。", "Stopped: below is what finished before.") }</p>
                }
                if run.result.is_empty() && !run.running {
                    <p class="muted small">{ tr(lang,
                        "按“运行”开始（不会自动开始：软件模拟的 GPU 上长输入要跑一会儿）。",
                        "Press Run to start (it never starts by itself: long inputs take a while on an emulated GPU).") }</p>
                }
            </section>
            if !run.result.is_empty() {
                <ParallelResults rows={run.result.clone()} software={app.state.backends.as_ref().is_some_and(|b| b.gpu_software)} />
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_every_family_and_the_lengths_up_to_tmax() {
        let r = parallel_request(Direction::ZhEn, 64, false);
        assert_eq!(r.model_ids.len(), 5);
        assert!(r.model_ids.iter().all(|id| id.ends_with("zh-en")));
        assert_eq!(r.lengths, vec![8, 16, 32, 64]);
        assert_eq!(r.backends, vec![BackendKind::Cpu]);
        let r = parallel_request(Direction::EnZh, 1024, true);
        assert_eq!(r.lengths.len(), LENGTHS.len());
        assert_eq!(r.backends, vec![BackendKind::Gpu, BackendKind::Cpu]);
    }
}
