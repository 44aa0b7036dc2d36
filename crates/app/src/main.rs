//! seq2seq-app: the playground page.
//!
//! Data flows one way: the form's text and family → [`translate::run`] (a core model on the CPU)
//! → [`app::Outcome`] → components that only render it. Components never compute.

mod app;
mod components;
mod translate;

use seq2seq_core::demo;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
