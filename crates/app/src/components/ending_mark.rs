//! A mark beside a translation that did not end by itself: cut off at the length limit, or
//! looping (the same n-gram again and again, see `seq2seq_core::decoding::Ending`). Nothing for
//! a translation that ended with EOS.

use seq2seq_core::decoding::{Ending, MAX_TARGET_TOKENS};
use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::tr_owned;

#[derive(Properties, PartialEq)]
pub struct EndingMarkProps {
    pub ending: Ending,
}

#[function_component]
pub fn EndingMark(props: &EndingMarkProps) -> Html {
    let lang = use_app().lang();
    let (kind, text) = match props.ending {
        Ending::Eos => return html! {},
        Ending::LengthLimit => (
            "limit",
            tr_owned(
                lang,
                format!("⚠ 达到长度上限（{MAX_TARGET_TOKENS} 个词元）被截断：模型没有自己结束这句译文。"),
                format!("⚠ Cut off at the length limit ({MAX_TARGET_TOKENS} tokens): the model did not end this translation itself."),
            ),
        ),
        Ending::Loop { ngram, repeats } => (
            "loop",
            tr_owned(
                lang,
                format!("⚠ 译文在打转：同一段 {ngram} 个词元连续重复了 {repeats} 次。模型遇到比训练时更长或更陌生的输入时常会这样。"),
                format!("⚠ The translation loops: the same {ngram}-token piece repeats {repeats} times in a row. Models often do this on inputs longer or stranger than any they were trained on."),
            ),
        ),
    };
    html! { <p class="ending-mark" data-ending={kind} role="note">{ text }</p> }
}
