//! The run's figures: dependent steps vs T and time vs T (log–log, one line per family; dashed:
//! the CPU), what they show on this device (`findings`), and every row as a table.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::chart::{LogLogChart, Series};
use super::findings::{chains, crossovers};
use crate::context::use_app;
use crate::i18n::{family_name, tr, tr_owned};
use crate::protocol::{BackendKind, ParallelRow};
use crate::route::Family;

#[derive(Properties, PartialEq)]
pub struct ParallelResultsProps {
    pub rows: Vec<ParallelRow>,
    /// The GPU is emulated in software (lavapipe, SwiftShader, WARP).
    pub software: bool,
}

/// The same word in both languages.
fn backend_name(b: BackendKind) -> &'static str {
    match b {
        BackendKind::Gpu => "GPU",
        BackendKind::Cpu => "CPU",
    }
}

/// (family, backend) → [(T, value)] over the shipped-width rows.
fn series_of(
    rows: &[ParallelRow],
    value: impl Fn(&ParallelRow) -> f64,
) -> BTreeMap<(Family, bool), Vec<(f64, f64)>> {
    let mut map: BTreeMap<(Family, bool), Vec<(f64, f64)>> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.row.doubled) {
        map.entry((r.row.family, r.backend == BackendKind::Cpu))
            .or_default()
            .push((r.row.count.tokens as f64, value(r)));
    }
    for points in map.values_mut() {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    map
}

