//! The lab's chart: time vs N and memory vs N, log–log, one line per method. Naive's time line
//! stops at the last N it ran; its memory is drawn dashed where it was refused, beside the
//! device's maxStorageBufferBindingSize. Explicit colours, so the exported SVG/PNG matches.

use yew::prelude::*;

use seq2seq_gpu::measure::fmt_bytes;

use crate::components::palette::{ACCENT, GRID, LABEL, LIMIT, NAIVE};
use crate::context::use_app;
use crate::export::{save_png, save_svg};
use crate::i18n::tr;
use crate::protocol::FlashLabRow;

/// Flash attention's line.
const FLASH: &str = ACCENT;

const PANEL_W: f64 = 320.0;
const PANEL_H: f64 = 230.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 40.0;

/// A decade of milliseconds: "0.01", "1", "1000".
fn decade_ms(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{}", (v * 1e6).round() / 1e6)
    }
}

/// A decade of bytes in decimal units: "100 kB", "1 MB", "10 GB".
fn decade_bytes(v: f64) -> String {
    let e = v.log10().round() as i32;
    let (unit, base) = match e {
        ..=2 => ("B", 0),
        3..=5 => ("kB", 3),
        6..=8 => ("MB", 6),
        _ => ("GB", 9),
    };
    format!("{} {unit}", 10u64.pow((e - base).max(0) as u32))
}

#[derive(Properties, PartialEq)]
pub struct LabChartProps {
    pub rows: Vec<FlashLabRow>,
}

/// A log10 axis over [lo, hi] widened to whole decades.
struct LogAxis {
    lo: f64,
    hi: f64,
}

impl LogAxis {
    fn new(values: impl Iterator<Item = f64>) -> Option<Self> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| *v > 0.0 && v.is_finite()) {
            lo = lo.min(v.log10());
            hi = hi.max(v.log10());
        }
        if !lo.is_finite() {
            return None;
        }
        let (lo, hi) = (lo.floor(), hi.ceil().max(lo.floor() + 1.0));
        Some(Self { lo, hi })
    }

    /// 0 at the bottom, 1 at the top.
    fn frac(&self, v: f64) -> f64 {
        (v.log10() - self.lo) / (self.hi - self.lo)
    }
}

struct Panel<'a> {
    x0: f64,
    title: &'a str,
    rows: &'a [FlashLabRow],
}

fn x_of(x0: f64, rows: &[FlashLabRow], n: usize) -> f64 {
    let (first, last) = (
        rows.first().map_or(1, |r| r.n) as f64,
        rows.last().map_or(1, |r| r.n) as f64,
    );
    let w = PANEL_W - LEFT - RIGHT;
    if last <= first {
        return x0 + LEFT + w / 2.0;
    }
    x0 + LEFT + w * ((n as f64).log2() - first.log2()) / (last.log2() - first.log2())
}

fn y_of(axis: &LogAxis, v: f64) -> f64 {
    TOP + (PANEL_H - TOP - BOTTOM) * (1.0 - axis.frac(v))
}

