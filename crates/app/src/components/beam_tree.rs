//! Beam search as a tree: one column per decoder step, one node per hypothesis kept, an edge to
//! the hypothesis it extended. The final answer's path is highlighted; finished hypotheses (EOS)
//! are marked. Node labels are the target pieces, with the cumulative log-probability on hover.

use std::rc::Rc;

use yew::prelude::*;

use seq2seq_core::trace::BeamTree;

use super::palette::{HIGHLIGHT, HIGHLIGHT_TEXT, LABEL, MUTED};
use crate::context::use_app;
use crate::export::{save_png, save_svg};
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct BeamTreeProps {
    pub id: AttrValue,
    pub tree: Rc<BeamTree>,
    /// Display piece of each target id (the model's vocabulary, shared).
    pub vocab: Rc<Vec<String>>,
}

const COL: f64 = 84.0;
const ROW: f64 = 26.0;

#[function_component]
pub fn BeamTreeView(props: &BeamTreeProps) -> Html {
    let lang = use_app().lang();
    let nodes = &props.tree.nodes;
    // Row of each node within its step, in order of appearance.
    let mut per_step: Vec<usize> = Vec::new();
    let mut place = Vec::with_capacity(nodes.len());
    for node in nodes {
        if per_step.len() <= node.step {
            per_step.resize(node.step + 1, 0);
        }
        place.push((node.step, per_step[node.step]));
        per_step[node.step] += 1;
    }
    let rows = per_step.iter().copied().max().unwrap_or(1);
    let width = 40.0 + per_step.len() as f64 * COL;
    let height = 16.0 + rows as f64 * ROW;
    let pos = |i: usize| {
        let (step, row) = place[i];
        (24.0 + step as f64 * COL, 18.0 + row as f64 * ROW)
    };
    let edges = nodes.iter().enumerate().filter_map(|(i, node)| {
        let parent = node.parent?;
        let (x0, y0) = pos(parent);
        let (x1, y1) = pos(i);
        let best = node.best && nodes[parent].best;
        Some(html! {
            <line x1={(x0 + 8.0).to_string()} y1={y0.to_string()} x2={(x1 - 8.0).to_string()} y2={y1.to_string()}
                  stroke={if best { HIGHLIGHT } else { MUTED }} stroke-width={if best { "2.5" } else { "1" }} />
        })
    });
    let labels = nodes.iter().enumerate().map(|(i, node)| {
        let (x, y) = pos(i);
        let piece = node_label(nodes, &props.vocab, i);
        let text = if node.finished { format!("{piece} ■") } else { piece };
        html! {
            <g class={classes!("beam-node", node.best.then_some("best"))} data-best={node.best.to_string()}>
                <circle cx={x.to_string()} cy={y.to_string()} r="4"
                        fill={if node.best { HIGHLIGHT } else { MUTED }} />
                <text x={(x + 7.0).to_string()} y={(y - 6.0).to_string()} font-size="12"
                      fill={if node.best { HIGHLIGHT_TEXT } else { LABEL }}
                      font-weight={node.best.then_some("bold")}>
                    { text }
                    <title>{ format!("log p = {:.3}", node.log_prob) }</title>
                </text>
            </g>
        }
    });
    let (svg_id, png_id) = (props.id.to_string(), props.id.to_string());
    html! {
        <figure class="beam-tree">
            <figcaption>{ tr(lang,
                "束搜索树：每列是一步，保留的每个假设是一个点；橙色是最终选出的路径，■ 表示该假设已结束。",
                "Beam search tree: one column per step, one dot per kept hypothesis; orange is the chosen path, ■ marks a finished hypothesis.") }</figcaption>
            <div class="scroll-x" tabindex="0" role="group" aria-label={tr(lang, "束搜索树", "Beam search tree")}>
                <svg id={props.id.clone()} xmlns="http://www.w3.org/2000/svg" width={width.to_string()} height={height.to_string()}
                     role="img" aria-label={tr(lang, "束搜索树：每列一步，每个点是一个保留的假设，橙色是选出的路径", "Beam search tree: one column per step, one dot per kept hypothesis, the chosen path in orange")}
                     viewBox={format!("0 0 {width} {height}")} font-family="system-ui, sans-serif">
                    { for edges }{ for labels }
                </svg>
            </div>
            <div class="figure-actions">
                <button class="small" onclick={Callback::from(move |_| save_svg(&svg_id, &format!("{svg_id}.svg")))}>{ tr(lang, "导出 SVG", "Save SVG") }</button>
                <button class="small" onclick={Callback::from(move |_| save_png(&png_id, &format!("{png_id}.png")))}>{ tr(lang, "导出 PNG", "Save PNG") }</button>
            </div>
        </figure>
    }
}

/// Node `i`'s piece as a reader sees it: labelled along its path from the root, so a byte
/// token shows the character its run spells and a continuing piece shows as "·ed".
fn node_label(nodes: &[seq2seq_core::trace::BeamNode], vocab: &[String], i: usize) -> String {
    let mut path = Vec::new();
    let mut at = Some(i);
    while let Some(n) = at.and_then(|n| nodes.get(n)) {
        path.push(
            vocab
                .get(n.token as usize)
                .cloned()
                .unwrap_or_else(|| format!("<{}>", n.token)),
        );
        at = n.parent;
    }
    path.reverse();
    seq2seq_core::tokenizer::figure_labels(&path)
        .pop()
        .unwrap_or_default()
}
