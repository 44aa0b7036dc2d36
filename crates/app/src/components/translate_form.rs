//! The input form: a sentence, a model family and a button.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::translate::{family_label, FAMILIES, MAX_CHARS};

#[derive(Properties, PartialEq)]
pub struct TranslateFormProps {
    pub text: String,
    pub family: String,
    pub on_text: Callback<String>,
    pub on_family: Callback<String>,
    pub on_submit: Callback<()>,
}

#[function_component(TranslateForm)]
pub fn translate_form(props: &TranslateFormProps) -> Html {
    let oninput = props
        .on_text
        .reform(|event: InputEvent| event.target_unchecked_into::<HtmlInputElement>().value());
    let onchange = props
        .on_family
        .reform(|event: Event| event.target_unchecked_into::<HtmlSelectElement>().value());
    let onsubmit = props
        .on_submit
        .reform(|event: SubmitEvent| event.prevent_default());

    html! {
        <form id="translate-form" class="form" {onsubmit}>
            <label for="source-text">{"英文句子 · English sentence"}</label>
            <input id="source-text" data-testid="source-text" type="text" lang="en"
                autocomplete="off" spellcheck="false" maxlength={(MAX_CHARS * 2).to_string()}
                value={props.text.clone()} {oninput} />
            <div class="row">
                <label for="family">{"模型 · model"}</label>
                <select id="family" data-testid="family" {onchange}>
                    { for FAMILIES.iter().map(|family| html! {
                        <option value={*family} selected={*family == props.family}>
                            { family_label(family) }
                        </option>
                    }) }
                </select>
                <button id="translate" data-testid="translate" type="submit">{"翻译 · Translate"}</button>
            </div>
        </form>
    }
}
