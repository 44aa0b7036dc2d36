//! The root component: owns the page state (a reducer) and runs a translation on submit.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{ErrorBanner, Footer, Header, ResultView, TranslateForm};
use crate::demo::DemoOutput;
use crate::translate::{self, TranslateError};

/// What the last press of the button produced.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done { output: DemoOutput, millis: f64 },
    Failed(TranslateError),
}

/// The whole state of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub text: String,
    pub family: String,
    /// Number of finished runs; lets tests wait for a specific result.
    pub run: u32,
    pub outcome: Option<Outcome>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            text: translate::DEFAULT_TEXT.to_owned(),
            family: translate::FAMILIES[0].to_owned(),
            run: 0,
            outcome: None,
        }
    }
}

pub enum Action {
    SetText(String),
    SetFamily(String),
    Finished(Outcome),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetText(text) => next.text = text,
            Action::SetFamily(family) => next.family = family,
            Action::Finished(outcome) => {
                next.run += 1;
                next.outcome = Some(outcome);
            }
        }
        Rc::new(next)
    }
}

/// Milliseconds from the page's high-resolution clock (0 where there is none).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    let on_text = {
        let state = state.clone();
        Callback::from(move |text| state.dispatch(Action::SetText(text)))
    };
    let on_family = {
        let state = state.clone();
        Callback::from(move |family| state.dispatch(Action::SetFamily(family)))
    };
    let on_submit = {
        let state = state.clone();
        Callback::from(move |()| {
            let start = now_ms();
            let outcome = match translate::run(&state.family, &state.text) {
                Ok(output) => Outcome::Done {
                    output,
                    millis: now_ms() - start,
                },
                Err(err) => Outcome::Failed(err),
            };
            state.dispatch(Action::Finished(outcome));
        })
    };

    let body = match &state.outcome {
        None => html! {
            <p class="hint" data-testid="hint">
                {"输入一句英文，选择模型，点击“翻译”。权重是随机的：输出没有意义，但每一步都真实计算。"}
            </p>
        },
        Some(Outcome::Done { output, millis }) => html! {
            <ResultView run={state.run} output={output.clone()} millis={*millis} />
        },
        Some(Outcome::Failed(err)) => html! {
            <ErrorBanner run={state.run} message={err.message()} />
        },
    };

    html! {
        <div class="page" id="app" data-testid="app" data-ready="true">
            <Header />
            <main class="card">
                <TranslateForm
                    text={state.text.clone()}
                    family={state.family.clone()}
                    {on_text}
                    {on_family}
                    {on_submit}
                />
                { body }
            </main>
            <Footer />
        </div>
    }
}
