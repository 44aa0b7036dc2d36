//! Claim 1 as a chart: test BLEU against source length on the length ladder (inputs of 1–4
//! joined test sentences, up to 41+ words), one line per family, with the inputs per bucket; a
//! table of BLEU per rung and the share each family keeps; and the reading of those numbers
//! (`verdict`). Everything comes from models/index.json (the model cards' numbers).

use yew::prelude::*;

use super::verdict::{self, Verdict};
use crate::catalog::Catalog;
use crate::components::palette::{GRID, LABEL};
use crate::components::strip::{dot, ExportButtons};
use crate::context::use_app;
use crate::i18n::{family_name, tr, tr_owned};
use crate::route::UiLang;
use crate::route::{Direction, Family};

pub use crate::components::palette::family_colour;

/// One bucket's score: (bucket name, inputs, BLEU).
pub type BucketScore = (String, usize, f64);

/// One family's ladder scores by source length, in bucket order (empty without a ladder).
pub fn family_buckets(catalog: &Catalog, family: Family, direction: Direction) -> Vec<BucketScore> {
    verdict::ladder(catalog, family, direction)
        .map(|l| l.test.by_length.clone())
        .unwrap_or_default()
}

/// "1-5" → "1–5".
fn bucket_label(name: &str) -> String {
    name.replace('-', "–")
}

