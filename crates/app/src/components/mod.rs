//! Function components that render data; none of them computes a model or touches wgpu.
//! `palette` holds the figures' colours, `strip` the heat strips and small SVG widgets that
//! several views draw with.

mod attention_panel;
mod badge;
mod beam_tree;
pub mod chrome;
mod deferred_figure;
mod download_bar;
mod ending_mark;
mod failure_note;
mod heatmap;
mod model_facts;
mod model_picker;
mod notices;
pub mod palette;
mod perplexity;
mod run_progress;
pub mod strip;
mod text_input;
mod view_intro;

pub use attention_panel::{transformer_rows, AttentionPanel};
pub use badge::{backend_name, BackendBadge, RunBadge};
pub use beam_tree::BeamTreeView;
pub use chrome::{Footer, Header};
pub use deferred_figure::DeferredFigure;
pub use download_bar::DownloadBar;
pub use ending_mark::EndingMark;
pub use failure_note::{failure_notice, kind_text, FailureNote};
pub use heatmap::Heatmap;
pub use model_facts::ModelFacts;
pub use model_picker::ModelPicker;
pub use notices::Notices;
pub use perplexity::PerplexityRow;
pub use run_progress::RunProgress;
pub use text_input::{check_text, guess_direction, source_language, TextInput};
pub use view_intro::ViewIntro;
