//! How surprised the model was by its own translation: ln p of each chosen token (a bar per
//! token, taller = more surprised) and the sentence's perplexity exp(−(1/T) Σ ln p), EOS
//! included — the numbers `seq2seq-train translate --perplexity` prints for the same input.

use std::rc::Rc;

use seq2seq_core::decoding::{perplexity, token_log_probs};
use seq2seq_core::trace::StepTrace;
use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{tr, tr_owned};

/// −ln p at which a bar is full height (p ≈ 0.7 %); larger surprises are drawn full and say so.
const FULL_BAR_NATS: f32 = 5.0;
/// A bar's height in px (SVG: the page's CSP allows no inline styles).
const BAR_HEIGHT: f32 = 36.0;

#[derive(Properties, PartialEq)]
pub struct PerplexityRowProps {
    /// Display pieces of the chosen hypothesis [T].
    pub tokens: Rc<Vec<String>>,
    /// Its step traces [T] (the chosen token's probability in each).
    pub steps: Rc<Vec<StepTrace>>,
    /// Step through: the selected step, marked; the perplexity is then also given up to it.
    #[prop_or_default]
    pub selected: Option<usize>,
    /// Translate (several cards at once): the bars sit in a closed `<details>` and are only
    /// built when the reader opens it, so five long translations do not stall the page.
    #[prop_or_default]
    pub collapsed: bool,
}

#[function_component]
pub fn PerplexityRow(props: &PerplexityRowProps) -> Html {
    let lang = use_app().lang();
    let open = use_state(|| false);
    let log_probs = token_log_probs(&props.steps);
    let Some(ppl) = perplexity(&log_probs) else {
        return html! {};
    };
    let labels = seq2seq_core::tokenizer::figure_labels(&props.tokens);
    let bars = log_probs.iter().enumerate().map(|(i, &lp)| {
        let piece = labels.get(i).cloned().unwrap_or_default();
        let surprise = -lp;
        let height = (surprise / FULL_BAR_NATS).clamp(0.0, 1.0) * BAR_HEIGHT;
        let title = format!(
            "{piece}: ln p = {lp:.3} (p = {:.1} %){}",
            lp.exp() * 100.0,
            if surprise > FULL_BAR_NATS { " ↑" } else { "" }
        );
        let selected = props.selected == Some(i);
        html! {
            <li class={classes!("logp", selected.then_some("selected"))} data-step={i.to_string()}
                data-logp={format!("{lp:.4}")} {title}>
                <svg class="logp-bar" width="14" height={BAR_HEIGHT.to_string()} aria-hidden="true">
                    <rect class="logp-track" width="14" height={BAR_HEIGHT.to_string()} rx="3" />
                    <rect class="logp-fill" y={format!("{:.1}", BAR_HEIGHT - height)} width="14" height={format!("{height:.1}")} rx="3" />
                </svg>
                <span class="logp-num num">{ format!("{lp:.2}") }</span>
                <span class="logp-piece">{ piece }</span>
            </li>
        }
    });
    let upto = props
        .selected
        .filter(|&i| i + 1 < log_probs.len())
        .and_then(|i| {
            perplexity(&log_probs[..=i]).map(|p| {
                tr_owned(
                    lang,
                    format!("；前 {} 步：{p:.2}", i + 1),
                    format!("; first {} steps: {p:.2}", i + 1),
                )
            })
        });
    let line = html! {
        <span class="perplexity-line">
            { tr(lang, "困惑度 ", "Perplexity ") }
            <span class="math">{ "exp(−(1/T) Σ ln p) = " }</span>
            <strong class="num">{ format!("{ppl:.2}") }</strong>
            { tr_owned(lang,
                format!("（T = {} 个词元，含结束符）", log_probs.len()),
                format!(" (T = {} tokens, end-of-sentence included)", log_probs.len())) }
            { upto.unwrap_or_default() }
        </span>
    };
    // Built only where it is shown (a closed `<details>` builds nothing).
    let figure = || {
        html! {
            <>
                <ol class="logp-row" aria-label={tr(lang, "每个词元的 ln p", "ln p of each token")}>{ for bars }</ol>
                <p class="caption">{ tr(lang,
                    "柱越高，模型对这个词越意外（−ln p 越大）。1 表示每个词都十分确定；困惑度衡量模型的把握，不衡量译文对不对。",
                    "The taller the bar, the more the model was surprised by that token (larger −ln p). 1 means certain of every token; perplexity measures the model's confidence, not whether the translation is right.") }</p>
            </>
        }
    };
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(details) = e.target_dyn_into::<web_sys::Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    html! {
        <section class="perplexity" data-perplexity={format!("{ppl:.4}")} data-tokens={log_probs.len().to_string()}>
            if props.collapsed {
                <details {ontoggle}>
                    <summary>{ line }</summary>
                    if *open { { figure() } }
                </details>
            } else {
                <p>{ line }</p>
                { figure() }
            }
        </section>
    }
}
