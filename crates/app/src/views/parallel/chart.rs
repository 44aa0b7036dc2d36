//! A log–log line chart (x: source tokens T, y: steps or milliseconds), one line per series,
//! coloured by family; dashed lines for the second backend. Theme colours from the palette (no
//! background), so it reads on the light and the dark theme.

use yew::prelude::*;

use crate::components::palette::{family_colour, GRID, LABEL};
use crate::components::strip::ExportButtons;
use crate::route::Family;

/// One line: its points (x, y > 0), ascending in x.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub family: Family,
    pub dashed: bool,
    /// Legend text.
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Properties, PartialEq)]
pub struct LogLogChartProps {
    pub id: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    /// What the figure shows, for screen readers (the numbers are in the table below).
    pub alt: AttrValue,
    pub series: Vec<Series>,
}

/// Powers of ten (and 2×, 5×) between lo and hi: the ticks of a log axis.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi * 1.0001 {
        for m in [1.0, 2.0, 5.0] {
            let t = decade * m;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

fn fmt_tick(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

#[function_component]
pub fn LogLogChart(props: &LogLogChartProps) -> Html {
    let points = props.series.iter().flat_map(|s| s.points.iter());
    let (mut x_lo, mut x_hi, mut y_lo, mut y_hi) = (f64::MAX, 0f64, f64::MAX, 0f64);
    for &(x, y) in points.filter(|(x, y)| *x > 0.0 && *y > 0.0) {
        (x_lo, x_hi, y_lo, y_hi) = (x_lo.min(x), x_hi.max(x), y_lo.min(y), y_hi.max(y));
    }
    if x_hi <= 0.0 || y_hi <= 0.0 {
        return html! {};
    }
    // Whole decades on y, so that the ticks read.
    let (y_lo, y_hi) = (
        10f64.powf(y_lo.log10().floor()),
        10f64.powf(y_hi.log10().ceil()).max(y_lo * 10.0),
    );
    let (w, h) = (560.0, 280.0);
    let (ml, mr, mt, mb) = (52.0, 170.0, 12.0, 44.0);
    let (pw, ph) = (w - ml - mr, h - mt - mb);
    let span = |lo: f64, hi: f64| (hi / lo).log10().max(1e-9);
    let x_of = |x: f64| ml + pw * (x / x_lo).log10() / span(x_lo, x_hi);
    let y_of = |y: f64| mt + ph * (1.0 - (y / y_lo).log10() / span(y_lo, y_hi));
    let y_grid = log_ticks(y_lo, y_hi).into_iter().map(|t| {
        let y = y_of(t);
        html! {
            <>
                <line x1={format!("{ml}")} x2={format!("{:.1}", ml + pw)} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke={GRID} />
                <text x={format!("{:.1}", ml - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end" font-size="11" fill={LABEL}>{ fmt_tick(t) }</text>
            </>
        }
    });
    let xs: Vec<f64> = {
        let mut xs: Vec<f64> = props
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs
    };
    let x_ticks = xs.iter().map(|&t| {
        let x = x_of(t);
        html! {
            <text x={format!("{x:.1}")} y={format!("{:.1}", mt + ph + 16.0)} text-anchor="middle" font-size="11" fill={LABEL}>{ fmt_tick(t) }</text>
        }
    });
    let lines = props.series.iter().map(|s| {
        let colour = family_colour(s.family);
        let pts: Vec<String> = s
            .points
            .iter()
            .filter(|p| p.1 > 0.0)
            .map(|&(x, y)| format!("{:.1},{:.1}", x_of(x), y_of(y)))
            .collect();
        let dots = s.points.iter().filter(|p| p.1 > 0.0).map(|&(x, y)| {
            html! {
                <circle cx={format!("{:.1}", x_of(x))} cy={format!("{:.1}", y_of(y))} r="3" fill={colour}>
                    <title>{ format!("{} · T = {x}: {}", s.label, fmt_value(y)) }</title>
                </circle>
            }
        });
        html! {
            <g class="series" data-family={s.family.slug()} data-dashed={s.dashed.to_string()}>
                <polyline points={pts.join(" ")} fill="none" stroke={colour} stroke-width="2.2"
                          stroke-dasharray={s.dashed.then_some("6 4")} />
                { for dots }
            </g>
        }
    });
    let legend = props.series.iter().enumerate().map(|(k, s)| {
        let (x, y) = (ml + pw + 14.0, mt + 8.0 + k as f64 * 18.0);
        html! {
            <g class="legend-item">
                <line x1={format!("{x:.1}")} x2={format!("{:.1}", x + 22.0)} y1={format!("{y:.1}")} y2={format!("{y:.1}")}
                      stroke={family_colour(s.family)} stroke-width="2.2" stroke-dasharray={s.dashed.then_some("6 4")} />
                <text x={format!("{:.1}", x + 28.0)} y={format!("{:.1}", y + 4.0)} font-size="11" fill={LABEL}>{ s.label.clone() }</text>
            </g>
        }
    });
    let id = props.id.clone();
    html! {
        <figure class="loglog-chart">
            <div class="scroll-x">
                <svg id={id.clone()} xmlns="http://www.w3.org/2000/svg" role="img" width={format!("{w}")} height={format!("{h}")}
                     viewBox={format!("0 0 {w} {h}")} font-family="system-ui, sans-serif" aria-label={props.alt.clone()}>
                    { for y_grid }{ for x_ticks }
                    <text x={format!("{:.1}", ml + pw / 2.0)} y={format!("{:.1}", h - 8.0)} text-anchor="middle" font-size="12" fill={LABEL}>{ props.x_label.clone() }</text>
                    <text x="12" y={format!("{:.1}", mt + ph / 2.0)} text-anchor="middle" font-size="12" fill={LABEL}
                          transform={format!("rotate(-90 12 {:.1})", mt + ph / 2.0)}>{ props.y_label.clone() }</text>
                    { for lines }{ for legend }
                </svg>
            </div>
            <ExportButtons {id} />
        </figure>
    }
}

fn fmt_value(y: f64) -> String {
    if y >= 100.0 || y.fract() == 0.0 {
        format!("{y:.0}")
    } else {
        format!("{y:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::log_ticks;

    #[test]
    fn ticks_are_one_two_five_per_decade() {
        assert_eq!(
            log_ticks(1.0, 100.0),
            vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        );
        assert_eq!(log_ticks(10.0, 10.0), vec![10.0]);
    }
}
