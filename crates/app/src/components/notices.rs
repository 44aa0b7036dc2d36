//! Messages for the reader: what the URL parser ignored, fallbacks, a catalogue that did not
//! load, and a crashed worker with a button that starts a new one (nothing typed is lost: the
//! text lives in the URL state). Renders what it is given; the owner restarts and dismisses.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::Bilingual;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// The worker died with this report.
    pub crash: Option<String>,
    /// Why `models/index.json` could not be read.
    pub catalog_error: Option<String>,
    /// Parts of the link the URL parser ignored.
    pub warnings: Vec<String>,
    /// Notices from the worker and the page, newest last.
    pub notices: Vec<Bilingual>,
    /// Start a fresh worker.
    pub on_restart: Callback<()>,
    /// Dismiss notice `i`.
    pub on_dismiss: Callback<usize>,
}

#[function_component]
pub fn Notices(props: &NoticesProps) -> Html {
    let lang = use_app().lang();
    let crash = props.crash.as_ref().map(|message| {
        html! {
            <div class="notice error" role="alert" id="worker-crash">
                <strong>{ tr(lang, "计算线程出错了。", "The computation worker failed.") }</strong>
                { " " }{ message.clone() }{ " " }
                <button onclick={props.on_restart.reform(|_: MouseEvent| ())}>{ tr(lang, "重新启动", "Restart it") }</button>
            </div>
        }
    });
    let catalog = props.catalog_error.as_ref().map(|e| {
        html! {
            <div class="notice error" role="alert" data-detail={e.clone()}>
                { tr(lang,
                    "无法读取模型目录（models/index.json）：文件缺失、损坏或网络出错。重新加载页面再试。",
                    "Could not read the model catalogue (models/index.json): the file is missing or damaged, or the network failed. Reload the page to try again.") }
                <details class="failure-detail">
                    <summary>{ tr(lang, "技术细节", "Technical details") }</summary>
                    <code>{ e.clone() }</code>
                </details>
            </div>
        }
    });
    let warnings = (!props.warnings.is_empty()).then(|| {
        html! {
            <div class="notice" role="status">
                { tr(lang, "链接中有无法识别的参数，已忽略：", "Ignored parts of the link: ") }
                { props.warnings.join("; ") }
            </div>
        }
    });
    let notices = props.notices.iter().enumerate().map(|(i, message)| {
        html! {
            <div class="notice" role="status">
                { tr_owned(lang, message.zh.clone(), message.en.clone()) }
                <button class="close" onclick={props.on_dismiss.reform(move |_: MouseEvent| i)}
                        aria-label={tr(lang, "关闭", "Dismiss")}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <div class="notices" aria-live="polite">
            { for crash }{ for catalog }{ for warnings }{ for notices }
        </div>
    }
}
