//! One family's card: its answer from the worker (progress while it computes), the bars, and
//! sentences computed from the numbers (never written in advance).

use std::rc::Rc;

use seq2seq_core::tokenizer::{figure_labels, join_for_reading, Language};
use yew::prelude::*;

use super::chart::MemoryChart;
use super::memory_request;
use crate::components::palette::family_colour;
use crate::components::{source_language, DownloadBar, RunBadge};
use crate::context::use_app;
use crate::hooks::use_memory;
use crate::i18n::{family_name, tr, tr_owned};
use crate::protocol::{BackendKind, MemoryReport};
use crate::route::{Family, UiLang};
use crate::state::MemoryState;

#[derive(Properties, PartialEq)]
pub struct MemoryCardProps {
    pub family: Family,
}

/// A share as a percentage with two significant digits below 10 % (0.012 %, 3.4 %, 57 %).
fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else if p > 0.0 {
        let digits = (1 - p.log10().floor() as i32).max(0) as usize;
        format!("{p:.digits$} %")
    } else {
        "0 %".to_owned()
    }
}

/// A piece that holds a letter or a digit (not punctuation, not EOS).
fn is_word(token: &str) -> bool {
    token != "</s>" && token.chars().any(char::is_alphanumeric)
}

/// The first and the last word's positions (None: no word in the source).
pub fn first_last_word(tokens: &[String]) -> Option<(usize, usize)> {
    let first = tokens.iter().position(|t| is_word(t))?;
    let last = tokens.iter().rposition(|t| is_word(t))?;
    Some((first, last))
}

