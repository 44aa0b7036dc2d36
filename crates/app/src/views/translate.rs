//! View 1, Translate: the sentence box, any number of models side by side, tokens appearing as
//! they are decoded, the cross-attention heatmap, and the beam tree for beam search.

use std::rc::Rc;

use seq2seq_core::tokenizer::figure_labels;
use yew::prelude::*;

use crate::components::{
    check_text, AttentionPanel, BeamTreeView, DownloadBar, ModelPicker, RunBadge, TextInput,
    ViewIntro,
};
use crate::context::use_app;
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr};
use crate::protocol::TranslateRequest;
use crate::route::{Family, UrlState};

/// The request a view makes for `family` with the URL state (None: the text is not valid).
pub fn translate_request(url: &UrlState, family: Family) -> Option<TranslateRequest> {
    check_text(url.lang, url.direction, &url.text)
        .is_none()
        .then(|| TranslateRequest {
            model_id: family.model_id(url.direction),
            text: url.text.clone(),
            beam: url.beam,
            backend: url.backend,
        })
}

#[function_component]
pub fn Translate() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let cards = url.models.iter().map(|&family| {
        html! { <TranslationCard key={family.slug()} {family} /> }
    });
    html! {
        <>
            <ViewIntro>
                <p>{ tr(lang,
                    "输入一句话，看五种真实训练过的模型如何翻译：译文逐词出现，热力图显示每一步注意力看向源句哪里。",
                    "Type a sentence and watch five really trained models translate it: tokens appear one by one, and the heatmap shows where each step's attention looks in the source.") }</p>
            </ViewIntro>
            <section class="controls card">
                <TextInput />
                <ModelPicker />
            </section>
            <div class={classes!("cards", (url.models.len() > 1).then_some("side-by-side"))}>{ for cards }</div>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct TranslationCardProps {
    pub family: Family,
}

#[function_component]
pub fn TranslationCard(props: &TranslationCardProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let family = props.family;
    let request = translate_request(&url, family);
    let model_id = family.model_id(url.direction);
    let state = use_translation(request.clone());

    let body = match &state {
        None => html! {},
        Some(state) => {
            if let Some(failure) = &state.failure {
                html! {
                    <crate::components::FailureNote failure={failure.clone()} lead={("无法翻译", "Could not translate")} />
                }
            } else {
                // Finished: the result's shared parts; streaming: the steps so far.
                let (tokens, steps) = match &state.done {
                    Some(done) => (done.target_tokens.clone(), done.steps.clone()),
                    None => {
                        let (tokens, steps): (Vec<String>, Vec<_>) =
                            state.steps.iter().cloned().unzip();
                        (Rc::new(tokens), Rc::new(steps))
                    }
                };
                let token_chips = figure_labels(&tokens)
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| {
                        html! { <span class="token" data-step={i.to_string()}>{ t }</span> }
                    });
                let running = state.is_running();
                let done = state.done.clone();
                html! {
                    <>
                        <div class="output" aria-live="polite">
                            if let Some(done) = &done {
                                <p class="translation" data-model={model_id.clone()} lang={if url.direction == crate::route::Direction::EnZh { "zh" } else { "en" }}>{ done.text.clone() }</p>
                                <crate::components::EndingMark ending={done.ending} />
                            }
                            <div class="tokens">{ for token_chips }
                                if running { <span class="cursor" aria-hidden="true">{ "▍" }</span> }
                            </div>
                            if let Some(done) = &done {
                                <crate::components::PerplexityRow tokens={done.target_tokens.clone()} steps={done.steps.clone()} collapsed=true />
                                <RunBadge backend={done.backend} millis={done.millis}
                                          measured={done.measured.clone()} fallback={done.fallback.clone()} />
                            } else if running {
                                <span class="muted small">{ tr(lang, "翻译中…", "Translating…") }</span>
                            }
                        </div>
                        if !state.source_tokens.is_empty() && !steps.is_empty() {
                            <AttentionPanel id={format!("translate-{}", family.slug())} {family}
                                source_tokens={state.source_tokens.clone()}
                                target_tokens={tokens.clone()}
                                {steps} />
                        }
                        if let Some(done) = &done {
                            if let Some(tree) = &done.beam_tree {
                                <crate::components::DeferredFigure elements={tree.nodes.len() * 3}
                                        what_zh="beam 搜索树" what_en="beam tree">
                                    <BeamTreeView id={format!("beam-{}", family.slug())} tree={tree.clone()}
                                                  vocab={done.target_vocab.clone()} />
                                </crate::components::DeferredFigure>
                            }
                        }
                    </>
                }
            }
        }
    };
    html! {
        <article class="card result" data-family={family.slug()} data-model={model_id.clone()}
                 data-state={state.as_ref().map(|s| if s.failure.is_some() { "failed" } else if s.done.is_some() { "done" } else { "running" }).unwrap_or("idle")}>
            <header class="result-head">
                <h3>{ family_name(lang, family) }</h3>
                <crate::components::ModelFacts model_id={model_id.clone()} />
            </header>
            <DownloadBar model_id={model_id.clone()} />
            { body }
        </article>
    }
}
