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

/// "WebGPU · 12.3 ms" with the measurement of `auto` and any fallback as a tooltip; beside a
/// result (`explain`), `auto`'s choice is also written out on the page.
#[derive(Properties, PartialEq)]
pub struct RunBadgeProps {
    pub backend: BackendKind,
    pub millis: f64,
    #[prop_or_default]
    pub measured: Vec<(BackendKind, f64)>,
    #[prop_or_default]
    pub fallback: Option<Bilingual>,
    /// Write `auto`'s measurement out below the badge (off in the page header: no room).
    #[prop_or(true)]
    pub explain: bool,
}

/// "auto: WebGPU 4090 ms vs CPU 8.5 ms on this device: CPU kept." (None unless both were timed.)
fn auto_choice(lang: UiLang, measured: &[(BackendKind, f64)], kept: BackendKind) -> Option<String> {
    if measured.len() < 2 {
        return None;
    }
    let parts: Vec<String> = measured
        .iter()
        .map(|(b, ms)| format!("{} {}", backend_name(lang, *b), millis(*ms)))
        .collect();
    let kept = backend_name(lang, kept);
    Some(match lang {
        UiLang::Zh => format!("自动选择：本设备上 {}，选用 {kept}。", parts.join("、")),
        UiLang::En => format!("auto: {} on this device: {kept} kept.", parts.join(" vs ")),
    })
}

#[function_component]
pub fn RunBadge(props: &RunBadgeProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let choice = auto_choice(lang, &props.measured, props.backend);
    let mut detail: Vec<String> = choice.iter().cloned().collect();
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
        <>
            <span class={classes!("badge", kind, props.fallback.is_some().then_some("fallback"))}
                  data-backend={kind} title={detail.join("\n")}>
                { backend_name(lang, props.backend) }{ " · " }{ millis(props.millis) }
                if props.fallback.is_some() { { " ⚠" } }
            </span>
            if let Some(choice) = choice.filter(|_| props.explain) {
                <span class="auto-choice small muted">{ choice }</span>
            }
        </>
    }
}

/// The header's badge: the last run, or which backends exist before any run.
#[function_component]
pub fn BackendBadge() -> Html {
    let app = use_app();
    let lang = app.lang();
    if let Some(run) = &app.state.last_run {
        return html! {
            <RunBadge backend={run.backend} millis={run.millis} explain=false
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
