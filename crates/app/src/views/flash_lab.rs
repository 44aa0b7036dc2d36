//! (being written)

use yew::prelude::*;

use crate::components::ViewIntro;

#[function_component]
pub fn FlashLab() -> Html {
    html! { <ViewIntro><p>{ "…" }</p></ViewIntro> }
}
