//! The step view's selection: the scrubber (←, range, →, the selected token, the run's badge),
//! one button per decoder step, and the α heatmap filling row by row up to the selected step.
//! Both render what they are given and report the chosen step through `on_select`.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{Heatmap, RunBadge};
use crate::context::use_app;
use crate::i18n::tr;
use crate::route::{Direction, Family};
use crate::state::TranslationResult;

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub done: Rc<TranslationResult>,
    pub step: usize,
    pub on_select: Callback<usize>,
    pub model_id: AttrValue,
    /// The translation's language follows the direction.
    pub direction: Direction,
}

#[function_component]
pub fn Scrubber(props: &ScrubberProps) -> Html {
    let lang = use_app().lang();
    let done = &props.done;
    let (step, steps) = (props.step, done.steps.len());
    let go = |i: usize| props.on_select.reform(move |_: MouseEvent| i);
    let on_range = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Ok(i) = value.parse::<usize>() {
                on_select.emit(i);
            }
        })
    };
    // Tokens as a reader sees them: a continuing piece as "·ed", byte runs as their character.
    let labels = seq2seq_core::tokenizer::figure_labels(&done.target_tokens);
    let token_buttons = labels.iter().enumerate().map(|(i, t)| html! {
        <button type="button" class={classes!("token", "step-token", (i == step).then_some("selected"))}
                data-step={i.to_string()} aria-pressed={(i == step).to_string()} onclick={go(i)}>{ t.clone() }</button>
    });
    let current_token = labels.get(step).cloned().unwrap_or_default();
    html! {
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
            <p class="translation" data-model={props.model_id.clone()}
               lang={if props.direction == Direction::EnZh { "zh" } else { "en" }}>{ done.text.clone() }</p>
            <crate::components::EndingMark ending={done.ending} />
            <p class="small muted">{ tr(lang, "键盘：← → 逐步，Home / End 跳到首尾。", "Keys: ← → step, Home / End jump to the ends.") }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AlphaPanelProps {
    pub family: Family,
    pub done: Rc<TranslationResult>,
    pub step: usize,
    pub on_select: Callback<usize>,
}

/// α row by row up to the selected step (gru-attn; the Transformer's last-layer mean over
/// heads); a fixed-context model has none, and says so.
#[function_component]
pub fn AlphaPanel(props: &AlphaPanelProps) -> Html {
    let lang = use_app().lang();
    let (family, done, step) = (props.family, &props.done, props.step);
    if family.has_fixed_context() {
        return html! {
            <section class="card step-panel" id="alpha-panel">
                <h3>{ tr(lang, "注意力 α", "Attention α") }</h3>
                <p class="no-attention">{ tr(lang,
                    "这个模型没有注意力，也就没有 α：每一步看到的都是同一个 c（见上方的实测差值）。",
                    "This model has no attention and so no α: every step sees the same c (see the measured difference above).") }</p>
            </section>
        };
    }
    let values: Vec<Vec<f32>> = done
        .steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            if i <= step {
                st.attention.clone()
            } else {
                Vec::new()
            }
        })
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
            <Heatmap id="step-alpha" rows={done.target_tokens.clone()} cols={done.source_tokens.clone()}
                     values={Rc::new(values)} current_row={Some(step)} on_select_row={props.on_select.clone()}
                     title={tr(lang, "注意力", "Attention")} />
        </section>
    }
}
