//! The progress line of a long run that streams rows (the FlashAttention lab, sequential vs
//! parallel): a bar and "done/total · what runs now".

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunProgressProps {
    /// DOM id (the tests wait for it).
    pub id: AttrValue,
    /// (done, total, label) of the run's last `Response::Progress`.
    pub progress: (usize, usize, String),
}

#[function_component]
pub fn RunProgress(props: &RunProgressProps) -> Html {
    let (done, total, label) = &props.progress;
    html! {
        <div class="download" role="status" id={props.id.clone()}>
            <progress max={total.to_string()} value={done.to_string()}></progress>
            <span class="muted small">{ format!("{done}/{total} · {label}") }</span>
        </div>
    }
}
