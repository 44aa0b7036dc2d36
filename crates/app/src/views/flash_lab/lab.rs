//! The GPU lab: naive vs flash attention on the reader's GPU. `LabPanel` holds the state and the
//! requests; `LabControls` and `LabResults` (table.rs) only render what they are given.

use yew::prelude::*;

use super::table::LabResults;
use super::{default_lab_n, lab_lengths, lab_request, LAB_HEADS, LAB_HEAD_DIM, N_CHOICES};
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::{Bilingual, Request};
use crate::route::{UiLang, MAX_LAB_N};
use crate::state::JobKind;

/// The lab's card: controls, notes, progress, failure and results.
#[function_component]
pub fn LabPanel() -> Html {
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
    let lab_n = url
        .lab_n
        .unwrap_or_else(|| default_lab_n(app.state.backends.as_ref().map(|b| b.gpu_software)));
    // The request of the rows on screen (the job that produced them).
    let shown = match app.state.jobs.get(&run.job) {
        Some(JobKind::FlashLab(r)) => Some(r.clone()),
        _ => None,
    };

    let on_n = {
        let app = app.clone();
        Callback::from(move |n: usize| {
            app.update_url(false, |u| u.lab_n = Some(n.clamp(1, MAX_LAB_N)))
        })
    };
    let on_causal = {
        let app = app.clone();
        Callback::from(move |causal: bool| app.update_url(false, |u| u.lab_causal = causal))
    };
    let on_run = {
        let app = app.clone();
        let (n, causal) = (lab_n, url.lab_causal);
        Callback::from(move |()| {
            app.request(Request::FlashLab(lab_request(n, causal)));
        })
    };
    let on_stop = {
        let app = app.clone();
        let job = run.job;
        Callback::from(move |()| {
            app.request(Request::Cancel { job });
        })
    };

    let progress = run
        .progress
        .as_ref()
        .filter(|_| run.running)
        .map(|progress| html! { <crate::components::RunProgress id="flash-progress" progress={progress.clone()} /> });
    let failure = run.failure.as_ref().map(|f| {
        html! {
            <crate::components::FailureNote failure={f.clone()} lead={("实验失败", "The lab failed")} id="flash-failure" />
        }
    });
    let slow = software && lab_n > 1024 && no_gpu.is_none();
    let small_default = software && url.lab_n.is_none() && no_gpu.is_none();
    let rows = &run.result;
    let state = if run.running {
        "running"
    } else if run.failure.is_some() {
        "failed"
    } else if !rows.is_empty() {
        "done"
    } else {
        "idle"
    };
    html! {
        <section class="card flash-lab" id="flash-lab" data-state={state}>
            <h3>{ tr(lang, "在你的 GPU 上：朴素 vs Flash", "On your GPU: naive vs flash") }</h3>
            { for no_gpu.as_ref().map(|why| no_gpu_note(lang, why)) }
            <LabControls {lab_n} causal={url.lab_causal} running={run.running}
                         cancelled={run.cancelled} gpu={no_gpu.is_none()}
                         {on_n} {on_causal} {on_run} {on_stop} />
            if slow { { slow_note(lang) } }
            if small_default { { small_default_note(lang) } }
            { for progress }
            { for failure }
            if !rows.is_empty() {
                <LabResults rows={rows.clone()} request={shown} />
            } else if !run.running {
                <p class="muted small">{ tr(lang,
                    "按“运行”开始（不会自动开始：大的 N 在慢设备上要跑一会儿）。",
                    "Press Run to start (it never starts by itself: large N take a while on slow devices).") }</p>
            }
        </section>
    }
}

