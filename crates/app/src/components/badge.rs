//! Which backend ran the last translation, and how long it took. Always visible (in embed mode
//! too, inside each result), so the reader knows what they are looking at.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{millis, tr};
use crate::protocol::{BackendKind, Bilingual};
use crate::route::UiLang;

pub fn backend_name(lang: UiLang, backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Gpu => "WebGPU",
        BackendKind::Cpu => tr(lang, "CPU（WebAssembly）", "CPU (WebAssembly)"),
    }
}

/// "WebGPU · 12.3 ms" with the measurement of `auto` and any fallback as a tooltip.
#[derive(Properties, PartialEq)]
pub struct RunBadgeProps {
    pub backend: BackendKind,
    pub millis: f64,
    #[prop_or_default]
    pub measured: Vec<(BackendKind, f64)>,
    #[prop_or_default]
    pub fallback: Option<Bilingual>,
}

#[function_component]
pub fn RunBadge(props: &RunBadgeProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let mut detail = Vec::new();
    if props.measured.len() > 1 {
        let parts: Vec<String> = props
            .measured
            .iter()
            .map(|(b, ms)| format!("{} {}", backend_name(lang, *b), millis(*ms)))
            .collect();
        detail.push(format!(
            "{}{}",
            tr(lang, "自动：已测速 ", "auto: measured "),
            parts.join(" / ")
        ));
    }
    if let Some(why) = &props.fallback {
        detail.push(format!(
            "{}{}",
            tr(lang, "已改用 CPU：", "fell back to the CPU: "),
            why.get(lang)
        ));
    }
    let kind = match props.backend {
        BackendKind::Gpu => "gpu",
        BackendKind::Cpu => "cpu",
    };
    html! {
        <span class={classes!("badge", kind, props.fallback.is_some().then_some("fallback"))}
              data-backend={kind} title={detail.join("\n")}>
            { backend_name(lang, props.backend) }{ " · " }{ millis(props.millis) }
            if props.fallback.is_some() { { " ⚠" } }
        </span>
    }
}

/// The header's badge: the last run, or which backends exist before any run.
#[function_component]
pub fn BackendBadge() -> Html {
    let app = use_app();
    let lang = app.lang();
    if let Some(run) = &app.state.last_run {
        return html! {
            <RunBadge backend={run.backend} millis={run.millis}
                      measured={run.measured.clone()} fallback={run.fallback.clone()} />
        };
    }
    match &app.state.backends {
        None => {
            html! { <span class="badge pending">{ tr(lang, "检测后端…", "Detecting backends…") }</span> }
        }
        Some(info) => match &info.gpu_adapter {
            Some(adapter) => html! {
                <span class="badge gpu" title={adapter.clone()}>
                    { "WebGPU " }{ tr(lang, "可用", "available") }
                    if info.gpu_software { { tr(lang, "（软件模拟）", " (emulated)") } }
                </span>
            },
            None => html! {
                <span class="badge cpu" title={info.gpu_unavailable.as_ref().map(|why| why.get(lang).to_owned())}>
                    { tr(lang, "无 WebGPU：使用 CPU", "No WebGPU: CPU") }
                </span>
            },
        },
    }
}
