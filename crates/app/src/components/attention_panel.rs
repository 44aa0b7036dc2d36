//! Cross-attention of one translation: α_ij for gru-attn; for the Transformer one layer and head
//! (or the mean over heads) with an overview of all heads; for the fixed-context models, the
//! statement that there is nothing to show — every step gets the same c.

use std::rc::Rc;

use yew::prelude::*;

use seq2seq_core::trace::StepTrace;

use crate::components::{DeferredFigure, Heatmap};
use crate::context::use_app;
use crate::i18n::tr;
use crate::route::Family;

#[derive(Properties, PartialEq)]
pub struct AttentionPanelProps {
    /// DOM id prefix for the figures.
    pub id: AttrValue,
    pub family: Family,
    pub source_tokens: Rc<Vec<String>>,
    pub target_tokens: Rc<Vec<String>>,
    pub steps: Rc<Vec<StepTrace>>,
    #[prop_or_default]
    pub current_row: Option<usize>,
    #[prop_or_default]
    pub on_select_row: Option<Callback<usize>>,
}

/// Above this many cells per head, the all-heads overview is not drawn.
const MAX_THUMBNAIL_CELLS: usize = 1600;

/// [step][source] weights of one Transformer layer and head (None: mean over heads).
pub fn transformer_rows(steps: &[StepTrace], layer: usize, head: Option<usize>) -> Vec<Vec<f32>> {
    steps
        .iter()
        .map(|s| {
            let Some(heads) = s.cross_attention.get(layer) else {
                return Vec::new();
            };
            match head {
                Some(h) => heads.get(h).cloned().unwrap_or_default(),
                None => {
                    let n = heads.len().max(1) as f32;
                    let width = heads.first().map_or(0, Vec::len);
                    (0..width)
                        .map(|j| heads.iter().map(|row| row[j]).sum::<f32>() / n)
                        .collect()
                }
            }
        })
        .collect()
}