/// "n=12", or "n=5–12" when the families were scored on different numbers of inputs.
fn count_label((lo, hi): (usize, usize)) -> String {
    if lo == hi {
        format!("n={lo}")
    } else {
        format!("n={lo}–{hi}")
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
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
    if series.is_empty() {
        return html! { <p class="muted">{ tr(lang, "模型目录里没有长度阶梯的分数。", "The model catalogue has no length-ladder scores.") }</p> };
    }
    // Bucket names, and the fewest and most inputs in each over the families (models rescored
    // on a sample of the ladder have fewer).
    let buckets: Vec<(String, (usize, usize))> = series[0]
        .1
        .iter()
        .enumerate()
        .map(|(k, (name, _, _))| {
            let counts = series.iter().filter_map(|(_, b)| b.get(k).map(|x| x.1));
            let lo = counts.clone().min().unwrap_or(0);
            (name.clone(), (lo, counts.max().unwrap_or(0)))
        })
        .collect();
    let max_bleu = series
        .iter()
        .flat_map(|(_, b)| b.iter().map(|x| x.2))
        .fold(0.0, f64::max);
    let y_max = ((max_bleu / 5.0).ceil() * 5.0).max(5.0);

    let (w, h) = (600.0, 300.0);
    let (ml, mr, mt, mb) = (46.0, 150.0, 14.0, 58.0);
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
                <line x1={format!("{ml}")} x2={format!("{:.1}", ml + pw)} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke={GRID} stroke-width="1" />
                <text x={format!("{:.1}", ml - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end" font-size="11" fill={LABEL}>{ format!("{v:.0}") }</text>
            </>
        }
    });
    let x_labels = buckets.iter().enumerate().map(|(k, (name, n))| {
        let x = x_of(k);
        html! {
            <>
                <text x={format!("{x:.1}")} y={format!("{:.1}", mt + ph + 18.0)} text-anchor="middle" font-size="11" fill={LABEL}>{ bucket_label(name) }</text>
                <text x={format!("{x:.1}")} y={format!("{:.1}", mt + ph + 34.0)} text-anchor="middle" font-size="10" fill={LABEL} class="bucket-count"
                      data-bucket={name.clone()}>{ count_label(*n) }</text>
            </>
        }
    });
    let lines = series.iter().map(|(family, b)| {
        let colour = family_colour(*family);
        // Buckets without inputs have no point (BLEU of nothing).
        let points: Vec<String> = b.iter().enumerate().filter(|(_, x)| x.1 > 0)
            .map(|(k, x)| format!("{:.1},{:.1}", x_of(k), y_of(x.2))).collect();
        let dots = b.iter().enumerate().filter(|(_, x)| x.1 > 0).map(|(k, (name, n, bleu))| html! {
            <circle cx={format!("{:.1}", x_of(k))} cy={format!("{:.1}", y_of(*bleu))} r="4" fill={colour}
                    class="point" data-family={family.slug()} data-bucket={name.clone()} data-bleu={bleu.to_string()}>
                <title>{ format!("{} · {}: BLEU {bleu:.2} (n = {n})", family_name(lang, *family), bucket_label(name)) }</title>
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
                <text x={format!("{:.1}", x + 30.0)} y={format!("{:.1}", y + 4.0)} font-size="12" fill={LABEL}>{ family_name(lang, *family) }</text>
            </g>
        }
    });
    let axis_title = match direction {
        Direction::EnZh => tr(
            lang,
            "源文长度（英文词数）",
            "source length (English words)",
        ),
        Direction::ZhEn => tr(
            lang,
            "源文长度（汉字数）",
            "source length (Chinese characters)",
        ),
    };
    html! {
        <figure class="bleu-chart">
            <figcaption>{ tr(lang,
                "长度阶梯：把 1–4 个测试句拼成一个输入，测试集 BLEU（beam 4）按源文长度分组",
                "The length ladder: 1–4 test sentences joined into one input; test BLEU (beam 4) by source length") }</figcaption>
            <div class="scroll-x">
                <svg id="bleu-by-length" xmlns="http://www.w3.org/2000/svg" role="img" width={format!("{w}")} height={format!("{h}")}
                     viewBox={format!("0 0 {w} {h}")} font-family="system-ui, sans-serif" data-direction={direction.slug()}
                     aria-label={tr(lang, "各模型按源文长度的 BLEU（数值见下表）", "BLEU by source length for each model (numbers in the table below)")}>
                    { for grid }{ for x_labels }
                    <text x={format!("{:.1}", ml + pw / 2.0)} y={format!("{:.1}", h - 6.0)} text-anchor="middle" font-size="12" fill={LABEL}>{ axis_title }</text>
                    <text x="12" y={format!("{:.1}", mt + ph / 2.0)} text-anchor="middle" font-size="12" fill={LABEL}
                          transform={format!("rotate(-90 12 {:.1})", mt + ph / 2.0)}>{ "BLEU" }</text>
                    { for lines }{ for legend }
                </svg>
            </div>
            <ExportButtons id="bleu-by-length" />
            <RungTable catalog={catalog.clone()} {direction} />
            { reading(lang, &catalog, direction) }
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct RungTableProps {
    catalog: std::rc::Rc<Catalog>,
    direction: Direction,
}

/// BLEU per rung (1–4 sentences joined) per family, the share kept, and the training inputs.
#[function_component]
fn RungTable(props: &RungTableProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let ladders: Vec<(Family, &crate::catalog::Ladder)> = Family::ALL
        .iter()
        .filter_map(|&f| Some((f, verdict::ladder(&props.catalog, f, props.direction)?)))
        .collect();
    let Some((_, first)) = ladders.first() else {
        return html! {};
    };
    let head = first.test.rungs.iter().map(|(k, n, _)| html! {
        <th scope="col">{ tr_owned(lang, format!("{k} 句（{n} 个）"), format!("{k} sent. (n={n})")) }</th>
    });
    let rows = ladders.iter().map(|(family, l)| {
        let cells = l.test.rungs.iter().map(|(k, _, b)| {
            html! {
                <td class="num" data-rung={k.to_string()}>{ format!("{b:.1}") }</td>
            }
        });
        html! {
            <tr data-family={family.slug()}>
                <th scope="row">{ dot(family_colour(*family)) }{ family_name(lang, *family) }</th>
                { for cells }
                <td class="num kept">{ l.kept().map(pct).unwrap_or_default() }</td>
                <td class="num trained">{ l.trained_on_sentences.to_string() }</td>
            </tr>
        }
    });
    html! {
        <div class="scroll-x">
            <table class="bleu-table" id="bleu-table">
                <thead><tr>
                    <th scope="col">{ tr(lang, "模型", "Model") }</th>
                    { for head }
                    <th scope="col" title={tr(lang, "最长一级的 BLEU ÷ 1 句的 BLEU", "BLEU at the longest rung ÷ BLEU at one sentence")}>{ tr(lang, "保留", "kept") }</th>
                    <th scope="col" title={tr(lang, "训练样本最多由几句拼成", "most sentences joined in one training example")}>{ tr(lang, "训练句数", "trained on") }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// The reading of the numbers: which families keep their BLEU as inputs grow, and what the
/// models were trained on, all from the catalogue.
fn reading(lang: UiLang, catalog: &Catalog, direction: Direction) -> Html {
    let kept = verdict::kept_by_family(catalog, direction).map(|k| verdict::compared(&k));
    let training = verdict::training(catalog, direction);
    let group = kept.as_ref().map_or(0, Vec::len);
    let names: Vec<&str> = kept
        .iter()
        .flatten()
        .map(|k| family_name(lang, k.family))
        .collect();
    let range = |attention: bool| -> String {
        let shares: Vec<f64> = kept
            .iter()
            .flatten()
            .filter(|k| k.family.has_fixed_context() != attention)
            .map(|k| k.kept)
            .collect();
        let lo = shares.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = shares.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if shares.is_empty() {
            String::new()
        } else if (hi - lo).abs() < 0.005 {
            pct(lo)
        } else {
            format!("{}–{}", pct(lo), pct(hi))
        }
    };
    let rungs = kept
        .as_ref()
        .and_then(|k| k.first())
        .map_or(4, |k| k.sentences);
    let trained = match &training {
        Some(t) if t.sentences.1 <= 1 => tr_owned(lang,
            format!("这些模型只用单句训练（最长 {} 个词元），从没见过拼接的长输入。", t.max_tokens),
            format!("These models were trained on single sentences only (at most {} tokens); they never saw a joined input. ", t.max_tokens)),
        Some(t) if t.sentences.0 == t.sentences.1 => tr_owned(lang,
            format!("这些模型的训练样本最多由 {} 句拼成（最长 {} 个词元）。", t.sentences.1, t.max_tokens),
            format!("These models were trained on inputs of up to {} joined sentences (at most {} tokens). ", t.sentences.1, t.max_tokens)),
        Some(t) => tr_owned(lang,
            format!("注意：这些模型的训练输入长短不一（{}–{} 句，见表中“训练句数”），比较时要看清。", t.sentences.0, t.sentences.1),
            format!("Note: these models were trained on inputs of different lengths ({}–{} sentences, see “trained on” in the table); compare with care. ", t.sentences.0, t.sentences.1)),
        None => String::new(),
    };
    let (attention, fixed) = (range(true), range(false));
    let among = if group > 0 && group < Family::ALL.len() {
        tr_owned(
            lang,
            format!(
                "只比较训练时见过最长拼接输入的模型（{}）：",
                names.join("、")
            ),
            format!(
                "Comparing only the models trained on the longest joined inputs ({}): ",
                names.join(", ")
            ),
        )
    } else {
        String::new()
    };
    let finding = match verdict::verdict(kept.as_deref()) {
        Verdict::Incomplete => tr_owned(lang,
            "目录里缺少部分模型的长度阶梯分数，这里不下结论。".to_owned(),
            "Some models have no length-ladder scores in the catalogue, so no conclusion is drawn here.".to_owned()),
        Verdict::AttentionHolds { .. } => tr_owned(lang,
            format!("拼到 {rungs} 句时，带注意力的模型保留了单句 BLEU 的 {attention}，固定 c 的模型只保留 {fixed}：输入越长，固定长度的 c 越装不下。"),
            format!("At {rungs} joined sentences the attention models keep {attention} of their one-sentence BLEU and the fixed-c models only {fixed}: the longer the input, the less a fixed-length c can hold.")),
        Verdict::NoClearGap { .. } => tr_owned(lang,
            format!("拼到 {rungs} 句时，带注意力的模型保留了单句 BLEU 的 {attention}，固定 c 的模型保留 {fixed}：在这些模型上，注意力并没有比每个固定 c 的模型保留得更多。"),
            format!("At {rungs} joined sentences the attention models keep {attention} of their one-sentence BLEU and the fixed-c models {fixed}: on these models attention does not keep more than every fixed-c model.")),
    };
    html! {
        <p class="caption" id="bleu-reading">
            { tr(lang, "虚线是固定 c 的模型，实线带注意力。", "Dashed: fixed c; solid: attention. ") }
            { trained }{ among }{ finding }
        </p>
    }
}
