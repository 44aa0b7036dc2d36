//! Heat strips: vectors drawn as rows of coloured cells (one column per hidden unit), as SVG with
//! explicit colours so a saved file looks like the screen. Diverging blue–white–red for values
//! in [−scale, scale] (tanh states), sequential white–green for gates in [0, 1].

use std::rc::Rc;

use seq2seq_core::tokenizer::figure_labels;
use yew::prelude::*;

use super::palette::{HIGHLIGHT, INK_MUTED, LABEL, MARKER};
use crate::context::use_app;
use crate::export::{save_png, save_svg};
use crate::i18n::tr;

const NEUTRAL: (f32, f32, f32) = (240.0, 240.0, 240.0);
const POSITIVE: (f32, f32, f32) = (192.0, 40.0, 40.0);
const NEGATIVE: (f32, f32, f32) = (38.0, 96.0, 186.0);
const GATE: (f32, f32, f32) = (22.0, 128.0, 74.0);

fn lerp(a: (f32, f32, f32), b: (f32, f32, f32), t: f32) -> String {
    let mix = |x: f32, y: f32| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Diverging colour of `v` in [−scale, scale]: blue below zero, red above, light grey at zero.
pub fn diverging(v: f32, scale: f32) -> String {
    let t = if scale > 0.0 {
        (v / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    if t >= 0.0 {
        lerp(NEUTRAL, POSITIVE, t)
    } else {
        lerp(NEUTRAL, NEGATIVE, -t)
    }
}

/// Sequential colour of a gate value in [0, 1].
pub fn sequential(v: f32) -> String {
    lerp(NEUTRAL, GATE, v.clamp(0.0, 1.0))
}

/// Largest |v| (at least a tiny positive number, so it can divide).
pub fn max_abs<'a>(rows: impl IntoIterator<Item = &'a Vec<f32>>) -> f32 {
    rows.into_iter()
        .flat_map(|r| r.iter())
        .fold(1e-6f32, |m, v| m.max(v.abs()))
}

/// Display width of a label in character cells (CJK counts double).
pub fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.0 })
        .sum()
}

#[derive(Clone, Copy, PartialEq, Default)]
pub enum Palette {
    /// Blue–grey–red over [−scale, scale].
    #[default]
    Diverging,
    /// Grey–green over [0, 1] (σ gates).
    Gate,
}

#[derive(Properties, PartialEq)]
pub struct HeatStripProps {
    /// DOM id of the `<svg>` (exports and tests find it by this).
    pub id: AttrValue,
    /// One vector per row.
    pub rows: Rc<Vec<Vec<f32>>>,
    /// One label per row (may be empty: no label column).
    #[prop_or_default]
    pub labels: Rc<Vec<String>>,
    /// Width of one unit's cell, px.
    #[prop_or(3.0)]
    pub unit: f64,
    /// Height of a row, px.
    #[prop_or(14.0)]
    pub row_h: f64,
    /// |value| drawn at full colour (diverging palette).
    #[prop_or(1.0)]
    pub scale: f32,
    #[prop_or_default]
    pub palette: Palette,
    /// Column where a second half starts (bidirectional encoder: h→ ‖ h←).
    #[prop_or_default]
    pub split: Option<usize>,
    /// Names of the two halves when `split` is set.
    #[prop_or_default]
    pub split_names: Option<(AttrValue, AttrValue)>,
    /// Row to outline.
    #[prop_or_default]
    pub highlight: Option<usize>,
    /// Opacity per row (e.g. α_ij), in [0, 1].
    #[prop_or_default]
    pub row_opacity: Option<Rc<Vec<f32>>>,
    /// Text after each row (numbers).
    #[prop_or_default]
    pub notes: Option<Rc<Vec<String>>>,
    /// Clicking a row selects it.
    #[prop_or_default]
    pub on_select_row: Option<Callback<usize>>,
    /// Show "save SVG / PNG" buttons.
    #[prop_or(true)]
    pub export: bool,
    #[prop_or_default]
    pub title: AttrValue,
}

