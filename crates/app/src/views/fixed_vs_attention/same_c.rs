//! Claim 2: every decoder step of a plain encoder–decoder sees the same c. The context of every
//! decoder step stacked as strips, for a fixed-context model (identical rows, measured max
//! difference 0) beside gru-attn (a different c_i at every step, with the measured changes).

use std::rc::Rc;

use yew::prelude::*;

use crate::components::strip::{fmt_diff, HeatStrip};
use crate::components::{check_text, DownloadBar};
use crate::context::use_app;
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr};
use crate::protocol::TranslateRequest;
use crate::route::Family;
use crate::views::step_through::panels::{max_context_change, max_diff};

#[derive(Properties, PartialEq)]
pub struct ContextStackProps {
    pub family: Family,
}

/// The contexts of one greedy translation, one row per decoder step.
#[function_component]
pub fn ContextStack(props: &ContextStackProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let family = props.family;
    let model_id = family.model_id(url.direction);
    let request = check_text(url.lang, url.direction, &url.text)
        .is_none()
        .then(|| TranslateRequest {
            model_id: model_id.clone(),
            text: url.text.clone(),
            beam: 1,
            backend: url.backend,
        });
    let state = use_translation(request);
    let done = state.as_ref().and_then(|s| s.done.clone());
    let fixed = family.has_fixed_context();
    let body = match &done {
        None => match state.as_ref().and_then(|s| s.failure.clone()) {
            Some(failure) => {
                html! { <crate::components::FailureNote {failure} lead={("无法翻译", "Could not translate")} /> }
            }
            None => html! { <p class="muted">{ tr(lang, "翻译中…", "Translating…") }</p> },
        },
        Some(done) => {
            let rows: Vec<Vec<f32>> = done.steps.iter().map(|s| s.context.clone()).collect();
            let labels: Vec<String> = seq2seq_core::tokenizer::figure_labels(&done.target_tokens)
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    format!(
                        "{} {t}",
                        if fixed {
                            format!("c@{}", i + 1)
                        } else {
                            format!("c_{}", i + 1)
                        }
                    )
                })
                .collect();
            let changes: Vec<f32> = rows.windows(2).map(|w| max_diff(&w[0], &w[1])).collect();
            let notes: Vec<String> = if fixed {
                rows.iter()
                    .map(|r| format!("Δ c_1 = {}", fmt_diff(max_diff(r, &rows[0]))))
                    .collect()
            } else {
                std::iter::once("—".to_owned())
                    .chain(changes.iter().map(|d| format!("Δ = {}", fmt_diff(*d))))
                    .collect()
            };
            let summary = if fixed {
                let change = max_context_change(&done.steps).unwrap_or(f32::NAN);
                html! {
                    <p class="measure" data-max-change={change.to_string()}>
                        { tr(lang, "实测 max |c_i − c_1| = ", "Measured max |c_i − c_1| = ") }
                        <strong class="max-change">{ fmt_diff(change) }</strong>
                        { format!(" ({} {} {})", tr(lang, "共", "over"), rows.len(), tr(lang, "步", "steps")) }
                        { tr(lang, "：每一行完全相同。", ": every row is exactly the same.") }
                    </p>
                }
            } else {
                let min = changes.iter().copied().fold(f32::INFINITY, f32::min);
                let max = changes.iter().copied().fold(0.0, f32::max);
                html! {
                    <p class="measure" data-min-change={(!changes.is_empty()).then(|| min.to_string())} data-max-change={max.to_string()}>
                        { tr(lang, "相邻两步 max |c_i − c_{i−1}| 在 ", "Step to step, max |c_i − c_{i−1}| ranges from ") }
                        <strong>{ if changes.is_empty() { "—".to_owned() } else { fmt_diff(min) } }</strong>
                        { tr(lang, " 到 ", " to ") }<strong>{ fmt_diff(max) }</strong>
                        { tr(lang, " 之间：每一步的 c_i 都不同。", ": each step gets its own c_i.") }
                    </p>
                }
            };
            html! {
                <>
                    <HeatStrip id={format!("contexts-{}", family.slug())} rows={Rc::new(rows)} labels={Rc::new(labels)}
                               notes={Rc::new(notes)} unit={2.0} row_h={16.0}
                               split={(!fixed).then(|| done.steps.first().map_or(0, |s| s.context.len() / 2))}
                               title={tr(lang, "每一步的上下文向量", "The context vector at every step")} />
                    { summary }
                    <p class="small muted translation-line">{ tr(lang, "译文：", "Translation: ") }<span class="translation" data-model={model_id.clone()}>{ done.text.clone() }</span></p>
                </>
            }
        }
    };
    html! {
        <div class="card context-stack" data-family={family.slug()} data-model={model_id.clone()}
             data-state={state.as_ref().map(|s| if s.failure.is_some() { "failed" } else if s.done.is_some() { "done" } else { "running" }).unwrap_or("idle")}>
            <h4>{ family_name(lang, family) }{ if fixed { tr(lang, "：每一步的 c", ": c at every step") } else { tr(lang, "：每一步的 c_i", ": c_i at every step") } }</h4>
            <DownloadBar model_id={model_id} />
            { body }
        </div>
    }
}