/// Axes, grid, decade labels and N labels of one panel.
fn frame(p: &Panel, axis: &LogAxis, label: impl Fn(f64) -> String) -> Html {
    let (x0, rows) = (p.x0, p.rows);
    let bottom = PANEL_H - BOTTOM;
    let mut parts = Vec::new();
    for e in (axis.lo as i32)..=(axis.hi as i32) {
        let v = 10f64.powi(e);
        let y = y_of(axis, v);
        parts.push(html! {
            <g>
                <line x1={(x0 + LEFT).to_string()} x2={(x0 + PANEL_W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} stroke={GRID} />
                <text x={(x0 + LEFT - 6.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end" font-size="10" fill={LABEL}>{ label(v) }</text>
            </g>
        });
    }
    for r in rows {
        let x = x_of(x0, rows, r.n);
        parts.push(html! {
            <text x={x.to_string()} y={(bottom + 14.0).to_string()} text-anchor="middle" font-size="10" fill={LABEL}>{ r.n }</text>
        });
    }
    html! {
        <g>
            <text x={(x0 + LEFT).to_string()} y="16" font-size="12" font-weight="600" fill={LABEL}>{ p.title }</text>
            <line x1={(x0 + LEFT).to_string()} x2={(x0 + LEFT).to_string()} y1={TOP.to_string()} y2={bottom.to_string()} stroke={LABEL} />
            <line x1={(x0 + LEFT).to_string()} x2={(x0 + PANEL_W - RIGHT).to_string()} y1={bottom.to_string()} y2={bottom.to_string()} stroke={LABEL} />
            <text x={(x0 + LEFT + (PANEL_W - LEFT - RIGHT) / 2.0).to_string()} y={(PANEL_H - 8.0).to_string()} text-anchor="middle" font-size="11" fill={LABEL}>{ "N" }</text>
            { for parts }
        </g>
    }
}

/// A polyline with dots through the points that exist; `class` names the series for tests.
fn series(points: &[(f64, f64)], colour: &'static str, dashed: bool, class: &'static str) -> Html {
    if points.is_empty() {
        return html! {};
    }
    let path = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let dots = points.iter().map(|(x, y)| {
        html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3.5"
        fill={if dashed { "none" } else { colour }} stroke={colour} stroke-width="1.5" /> }
    });
    html! {
        <g class={class} data-points={points.len().to_string()}>
            <polyline points={path} fill="none" stroke={colour} stroke-width="2"
                      stroke-dasharray={dashed.then_some("5 4")} />
            { for dots }
        </g>
    }
}

#[function_component]
pub fn LabChart(props: &LabChartProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let rows = &props.rows;
    let id = "flash-chart";

    // Time panel.
    let time_axis = LogAxis::new(rows.iter().flat_map(|r| [r.naive_ms, r.flash_ms]).flatten());
    let time_panel = Panel {
        x0: 0.0,
        title: tr(lang, "时间（毫秒，对数）", "time (ms, log)"),
        rows,
    };
    let time = time_axis.map(|axis| {
        let pts = |f: &dyn Fn(&FlashLabRow) -> Option<f64>| {
            rows.iter()
                .filter_map(|r| f(r).filter(|v| *v > 0.0).map(|v| (x_of(0.0, rows, r.n), y_of(&axis, v))))
                .collect::<Vec<_>>()
        };
        let naive = pts(&|r| r.naive_ms);
        let flash = pts(&|r| r.flash_ms);
        // × where naive could not run.
        let fails = rows.iter().filter(|r| r.naive_error.is_some()).map(|r| {
            let (x, y) = (x_of(0.0, rows, r.n), TOP + 6.0);
            html! {
                <g class="naive-failed">
                    <text x={x.to_string()} y={(y + 4.0).to_string()} text-anchor="middle" font-size="14" font-weight="700" fill={NAIVE}>{ "×" }</text>
                    <title>{ r.naive_error.clone().unwrap_or_default() }</title>
                </g>
            }
        });
        html! {
            <g>
                { frame(&time_panel, &axis, decade_ms) }
                { series(&naive, NAIVE, false, "series-naive-time") }
                { series(&flash, FLASH, false, "series-flash-time") }
                { for fails }
            </g>
        }
    });

    // Memory panel (+ the binding limit).
    let limit = rows.last().map(|r| r.binding_limit).filter(|b| *b > 0);
    let mem_axis = LogAxis::new(
        rows.iter()
            .flat_map(|r| [r.naive_bytes as f64, r.flash_bytes as f64])
            .chain(limit.map(|b| b as f64)),
    );
    let x0 = PANEL_W;
    let mem_panel = Panel {
        x0,
        title: tr(lang, "显存（字节，对数）", "GPU memory (bytes, log)"),
        rows,
    };
    let memory = mem_axis.map(|axis| {
        let ran: Vec<_> = rows
            .iter()
            .filter(|r| r.naive_error.is_none())
            .map(|r| (x_of(x0, rows, r.n), y_of(&axis, r.naive_bytes as f64)))
            .collect();
        // The refused part, dashed, from the last N that ran.
        let refused: Vec<_> = rows
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                r.naive_error.is_some()
                    || rows.get(i + 1).is_some_and(|next| next.naive_error.is_some())
            })
            .map(|(_, r)| (x_of(x0, rows, r.n), y_of(&axis, r.naive_bytes as f64)))
            .collect();
        let refused = if refused.len() > 1 || rows.iter().any(|r| r.naive_error.is_some()) {
            refused
        } else {
            Vec::new()
        };
        let flash: Vec<_> = rows
            .iter()
            .map(|r| (x_of(x0, rows, r.n), y_of(&axis, r.flash_bytes as f64)))
            .collect();
        let limit_line = limit.map(|b| {
            let y = y_of(&axis, b as f64);
            html! {
                <g class="binding-limit">
                    <line x1={(x0 + LEFT).to_string()} x2={(x0 + PANEL_W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()}
                          stroke={LIMIT} stroke-dasharray="2 3" />
                    <text x={(x0 + PANEL_W - RIGHT).to_string()} y={(y - 4.0).to_string()} text-anchor="end" font-size="10" fill={LIMIT}>
                        { format!("{} {}", tr(lang, "单个绑定上限", "binding limit"), fmt_bytes(b)) }
                    </text>
                </g>
            }
        });
        html! {
            <g>
                { frame(&mem_panel, &axis, decade_bytes) }
                { for limit_line }
                { series(&refused, NAIVE, true, "series-naive-refused") }
                { series(&ran, NAIVE, false, "series-naive-memory") }
                { series(&flash, FLASH, false, "series-flash-memory") }
            </g>
        }
    });

    let width = 2.0 * PANEL_W;
    let height = PANEL_H + 22.0;
    let legend_y = PANEL_H + 12.0;
    let (svg_id, png_id) = (id.to_owned(), id.to_owned());
    html! {
        <figure class="flash-chart">
            <figcaption>{ tr(lang,
                "实心点：实际测得；空心虚线：朴素注意力被拒绝时本来需要的显存；×：朴素注意力在该 N 无法运行。",
                "Filled dots: measured; hollow dashed: what naive would have needed where it was refused; ×: naive could not run at that N.") }</figcaption>
            <div class="scroll-x">
                <svg {id} xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif"
                     aria-label={tr(lang, "时间与显存随 N 的变化（对数坐标）", "Time and memory vs N (log scales)")}
                     width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}>
                    { for time }
                    { for memory }
                    <g font-size="11">
                        <line x1={LEFT.to_string()} x2={(LEFT + 18.0).to_string()} y1={legend_y.to_string()} y2={legend_y.to_string()} stroke={NAIVE} stroke-width="2" />
                        <text x={(LEFT + 22.0).to_string()} y={(legend_y + 4.0).to_string()} fill={LABEL}>{ tr(lang, "朴素（N×N 分数矩阵）", "naive (N×N scores)") }</text>
                        <line x1={(LEFT + 170.0).to_string()} x2={(LEFT + 188.0).to_string()} y1={legend_y.to_string()} y2={legend_y.to_string()} stroke={FLASH} stroke-width="2" />
                        <text x={(LEFT + 192.0).to_string()} y={(legend_y + 4.0).to_string()} fill={LABEL}>{ tr(lang, "Flash（分块 + 在线 softmax）", "flash (tiles + online softmax)") }</text>
                    </g>
                </svg>
            </div>
            <div class="figure-actions">
                <button class="small" onclick={Callback::from(move |_| save_svg(&svg_id, "flash-attention-lab.svg"))}>{ tr(lang, "导出 SVG", "Save SVG") }</button>
                <button class="small" onclick={Callback::from(move |_| save_png(&png_id, "flash-attention-lab.png"))}>{ tr(lang, "导出 PNG", "Save PNG") }</button>
            </div>
        </figure>
    }
}