#[function_component]
pub fn AttentionPanel(props: &AttentionPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let cells = props.target_tokens.len() * props.source_tokens.len();
    let map_zh = AttrValue::from(format!(
        "注意力热力图 {} × {}",
        props.target_tokens.len(),
        props.source_tokens.len()
    ));
    let map_en = AttrValue::from(format!(
        "attention map {} × {}",
        props.target_tokens.len(),
        props.source_tokens.len()
    ));
    match props.family {
        Family::Rnn | Family::Gru | Family::Lstm => html! {
            <p class="no-attention">{ tr(lang,
                "这个模型没有注意力：编码器把整句话压进一个固定长度的向量 c，解码的每一步看到的都是同一个 c。句子越长，c 越装不下。",
                "This model has no attention: the encoder squeezes the whole sentence into one fixed-length vector c, and every decoder step sees that same c. The longer the sentence, the less c can hold.") }</p>
        },
        Family::GruAttn => {
            let values: Vec<Vec<f32>> = props.steps.iter().map(|s| s.attention.clone()).collect();
            html! {
                <>
                    <p class="caption">{ tr(lang,
                        "每一行是一个目标词：解码这一步时，注意力 α 在源句各个词上的分配（每行和为 1）。悬停查看对齐。",
                        "Each row is a target token: how attention α spreads over the source tokens at that step (each row sums to 1). Hover to see the alignment.") }</p>
                    <DeferredFigure elements={cells} what_zh={map_zh.clone()} what_en={map_en.clone()}>
                        <Heatmap id={format!("{}-attention", props.id)} rows={props.target_tokens.clone()} cols={props.source_tokens.clone()}
                                 values={Rc::new(values)} current_row={props.current_row} on_select_row={props.on_select_row.clone()}
                                 title={tr(lang, "交叉注意力热图：行是译文的词，列是源句的词，颜色越深表示注意力 α 越大（每行和为 1）",
                                     "Cross-attention heatmap: rows are the translation's tokens, columns the source's; the darker, the larger the attention α (each row sums to 1)")} />
                    </DeferredFigure>
                </>
            }
        }
        Family::Transformer => {
            let layers = props.steps.first().map_or(0, |s| s.cross_attention.len());
            let heads = props
                .steps
                .first()
                .and_then(|s| s.cross_attention.first())
                .map_or(0, Vec::len);
            let layer = url.layer.min(layers.saturating_sub(1));
            let head = url.head.filter(|&h| h < heads);
            let values = transformer_rows(&props.steps, layer, head);
            let pick = |l: usize, h: Option<usize>| {
                let app = app.clone();
                Callback::from(move |_| {
                    app.update_url(false, |u| {
                        u.layer = l;
                        u.head = h;
                    })
                })
            };
            let layer_buttons = (0..layers).map(|l| html! {
                <button class={classes!("small", (l == layer).then_some("selected"))} onclick={pick(l, head)}>{ format!("{} {}", tr(lang, "层", "layer"), l + 1) }</button>
            });
            let head_buttons = std::iter::once(html! {
                <button class={classes!("small", head.is_none().then_some("selected"))} onclick={pick(layer, None)}>{ tr(lang, "各头平均", "mean of heads") }</button>
            })
            .chain((0..heads).map(|h| html! {
                <button class={classes!("small", (head == Some(h)).then_some("selected"))} onclick={pick(layer, Some(h))}>{ format!("{} {}", tr(lang, "头", "head"), h + 1) }</button>
            }));
            // Thumbnails of every head, while they stay cheap to draw (a long sentence would
            // put tens of thousands of cells on the page).
            let show_overview = cells <= MAX_THUMBNAIL_CELLS;
            let overview = (0..layers).filter(|_| show_overview).flat_map(|l| (0..heads).map(move |h| (l, h))).map(|(l, h)| {
                let values = transformer_rows(&props.steps, l, Some(h));
                let selected = l == layer && head == Some(h);
                html! {
                    <button class={classes!("head-thumb", selected.then_some("selected"))} onclick={pick(l, Some(h))}
                            title={format!("{} {} · {} {}", tr(lang, "层", "layer"), l + 1, tr(lang, "头", "head"), h + 1)}>
                        <Heatmap id={format!("{}-l{l}h{h}", props.id)} rows={props.target_tokens.clone()} cols={props.source_tokens.clone()}
                                 values={Rc::new(values)} compact=true cell={6.0}
                                 title={format!("{} {} · {} {}: {}", tr(lang, "层", "layer"), l + 1, tr(lang, "头", "head"), h + 1,
                                     tr(lang, "交叉注意力热图，行是译文的词，列是源句的词", "cross-attention heatmap, rows are the translation's tokens, columns the source's"))} />
                        <span class="small muted">{ format!("L{} H{}", l + 1, h + 1) }</span>
                    </button>
                }
            });
            html! {
                <>
                    <p class="caption">{ tr(lang,
                        "解码器对编码器输出的交叉注意力。每层每个头学到不同的对齐方式；下方是全部头的缩略图。",
                        "The decoder's cross-attention over the encoder outputs. Each layer and head learns its own alignment; all heads are shown below.") }</p>
                    <div class="selector">{ for layer_buttons }</div>
                    <div class="selector">{ for head_buttons }</div>
                    <DeferredFigure elements={cells} what_zh={map_zh.clone()} what_en={map_en.clone()}>
                        <Heatmap id={format!("{}-attention", props.id)} rows={props.target_tokens.clone()} cols={props.source_tokens.clone()}
                                 values={Rc::new(values)} current_row={props.current_row} on_select_row={props.on_select_row.clone()}
                                 title={tr(lang, "交叉注意力热图：行是译文的词，列是源句的词，颜色越深表示注意力 α 越大（每行和为 1）",
                                     "Cross-attention heatmap: rows are the translation's tokens, columns the source's; the darker, the larger the attention α (each row sums to 1)")} />
                    </DeferredFigure>
                    if show_overview {
                        <div class="head-grid" aria-label={tr(lang, "全部注意力头", "All heads")}>{ for overview }</div>
                    } else {
                        <p class="caption">{ tr(lang, "句子较长：用上面的按钮逐个查看各个头。", "A long sentence: use the buttons above to look at one head at a time.") }</p>
                    }
                </>
            }
        }
    }
}
