//! The sentence box: the article's example sentences one click away, the direction switch,
//! a character counter with the limit, and a clear message instead of a silent cut or a
//! confident translation of text the models cannot read (the other language, emoji or
//! punctuation only), with a one-click switch of direction where that is the cause.
//! The draft stays in the box whatever happens; only a valid text goes into the URL state.

use seq2seq_core::tokenizer::{check_input, InputProblem, Language, ScriptCounts};
use yew::prelude::*;

use crate::context::{use_app, AppContext};
use crate::i18n::{tr, tr_owned};
use crate::route::{Direction, UiLang, MAX_TEXT_CHARS};

/// The article's example sentences (and a few more of the same kind): `data/article-examples.txt`,
/// the file `seq2seq-train prepare` holds out of the training data (one per line, `#` comments).
pub fn examples() -> impl Iterator<Item = &'static str> {
    include_str!("../../../../data/article-examples.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Why a text cannot be translated from the direction's source language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    /// The text's length in characters.
    TooLong(usize),
    /// Not in the source language, or no words (core's `tokenizer::check_input`).
    Script(InputProblem),
}

/// The language a direction reads.
pub fn source_language(direction: Direction) -> Language {
    match direction {
        Direction::EnZh => Language::En,
        Direction::ZhEn => Language::Zh,
    }
}

/// Why `text` cannot be translated in `direction`; None when it can.
pub fn text_problem(direction: Direction, text: &str) -> Option<TextProblem> {
    let chars = text.chars().count();
    if text.trim().is_empty() {
        Some(TextProblem::Empty)
    } else if chars > MAX_TEXT_CHARS {
        Some(TextProblem::TooLong(chars))
    } else {
        check_input(source_language(direction), text).map(TextProblem::Script)
    }
}

/// The language's name in the reader's language.
fn language_name(lang: UiLang, language: Language) -> &'static str {
    match language {
        Language::En => tr(lang, "英文", "English"),
        Language::Zh => tr(lang, "中文", "Chinese"),
    }
}

/// Why a text cannot be translated in `direction`, in the reader's language; None when it can.
pub fn check_text(lang: UiLang, direction: Direction, text: &str) -> Option<String> {
    let source = language_name(lang, source_language(direction));
    Some(match text_problem(direction, text)? {
        TextProblem::Empty => tr(lang, "请输入要翻译的句子。", "Type a sentence to translate.").to_owned(),
        TextProblem::TooLong(chars) => tr_owned(
            lang,
            format!("句子太长：{chars} 个字符，最多 {MAX_TEXT_CHARS} 个。这些模型在短句上训练，请分句输入。"),
            format!("Too long: {chars} characters, at most {MAX_TEXT_CHARS}. These models were trained on short sentences; try one sentence at a time."),
        ),
        TextProblem::Script(InputProblem::OtherLanguage(found)) => {
            let found = language_name(lang, found);
            tr_owned(
                lang,
                format!("这段文字是{found}，但这些模型只读{source}：照样翻译只会得到无意义的句子。"),
                format!("This text is {found}, but these models read only {source}: translating it would give nonsense."),
            )
        }
        TextProblem::Script(InputProblem::UnknownScript) => tr(
            lang,
            "这些模型只读中文和英文，这段文字两者都不是。",
            "These models read only English and Chinese; this text is neither.",
        )
        .to_owned(),
        TextProblem::Script(InputProblem::EmojiOnly) => tr(
            lang,
            "只有表情符号或符号，没有可翻译的词。请输入一句话（句中带表情符号没问题）。",
            "Only emoji or symbols: there are no words to translate. Type a sentence (emoji inside one are fine).",
        )
        .to_owned(),
        TextProblem::Script(InputProblem::PunctuationOnly) => tr(
            lang,
            "只有标点，没有可翻译的词。请输入一句话。",
            "Only punctuation: there are no words to translate. Type a sentence.",
        )
        .to_owned(),
    })
}

/// Chinese characters outnumbering Latin words → translate from Chinese (core's rule).
pub fn guess_direction(text: &str) -> Direction {
    match ScriptCounts::of(text).dominant() {
        Some(Language::Zh) => Direction::ZhEn,
        _ => Direction::EnZh,
    }
}

