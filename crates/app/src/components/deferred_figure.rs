//! A figure that would put many thousands of SVG elements on the page (the attention map and beam
//! tree of a long translation; five models side by side) waits for a click instead of being drawn
//! with the result: building it takes the page's main thread for a visible moment per figure.
//! Small figures are drawn at once, as before.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::tr_owned;

/// Up to this many elements a figure is drawn with its result (a 40 × 60 map, a beam of 4 over 60
/// steps).
pub const EAGER_ELEMENTS: usize = 2_400;

#[derive(Properties, PartialEq)]
pub struct DeferredFigureProps {
    /// Elements the figure will draw (cells, nodes).
    pub elements: usize,
    /// What it is, for the button: "attention map 150 × 98".
    pub what_zh: AttrValue,
    pub what_en: AttrValue,
    pub children: Html,
}

#[function_component]
pub fn DeferredFigure(props: &DeferredFigureProps) -> Html {
    let lang = use_app().lang();
    let shown = use_state(|| false);
    if props.elements <= EAGER_ELEMENTS || *shown {
        return props.children.clone();
    }
    let onclick = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(true))
    };
    html! {
        <p class="deferred-figure">
            <button class="small" {onclick}>{ tr_owned(lang,
                format!("显示{}（{} 个图元）", props.what_zh, props.elements),
                format!("Show the {} ({} elements)", props.what_en, props.elements)) }</button>
            <span class="muted small">{ tr_owned(lang,
                "图很大：点开再画，页面不会卡住。".to_owned(),
                "A large figure: drawn when asked, so the page does not stall.".to_owned()) }</span>
        </p>
    }
}
