//! What every component can reach: the state, and a way to ask the worker for work.
//! Components render data and send requests; they never touch wgpu or the models.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::protocol::{JobId, Request};
use crate::route::{UiLang, UrlState, View};
use crate::state::{Action, AppState};
use crate::worker_link::WorkerLink;

#[derive(Clone)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    pub link: Rc<WorkerLink>,
    pub next_job: Rc<Cell<JobId>>,
}

impl PartialEq for AppContext {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.link, &other.link)
    }
}

impl AppContext {
    pub fn lang(&self) -> UiLang {
        self.state.url.lang
    }

    pub fn url(&self) -> &UrlState {
        &self.state.url
    }

    /// Send `request` to the worker; its answers land in the state.
    pub fn request(&self, request: Request) -> JobId {
        let job = self.next_job.get();
        self.next_job.set(job + 1);
        self.link.send(job, &request);
        self.state.dispatch(Action::Started(job, request));
        job
    }

    /// A callback that sends `request` each time it is called (a button's action).
    pub fn send(&self, request: Request) -> Callback<()> {
        let app = self.clone();
        Callback::from(move |()| {
            app.request(request.clone());
        })
    }

    /// Replace a dead worker with a fresh one: running jobs are lost (the views ask again), and
    /// the new worker is probed as at start-up.
    pub fn restart_worker(&self) {
        self.link.restart();
        self.state.dispatch(Action::Restarted);
        self.request(Request::Probe);
    }

    /// Change the URL state: `push` adds a history entry (a new view), otherwise the current
    /// entry is replaced (typing, scrubbing).
    pub fn set_url(&self, url: UrlState, push: bool) {
        write_location(&url, push);
        self.state.dispatch(Action::SetUrl(url));
    }

    /// Edit the URL state in place.
    pub fn update_url(&self, push: bool, edit: impl FnOnce(&mut UrlState)) {
        let mut url = self.state.url.without_warnings();
        edit(&mut url);
        self.set_url(url, push);
    }

    /// A `<select>`'s change handler that edits the URL state with the chosen value.
    pub fn on_select(&self, edit: impl Fn(&mut UrlState, &str) + 'static) -> Callback<Event> {
        let app = self.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            app.update_url(false, |u| edit(u, &value));
        })
    }

    /// The link that opens `view` with the current state.
    pub fn href(&self, view: View) -> String {
        let mut url = self.state.url.without_warnings();
        url.view = view;
        href_of(&url)
    }
}

/// `./?…` (relative: works under any sub-path).
pub fn href_of(url: &UrlState) -> String {
    let query = url.to_query();
    if query.is_empty() {
        "./".to_owned()
    } else {
        format!("./{query}")
    }
}

/// `location.search` of the page.
pub fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

fn write_location(url: &UrlState, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let target = href_of(url);
    let result = if push {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&target))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&target))
    };
    if let Err(e) = result {
        web_sys::console::warn_2(&"could not update the address bar".into(), &e);
    }
}

/// The context, for function components.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("components are rendered inside <App>")
}
