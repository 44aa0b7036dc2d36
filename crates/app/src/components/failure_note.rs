//! A failed request as the reader sees it, wholly in the page's language: what failed (the view's
//! lead, "无法翻译"), what kind of failure it is and what to do, from the failure's kind; the
//! worker's own words (English and technical: file names, sizes, hashes, the driver's text) stay
//! in a closed "details" and in `data-detail`, for a bug report.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::tr;
use crate::protocol::{Bilingual, Failure, FailureKind};
use crate::route::UiLang;

/// What a kind of failure means for the reader, and what to do about it.
pub fn kind_text(lang: UiLang, kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Input => tr(
            lang,
            "这段输入超出了模型能处理的范围（例如太长或含有无法编码的内容）。",
            "the input is beyond what the model can take (too long, for example, or not encodable).",
        ),
        FailureKind::ModelFile => tr(
            lang,
            "模型文件缺失、损坏，或与模型目录不符。重新加载页面会再下载一次。",
            "a model file is missing, damaged, or not the one the catalogue lists. Reloading the page downloads it again.",
        ),
        FailureKind::Network => tr(
            lang,
            "网络请求失败。检查网络连接后重试。",
            "a network request failed. Check the connection and try again.",
        ),
        FailureKind::Gpu => tr(
            lang,
            "GPU 出错，这次运行无法继续。可以在页首把后端改为 CPU 再试。",
            "the GPU failed and this run could not go on. Choosing the CPU backend at the top of the page and trying again works around it.",
        ),
        FailureKind::Internal => tr(
            lang,
            "页面的计算线程出了内部错误。重新加载页面可以恢复。",
            "the page's worker hit an internal error. Reloading the page recovers.",
        ),
    }
}

/// The same as a notice (a failure no view shows): both languages, the detail in English only.
pub fn failure_notice(failure: &Failure) -> Bilingual {
    Bilingual::new(
        kind_text(UiLang::Zh, failure.kind),
        format!(
            "{} ({})",
            kind_text(UiLang::En, failure.kind),
            failure.message
        ),
    )
}

#[derive(Properties, PartialEq)]
pub struct FailureNoteProps {
    pub failure: Failure,
    /// What failed, in both languages: ("无法翻译", "Could not translate").
    pub lead: (&'static str, &'static str),
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[function_component]
pub fn FailureNote(props: &FailureNoteProps) -> Html {
    let lang = use_app().lang();
    let f = &props.failure;
    html! {
        <div class="failure" role="alert" id={props.id.clone()}
             data-kind={format!("{:?}", f.kind)} data-detail={f.message.clone()}>
            { tr(lang, props.lead.0, props.lead.1) }{ tr(lang, "：", ": ") }{ kind_text(lang, f.kind) }
            <details class="failure-detail">
                <summary>{ tr(lang, "技术细节", "Technical details") }</summary>
                <code>{ f.message.clone() }</code>
            </details>
        </div>
    }
}
