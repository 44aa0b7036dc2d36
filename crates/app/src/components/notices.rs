//! Messages for the reader: what the URL parser ignored, fallbacks, a catalogue that did not
//! load, and a crashed worker with a button that starts a new one (nothing typed is lost: the
//! text lives in the URL state).

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::Request;
use crate::state::Action;

#[function_component]
pub fn Notices() -> Html {
    let app = use_app();
    let lang = app.lang();
    let state = &app.state;
    let restart = {
        let app = app.clone();
        Callback::from(move |_| {
            app.link.restart();
            app.state.dispatch(Action::Restarted);
            app.request(Request::Probe);
        })
    };
    let crash = state.crash.as_ref().map(|message| {
        html! {
            <div class="notice error" role="alert" id="worker-crash">
                <strong>{ tr(lang, "计算线程出错了。", "The computation worker failed.") }</strong>
                { " " }{ message.clone() }{ " " }
                <button onclick={restart}>{ tr(lang, "重新启动", "Restart it") }</button>
            </div>
        }
    });
    let catalog = match &state.catalog {
        Some(Err(e)) => Some(html! {
            <div class="notice error" role="alert">
                { tr(lang, "无法读取模型目录：", "Could not read the model catalogue: ") }{ e.clone() }
            </div>
        }),
        _ => None,
    };
    let warnings = (!state.url.warnings.is_empty()).then(|| {
        html! {
            <div class="notice" role="status">
                { tr(lang, "链接中有无法识别的参数，已忽略：", "Ignored parts of the link: ") }
                { state.url.warnings.join("; ") }
            </div>
        }
    });
    let notices = state.notices.iter().enumerate().map(|(i, message)| {
        let dismiss = {
            let app = app.clone();
            Callback::from(move |_| app.state.dispatch(Action::DismissNotice(i)))
        };
        html! {
            <div class="notice" role="status">
                { tr_owned(lang, message.zh.clone(), message.en.clone()) }
                <button class="close" onclick={dismiss} aria-label={tr(lang, "关闭", "Dismiss")}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <div class="notices" aria-live="polite">
            { for crash }{ for catalog }{ for warnings }{ for notices }
        </div>
    }
}
