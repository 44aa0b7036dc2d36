//! The progress line of a running benchmark: the item being measured, the time elapsed, and the
//! time left extrapolated from the items this run has finished (`RunPlan::remaining_ms`), said to
//! be an estimate; before the first item finishes, that it is measuring it.

use yew::prelude::*;

use super::clock::{self, RunClock};
use super::results::table_lang;
use crate::i18n::{tr, tr_owned};
use crate::route::UiLang;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub lang: UiLang,
    /// (items done, items, the worker's label of the running one).
    pub progress: Option<(usize, usize, String)>,
    /// The page found a GPU adapter (the worker then runs the GPU tables).
    pub gpu: bool,
    pub now_ms: f64,
}

#[function_component]
pub fn BenchProgress(props: &ProgressProps) -> Html {
    let lang = props.lang;
    let (done, total, label) = props.progress.clone().unwrap_or((0, 1, String::new()));
    let clock = clock::observe(done, props.now_ms);
    let line = line(lang, clock, props.gpu, done, total, &label, props.now_ms);
    html! {
        <div class="bench-progress" role="status" aria-live="polite" data-done={done.to_string()}>
            <progress max={total.to_string()} value={done.to_string()}></progress>
            <span>{ line }</span>
        </div>
    }
}

fn line(
    lang: UiLang,
    clock: Option<RunClock>,
    gpu: bool,
    done: usize,
    total: usize,
    label: &str,
    now_ms: f64,
) -> String {
    // The worker's items, if the page can tell which plan it runs (the same count).
    let plan = clock
        .map(|c| clock::plan(c.quick, gpu))
        .filter(|p| p.len() == total);
    let running = match (&plan, worker_label(label)) {
        _ if done >= total => tr(lang, "收尾", "finishing").to_owned(),
        (Some(plan), _) => plan.items[done].name(table_lang(lang)).to_owned(),
        (None, Some(label)) => label.to_owned(),
        (None, None) => tr(lang, "准备中", "starting").to_owned(),
    };
    let item = (done + 1).min(total);
    let elapsed = clock.map_or(0.0, |c| (now_ms - c.started_ms) / 1000.0);
    let head = tr_owned(
        lang,
        format!("运行中：{running}（{item}/{total}）· 已用 {elapsed:.1} 秒"),
        format!("Running: {running} ({item}/{total}) · {elapsed:.1} s elapsed"),
    );
    let estimate = match (clock, &plan) {
        _ if done >= total => None,
        (Some(c), Some(plan)) if done > 0 => plan
            .remaining_ms(done, c.done_at_ms - c.started_ms, now_ms - c.done_at_ms)
            .map(|ms| {
                let s = (ms / 1000.0).ceil().max(1.0);
                tr_owned(
                    lang,
                    format!("预计还需约 {s:.0} 秒（按已完成的 {done}/{total} 项推算）"),
                    format!("about {s:.0} s left (an estimate from the {done}/{total} items done)"),
                )
            }),
        _ if done == 0 => Some(tr_owned(
            lang,
            "正在测第一项，测完后估计剩余时间".into(),
            "measuring the first item; the time left is estimated once it finishes".into(),
        )),
        _ => None,
    };
    match estimate {
        Some(e) => format!("{head} · {e}"),
        None => head,
    }
}

/// The worker's label, if it sent one yet.
fn worker_label(label: &str) -> Option<&str> {
    (!label.is_empty()).then_some(label)
}
