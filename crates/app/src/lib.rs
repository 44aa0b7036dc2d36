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

/// Entry point of the page binary: replaces the static first-paint content of `#app`.
pub fn start_page() {
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