#[function_component]
pub fn HeatStrip(props: &HeatStripProps) -> Html {
    let unit = props.unit;
    let row_h = props.row_h;
    let width_units = props.rows.iter().map(Vec::len).max().unwrap_or(0);
    let has_labels = !props.labels.is_empty();
    // Tokens as a reader sees them: a continuing piece as "·ed", byte runs as their character.
    let labels = figure_labels(&props.labels);
    let left = if has_labels {
        labels.iter().map(|l| label_width(l)).fold(2.0, f64::max) * 7.0 + 10.0
    } else {
        0.0
    };
    let top = if props.split_names.is_some() {
        16.0
    } else {
        0.0
    };
    let body_w = width_units as f64 * unit;
    let notes_w = props
        .notes
        .as_ref()
        .map(|n| n.iter().map(|s| label_width(s)).fold(0.0, f64::max) * 7.0 + 12.0)
        .unwrap_or(0.0);
    let width = left + body_w + notes_w + 2.0;
    let height = top + props.rows.len() as f64 * row_h + 2.0;

    let rows = props.rows.iter().enumerate().map(|(i, row)| {
        let y = top + i as f64 * row_h;
        let opacity = props
            .row_opacity
            .as_ref()
            .and_then(|o| o.get(i))
            .map(|a| format!("{:.3}", a.clamp(0.0, 1.0).sqrt().max(0.06)));
        let cells = row.iter().enumerate().map(|(k, &v)| {
            let fill = match props.palette {
                Palette::Diverging => diverging(v, props.scale),
                Palette::Gate => sequential(v),
            };
            html! { <rect x={format!("{:.1}", left + k as f64 * unit)} y={format!("{y:.1}")}
                          width={format!("{unit:.1}")} height={format!("{:.1}", row_h - 1.0)} fill={fill} /> }
        });
        let label = has_labels.then(|| {
            let active = props.highlight == Some(i);
            html! {
                <text x={(left - 6.0).to_string()} y={format!("{:.1}", y + row_h / 2.0 + 4.0)} text-anchor="end"
                      font-size="12" fill={if active { HIGHLIGHT } else { LABEL }}
                      font-weight={active.then_some("bold")}>{ labels.get(i).cloned().unwrap_or_default() }</text>
            }
        });
        let note = props.notes.as_ref().and_then(|n| n.get(i)).map(|note| html! {
            <text x={format!("{:.1}", left + body_w + 6.0)} y={format!("{:.1}", y + row_h / 2.0 + 4.0)}
                  font-size="11" fill={LABEL}>{ note.clone() }</text>
        });
        let onclick = props.on_select_row.clone().map(|cb| Callback::from(move |_: MouseEvent| cb.emit(i)));
        let clickable = onclick.is_some().then_some("clickable");
        html! {
            <g class={classes!("strip-row", clickable)} data-row={i.to_string()} {onclick}>
                <g opacity={opacity}>{ for cells }</g>
                { for label }{ for note }
            </g>
        }
    });
    let outline = props.highlight.filter(|&i| i < props.rows.len()).map(|i| html! {
        <rect x={format!("{:.1}", left - 1.0)} y={format!("{:.1}", top + i as f64 * row_h - 1.0)}
              width={format!("{:.1}", body_w + 2.0)} height={format!("{:.1}", row_h + 1.0)}
              fill="none" stroke={HIGHLIGHT} stroke-width="2" pointer-events="none" />
    });
    let split = props.split.filter(|&s| s > 0 && s < width_units).map(|s| {
        let x = left + s as f64 * unit;
        let names = props.split_names.clone().map(|(a, b)| html! {
            <>
                <text x={format!("{:.1}", left + 2.0)} y="12" font-size="12" fill={LABEL} font-weight="bold">{ a }</text>
                <text x={format!("{:.1}", x + 2.0)} y="12" font-size="12" fill={LABEL} font-weight="bold">{ b }</text>
            </>
        });
        html! {
            <>
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="0" y2={format!("{height:.1}")}
                      stroke={MARKER} stroke-width="1.5" />
                { for names }
            </>
        }
    });
    let id = props.id.clone();
    html! {
        <div class="heat-strip">
            // A named, focusable scroller (keyboard users can scroll it); a group, not a region:
            // a figure is not a page landmark, and one page shows several with the same title.
            <div class="scroll-x" tabindex="0" role="group" aria-label={props.title.clone()}>
                <svg id={id.clone()} class="strip-svg" xmlns="http://www.w3.org/2000/svg" role="img"
                     aria-label={props.title.clone()} width={format!("{width:.0}")} height={format!("{height:.0}")}
                     viewBox={format!("0 0 {width:.0} {height:.0}")} data-rows={props.rows.len().to_string()}
                     data-units={width_units.to_string()} font-family="system-ui, sans-serif">
                    <title>{ props.title.clone() }</title>
                    { for rows }{ for outline }{ for split }
                </svg>
            </div>
            if props.export { <ExportButtons id={id} /> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExportButtonsProps {
    pub id: AttrValue,
}

/// "Save SVG" / "Save PNG" for the `<svg id=…>`.
#[function_component]
pub fn ExportButtons(props: &ExportButtonsProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let (svg_id, png_id) = (props.id.to_string(), props.id.to_string());
    html! {
        <div class="figure-actions">
            <button type="button" class="small" onclick={Callback::from(move |_| save_svg(&svg_id, &format!("{svg_id}.svg")))}>{ tr(lang, "导出 SVG", "Save SVG") }</button>
            <button type="button" class="small" onclick={Callback::from(move |_| save_png(&png_id, &format!("{png_id}.png")))}>{ tr(lang, "导出 PNG", "Save PNG") }</button>
        </div>
    }
}

/// A colour legend for the diverging palette: "−s … 0 … +s".
#[function_component]
pub fn DivergingLegend(props: &LegendProps) -> Html {
    let s = props.scale;
    let stops = (0..=20).map(|k| {
        let v = -s + 2.0 * s * k as f32 / 20.0;
        html! { <rect x={(k * 6).to_string()} y="0" width="6" height="10" fill={diverging(v, s)} /> }
    });
    html! {
        <span class="legend-scale" aria-hidden="true">
            <span class="small muted">{ format!("−{}", fmt_scale(s)) }</span>
            <svg width="126" height="10" viewBox="0 0 126 10" xmlns="http://www.w3.org/2000/svg">{ for stops }</svg>
            <span class="small muted">{ format!("+{}", fmt_scale(s)) }</span>
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    #[prop_or(1.0)]
    pub scale: f32,
}

fn fmt_scale(s: f32) -> String {
    if (s - s.round()).abs() < 1e-6 {
        format!("{s:.0}")
    } else {
        format!("{s:.2}")
    }
}

/// A number for the reader: exact 0 as "0", tiny numbers in scientific notation.
pub fn fmt_diff(v: f32) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else if v.abs() < 1e-3 {
        format!("{v:.1e}")
    } else {
        format!("{v:.4}")
    }
}

/// A horizontal bar as SVG (the page's CSP allows no style attributes): a track of 100 units
/// with a filled part from `from` to `from + width` (both in 0..=100).
pub fn bar(from: f32, width: f32, fill: &'static str, centred: bool) -> Html {
    let (from, width) = (from.clamp(0.0, 100.0), width.clamp(0.0, 100.0));
    html! {
        <svg class="bar" width="160" height="10" viewBox="0 0 100 10" preserveAspectRatio="none"
             xmlns="http://www.w3.org/2000/svg" aria-hidden="true">
            <rect class="bar-track" x="0" y="0" width="100" height="10" rx="2" />
            <rect x={format!("{from:.2}")} y="0" width={format!("{width:.2}")} height="10" fill={fill} />
            if centred { <line x1="50" x2="50" y1="0" y2="10" stroke={INK_MUTED} stroke-width="0.8" /> }
        </svg>
    }
}

/// A coloured dot (legend marker) as SVG.
pub fn dot(colour: &'static str) -> Html {
    html! {
        <svg class="dot" width="10" height="10" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">
            <circle cx="5" cy="5" r="5" fill={colour} />
        </svg>
    }
}
