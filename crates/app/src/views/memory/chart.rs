//! One model's two rows of bars over the source tokens, as SVG: ‖∂c/∂e_j‖ (with α beside it
//! for the attention families) and ‖∂L/∂h_t‖, each normalised to the row's largest value; the
//! exact values are in each bar's tooltip. A long input shrinks to the card's width (never
//! grows past its natural size), so the whole curve is seen at once, on a phone too.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::palette::ACCENT;

#[derive(Properties, PartialEq)]
pub struct MemoryChartProps {
    pub tokens: Rc<Vec<String>>,
    pub sensitivity: Rc<Vec<f64>>,
    /// α of the decoder step (empty: a fixed c).
    pub attention: Rc<Vec<f64>>,
    pub hidden: Rc<Vec<f64>>,
    pub colour: AttrValue,
    /// Row titles: ‖∂c/∂e_j‖ (or ‖∂c_i/∂e_j‖) and ‖∂L/∂h_t‖.
    pub sensitivity_label: AttrValue,
    pub hidden_label: AttrValue,
    pub alpha_label: AttrValue,
}

const SLOT: f64 = 14.0;
const LEFT: f64 = 4.0;
const TOP_H: f64 = 84.0;
const BOTTOM_H: f64 = 56.0;
const TITLE: f64 = 14.0;
const LABELS: f64 = 64.0;

fn normalised(values: &[f64]) -> Vec<f64> {
    let max = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|v| if max > 0.0 { v / max } else { 0.0 })
        .collect()
}

/// One row of bars at `y0` (top) of height `h`; `alpha` draws a second, thin bar in each slot.
fn row(
    values: &[f64],
    alpha: &[f64],
    y0: f64,
    h: f64,
    colour: &str,
    what: &str,
    tokens: &[String],
) -> Html {
    let norm = normalised(values);
    let bars = norm.iter().enumerate().map(|(j, &v)| {
        let x = LEFT + j as f64 * SLOT;
        let bh = (v * h).max(0.5);
        let title = format!(
            "{} {j} ({}): {:.4e} ({:.1} %)",
            what,
            tokens.get(j).map_or("", String::as_str),
            values[j],
            v * 100.0
        );
        let a = alpha.get(j).map(|&a| {
            let ah = (a.clamp(0.0, 1.0) * h).max(0.5);
            html! {
                <rect class="memory-alpha" x={format!("{:.1}", x + SLOT * 0.62)} y={format!("{:.1}", y0 + h - ah)}
                      width={format!("{:.1}", SLOT * 0.28)} height={format!("{ah:.1}")} fill={ACCENT}>
                    <title>{ format!("α {j}: {a:.4}") }</title>
                </rect>
            }
        });
        html! {
            <>
                <rect class="memory-bar" x={format!("{:.1}", x + 1.0)} y={format!("{:.1}", y0 + h - bh)}
                      width={format!("{:.1}", if alpha.is_empty() { SLOT - 2.0 } else { SLOT * 0.58 })}
                      height={format!("{bh:.1}")} fill={colour.to_owned()} data-j={j.to_string()}>
                    <title>{ title }</title>
                </rect>
                { for a }
            </>
        }
    });
    html! {
        <>
            <line class="memory-axis" x1={LEFT.to_string()} x2={format!("{:.1}", LEFT + values.len() as f64 * SLOT)}
                  y1={format!("{:.1}", y0 + h)} y2={format!("{:.1}", y0 + h)} />
            { for bars }
        </>
    }
}

#[function_component]
pub fn MemoryChart(props: &MemoryChartProps) -> Html {
    let n = props.tokens.len();
    let width = (LEFT * 2.0 + n as f64 * SLOT).max(240.0);
    let y_top = TITLE;
    let y_bottom = TITLE + TOP_H + 10.0 + TITLE;
    let y_labels = y_bottom + BOTTOM_H + 6.0;
    let height = y_labels + LABELS;
    let labels = props.tokens.iter().enumerate().map(|(j, t)| {
        let x = LEFT + j as f64 * SLOT + SLOT * 0.7;
        html! {
            <text class="memory-token" x={format!("{x:.1}")} y={format!("{y_labels:.1}")}
                  transform={format!("rotate(-60 {x:.1} {y_labels:.1})")} text-anchor="end">{ t.clone() }</text>
        }
    });
    let legend_alpha = (!props.attention.is_empty()).then(|| {
        html! {
            <text class="memory-row-title" x={format!("{:.1}", LEFT + 190.0)} y="10" fill={ACCENT}>
                { props.alpha_label.to_string() }
            </text>
        }
    });
    html! {
        <div class="scroll-x memory-chart">
            <svg role="img" aria-label={format!("{} / {}", props.sensitivity_label, props.hidden_label)}
                 width={format!("{width:.0}")} height={format!("{height:.0}")} viewBox={format!("0 0 {width:.0} {height:.0}")}>
                <text class="memory-row-title" x={LEFT.to_string()} y="10">{ props.sensitivity_label.to_string() }</text>
                { for legend_alpha }
                { row(&props.sensitivity, &props.attention, y_top, TOP_H, &props.colour, "‖∂c/∂e‖", &props.tokens) }
                <text class="memory-row-title" x={LEFT.to_string()} y={format!("{:.1}", y_bottom - 4.0)}>{ props.hidden_label.to_string() }</text>
                { row(&props.hidden, &[], y_bottom, BOTTOM_H, &props.colour, "‖∂L/∂h‖", &props.tokens) }
                { for labels }
            </svg>
        </div>
    }
}
