//! Byte-accurate download progress of one model (from the worker's `Download` messages).

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{bytes, tr};

#[derive(Properties, PartialEq)]
pub struct DownloadBarProps {
    pub model_id: String,
}

#[function_component]
pub fn DownloadBar(props: &DownloadBarProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let Some(progress) = app.state.downloads.get(&props.model_id) else {
        return html! {};
    };
    if progress.loaded >= progress.total && progress.total > 0 {
        return html! {};
    }
    let label = format!(
        "{}{} / {}",
        if progress.cached {
            tr(lang, "从缓存读取 ", "from cache ")
        } else {
            tr(lang, "下载模型 ", "downloading ")
        },
        bytes(progress.loaded),
        bytes(progress.total)
    );
    html! {
        <div class="download">
            <progress max={progress.total.to_string()} value={progress.loaded.to_string()}
                      aria-label={label.clone()} />
            <span class="muted">{ label }</span>
        </div>
    }
}
