//! View 2, Step through: one model, one greedy translation, a scrubber (and ←/→, Home/End) over
//! the decoder steps. Every panel shows the selected step i: the encoder's h_t, the decoder's
//! gates beside their equations, the context (one fixed c, or c_i = Σ_j α_ij h_j), the α row
//! filling the heatmap, and the top-k next-token probabilities.

pub(crate) mod panels;
pub(crate) mod strip;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use self::panels::{ContextPanel, EncoderPanel, GatesPanel, TopKPanel, TransformerStepPanel};
use crate::components::{
    check_text, DownloadBar, Heatmap, ModelPicker, RunBadge, TextInput, ViewIntro,
};
use crate::context::{use_app, AppContext};
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr};
use crate::protocol::TranslateRequest;
use crate::route::{Direction, Family};

/// The greedy request the step view makes for the URL state.
fn step_request(app: &AppContext, family: Family) -> Option<TranslateRequest> {
    let url = app.url();
    check_text(url.lang, &url.text)
        .is_none()
        .then(|| TranslateRequest {
            model_id: family.model_id(url.direction),
            text: url.text.clone(),
            beam: 1,
            backend: url.backend,
        })
}

/// The step a key moves to (None: not our key).
fn key_target(key: &str, step: usize, steps: usize) -> Option<usize> {
    let last = steps.checked_sub(1)?;
    match key {
        "ArrowLeft" => Some(step.saturating_sub(1)),
        "ArrowRight" => Some((step + 1).min(last)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

#[function_component]
pub fn StepThrough() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let family = url.models.first().copied().unwrap_or(Family::GruAttn);
    let model_id = family.model_id(url.direction);
    let state = use_translation(step_request(&app, family));
    let done = state.as_ref().and_then(|s| s.done.clone());
    let steps = done.as_ref().map_or(0, |d| d.steps.len());
    let step = url.step.min(steps.saturating_sub(1));

    // ←/→/Home/End anywhere on the page (not while typing): the listener reads the latest
    // context through this cell, so it never writes an old URL state back.
    let latest = use_mut_ref(|| (app.clone(), step, steps));
    *latest.borrow_mut() = (app.clone(), step, steps);
    {
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() {
                    return;
                }
                let typing = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                    .unwrap_or(false);
                if typing {
                    return; // the range input handles its own keys
                }
                let (app, step, steps) = latest.borrow().clone();
                if let Some(next) = key_target(&e.key(), step, steps) {
                    e.prevent_default();
                    if next != step {
                        app.update_url(false, |u| u.step = next);
                    }
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let select_step = {
        let app = app.clone();
        Callback::from(move |i: usize| app.update_url(false, |u| u.step = i))
    };
    let on_range = {
        let select_step = select_step.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Ok(i) = value.parse::<usize>() {
                select_step.emit(i);
            }
        })
    };
    let go = |i: usize| {
        let select_step = select_step.clone();
        Callback::from(move |_: MouseEvent| select_step.emit(i))
    };

    let body = match &state {
        None => html! {},
        Some(state) if state.failure.is_some() => {
            let failure = state.failure.clone().unwrap_or_else(|| unreachable!());
            html! {
                <p class="failure" role="alert" data-kind={format!("{:?}", failure.kind)}>
                    { tr(lang, "无法翻译：", "Could not translate: ") }{ failure.message }
                </p>
            }
        }
        Some(state) => match &done {
            None => html! {
                <p class="muted" aria-live="polite">
                    { tr(lang, "翻译中…已解码 ", "Translating… decoded ") }{ state.steps.len() }{ tr(lang, " 步", " steps") }
                </p>
            },
            Some(done) => {
                let token_buttons = done.target_tokens.iter().enumerate().map(|(i, t)| html! {
                    <button type="button" class={classes!("token", "step-token", (i == step).then_some("selected"))}
                            data-step={i.to_string()} aria-pressed={(i == step).to_string()} onclick={go(i)}>{ t.clone() }</button>
                });
                let current_token = done.target_tokens.get(step).cloned().unwrap_or_default();
                let (f, d, s) = (family, done.clone(), step);
                let heat = (family == Family::GruAttn || family == Family::Transformer).then(|| {
                    let values: Vec<Vec<f32>> = done
                        .steps
                        .iter()
                        .enumerate()
                        .map(|(i, st)| if i <= step { st.attention.clone() } else { Vec::new() })
                        .collect();
                    html! {
                        <section class="card step-panel" id="alpha-panel">
                            <h3>{ tr(lang, "注意力 α：逐行填满", "Attention α, row by row") }</h3>
                            <p class="caption">{ if family == Family::Transformer {
                                tr(lang, "最后一层交叉注意力的各头平均。已走过的步显示出来；点一行跳到那一步。",
                                   "The last layer's cross-attention, mean over heads. Rows fill in up to the current step; click a row to go there.")
                            } else {
                                tr(lang, "第 i 行 = 第 i 步的 α_i·（每行和为 1）。已走过的步显示出来；点一行跳到那一步。",
                                   "Row i = step i's α_i· (each row sums to 1). Rows fill in up to the current step; click a row to go there.")
                            } }</p>
                            <Heatmap id="step-alpha" rows={Rc::new(done.target_tokens.clone())} cols={Rc::new(done.source_tokens.clone())}
                                     values={Rc::new(values)} current_row={Some(step)} on_select_row={select_step.clone()}
                                     title={tr(lang, "注意力", "Attention")} />
                        </section>
                    }
                });
                html! {
                    <>
                        <section class="card scrubber-card">
                            <div class="scrubber">
                                <button type="button" id="step-prev" disabled={step == 0} onclick={go(step.saturating_sub(1))}
                                        aria-label={tr(lang, "上一步", "Previous step")}>{ "←" }</button>
                                <input type="range" id="step-range" min="0" max={steps.saturating_sub(1).to_string()}
                                       value={step.to_string()} oninput={on_range}
                                       aria-label={tr(lang, "解码步", "Decoder step")}
                                       aria-valuetext={format!("{} / {steps}: {current_token}", step + 1)} />
                                <button type="button" id="step-next" disabled={step + 1 >= steps} onclick={go((step + 1).min(steps.saturating_sub(1)))}
                                        aria-label={tr(lang, "下一步", "Next step")}>{ "→" }</button>
                                <span class="step-label" id="step-label" data-step={step.to_string()}>
                                    { format!("{} {} / {steps}", tr(lang, "第", "step"), step + 1) }{ tr(lang, " 步：", ": ") }
                                    <strong>{ current_token.clone() }</strong>
                                </span>
                                <RunBadge backend={done.backend} millis={done.millis} measured={done.measured.clone()} fallback={done.fallback.clone()} />
                            </div>
                            <div class="tokens step-tokens" aria-label={tr(lang, "译文的各步", "Decoder steps")}>{ for token_buttons }</div>
                            <p class="translation" data-model={model_id.clone()}
                               lang={if url.direction == Direction::EnZh { "zh" } else { "en" }}>{ done.text.clone() }</p>
                            <p class="small muted">{ tr(lang, "键盘：← → 逐步，Home / End 跳到首尾。", "Keys: ← → step, Home / End jump to the ends.") }</p>
                        </section>
                        <div class="step-grid">
                            <EncoderPanel family={f} done={d.clone()} step={s} />
                            if family == Family::Transformer {
                                <TransformerStepPanel family={f} done={d.clone()} step={s} />
                            } else {
                                <GatesPanel family={f} done={d.clone()} step={s} />
                                <ContextPanel family={f} done={d.clone()} step={s} />
                            }
                            { for heat }
                            if family.has_fixed_context() {
                                <section class="card step-panel" id="alpha-panel">
                                    <h3>{ tr(lang, "注意力 α", "Attention α") }</h3>
                                    <p class="no-attention">{ tr(lang,
                                        "这个模型没有注意力，也就没有 α：每一步看到的都是同一个 c（见上方的实测差值）。",
                                        "This model has no attention and so no α: every step sees the same c (see the measured difference above).") }</p>
                                </section>
                            }
                            <TopKPanel family={f} done={d} step={s} />
                        </div>
                    </>
                }
            }
        },
    };

    html! {
        <>
            <ViewIntro>
                <p>{ tr(lang,
                    "文章说：编码器把源句读成一串隐藏状态 h_t，解码器一步一步地生成译文。这里可以逐步拖动，同时看每一步的门、上下文向量和下一个词的概率。普通编码器–解码器每步拿到同一个 c；加了注意力后，每步的 c_i = Σ_j α_ij h_j 都不同。",
                    "The article: the encoder reads the source into hidden states h_t, and the decoder writes the translation one step at a time. Scrub through the steps and watch each step's gates, context vector and next-token probabilities. A plain encoder–decoder hands every step the same c; with attention each step gets its own c_i = Σ_j α_ij h_j.") }</p>
            </ViewIntro>
            <section class="controls card">
                <TextInput />
                <ModelPicker single=true beam={false} />
                if url.beam > 1 {
                    <p class="hint" id="greedy-note">{ tr(lang,
                        "逐步视图显示的是贪心解码（beam = 1），与链接里的 beam 设置无关。",
                        "The step view shows greedy decoding (beam 1), whatever the link's beam setting.") }</p>
                }
            </section>
            <article class="card result step-result" data-family={family.slug()} data-model={model_id.clone()}
                     data-steps={steps.to_string()}
                     data-state={state.as_ref().map(|s| if s.failure.is_some() { "failed" } else if s.done.is_some() { "done" } else { "running" }).unwrap_or("idle")}>
                <header class="result-head"><h3>{ family_name(lang, family) }</h3></header>
                <DownloadBar model_id={model_id.clone()} />
            </article>
            { body }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::key_target;

    #[test]
    fn keys_move_within_the_steps() {
        assert_eq!(key_target("ArrowRight", 0, 3), Some(1));
        assert_eq!(key_target("ArrowRight", 2, 3), Some(2));
        assert_eq!(key_target("ArrowLeft", 0, 3), Some(0));
        assert_eq!(key_target("End", 0, 3), Some(2));
        assert_eq!(key_target("Home", 2, 3), Some(0));
        assert_eq!(key_target("a", 0, 3), None);
        assert_eq!(key_target("End", 0, 0), None);
    }
}
