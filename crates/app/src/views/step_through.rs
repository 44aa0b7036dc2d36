//! View 2, Step through: one model, one greedy translation, a scrubber (and ←/→, Home/End) over
//! the decoder steps. Every panel shows the selected step i: the encoder's h_t, the decoder's
//! gates beside their equations, the context (one fixed c, or c_i = Σ_j α_ij h_j), the α row
//! filling the heatmap, and the top-k next-token probabilities.

pub(crate) mod keys;
pub(crate) mod panels;
pub(crate) mod scrubber;

use yew::prelude::*;

use self::keys::use_step_keys;
use self::panels::{ContextPanel, EncoderPanel, GatesPanel, TopKPanel, TransformerStepPanel};
use self::scrubber::{AlphaPanel, Scrubber};
use crate::components::{check_text, DownloadBar, ModelPicker, TextInput, ViewIntro};
use crate::context::{use_app, AppContext};
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr};
use crate::protocol::TranslateRequest;
use crate::route::Family;

/// The greedy request the step view makes for the URL state.
fn step_request(app: &AppContext, family: Family) -> Option<TranslateRequest> {
    let url = app.url();
    check_text(url.lang, url.direction, &url.text)
        .is_none()
        .then(|| TranslateRequest {
            model_id: family.model_id(url.direction),
            text: url.text.clone(),
            beam: 1,
            backend: url.backend,
        })
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
    let select_step = {
        let app = app.clone();
        Callback::from(move |i: usize| app.update_url(false, |u| u.step = i))
    };
    use_step_keys(step, steps, select_step.clone());

    let body = match &state {
        None => html! {},
        Some(state) if state.failure.is_some() => {
            let failure = state.failure.clone().unwrap_or_else(|| unreachable!());
            html! {
                <crate::components::FailureNote {failure} lead={("无法翻译", "Could not translate")} />
            }
        }
        Some(state) => match &done {
            None => html! {
                <p class="muted" aria-live="polite">
                    { tr(lang, "翻译中…已解码 ", "Translating… decoded ") }{ state.steps.len() }{ tr(lang, " 步", " steps") }
                </p>
            },
            Some(done) => {
                let encoder = html! { <EncoderPanel {family} done={done.clone()} {step} /> };
                let alpha = html! { <AlphaPanel {family} done={done.clone()} {step} on_select={select_step.clone()} /> };
                let per_step = if family == Family::Transformer {
                    html! { <TransformerStepPanel {family} done={done.clone()} {step} /> }
                } else {
                    html! {
                        <>
                            <GatesPanel {family} done={done.clone()} {step} />
                            <ContextPanel {family} done={done.clone()} {step} />
                        </>
                    }
                };
                // The article's order reads encoder first; an embedded frame opens on what the
                // scrubber drives (α, then the gates), so the figure shows without scrolling.
                let panels = if url.embed {
                    html! { <>{ alpha }{ per_step }{ encoder }</> }
                } else {
                    html! { <>{ encoder }{ per_step }{ alpha }</> }
                };
                html! {
                <>
                    <Scrubber done={done.clone()} {step} on_select={select_step.clone()}
                              model_id={model_id.clone()} direction={url.direction} />
                    <div class="step-grid">
                        { panels }
                        <TopKPanel {family} done={done.clone()} {step} />
                    </div>
                    <section class="card step-panel" id="perplexity-panel">
                        <h3>{ tr(lang, "每个词元的 ln p 与困惑度", "ln p of each token, and perplexity") }</h3>
                        <crate::components::PerplexityRow tokens={done.target_tokens.clone()} steps={done.steps.clone()} selected={Some(step)} />
                    </section>
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
                <header class="result-head">
                    <h3>{ family_name(lang, family) }</h3>
                    <crate::components::ModelFacts model_id={model_id.clone()} />
                </header>
                <DownloadBar model_id={model_id.clone()} />
            </article>
            { body }
        </>
    }
}
