//! The root component: the reducer, the worker, the catalogue, theme and language, and the shell
//! (page chrome around the current view, or the bare view with `?embed=1`).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::chrome::{page_title, view_title};
use crate::components::{Footer, Header, Notices};
use crate::context::{location_query, AppContext};
use crate::protocol::Request;
use crate::route::{Theme, UiLang, UrlState, View};
use crate::state::{Action, AppState};
use crate::views;
use crate::worker_link::WorkerLink;

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState {
        url: UrlState::from_query(&location_query()),
        ..Default::default()
    });
    let next_job = use_memo((), |_| Rc::new(Cell::new(1)));
    let link = {
        let dispatch = state.dispatcher();
        let crash = state.dispatcher();
        use_memo((), move |_| {
            WorkerLink::spawn(
                Callback::from(move |envelope| dispatch.dispatch(Action::Answer(envelope))),
                Callback::from(move |message| crash.dispatch(Action::Crashed(message))),
            )
        })
    };
    let ctx = AppContext {
        state: state.clone(),
        link: (*link).clone(),
        next_job: (*next_job).clone(),
    };

    // Once: the catalogue and which backends exist (the worker reads the catalogue for its
    // downloads and sends it here).
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            ctx.request(Request::Probe);
        });
    }
    // Back and forward buttons restore the state of that entry.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                dispatch.dispatch(Action::SetUrl(UrlState::from_query(&location_query())));
            });
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback(
                    "popstate",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        "popstate",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    // Theme and language on <html>, so CSS and screen readers follow.
    {
        let (theme, lang) = (state.url.theme, state.url.lang);
        use_effect_with((theme, lang), move |(theme, lang)| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = match theme {
                    Theme::System => root.remove_attribute("data-theme"),
                    Theme::Light => root.set_attribute("data-theme", "light"),
                    Theme::Dark => root.set_attribute("data-theme", "dark"),
                };
                let _ = root.set_attribute(
                    "lang",
                    match lang {
                        UiLang::Zh => "zh-CN",
                        UiLang::En => "en",
                    },
                );
            }
        });
    }

    let embed = state.url.embed;
    let view = match state.url.view {
        View::Translate => html! { <views::Translate /> },
        View::Step => html! { <views::StepThrough /> },
        View::Context => html! { <views::FixedVsAttention /> },
        View::Qkv => html! { <views::QkvExplorer /> },
        View::Flash => html! { <views::FlashLab /> },
        View::Bench => html! { <views::Benchmarks /> },
        View::Memory => html! { <views::Memory /> },
        View::Parallel => html! { <views::Parallel /> },
    };
    let on_restart = {
        let ctx = ctx.clone();
        Callback::from(move |()| ctx.restart_worker())
    };
    let on_dismiss = state
        .dispatcher()
        .to_callback()
        .reform(Action::DismissNotice);
    let catalog_error = state
        .catalog
        .as_ref()
        .and_then(|c| c.as_ref().err().cloned());
    let attribution = state.catalog().map(|c| c.attribution.clone());
    html! {
        <ContextProvider<AppContext> context={ctx.clone()}>
            <div class={classes!("page", embed.then_some("embed"))} data-view={state.url.view.slug()}>
                if !embed { <Header /> }
                <Notices crash={state.crash.clone()} {catalog_error} warnings={state.url.warnings.clone()}
                         notices={state.notices.clone()} {on_restart} {on_dismiss} />
                <main class="view">
                    if embed {
                        // The header (and its h1) is not drawn in an iframe; the page still
                        // names itself and its view for screen readers.
                        <h1 class="sr-only">{ format!("{} · {}", page_title(state.url.lang), view_title(state.url.lang, state.url.view)) }</h1>
                    }
                    { view }
                </main>
                if !embed {
                    <Footer backends={state.backends.clone()} {attribution}
                            on_clear_cache={ctx.send(Request::ClearCache)}
                            on_lose_gpu={ctx.send(Request::LoseGpu)}
                            on_crash_worker={ctx.send(Request::Crash)} />
                }
            </div>
        </ContextProvider<AppContext>>
    }
}
