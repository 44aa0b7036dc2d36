//! A clearly visible error for input the models cannot take.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    /// The run that failed (tests wait on it).
    pub run: u32,
    pub message: String,
}

#[function_component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    html! {
        <div id="error" class="error" role="alert" data-testid="error" data-run={props.run.to_string()}>
            <strong>{"出错了 · Error"}</strong>
            <p class="error-message">{ props.message.clone() }</p>
        </div>
    }
}
