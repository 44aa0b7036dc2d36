//! seq2seq-app: the playground page.
//!
//! Data flows one way: the form's text and family → [`translate::run`] (a core model on the CPU)
//! → [`app::Outcome`] → components that only render it. Components never compute.

mod app;
mod demo_stub;
use demo_stub as demo;
mod components;
mod translate;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
