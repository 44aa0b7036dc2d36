//! The lab's results: the rows' settings, one table row per N (time, memory, differences), the
//! errors, the chart, and the device the numbers come from.

use yew::prelude::*;

use seq2seq_gpu::measure::fmt_bytes;

use super::{chart, fmt_ms, LAB_HEADS};
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::{FlashLabRequest, FlashLabRow};
use crate::route::UiLang;

#[derive(Properties, PartialEq)]
pub struct LabResultsProps {
    /// One row per N that ran, ascending.
    pub rows: Vec<FlashLabRow>,
    /// The request that produced them (their caption), when known.
    pub request: Option<FlashLabRequest>,
}

#[function_component]
pub fn LabResults(props: &LabResultsProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let software = app.state.backends.as_ref().is_some_and(|b| b.gpu_software);
    let rows = &props.rows;
    let errors: Vec<Html> = rows.iter().filter_map(|r| row_errors(lang, r)).collect();
    html! {
        <>
            if let Some(request) = &props.request { <p class="caption">{ caption(lang, request) }</p> }
            <div class="scroll-x">
                <table class="flash-table" id="flash-table">
                    <thead><tr>
                        <th scope="col">{ "N" }</th>
                        <th scope="col">{ tr(lang, "朴素 时间", "naive time") }</th>
                        <th scope="col">{ tr(lang, "Flash 时间", "flash time") }</th>
                        <th scope="col">{ tr(lang, "朴素 / Flash", "naive / flash") }</th>
                        <th scope="col">{ tr(lang, "朴素 显存", "naive memory") }</th>
                        <th scope="col">{ tr(lang, "Flash 显存", "flash memory") }</th>
                        <th scope="col">{ "max |flash − naive|" }</th>
                        <th scope="col">{ tr(lang, "max |flash − CPU|", "max |flash − CPU|") }</th>
                    </tr></thead>
                    <tbody>{ for rows.iter().map(|r| row_html(lang, r)) }</tbody>
                </table>
            </div>
            if !errors.is_empty() {
                <ul class="flash-errors small" id="flash-errors">{ for errors }</ul>
            }
            <chart::LabChart rows={rows.clone()} />
            { for super::emulated::shrinking_ratio_note(lang, rows, software) }
            { for rows.last().map(|r| about(lang, r)) }
        </>
    }
}

/// "batch 1 · 4 heads × d = 64 · causal · N = 128, 256, …"
fn caption(lang: UiLang, r: &FlashLabRequest) -> String {
    let lengths = r
        .lengths
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    tr_owned(
        lang,
        format!(
            "batch 1 · {} 头 × d = {} · {} · N = {lengths}",
            r.heads,
            r.head_dim,
            if r.causal {
                "因果掩码"
            } else {
                "无掩码"
            }
        ),
        format!(
            "batch 1 · {} heads × d = {} · {} · N = {lengths}",
            r.heads,
            r.head_dim,
            if r.causal { "causal" } else { "not causal" }
        ),
    )
}

/// The device, the timer and the binding limit behind the numbers.
fn about(lang: UiLang, r: &FlashLabRow) -> Html {
    html! {
        <p class="muted small" id="flash-device">
            { tr_owned(lang,
                format!("设备：{}。计时：{}，每个 N 取 3 次的中位数（先热身 1 次）。maxStorageBufferBindingSize = {}：{} 个头时，朴素注意力最大只能到 N = {}。",
                    r.device, timer_name(lang, &r.timer), fmt_bytes(r.binding_limit), LAB_HEADS, r.naive_max_n),
                format!("Device: {}. Timer: {}, median of 3 samples per N (after 1 warm-up). maxStorageBufferBindingSize = {}: with {} heads naive attention fits up to N = {}.",
                    r.device, timer_name(lang, &r.timer), fmt_bytes(r.binding_limit), LAB_HEADS, r.naive_max_n)) }
        </p>
    }
}

/// The errors of one N as list items, if it had any.
fn row_errors(lang: UiLang, r: &FlashLabRow) -> Option<Html> {
    let errors = r
        .naive_error
        .as_ref()
        .map(|e| (tr(lang, "朴素", "naive"), e))
        .into_iter()
        .chain(r.flash_error.as_ref().map(|e| ("flash", e)));
    let items: Vec<Html> = errors
        .map(|(which, msg)| html! {
            <li data-n={r.n.to_string()}>{ format!("N = {} · {which}: ", r.n) }<code>{ msg.clone() }</code></li>
        })
        .collect();
    (!items.is_empty()).then(|| html! { <>{ for items }</> })
}

fn timer_name(lang: UiLang, timer: &str) -> String {
    if timer.contains("timestamp") {
        tr(lang, "GPU 时间戳查询", "GPU timestamp queries").to_owned()
    } else {
        tr(
            lang,
            "墙钟时间（提交到读回）",
            "wall clock (submit to read-back)",
        )
        .to_owned()
    }
}

/// One N: times, their ratio, memory, and the differences.
fn row_html(lang: UiLang, r: &FlashLabRow) -> Html {
    let time = |ms: Option<f64>, err: &Option<String>, class: &'static str| match (ms, err) {
        (Some(ms), _) => html! { <td class={class} data-ms={ms.to_string()}>{ fmt_ms(ms) }</td> },
        (None, Some(e)) => html! {
            <td class={classes!(class, "lab-error")} title={e.clone()} data-error="1">
                { if e.contains("maxStorageBufferBindingSize") { tr(lang, "✗ 超出绑定上限", "✗ over the binding limit") } else { tr(lang, "✗ 失败", "✗ failed") } }
            </td>
        },
        (None, None) => html! { <td class={class}>{ "—" }</td> },
    };
    let speedup = match (r.naive_ms, r.flash_ms) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".into(),
    };
    let diff = |d: Option<f32>, class: &'static str| match d {
        Some(d) => {
            html! { <td class={class} data-value={d.to_string()}>{ format!("{d:.1e}") }</td> }
        }
        None => html! { <td class={class}>{ "—" }</td> },
    };
    html! {
        <tr data-n={r.n.to_string()}>
            <th scope="row">{ r.n }</th>
            { time(r.naive_ms, &r.naive_error, "naive-ms") }
            { time(r.flash_ms, &r.flash_error, "flash-ms") }
            <td>{ speedup }</td>
            <td class={classes!("naive-bytes", r.naive_error.is_some().then_some("muted"))} data-bytes={r.naive_bytes.to_string()}>{ fmt_bytes(r.naive_bytes) }</td>
            <td class="flash-bytes" data-bytes={r.flash_bytes.to_string()}>{ fmt_bytes(r.flash_bytes) }</td>
            { diff(r.max_diff, "max-diff") }
            { diff(r.cpu_diff, "cpu-diff") }
        </tr>
    }
}
