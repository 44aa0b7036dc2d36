//! An attention heatmap: rows = queries (target tokens), columns = keys (source tokens), one cell
//! per weight α_ij, as SVG. Hovering a token highlights its alignment both ways (a target token:
//! its row, and the source tokens by weight; a source token: its column, and the target tokens
//! that look at it). Cells carry `data-row`, `data-col` and `data-value` (the tests sum rows).
//! Save as SVG or PNG from the buttons under the figure.

use std::rc::Rc;

use seq2seq_core::tokenizer::figure_labels;
use yew::prelude::*;

use super::palette::{ACCENT, HIGHLIGHT, LABEL};
use crate::context::use_app;
use crate::export::{save_png, save_svg};
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct HeatmapProps {
    /// DOM id of the `<svg>` (exports and tests find it by this).
    pub id: AttrValue,
    /// Query tokens (rows).
    pub rows: Rc<Vec<String>>,
    /// Key tokens (columns).
    pub cols: Rc<Vec<String>>,
    /// values[i][j], each row a distribution over the columns.
    pub values: Rc<Vec<Vec<f32>>>,
    /// Cell size in pixels.
    #[prop_or(26.0)]
    pub cell: f64,
    /// Small multiple: no labels, no export buttons.
    #[prop_or_default]
    pub compact: bool,
    /// A row to outline (the current decoder step).
    #[prop_or_default]
    pub current_row: Option<usize>,
    /// Clicking a row label or cell selects that row.
    #[prop_or_default]
    pub on_select_row: Option<Callback<usize>>,
    #[prop_or_default]
    pub title: AttrValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Hover {
    Row(usize),
    Col(usize),
    /// A cell: its row and column light up, and its value is written under the figure.
    Cell(usize, usize),
}

impl Hover {
    fn row(self) -> Option<usize> {
        match self {
            Hover::Row(i) | Hover::Cell(i, _) => Some(i),
            Hover::Col(_) => None,
        }
    }

    fn col(self) -> Option<usize> {
        match self {
            Hover::Col(j) | Hover::Cell(_, j) => Some(j),
            Hover::Row(_) => None,
        }
    }
}

/// Display width of a label in character cells (CJK counts double).
fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.0 })
        .sum()
}