fn no_gpu_note(lang: UiLang, why: &Bilingual) -> Html {
    html! {
        <p class="notice flash-no-gpu" role="status" id="flash-no-webgpu">
            <strong>{ tr(lang, "这个实验需要 WebGPU。", "This lab needs WebGPU.") }</strong>
            { " " }{ tr(lang, "本浏览器没有可用的 WebGPU：", "This browser offers none: ") }{ why.get(lang).to_owned() }
            { " " }{ tr(lang, "下面的逐块动画和 α 重建在 CPU 上计算，照常可用。", "The tile animation and the α rebuild below run on the CPU and work as usual.") }
        </p>
    }
}

fn small_default_note(lang: UiLang) -> Html {
    html! {
        <p class="hint small" id="flash-small-default">{ tr(lang,
            "你的 WebGPU 是软件模拟的，所以默认只测到 N = 512（几秒钟）；更大的 N 可以在上面选，但会慢得多。",
            "Your WebGPU adapter is emulated in software, so the lab goes up to N = 512 by default (seconds); larger N can be chosen above but take much longer.") }</p>
    }
}

fn slow_note(lang: UiLang) -> Html {
    html! {
        <p class="hint small">{ tr(lang,
            "提示：你的 WebGPU 是软件模拟的（很慢），N > 1024 可能要跑好几分钟。",
            "Note: your WebGPU adapter is emulated in software (slow): N above 1024 can take minutes.") }</p>
    }
}

#[derive(Properties, PartialEq)]
pub struct LabControlsProps {
    /// The largest N (`n` in the URL) and the causal mask.
    pub lab_n: usize,
    pub causal: bool,
    pub running: bool,
    /// The last run was stopped by the reader.
    pub cancelled: bool,
    /// WebGPU is usable (else Run is disabled).
    pub gpu: bool,
    pub on_n: Callback<usize>,
    pub on_causal: Callback<bool>,
    pub on_run: Callback<()>,
    pub on_stop: Callback<()>,
}

/// "N up to", the causal mask, Run and Stop.
#[function_component]
pub fn LabControls(props: &LabControlsProps) -> Html {
    let lang = use_app().lang();
    let on_n = {
        let on_n = props.on_n.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = select.value().parse::<usize>() {
                on_n.emit(n);
            }
        })
    };
    let on_causal = props.on_causal.reform(|e: Event| {
        e.target_unchecked_into::<web_sys::HtmlInputElement>()
            .checked()
    });
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let on_stop = props.on_stop.reform(|_: MouseEvent| ());
    let mut choices: Vec<usize> = N_CHOICES.to_vec();
    if !choices.contains(&props.lab_n) {
        choices.push(props.lab_n);
    }
    choices.sort_unstable();
    let options = choices.iter().map(|&n| {
        html! { <option value={n.to_string()} selected={n == props.lab_n}>{ n }</option> }
    });
    let lengths = lab_lengths(props.lab_n)
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let running = props.running;
    html! {
        <div class="row flash-controls">
            <label>{ tr(lang, "N 最大到 ", "N up to ") }
                <select id="flash-n" onchange={on_n} disabled={running}>{ for options }</select>
            </label>
            <label class="flash-check">
                <input type="checkbox" id="flash-causal" checked={props.causal} onchange={on_causal} disabled={running} />
                { tr(lang, " 因果掩码", " causal mask") }
            </label>
            <button class="primary" id="flash-run" onclick={on_run} disabled={running || !props.gpu}>
                { if running { tr(lang, "运行中…", "Running…") } else { tr(lang, "运行", "Run") } }
            </button>
            if running {
                <button class="small" id="flash-stop" onclick={on_stop}>{ tr(lang, "停止", "Stop") }</button>
            }
            if props.cancelled {
                <span class="muted small" id="flash-stopped">{ tr(lang, "已停止：下面是停止前完成的 N。", "Stopped: below are the N that finished before.") }</span>
            }
            <span class="muted small">{ tr_owned(lang,
                format!("{LAB_HEADS} 头 × d = {LAB_HEAD_DIM}，N = {lengths}"),
                format!("{LAB_HEADS} heads × d = {LAB_HEAD_DIM}, N = {lengths}")) }</span>
        </div>
    }
}