#[function_component]
pub fn ParallelResults(props: &ParallelResultsProps) -> Html {
    let lang = use_app().lang();
    let rows = &props.rows;
    let steps: Vec<Series> = series_of(rows, |r| r.row.count.dependent_steps as f64)
        .into_iter()
        .filter(|((_, cpu), _)| *cpu || !rows.iter().any(|r| r.backend == BackendKind::Cpu))
        .map(|((family, _), points)| Series {
            family,
            dashed: family.has_fixed_context(),
            label: family_name(lang, family).to_owned(),
            points,
        })
        .collect();
    let times: Vec<Series> = series_of(rows, |r| r.row.time.median_ms)
        .into_iter()
        .map(|((family, cpu), points)| Series {
            family,
            dashed: cpu,
            label: format!(
                "{} · {}",
                family.slug(),
                backend_name(if cpu {
                    BackendKind::Cpu
                } else {
                    BackendKind::Gpu
                })
            ),
            points,
        })
        .collect();
    let chain_items = chains(rows).into_iter().map(|c| {
        let name = family_name(lang, c.family);
        let text = if c.grows() {
            tr_owned(
                lang,
                format!(
                    "{name}：T 从 {} 到 {}，依赖链从 {} 步变成 {} 步（×{:.1}）。",
                    c.first.0,
                    c.last.0,
                    c.first.1,
                    c.last.1,
                    c.last.1 as f64 / c.first.1 as f64
                ),
                format!(
                    "{name}: from T = {} to {}, the chain goes from {} to {} steps (×{:.1}).",
                    c.first.0,
                    c.last.0,
                    c.first.1,
                    c.last.1,
                    c.last.1 as f64 / c.first.1 as f64
                ),
            )
        } else {
            tr_owned(
                lang,
                format!(
                    "{name}：T 从 {} 到 {}，依赖链一直是 {} 步。",
                    c.first.0, c.last.0, c.last.1
                ),
                format!(
                    "{name}: from T = {} to {}, the chain stays at {} steps.",
                    c.first.0, c.last.0, c.last.1
                ),
            )
        };
        html! { <li data-family={c.family.slug()} data-grows={c.grows().to_string()}>{ text }</li> }
    });
    let cross = crossovers(rows);
    let cross_items = cross.iter().filter(|c| !c.doubled).map(|c| {
        let name = c.family.slug();
        let text = match c.gpu_faster_from {
            Some(t) => tr_owned(lang, format!("{name}：从 T = {t} 起 GPU 更快。"), format!("{name}: the GPU is faster from T = {t} on.")),
            None => tr_owned(lang, format!("{name}：测过的 {} 个 T 上都是 CPU 更快。", c.compared), format!("{name}: the CPU was faster at all {} lengths measured.", c.compared)),
        };
        html! { <li data-family={name} data-gpu-faster-from={c.gpu_faster_from.map(|t| t.to_string())}>{ text }</li> }
    });
    let table_rows = rows.iter().map(|r| {
        html! {
            <tr data-family={r.row.family.slug()} data-backend={format!("{:?}", r.backend).to_lowercase()}
                data-tokens={r.row.count.tokens.to_string()} data-steps={r.row.count.dependent_steps.to_string()}
                data-doubled={r.row.doubled.to_string()}>
                <td>{ r.row.family.slug() }</td>
                <td class="num">{ r.row.width }</td>
                <td>{ backend_name(r.backend) }</td>
                <td class="num">{ r.row.count.tokens }</td>
                <td class="num">{ r.row.count.dependent_steps }</td>
                <td class="num">{ r.row.count.operations }</td>
                <td class="num">{ format!("{:.2}", r.row.time.median_ms) }</td>
            </tr>
        }
    });
    html! {
        <section class="card parallel-results" id="parallel-results">
            <h3>{ tr(lang, "依赖链：必须一个接一个完成的步骤", "The chain: steps that must happen one after another") }</h3>
            <LogLogChart id="parallel-steps" series={steps}
                x_label={tr(lang, "源文词元数 T", "source tokens T")} y_label={tr(lang, "依赖步数", "dependent steps")}
                alt={tr(lang, "每个编码器的依赖步数随 T 的变化（数值见下表）", "Each encoder's dependent steps against T (numbers in the table below)")} />
            <ul class="parallel-findings" id="parallel-chains">{ for chain_items }</ul>
            <h3>{ tr(lang, "时间（中位数，实线 GPU，虚线 CPU）", "Time (median; solid: GPU, dashed: CPU)") }</h3>
            <LogLogChart id="parallel-times" series={times}
                x_label={tr(lang, "源文词元数 T", "source tokens T")} y_label={tr(lang, "毫秒", "ms")}
                alt={tr(lang, "每个编码器在 GPU 和 CPU 上的时间随 T 的变化（数值见下表）", "Each encoder's time on the GPU and the CPU against T (numbers in the table below)")} />
            if !cross.is_empty() {
                <ul class="parallel-findings" id="parallel-crossovers">{ for cross_items }</ul>
            }
            if props.software {
                <p class="hint small">{ tr(lang,
                    "你的 GPU 是软件模拟的（在 CPU 上执行着色器）：每次 GPU 调度都有固定开销，背后又没有并行硬件，所以这里 CPU 更快并不意外。这些时间只说明这台设备；在有真实 GPU 的浏览器里运行，得到的是那台设备的结果。",
                    "Your GPU is emulated in software (shaders run on the CPU): every dispatch has a fixed cost and there is no parallel hardware behind it, so the CPU winning here is no surprise. These times describe this device only; run it in a browser with a real GPU to measure that one.") }</p>
            }
            <details class="parallel-table">
                <summary>{ tr(lang, "全部测量值", "Every measurement") }</summary>
                <div class="scroll-x">
                    <table class="bench-table">
                        <thead><tr>
                            <th>{ tr(lang, "编码器", "encoder") }</th><th>{ tr(lang, "宽度", "width") }</th><th>{ tr(lang, "后端", "backend") }</th>
                            <th>{ "T" }</th><th>{ tr(lang, "依赖步数", "dependent steps") }</th><th>{ tr(lang, "运算数", "operations") }</th><th>{ tr(lang, "毫秒", "ms") }</th>
                        </tr></thead>
                        <tbody>{ for table_rows }</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
