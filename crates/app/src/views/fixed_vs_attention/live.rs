//! Claim 1, live: the reader's sentence (or a ready-made input of growing length from the test
//! split's ladder) translated by every chosen family, side by side, with its source length and
//! that length bucket's ladder BLEU.

use yew::prelude::*;

use super::chart::family_colour;
use super::verdict;
use crate::catalog::Catalog;
use crate::components::strip::dot;
use crate::components::{DownloadBar, RunBadge};
use crate::context::use_app;
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr, tr_owned};
use crate::route::{Direction, Family};
use crate::views::translate_request;

/// The source length as the ladder's buckets count it: English words split by whitespace,
/// Chinese characters without punctuation and spaces (crates/train/src/metrics.rs,
/// `source_words`).
pub fn source_words(text: &str, direction: Direction) -> usize {
    match direction {
        Direction::EnZh => text.split_whitespace().count(),
        Direction::ZhEn => text.chars().filter(|c| c.is_alphanumeric()).count(),
    }
}

/// The ladder bucket of a length (crates/train/src/metrics.rs, `LADDER_BUCKETS`).
pub fn bucket_name(words: usize) -> &'static str {
    match words {
        0..=5 => "1-5",
        6..=10 => "6-10",
        11..=15 => "11-15",
        16..=20 => "16-20",
        21..=30 => "21-30",
        31..=40 => "31-40",
        _ => "41+",
    }
}

/// Ready-made inputs of growing length: one test input per ladder rung (1–4 joined sentences),
/// from the catalogue, and the longest training input of the direction's models.
fn ladder_inputs(catalog: &Catalog, direction: Direction) -> (Vec<(usize, String)>, usize) {
    let ladders: Vec<&crate::catalog::Ladder> = Family::ALL
        .iter()
        .filter_map(|&f| verdict::ladder(catalog, f, direction))
        .collect();
    let examples = ladders
        .iter()
        .map(|l| l.examples.clone())
        .find(|e| !e.is_empty())
        .unwrap_or_default();
    let trained = ladders
        .iter()
        .map(|l| l.trained_on_sentences)
        .max()
        .unwrap_or(1);
    (examples, trained)
}

#[function_component]
pub fn Ladder() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let Some(catalog) = app.state.catalog().cloned() else {
        return html! {};
    };
    let (examples, trained) = ladder_inputs(&catalog, url.direction);
    let buttons = examples.into_iter().map(|(sentences, text)| {
        let n = source_words(&text, url.direction);
        let selected = url.text == text;
        let app = app.clone();
        let title = text.clone();
        let onclick = Callback::from(move |_| {
            let text = text.clone();
            app.update_url(false, move |u| {
                u.text = text;
                u.step = 0;
            })
        });
        let unit = match url.direction {
            Direction::EnZh => tr(lang, "词", "words"),
            Direction::ZhEn => tr(lang, "字", "chars"),
        };
        html! {
            <button type="button" class={classes!("chip", "ladder-chip", selected.then_some("selected"))} {onclick}
                    data-words={n.to_string()} data-sentences={sentences.to_string()} aria-pressed={selected.to_string()} {title}>
                <span class="ladder-n">{ tr_owned(lang, format!("{sentences} 句 · {n} {unit}"), format!("{sentences} sent. · {n} {unit}")) }</span>
            </button>
        }
    });
    html! {
        <>
            <p class="caption ladder-caption">{ tr_owned(lang,
                format!("下面的输入取自测试集的长度阶梯（1–4 个句子拼在一起）。这些模型训练时的输入最多由 {trained} 句拼成。"),
                format!("The inputs below come from the test split's length ladder (1–4 sentences joined). These models were trained on inputs of up to {trained} joined sentence(s).")) }</p>
            <div class="ladder" aria-label={tr(lang, "由短到长的输入", "Inputs of growing length")}>{ for buttons }</div>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct RunRowProps {
    pub family: Family,
}

/// One family's translation of the URL's sentence, compact.
#[function_component]
pub fn RunRow(props: &RunRowProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let family = props.family;
    let model_id = family.model_id(url.direction);
    let state = use_translation(translate_request(&url, family));
    let words = source_words(&url.text, url.direction);
    let bucket = bucket_name(words);
    let bucket_bleu = app.state.catalog().and_then(|c| {
        verdict::ladder(c, family, url.direction)?
            .test
            .by_length
            .iter()
            .find(|(b, n, _)| b == bucket && *n > 0)
            .map(|&(_, _, v)| v)
    });
    let data_state = state
        .as_ref()
        .map(|s| {
            if s.failure.is_some() {
                "failed"
            } else if s.done.is_some() {
                "done"
            } else {
                "running"
            }
        })
        .unwrap_or("idle");
    let output = match &state {
        None => html! {},
        Some(s) => {
            if let Some(failure) = &s.failure {
                html! { <crate::components::FailureNote failure={failure.clone()} lead={("无法翻译", "Could not translate")} /> }
            } else if let Some(done) = &s.done {
                html! {
                    <>
                        <p class="translation" data-model={model_id.clone()}
                           lang={if url.direction == Direction::EnZh { "zh" } else { "en" }}>{ done.text.clone() }</p>
                        <crate::components::EndingMark ending={done.ending} />
                        <RunBadge backend={done.backend} millis={done.millis} measured={done.measured.clone()} fallback={done.fallback.clone()} />
                    </>
                }
            } else {
                let partial: Vec<String> = s.steps.iter().map(|(t, _)| t.clone()).collect();
                html! { <p class="translation running muted">{ seq2seq_core::tokenizer::join_for_reading(crate::components::source_language(url.direction.flipped()), &partial) }<span class="cursor" aria-hidden="true">{ "▍" }</span></p> }
            }
        }
    };
    html! {
        <article class="card result run-row" data-family={family.slug()} data-model={model_id.clone()} data-state={data_state}
                 data-words={words.to_string()}>
            <header class="result-head">
                <h3>{ dot(family_colour(family)) }{ family_name(lang, family) }</h3>
                <span class="muted small">
                    { format!("{} {words} {}", tr(lang, "源句长度", "source length"), match url.direction { Direction::EnZh => tr(lang, "词", "words"), Direction::ZhEn => tr(lang, "字", "chars") }) }
                    if let Some(b) = bucket_bleu {
                        { format!(" · {} {} BLEU {b:.1}", tr(lang, "该长度组的阶梯测试", "ladder test, this bucket"), bucket.replace('-', "–")) }
                    }
                </span>
            </header>
            <DownloadBar model_id={model_id.clone()} />
            { output }
        </article>
    }
}