/// The finished translation of the current text by the first model on screen that has one (the
/// URL's model order), if any: what ⇄ puts in the box.
fn shown_translation(app: &AppContext) -> Option<String> {
    let url = app.url();
    url.models.iter().find_map(|family| {
        let model_id = family.model_id(url.direction);
        app.state
            .translations
            .iter()
            .filter(|(request, _)| {
                request.model_id == model_id && request.text == url.text && request.beam == url.beam
            })
            .find_map(|(_, state)| state.done.as_ref().map(|d| d.text.clone()))
            .filter(|text| text_problem(url.direction.flipped(), text).is_none())
    })
}

#[function_component]
pub fn TextInput() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let draft = use_state(|| url.text.clone());
    // A new URL text (example, back button) replaces the draft.
    {
        let draft = draft.clone();
        use_effect_with(url.text.clone(), move |text| draft.set(text.clone()));
    }
    let problem = check_text(lang, url.direction, &draft);
    // The text is in the other language: one click translates it from that language.
    let found_language = match text_problem(url.direction, &draft) {
        Some(TextProblem::Script(InputProblem::OtherLanguage(found))) => Some(found),
        _ => None,
    };
    let submit = {
        let app = app.clone();
        let draft = draft.clone();
        let direction = url.direction;
        move || {
            let text = (*draft).clone();
            if text_problem(direction, &text).is_none() {
                app.update_url(false, |u| {
                    u.text = text;
                    u.step = 0;
                    u.token = 0;
                });
            }
        }
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(
                e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                    .value(),
            );
        })
    };
    let on_key = {
        let submit = submit.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.shift_key() {
                e.prevent_default();
                submit();
            }
        })
    };
    let on_submit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        submit();
    });
    // ⇄ as every translator does it: the shown translation becomes the new source.
    let swap = {
        let app = app.clone();
        Callback::from(move |_| {
            let translated = shown_translation(&app);
            app.update_url(false, |u| {
                u.direction = u.direction.flipped();
                if let Some(text) = translated {
                    u.text = text;
                    u.step = 0;
                    u.token = 0;
                }
            })
        })
    };
    let switch = found_language.map(|found| {
        let app = app.clone();
        let draft = draft.clone();
        let onclick = Callback::from(move |_| {
            let text = (*draft).clone();
            app.update_url(false, |u| {
                u.direction = u.direction.flipped();
                u.text = text;
                u.step = 0;
                u.token = 0;
            })
        });
        let found = language_name(lang, found);
        html! {
            <button type="button" class="switch-direction" id="switch-direction" {onclick}>
                { tr_owned(lang, format!("改为从{found}翻译 ⇄"), format!("Translate from {found} instead ⇄")) }
            </button>
        }
    });
    let examples = examples().map(|example| {
        let app = app.clone();
        let onclick = Callback::from(move |_| {
            app.update_url(false, |u| {
                u.text = example.to_owned();
                u.direction = guess_direction(example);
                u.step = 0;
                u.token = 0;
            })
        });
        html! { <button type="button" class="chip" {onclick}>{ example }</button> }
    });
    let (from, to) = match url.direction {
        Direction::EnZh => (tr(lang, "英文", "English"), tr(lang, "中文", "Chinese")),
        Direction::ZhEn => (tr(lang, "中文", "Chinese"), tr(lang, "英文", "English")),
    };
    let chars = draft.chars().count();
    html! {
        <form class="text-input" onsubmit={on_submit}>
            <div class="direction">
                <span class="lang-name" id="source-lang">{ from }</span>
                <button type="button" class="swap" onclick={swap} id="swap-direction"
                        title={tr(lang, "交换翻译方向", "Swap direction")}>{ "⇄" }</button>
                <span class="lang-name">{ to }</span>
            </div>
            <textarea id="source-text" rows="2" value={(*draft).clone()} oninput={on_input} onkeydown={on_key}
                      aria-label={tr(lang, "要翻译的句子", "Sentence to translate")}
                      aria-invalid={problem.is_some().then_some("true")} spellcheck="false" />
            <div class="row">
                <button type="submit" class="primary" id="translate-button" disabled={problem.is_some()}>{ tr(lang, "翻译", "Translate") }</button>
                <span class={classes!("counter", (chars > MAX_TEXT_CHARS).then_some("over"))}>{ format!("{chars} / {MAX_TEXT_CHARS}") }</span>
                if let Some(problem) = problem.clone() {
                    <span class="input-error" role="alert" id="input-error">{ problem }</span>
                }
                { for switch }
            </div>
            <div class="examples" aria-label={tr(lang, "例句", "Examples")}>{ for examples }</div>
        </form>
    }
}
