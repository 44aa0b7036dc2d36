//! seq2seq-app: the playground UI (Yew function components) and its inference worker.
//!
//! Data flows one way: text → worker (tokenizer → model on a backend) → tokens + trace → UI.
//!
//! - [`route`]: the URL state (every view's state as a query string)
//! - [`app`], [`context`], [`state`]: the root component, what components can reach, the reducer
//! - [`views`]: the six views; [`components`]: what they are built from
//! - [`protocol`]: page ↔ worker messages; [`worker_link`]: the page's end; [`worker`]: the other
//! - [`catalog`]: models/index.json; [`i18n`]: Chinese first, English toggle; [`export`]: SVG/PNG

pub mod app;
pub mod catalog;
pub mod components;
pub mod context;
pub mod export;
pub mod hooks;
pub mod i18n;
pub mod protocol;
pub mod route;
pub mod state;
pub mod views;
pub mod worker;
pub mod worker_link;

/// A panic in the page's wasm leaves the instance unusable: say so on the page (not only in the
/// console) with a link that reloads this very URL, which restores the whole state of the view.
/// (Panics in the worker are reported by `worker_link`, which restarts the worker.) Installed
/// through yew's `set_custom_panic_hook`: a plain `std::panic::set_hook` is replaced by yew's
/// console-only hook when the app renders.
fn report_page_panics() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = format!("panic: {info}");
        web_sys::console::error_1(&message.clone().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let href = document
            .location()
            .and_then(|l| l.href().ok())
            .unwrap_or_default();
        let (Ok(notice), Ok(text), Ok(link)) = (
            document.create_element("div"),
            document.create_element("p"),
            document.create_element("a"),
        ) else {
            return;
        };
        notice.set_class_name("notice error page-crash");
        let _ = notice.set_attribute("role", "alert");
        // Text nodes only: the panic message is never parsed as HTML.
        text.set_text_content(Some(&format!(
            "页面出错了，请重新加载（输入的内容在链接里，不会丢失）。 The page hit a bug; reload it \
             (what you typed is kept in the link). {message}"
        )));
        link.set_text_content(Some("重新加载 Reload"));
        let _ = link.set_attribute("href", &href);
        let _ = notice.append_child(&text);
        let _ = notice.append_child(&link);
        if let Some(body) = document.body() {
            let _ = body.prepend_with_node_1(&notice);
        }
    }));
}

/// Entry point of the page binary: replaces the static first-paint content of `#app`.
pub fn start_page() {
    report_page_panics();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
