//! (being written)

use yew::prelude::*;

use crate::components::ViewIntro;

#[function_component]
pub fn Benchmarks() -> Html {
    html! { <ViewIntro><p>{ "…" }</p></ViewIntro> }
}
