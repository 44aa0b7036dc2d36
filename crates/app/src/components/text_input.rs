//! The sentence box: the article's example sentences one click away, the direction switch,
//! a character counter with the limit, and a clear message instead of a silent cut.
//! The draft stays in the box whatever happens; only a valid text goes into the URL state.

use yew::prelude::*;

use crate::context::{use_app, AppContext};
use crate::i18n::{tr, tr_owned};
use crate::route::{Direction, UiLang, MAX_TEXT_CHARS};

/// The article's example sentences (and a few more of the same kind).
pub const EXAMPLES: [&str; 9] = [
    "I like eating apple",
    "The Apple is a great company",
    "A magazine is stuck in the gun.",
    "The cat sat on the mat",
    "我是谁",
    "我喜欢吃苹果",
    "Tom didn't know what to say, so he said nothing at all.",
    "他昨天晚上在图书馆学习了三个小时。",
    "我們喜歡蘋果",
];

/// Why a text cannot be translated, in the reader's language; None when it can.
pub fn check_text(lang: UiLang, text: &str) -> Option<String> {
    let chars = text.chars().count();
    if text.trim().is_empty() {
        return Some(
            tr(
                lang,
                "请输入要翻译的句子。",
                "Type a sentence to translate.",
            )
            .to_owned(),
        );
    }
    if chars > MAX_TEXT_CHARS {
        return Some(tr_owned(
            lang,
            format!("句子太长：{chars} 个字符，最多 {MAX_TEXT_CHARS} 个。这些模型在短句上训练，请分句输入。"),
            format!("Too long: {chars} characters, at most {MAX_TEXT_CHARS}. These models were trained on short sentences; try one sentence at a time."),
        ));
    }
    None
}

/// Chinese characters in the text → translate from Chinese.
pub fn guess_direction(text: &str) -> Direction {
    let han = text
        .chars()
        .filter(|c| matches!(*c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF))
        .count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if han > 0 && han * 4 >= latin {
        Direction::ZhEn
    } else {
        Direction::EnZh
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
            .filter(|text| check_text(UiLang::Zh, text).is_none())
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
    let problem = check_text(lang, &draft);
    let submit = {
        let app = app.clone();
        let draft = draft.clone();
        move || {
            let text = (*draft).clone();
            if check_text(UiLang::Zh, &text).is_none() {
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
    let examples = EXAMPLES.iter().map(|&example| {
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
    let mismatch = (guess_direction(&draft) != url.direction && problem.is_none()).then(|| {
        html! { <p class="hint">{ tr(lang,
            "提示：这段文字看起来不是所选源语言，可以点击 ⇄ 切换方向（也可以照样翻译，看看模型会怎样）。",
            "Hint: this text does not look like the chosen source language; ⇄ switches direction (or translate anyway and see what the model does).") }</p> }
    });
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
            </div>
            { for mismatch }
            <div class="examples" aria-label={tr(lang, "例句", "Examples")}>{ for examples }</div>
        </form>
    }
}
