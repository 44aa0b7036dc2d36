//! A finished (or stopped) benchmark run as HTML: the device, the timer, the ratios the project
//! reports picked out, the verdict, the Markdown download, then one table per measured table.
//! The numbers arrive typed (`seq2seq_gpu::bench::Report`); their text, in the page's language,
//! comes from the gpu crate's one formatter (`Table::cells`), as the Markdown's (English) does.

use std::rc::Rc;

use seq2seq_gpu::bench::{Cell, Lang, Pick};
use yew::prelude::*;

use crate::i18n::{millis, tr, tr_owned};
use crate::protocol::BenchReport;
use crate::route::UiLang;

/// The gpu crate's language of the tables for the page's.
pub fn table_lang(lang: UiLang) -> Lang {
    match lang {
        UiLang::Zh => Lang::Zh,
        UiLang::En => Lang::En,
    }
}

fn pick_label(lang: UiLang, pick: Pick) -> &'static str {
    match pick {
        Pick::MatmulTiledVsNaive => tr(lang, "矩阵乘法：分块对比朴素", "Matmul: tiled vs naive"),
        Pick::MatmulGpuVsCpu => tr(lang, "矩阵乘法：GPU 对比 CPU", "Matmul: GPU vs CPU"),
        Pick::AttentionFlashVsNaive => {
            tr(lang, "注意力：Flash 对比朴素", "Attention: flash vs naive")
        }
        Pick::AttentionGpuVsCpu => tr(lang, "注意力：GPU 对比 CPU", "Attention: GPU vs CPU"),
        Pick::EncoderGpuVsCpu => tr(
            lang,
            "循环编码器：GPU 对比 CPU",
            "Recurrent encoder: GPU vs CPU",
        ),
    }
}

/// A cell; a strong one (a failed check, the CPU winning) in `<strong>`.
fn cell(c: &Cell) -> Html {
    if c.strong {
        html! { <strong>{ c.text.clone() }</strong> }
    } else {
        html! { { c.text.clone() } }
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    report: Rc<BenchReport>,
    index: usize,
    lang: Lang,
}

#[function_component]
fn ResultTable(props: &TableProps) -> Html {
    let Some(t) = props.report.tables.get(props.index) else {
        return html! {};
    };
    let lang = props.lang;
    let columns = t.columns(lang);
    let rows = t.cells(lang).into_iter().map(|row| {
        html! {
            <tr>{ for row.iter().zip(&columns).map(|(c, col)| html! {
                <td class={classes!(col.ratio.then_some("ratio"))}>{ cell(c) }</td>
            }) }</tr>
        }
    });
    html! {
        <section class="card bench-table" data-kind={t.kind()} data-index={props.index.to_string()}>
            <h3>{ t.title(lang) }</h3>
            <div class="scroll-x">
                <table>
                    <thead><tr>{ for columns.iter().map(|col| html! {
                        <th scope="col" class={classes!(col.ratio.then_some("ratio"))}>{ col.name }</th>
                    }) }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="muted small">{ t.note(lang) }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub report: Rc<BenchReport>,
    pub lang: UiLang,
    /// Save the run as Markdown.
    pub on_save: Callback<()>,
}

#[function_component]
pub fn Results(props: &ResultsProps) -> Html {
    let (lang, report) = (props.lang, &props.report);
    let picks = report
        .tables
        .iter()
        .flat_map(|t| t.highlights(table_lang(lang)))
        .map(|h| {
            // A picked ratio is strong only where the CPU won.
            let cpu_wins = h.value.strong;
            html! {
                <li class={classes!("highlight", cpu_wins.then_some("cpu-wins"))}>
                    <span class="what">{ pick_label(lang, h.pick) }</span>
                    <span class="value">{ h.value.text }</span>
                    <span class="muted small">{ h.at }</span>
                </li>
            }
        });
    let save = props.on_save.reform(|_: MouseEvent| ());
    html! {
        <div class="bench-results" data-cpu-only={report.cpu_only.to_string()}>
            <section class="card">
                <p class="bench-ran-on"><strong>{ tr(lang, "运行设备：", "Ran on: ") }</strong><span class="device-name">{ report.device.clone() }</span></p>
                <p class="muted small bench-timer">{ tr(lang, "计时：", "Timer: ") }{ report.timer.text(table_lang(lang)) }{ " · " }{ tr(lang, "总用时 ", "total ") }{ millis(report.millis) }</p>
                if !report.cpu_only {
                    <ul class="highlights">{ for picks }</ul>
                    if report.failures.is_empty() {
                        <p class="small">{ tr(lang, "✓ 每个 GPU 结果都与 CPU 参考实现一致（最后一列是最大差）。", "✓ Every GPU result matched the CPU reference (max |diff| in the last column).") }</p>
                    } else {
                        <div class="failure" role="alert">
                            <p>{ tr_owned(lang, format!("{} 个结果与 CPU 参考不一致：", report.failures.len()), format!("{} result(s) did not match the CPU reference:", report.failures.len())) }</p>
                            <ul>{ for report.failures.iter().map(|f| html! { <li>{ f.clone() }</li> }) }</ul>
                        </div>
                    }
                }
                <button class="small" onclick={save}>{ tr(lang, "下载 Markdown 报告（英文，与 BENCHMARKS.md 同格式）", "Download the Markdown report") }</button>
            </section>
            { for (0..report.tables.len()).map(|i| html! { <ResultTable report={report.clone()} index={i} lang={table_lang(lang)} /> }) }
        </div>
    }
}