#[function_component]
pub fn Heatmap(props: &HeatmapProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let hover = use_state(|| None::<Hover>);
    let cell = props.cell;
    let (rows, cols) = (props.rows.len(), props.cols.len());
    // Tokens as a reader sees them: a continuing piece as "·ed", byte runs as their character.
    let (row_names, col_names) = (figure_labels(&props.rows), figure_labels(&props.cols));
    let font = if props.compact { 0.0 } else { 12.0 };
    let left = if props.compact {
        0.0
    } else {
        row_names.iter().map(|r| label_width(r)).fold(2.0, f64::max) * 7.0 + 10.0
    };
    let top = if props.compact {
        0.0
    } else {
        col_names.iter().map(|c| label_width(c)).fold(2.0, f64::max) * 6.0 + 14.0
    };
    let width = left + cols as f64 * cell + 2.0;
    let height = top + rows as f64 * cell + 2.0;

    let weight_for_label = |hovered: Option<Hover>, row: Option<usize>, col: Option<usize>| match (
        hovered, row, col,
    ) {
        (Some(Hover::Row(i)), None, Some(j)) | (Some(Hover::Col(j)), Some(i), None) => {
            props.values.get(i).and_then(|r| r.get(j)).copied()
        }
        _ => None,
    };

    let set_hover = |h: Option<Hover>| {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(h))
    };
    let select = |i: usize| {
        props
            .on_select_row
            .clone()
            .map(|cb| Callback::from(move |_: MouseEvent| cb.emit(i)))
    };

    let mut cells = Vec::with_capacity(rows * cols);
    for (i, row) in props.values.iter().enumerate() {
        for (j, &v) in row.iter().enumerate().take(cols) {
            let highlighted =
                hover.and_then(Hover::row) == Some(i) || hover.and_then(Hover::col) == Some(j);
            cells.push(html! {
                <rect class="cell" x={(left + j as f64 * cell).to_string()} y={(top + i as f64 * cell).to_string()}
                      width={(cell - 1.0).to_string()} height={(cell - 1.0).to_string()}
                      fill={ACCENT} fill-opacity={format!("{:.3}", v.clamp(0.0, 1.0).powf(0.75).max(0.03))}
                      stroke={highlighted.then_some(HIGHLIGHT)} stroke-width="1.5"
                      data-row={i.to_string()} data-col={j.to_string()} data-value={v.to_string()} />
            });
        }
    }
    let row_labels = (!props.compact).then(|| {
        row_names.iter().enumerate().map(|(i, label)| {
            let w = weight_for_label(*hover, Some(i), None);
            let active = hover.and_then(Hover::row) == Some(i) || props.current_row == Some(i);
            html! {
                <text class="row-label" x={(left - 6.0).to_string()} y={(top + (i as f64 + 0.5) * cell + 4.0).to_string()}
                      text-anchor="end" font-size={font.to_string()}
                      fill={if active { HIGHLIGHT } else { LABEL }}
                      font-weight={active.then_some("bold")}
                      opacity={w.map(|w| format!("{:.2}", 0.25 + 0.75 * w))}
                      onmouseenter={set_hover(Some(Hover::Row(i)))} onclick={select(i)}>{ label.clone() }</text>
            }
        }).collect::<Html>()
    });
    let col_labels = (!props.compact).then(|| {
        col_names.iter().enumerate().map(|(j, label)| {
            let w = weight_for_label(*hover, None, Some(j));
            let active = hover.and_then(Hover::col) == Some(j);
            let x = left + (j as f64 + 0.5) * cell + 4.0;
            let y = top - 6.0;
            html! {
                <text class="col-label" x={x.to_string()} y={y.to_string()} font-size={font.to_string()}
                      transform={format!("rotate(-55 {x} {y})")}
                      fill={if active { HIGHLIGHT } else { LABEL }}
                      font-weight={active.then_some("bold")}
                      opacity={w.map(|w| format!("{:.2}", 0.25 + 0.75 * w))}
                      onmouseenter={set_hover(Some(Hover::Col(j)))}>{ label.clone() }</text>
            }
        }).collect::<Html>()
    });
    let current = props.current_row.filter(|&i| i < rows).map(|i| {
        html! {
            <rect x={(left - 1.0).to_string()} y={(top + i as f64 * cell - 1.0).to_string()}
                  width={(cols as f64 * cell + 1.0).to_string()} height={(cell + 1.0).to_string()}
                  fill="none" stroke={HIGHLIGHT} stroke-width="2" pointer-events="none" />
        }
    });
    // The hovered cell's value, in words (one element, not a tooltip per cell: big maps stay light).
    let readout = match *hover {
        Some(Hover::Cell(i, j)) if !props.compact => {
            let value = props
                .values
                .get(i)
                .and_then(|r| r.get(j))
                .copied()
                .unwrap_or(0.0);
            format!(
                "{} → {}: {value:.3}",
                row_names.get(i).map_or("", |s| s.as_str()),
                col_names.get(j).map_or("", |s| s.as_str())
            )
        }
        _ => String::new(),
    };
    let id = props.id.clone();
    let export = (!props.compact).then(|| {
        let (svg_id, png_id) = (id.to_string(), id.to_string());
        html! {
            <div class="figure-actions">
                <button class="small" onclick={Callback::from(move |_| save_svg(&svg_id, &format!("{svg_id}.svg")))}>{ tr(lang, "导出 SVG", "Save SVG") }</button>
                <button class="small" onclick={Callback::from(move |_| save_png(&png_id, &format!("{png_id}.png")))}>{ tr(lang, "导出 PNG", "Save PNG") }</button>
            </div>
        }
    });
    let onleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    // One listener for every cell (a long translation has 10^4 of them): the cell under the
    // pointer is read from its data-row / data-col.
    let cell_at = |e: &MouseEvent| -> Option<(usize, usize)> {
        let target = e.target_dyn_into::<web_sys::Element>()?;
        let index = |name: &str| target.get_attribute(name)?.parse::<usize>().ok();
        Some((index("data-row")?, index("data-col")?))
    };
    let onmouseover = {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((i, j)) = cell_at(&e) {
                if *hover != Some(Hover::Cell(i, j)) {
                    hover.set(Some(Hover::Cell(i, j)));
                }
            }
        })
    };
    let onclick = props.on_select_row.clone().map(|cb| {
        Callback::from(move |e: MouseEvent| {
            if let Some((i, _)) = cell_at(&e) {
                cb.emit(i);
            }
        })
    });
    html! {
        <figure class={classes!("heatmap", props.compact.then_some("compact"))}>
            <div class="scroll-x" tabindex={(!props.compact).then_some("0")} role={(!props.compact).then_some("group")}
                 aria-label={(!props.compact).then(|| props.title.clone())}>
                <svg id={id} class="heatmap-svg" xmlns="http://www.w3.org/2000/svg" role="img"
                     aria-label={props.title.clone()}
                     width={width.to_string()} height={height.to_string()}
                     viewBox={format!("0 0 {width} {height}")} data-rows={rows.to_string()} data-cols={cols.to_string()}
                     font-family="system-ui, sans-serif" onmouseleave={onleave} {onmouseover} {onclick}>
                    { for cells }{ for row_labels }{ for col_labels }{ for current }
                </svg>
            </div>
            if !props.compact { <p class="readout" aria-live="polite">{ readout }</p> }
            { for export }
        </figure>
    }
}
