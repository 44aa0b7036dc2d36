//! The six views, one file each, in the order of the article.

mod benchmarks;
mod fixed_vs_attention;
mod flash_lab;
mod memory;
mod parallel;
mod qkv_explorer;
mod step_through;
mod translate;

pub use benchmarks::Benchmarks;
pub use fixed_vs_attention::FixedVsAttention;
pub use flash_lab::FlashLab;
pub use memory::Memory;
pub use parallel::Parallel;
pub use qkv_explorer::QkvExplorer;
pub use step_through::StepThrough;
pub use translate::{translate_request, Translate, TranslationCard};
