//! Claim 1, live: the reader's sentence (or a ready-made one of growing length) translated by
//! every chosen family, side by side, with its source length and that length bucket's test BLEU.

use yew::prelude::*;

use super::chart::family_colour;
use crate::components::{DownloadBar, RunBadge};
use crate::context::use_app;
use crate::hooks::use_translation;
use crate::i18n::{family_name, tr};
use crate::route::{Direction, Family};
use crate::components::strip::dot;
use crate::views::translate_request;

/// Ready-made sentences of growing length (4, 8, 12, 16, 20+ words; characters for Chinese).
pub const LADDER_EN: [&str; 5] = [
    "I like eating apples.",
    "My brother bought a new car last week.",
    "She told me that she would come to the party tomorrow.",
    "When I was a child, I used to walk to school with my friends every day.",
    "Tom said that he had never seen such a beautiful house before, and he wanted to buy it as soon as he could.",
];
pub const LADDER_ZH: [&str; 5] = [
    "我喜欢猫。",
    "他每天早上喝咖啡。",
    "我明天要去北京看我的朋友。",
    "我们昨天晚上在一家新饭店吃了晚饭。",
    "虽然今天下了一整天的雨，但是我们还是决定一起去公园散步和拍照。",
];

/// The source length as the test buckets count it: English words split by whitespace, Chinese
/// characters without punctuation and spaces (crates/train/src/metrics.rs, `source_words`).
pub fn source_words(text: &str, direction: Direction) -> usize {
    match direction {
        Direction::EnZh => text.split_whitespace().count(),
        Direction::ZhEn => text.chars().filter(|c| c.is_alphanumeric()).count(),
    }
}

/// The bucket name of a length ("1-5", "6-10", "11-15", "16+").
pub fn bucket_name(words: usize) -> &'static str {
    match words {
        0..=5 => "1-5",
        6..=10 => "6-10",
        11..=15 => "11-15",
        _ => "16+",
    }
}

#[function_component]
pub fn Ladder() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let ladder = match url.direction {
        Direction::EnZh => LADDER_EN,
        Direction::ZhEn => LADDER_ZH,
    };
    let buttons = ladder.iter().map(|&sentence| {
        let n = source_words(sentence, url.direction);
        let selected = url.text == sentence;
        let app = app.clone();
        let onclick = Callback::from(move |_| app.update_url(false, |u| {
            u.text = sentence.to_owned();
            u.step = 0;
        }));
        html! {
            <button type="button" class={classes!("chip", "ladder-chip", selected.then_some("selected"))} {onclick}
                    data-words={n.to_string()} aria-pressed={selected.to_string()}>
                <span class="ladder-n">{ format!("{n}{}", match url.direction { Direction::EnZh => tr(lang, " 词", " words"), Direction::ZhEn => tr(lang, " 字", " chars") }) }</span>
                { sentence }
            </button>
        }
    });
    html! {
        <div class="ladder" aria-label={tr(lang, "由短到长的例句", "Sentences of growing length")}>{ for buttons }</div>
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
    let bucket_bleu = app
        .state
        .catalog()
        .and_then(|c| c.model(family, url.direction).cloned())
        .and_then(|m| {
            m.test_bleu_by_bucket
                .iter()
                .find(|(b, _)| b == bucket)
                .map(|(_, v)| *v)
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
                html! { <p class="failure" role="alert">{ tr(lang, "无法翻译：", "Could not translate: ") }{ failure.message.clone() }</p> }
            } else if let Some(done) = &s.done {
                html! {
                    <>
                        <p class="translation" data-model={model_id.clone()}
                           lang={if url.direction == Direction::EnZh { "zh" } else { "en" }}>{ done.text.clone() }</p>
                        <RunBadge backend={done.backend} millis={done.millis} measured={done.measured.clone()} fallback={done.fallback.clone()} />
                    </>
                }
            } else {
                let partial: Vec<String> = s.steps.iter().map(|(t, _)| t.clone()).collect();
                html! { <p class="translation running muted">{ partial.join(" ") }<span class="cursor" aria-hidden="true">{ "▍" }</span></p> }
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
                        { format!(" · {} {} BLEU {b:.1}", tr(lang, "该长度组测试", "test, this bucket"), bucket.replace('-', "–")) }
                    }
                </span>
            </header>
            <DownloadBar model_id={model_id.clone()} />
            { output }
        </article>
    }
}
