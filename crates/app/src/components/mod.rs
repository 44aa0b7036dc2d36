//! Function components that render data; none of them computes anything.

mod chrome;
mod error_banner;
mod result_view;
mod token_list;
mod translate_form;

pub use chrome::{Footer, Header};
pub use error_banner::ErrorBanner;
pub use result_view::ResultView;
pub use token_list::TokenList;
pub use translate_form::TranslateForm;