fn argmax(v: &[f64]) -> usize {
    v.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// What the numbers say, for this model (first word against last word; where the gradient is).
fn findings(lang: UiLang, r: &MemoryReport) -> Html {
    let s = &r.sensitivity;
    let (first, last) = first_last_word(&r.source_tokens).unwrap_or((0, s.len() - 1));
    let labels = figure_labels(&r.source_tokens);
    let token = |j: usize| labels.get(j).cloned().unwrap_or_default();
    let c = match &r.step {
        Some((i, _)) => format!("c_{i}"),
        None => "c".to_owned(),
    };
    let keep = (s[last] > 0.0).then(|| s[first] / s[last]);
    let sensitivity = keep.map(|k| {
        tr_owned(
            lang,
            format!(
                "{c} 对第一个词「{}」的敏感度 ‖∂{c}/∂e‖ 是对最后一个词「{}」的 {}。",
                token(first),
                token(last),
                pct(k)
            ),
            format!(
                "‖∂{c}/∂e‖ at the first word \"{}\" is {} of that at the last word \"{}\".",
                token(first),
                pct(k),
                token(last)
            ),
        )
    });
    let alpha = (!r.attention.is_empty()).then(|| {
        let top = argmax(&r.attention);
        tr_owned(
            lang,
            format!(
                "这一步的 α 在第一个词上是 {}，最大的是「{}」（{}）。",
                pct(r.attention[first]),
                token(top),
                pct(r.attention[top])
            ),
            format!(
                "This step's α gives the first word {} and most to \"{}\" ({}).",
                pct(r.attention[first]),
                token(top),
                pct(r.attention[top])
            ),
        )
    });
    let h = &r.hidden;
    let top = argmax(h);
    let gradient = (h[top] > 0.0).then(|| {
        tr_owned(
            lang,
            format!(
                "梯度 ‖∂L/∂h_t‖ 在第一步是最大值（第 {top} 步「{}」）的 {}。",
                token(top),
                pct(h[0] / h[top])
            ),
            format!(
                "‖∂L/∂h_t‖ at the first step is {} of its largest value (step {top}, \"{}\").",
                pct(h[0] / h[top]),
                token(top)
            ),
        )
    });
    html! {
        <ul class="memory-findings">
            if let Some(t) = sensitivity {
                <li data-finding="sensitivity" data-ratio={keep.map(|k| format!("{k:.6e}"))}
                    data-first={first.to_string()} data-last={last.to_string()}>{ t }</li>
            }
            if let Some(t) = alpha { <li data-finding="alpha">{ t }</li> }
            if let Some(t) = gradient { <li data-finding="gradient">{ t }</li> }
        </ul>
    }
}

/// `target`: the language of the translation (pieces are joined for reading in it).
fn target_line(lang: UiLang, r: &MemoryReport, target: Language) -> Html {
    let step = r.step.as_ref().map(|(i, input)| {
        let input = figure_labels(std::slice::from_ref(input)).concat();
        tr_owned(
            lang,
            format!(" · 解码步 i = {i}（输入「{input}」）"),
            format!(" · decoder step i = {i} (input \"{input}\")"),
        )
    });
    html! {
        <p class="small memory-target">
            <span class="muted">{ if r.reference { tr(lang, "教师强制的目标（参考译文）：", "Teacher-forced target (reference): ") } else { tr(lang, "教师强制的目标（模型自己的译文）：", "Teacher-forced target (the model's own translation): ") } }</span>
            <strong class="translation">{ if r.reference { join_for_reading(target, &r.target_tokens) } else { r.translation.clone() } }</strong>
            <span class="muted">{ format!(" · L = {:.3}", r.loss) }{ step }</span>
        </p>
    }
}

#[function_component]
pub fn MemoryCard(props: &MemoryCardProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let family = props.family;
    let model_id = family.model_id(url.direction);
    let answer = use_memory(memory_request(&url, family));
    let data_state = match &answer {
        None => "idle",
        Some(MemoryState::Running(_)) => "running",
        Some(MemoryState::Done(_)) => "done",
        Some(MemoryState::Failed(_)) => "failed",
    };
    let body = match &answer {
        None => html! {},
        Some(MemoryState::Running(progress)) => {
            let label = match progress {
                Some((0, _, _)) => tr(lang, "翻译中…", "Translating…").to_owned(),
                Some((1, _, label)) => tr_owned(
                    lang,
                    format!("计算 ‖∂c/∂e_j‖…（{}）", label.trim_start_matches("dc/de: ")),
                    format!(
                        "Computing ‖∂c/∂e_j‖… ({})",
                        label.trim_start_matches("dc/de: ")
                    ),
                ),
                Some(_) => tr(lang, "计算 ‖∂L/∂h_t‖…", "Computing ‖∂L/∂h_t‖…").to_owned(),
                None => tr(lang, "排队中…", "Waiting…").to_owned(),
            };
            html! { <p class="muted small memory-progress" aria-live="polite">{ label }</p> }
        }
        Some(MemoryState::Failed(f)) => html! {
            <crate::components::FailureNote failure={f.clone()} lead={("无法计算", "Could not compute")} />
        },
        Some(MemoryState::Done(r)) => {
            let total = r.millis.translate + r.millis.sensitivity + r.millis.loss;
            let c = match &r.step {
                Some((i, _)) => format!("c_{i}"),
                None => "c".to_owned(),
            };
            let json = serde_json::to_string(&**r).unwrap_or_default();
            html! {
                <div class="memory-result" data-report={json}>
                    { target_line(lang, r, source_language(url.direction.flipped())) }
                    <MemoryChart tokens={Rc::new(figure_labels(&r.source_tokens))}
                                 sensitivity={Rc::new(r.sensitivity.clone())}
                                 attention={Rc::new(r.attention.clone())}
                                 hidden={Rc::new(r.hidden.clone())}
                                 colour={family_colour(family)}
                                 sensitivity_label={format!("‖∂{c}/∂e_j‖ {}", tr(lang, "（按最大值归一化）", "(÷ max)"))}
                                 hidden_label={format!("‖∂L/∂h_t‖ {}", tr(lang, "（按最大值归一化）", "(÷ max)"))}
                                 alpha_label={tr(lang, "α（蓝色细条）", "α (thin blue bars)")} />
                    { findings(lang, r) }
                    <p class="small muted">
                        <RunBadge backend={BackendKind::Cpu} millis={total} />
                        { tr_owned(lang,
                            format!(" 翻译 {:.0} ms · ‖∂c/∂e‖ {:.0} ms（{} 次反向传播）· ‖∂L/∂h‖ {:.0} ms", r.millis.translate, r.millis.sensitivity, r.context_dim, r.millis.loss),
                            format!(" translate {:.0} ms · ‖∂c/∂e‖ {:.0} ms ({} backward passes) · ‖∂L/∂h‖ {:.0} ms", r.millis.translate, r.millis.sensitivity, r.context_dim, r.millis.loss)) }
                    </p>
                </div>
            }
        }
    };
    html! {
        <article class="card memory-card" data-family={family.slug()} data-model={model_id.clone()} data-state={data_state}>
            <header class="result-head">
                <h3>{ family_name(lang, family) }</h3>
                <span class="muted small">{ if family.has_fixed_context() { tr(lang, "固定 c", "fixed c") } else { tr(lang, "注意力", "attention") } }</span>
                <crate::components::ModelFacts model_id={model_id.clone()} />
            </header>
            <DownloadBar model_id={model_id} />
            { body }
        </article>
    }
}
