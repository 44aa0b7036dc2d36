//! Claim 1 as a chart: test BLEU by source-length bucket for the five families, read from
//! models/index.json (the numbers of the model cards), one line per family, exportable.

use yew::prelude::*;

use crate::catalog::Catalog;
use crate::context::use_app;
use crate::i18n::{family_name, tr, tr_owned};
use crate::route::{Direction, Family};
use crate::components::strip::{dot, ExportButtons};

/// Explicit colours (exports match the screen); fixed-c families dashed.
pub fn family_colour(family: Family) -> &'static str {
    match family {
        Family::Rnn => "#8b5cf6",
        Family::Gru => "#0891b2",
        Family::Lstm => "#16a34a",
        Family::GruAttn => "#ea580c",
        Family::Transformer => "#e11d48",
    }
}

/// One bucket's score: (bucket name, sentences if known, BLEU).
pub type BucketScore = (String, Option<usize>, f64);

/// One family's scores in bucket order.
pub fn family_buckets(catalog: &Catalog, family: Family, direction: Direction) -> Vec<BucketScore> {
    let Some(entry) = catalog.model(family, direction) else {
        return Vec::new();
    };
    entry
        .test_bleu_by_bucket
        .iter()
        .map(|(name, bleu)| {
            let count = entry
                .test
                .bleu_by_bucket
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|&(_, c, _)| c);
            (name.clone(), count, *bleu)
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct BleuChartProps {
    pub direction: Direction,
}

#[function_component]
pub fn BleuChart(props: &BleuChartProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let Some(catalog) = app.state.catalog().cloned() else {
        return html! { <p class="muted">{ tr(lang, "正在读取模型目录…", "Reading the model catalogue…") }</p> };
    };
    let direction = props.direction;
    let series: Vec<(Family, Vec<BucketScore>)> = Family::ALL
        .iter()
        .map(|&f| (f, family_buckets(&catalog, f, direction)))
        .filter(|(_, b)| !b.is_empty())
        .collect();
    let buckets: Vec<String> = series
        .first()
        .map(|(_, b)| b.iter().map(|(n, _, _)| n.clone()).collect())
        .unwrap_or_default();
    // Sentences per bucket (the same test split for every family of a direction).
    let counts: Vec<(Option<usize>, Option<usize>)> = (0..buckets.len())
        .map(|k| {
            let cs: Vec<usize> = series
                .iter()
                .filter_map(|(_, b)| b.get(k).and_then(|x| x.1))
                .collect();
            (cs.iter().min().copied(), cs.iter().max().copied())
        })
        .collect();
    let total: usize = counts.iter().filter_map(|c| c.1).sum();
    let max_bleu = series
        .iter()
        .flat_map(|(_, b)| b.iter().map(|x| x.2))
        .fold(0.0, f64::max);
    let y_max = ((max_bleu / 5.0).ceil() * 5.0).max(5.0);

    let (w, h) = (600.0, 300.0);
    let (ml, mr, mt, mb) = (46.0, 170.0, 14.0, 58.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let x_of = |k: usize| ml + pw * (k as f64 + 0.5) / buckets.len().max(1) as f64;
    let y_of = |v: f64| mt + ph * (1.0 - v / y_max);
    let step = if y_max > 30.0 { 10.0 } else { 5.0 };
    let grid = (0..=((y_max / step) as usize)).map(|g| {
        let v = g as f64 * step;
        let y = y_of(v);
        html! {
            <>
                <line x1={format!("{ml}")} x2={format!("{:.1}", ml + pw)} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke="#cbd5e1" stroke-width="1" />
                <text x={format!("{:.1}", ml - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end" font-size="11" fill="#64748b">{ format!("{v:.0}") }</text>
            </>
        }
    });
    let x_labels = buckets.iter().enumerate().map(|(k, name)| {
        let x = x_of(k);
        let label = match name.as_str() {
            "16+" => "16+".to_owned(),
            other => other.replace('-', "–"),
        };
        let count = match counts.get(k) {
            Some((Some(a), Some(b))) if a == b => format!("n = {a}"),
            Some((Some(a), Some(b))) => format!("n = {a}–{b}"),
            _ => String::new(),
        };
        html! {
            <>
                <text x={format!("{x:.1}")} y={format!("{:.1}", mt + ph + 18.0)} text-anchor="middle" font-size="12" fill="#334155">{ label }</text>
                <text x={format!("{x:.1}")} y={format!("{:.1}", mt + ph + 34.0)} text-anchor="middle" font-size="11" fill="#64748b" class="bucket-count"
                      data-bucket={name.clone()}>{ count }</text>
            </>
        }
    });
    let lines = series.iter().map(|(family, b)| {
        let colour = family_colour(*family);
        let points: Vec<String> = b.iter().enumerate().map(|(k, x)| format!("{:.1},{:.1}", x_of(k), y_of(x.2))).collect();
        let dots = b.iter().enumerate().map(|(k, (name, n, bleu))| html! {
            <circle cx={format!("{:.1}", x_of(k))} cy={format!("{:.1}", y_of(*bleu))} r="4" fill={colour}
                    class="point" data-family={family.slug()} data-bucket={name.clone()} data-bleu={bleu.to_string()}>
                <title>{ format!("{} · {name}: BLEU {bleu:.2}{}", family_name(lang, *family), n.map(|n| format!(" (n = {n})")).unwrap_or_default()) }</title>
            </circle>
        });
        html! {
            <g class="series" data-family={family.slug()}>
                <polyline points={points.join(" ")} fill="none" stroke={colour} stroke-width="2.5"
                          stroke-dasharray={family.has_fixed_context().then_some("6 4")} />
                { for dots }
            </g>
        }
    });
    let legend = series.iter().enumerate().map(|(k, (family, _))| {
        let y = mt + 10.0 + k as f64 * 22.0;
        let x = ml + pw + 16.0;
        let colour = family_colour(*family);
        html! {
            <g class="legend-item" data-family={family.slug()}>
                <line x1={format!("{x:.1}")} x2={format!("{:.1}", x + 24.0)} y1={format!("{y:.1}")} y2={format!("{y:.1}")}
                      stroke={colour} stroke-width="2.5" stroke-dasharray={family.has_fixed_context().then_some("6 4")} />
                <text x={format!("{:.1}", x + 30.0)} y={format!("{:.1}", y + 4.0)} font-size="12" fill="#334155">{ family_name(lang, *family) }</text>
            </g>
        }
    });
    let axis_title = match direction {
        Direction::EnZh => tr(
            lang,
            "源句长度（英文词数）",
            "source length (English words)",
        ),
        Direction::ZhEn => tr(
            lang,
            "源句长度（汉字数）",
            "source length (Chinese characters)",
        ),
    };

    // The honest reading of the numbers.
    let last = buckets.len().saturating_sub(1);
    let last_count = counts.get(last).and_then(|c| c.1).unwrap_or(0);
    let attention_leads = (0..buckets.len()).all(|k| {
        let best_fixed = series
            .iter()
            .filter(|(f, _)| f.has_fixed_context())
            .filter_map(|(_, b)| b.get(k).map(|x| x.2))
            .fold(f64::MIN, f64::max);
        let worst_attn = series
            .iter()
            .filter(|(f, _)| !f.has_fixed_context())
            .filter_map(|(_, b)| b.get(k).map(|x| x.2))
            .fold(f64::MAX, f64::min);
        worst_attn > best_fixed
    });
    let kept = |f: &Family, b: &[BucketScore]| -> Option<(Family, f64)> {
        let first = b.first()?.2;
        let third = b.get(2)?.2;
        (first > 0.0).then(|| (*f, third / first))
    };
    let rows = series.iter().map(|(family, b)| {
        let cells = b.iter().map(
            |x| html! { <td class="num" data-bucket={x.0.clone()}>{ format!("{:.1}", x.2) }</td> },
        );
        let ratio = kept(family, b)
            .map(|(_, r)| format!("{:.0}%", r * 100.0))
            .unwrap_or_default();
        let overall = catalog
            .model(*family, direction)
            .map(|m| format!("{:.1}", m.test.bleu))
            .unwrap_or_default();
        html! {
            <tr data-family={family.slug()}>
                <th scope="row">{ dot(family_colour(*family)) }{ family_name(lang, *family) }</th>
                { for cells }
                <td class="num">{ overall }</td>
                <td class="num">{ ratio }</td>
            </tr>
        }
    });
    let head_cells = buckets.iter().zip(&counts).map(|(name, c)| html! {
        <th scope="col">{ name.replace('-', "–") }{ c.1.map(|n| format!(" (n={n})")).unwrap_or_default() }</th>
    });
    html! {
        <figure class="bleu-chart">
            <figcaption>{ tr(lang, "测试集 BLEU（beam 4）按源句长度分组", "Test BLEU (beam 4) by source length") }</figcaption>
            <div class="scroll-x">
                <svg id="bleu-by-length" xmlns="http://www.w3.org/2000/svg" role="img" width={format!("{w}")} height={format!("{h}")}
                     viewBox={format!("0 0 {w} {h}")} font-family="system-ui, sans-serif" data-direction={direction.slug()}
                     aria-label={tr(lang, "各模型按源句长度的 BLEU", "BLEU by source length for each model")}>
                    <rect x="0" y="0" width={format!("{w}")} height={format!("{h}")} fill="#ffffff" />
                    { for grid }{ for x_labels }
                    <text x={format!("{:.1}", ml + pw / 2.0)} y={format!("{:.1}", h - 6.0)} text-anchor="middle" font-size="12" fill="#334155">{ axis_title }</text>
                    <text x="12" y={format!("{:.1}", mt + ph / 2.0)} text-anchor="middle" font-size="12" fill="#334155"
                          transform={format!("rotate(-90 12 {:.1})", mt + ph / 2.0)}>{ "BLEU" }</text>
                    { for lines }{ for legend }
                </svg>
            </div>
            <ExportButtons id="bleu-by-length" />
            <div class="scroll-x">
                <table class="bleu-table" id="bleu-table">
                    <thead><tr>
                        <th scope="col">{ tr(lang, "模型", "Model") }</th>
                        { for head_cells }
                        <th scope="col">{ tr(lang, "全部", "all") }</th>
                        <th scope="col" title={tr(lang, "11–15 组 BLEU ÷ 1–5 组 BLEU", "BLEU at 11–15 ÷ BLEU at 1–5")}>{ tr(lang, "长句保留", "kept at 11–15") }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="caption" id="bleu-reading">
                { tr(lang,
                    "虚线是固定 c 的模型，实线带注意力。在这些用 Tatoeba 短句训练的小模型上，五种模型的 BLEU 都随句子变长而下降；",
                    "Dashed: fixed c; solid: attention. In these small models trained on short Tatoeba sentences, every family loses BLEU as inputs grow; ") }
                { if attention_leads {
                    tr(lang, "但在每个长度组里，带注意力的模型都高于所有固定 c 的模型。", "but in every length bucket the models with attention score above every fixed-c model.")
                } else {
                    tr(lang, "带注意力的模型并非在每个长度组都领先（见表）。", "the attention models do not lead in every bucket (see the table).")
                } }
                { tr_owned(lang,
                    format!("注意：16+ 组只有 {last_count} 个测试句（全部 {total} 句），这一点的数值很不稳定。"),
                    format!(" Note: the 16+ bucket holds only {last_count} of the {total} test sentences, so its numbers are noisy.")) }
            </p>
        </figure>
    }
}
