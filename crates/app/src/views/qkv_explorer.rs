//! View 4, Q/K/V explorer: one self-attention of the shipped Transformer, taken apart: the
//! encoder's over the source, or the decoder's masked one over its inputs (BOS and the greedy
//! translation), where every key after the query is masked to −∞.
//! Pick a token (the query i) and a layer; per head: q_i, every k_j, the scores q·k_j,
//! the scaling by √d, the softmax weights (a bar per key, summing to 1) and the output
//! Σ_j w_j v_j. The numbers come from the worker (seq2seq-core's
//! `TransformerModel::explain_encoder_attention` / `explain_decoder_self_attention`, the model's
//! own arithmetic), never from here.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::palette::{ACCENT, ACCENT_NEGATIVE};
use crate::components::{check_text, DownloadBar, TextInput, ViewIntro};
use crate::context::use_app;
use crate::hooks::use_qkv;
use crate::i18n::{millis, tr};
use crate::protocol::{QkvHead, QkvRequest, QkvResult};
use crate::route::{Family, UiLang};

/// A vector as a heat strip: one cell per component, blue positive, red negative, opacity by
/// |x| / max |x| of the strip; the values are in the tooltip and in `data-values`.
#[derive(Properties, PartialEq)]
struct StripProps {
    values: Vec<f32>,
    #[prop_or(4.0)]
    cell: f64,
    label: AttrValue,
    #[prop_or_default]
    class: Classes,
}

#[function_component]
fn Strip(props: &StripProps) -> Html {
    let max = props
        .values
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()))
        .max(1e-12);
    let cell = props.cell;
    let width = cell * props.values.len() as f64;
    let cells = props.values.iter().enumerate().map(|(i, &v)| {
        let a = (v.abs() / max).clamp(0.0, 1.0);
        let fill = if v >= 0.0 { ACCENT } else { ACCENT_NEGATIVE };
        html! { <rect x={(i as f64 * cell).to_string()} y="0" width={cell.to_string()} height="12" fill={fill} fill-opacity={format!("{a:.3}")} /> }
    });
    let title = format!(
        "{}: [{}]",
        props.label,
        props
            .values
            .iter()
            .map(|v| format!("{v:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    html! {
        <svg class={classes!("strip", props.class.clone())} role="img" aria-label={title.clone()}
             width={width.to_string()} height="12" viewBox={format!("0 0 {width} 12")}>
            <title>{ title }</title>
            <rect class="strip-bg" x="0" y="0" width={width.to_string()} height="12" />
            { for cells }
        </svg>
    }
}

fn fmt3(x: f32) -> String {
    if x == f32::NEG_INFINITY {
        "−∞".to_owned()
    } else {
        format!("{x:.3}")
    }
}

#[derive(Properties, PartialEq)]
struct HeadCardProps {
    index: usize,
    head: Rc<QkvHead>,
    tokens: Rc<Vec<String>>,
    query: usize,
    head_dim: usize,
    scale: f32,
    /// The enlarged head: v_j strips and wider strips.
    large: bool,
    /// Causal: keys after the query are masked (drawn faded).
    causal: bool,
    on_select: Callback<Option<usize>>,
}

#[function_component]
fn HeadCard(props: &HeadCardProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let h = &props.head;
    let cell = if props.large { 6.0 } else { 2.0 };
    let bar = if props.large { 120.0 } else { 60.0 };
    let sum: f32 = h.weights.iter().sum();
    let best = h
        .weights
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(j, _)| j);
    let sqrt_d = (props.head_dim as f32).sqrt();
    let rows = props.tokens.iter().enumerate().map(|(j, token)| {
        let w = h.weights[j];
        html! {
            <tr class={classes!("qkv-row", (j == props.query).then_some("query"), (j == best).then_some("best"),
                                (props.causal && j > props.query).then_some("masked"))}
                data-key={j.to_string()} data-score={fmt3(h.scores[j])}
                data-scaled={fmt3(h.scaled[j])} data-weight={format!("{w:.6}")}>
                <th scope="row" class="qkv-token">{ token.clone() }</th>
                <td><Strip values={h.k[j].clone()} {cell} label={format!("k{j} ({token})")} /></td>
                <td class="num score">{ fmt3(h.scores[j]) }</td>
                <td class="num scaled">{ fmt3(h.scaled[j]) }</td>
                <td class="weight">
                    <svg class="bar" aria-hidden="true" width={bar.to_string()} height="10" viewBox={format!("0 0 {bar} 10")}>
                        <rect class="bar-bg" x="0" y="0" width={bar.to_string()} height="10" rx="2" />
                        <rect class="bar-fg" x="0" y="0" width={format!("{:.2}", bar * f64::from(w.clamp(0.0, 1.0)))} height="10" rx="2" />
                    </svg>
                    <span class="num">{ format!("{w:.3}") }</span>
                </td>
                if props.large {
                    <td><Strip values={h.v[j].clone()} {cell} label={format!("v{j} ({token})")} /></td>
                }
            </tr>
        }
    });
    let select = {
        let on_select = props.on_select.clone();
        let (index, large) = (props.index, props.large);
        Callback::from(move |_| on_select.emit(if large { None } else { Some(index) }))
    };
    html! {
        <article class={classes!("card", "qkv-head", props.large.then_some("large"))}
                 data-head={props.index.to_string()} data-sum={format!("{sum:.6}")}>
            <header class="result-head">
                <h3>{ format!("{} {}", tr(lang, "头", "Head"), props.index + 1) }</h3>
                <button class="small" onclick={select} aria-pressed={props.large.to_string()}>
                    { if props.large { tr(lang, "显示全部头", "Show all heads") } else { tr(lang, "放大", "Enlarge") } }
                </button>
            </header>
            <div class="qkv-vec">
                <span class="vec-name">{ format!("q{}", props.query) }</span>
                <Strip values={h.q.clone()} {cell} label={format!("q{} ({})", props.query, props.tokens.get(props.query).cloned().unwrap_or_default())} />
            </div>
            <div class="scroll-x">
                <table class="qkv-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "j" }</th>
                            <th scope="col">{ "k_j" }</th>
                            <th scope="col" class="num">{ "q·k_j" }</th>
                            <th scope="col" class="num" title={format!("÷√{} = ÷{sqrt_d:.3}", props.head_dim)}>{ "÷√d" }</th>
                            <th scope="col">{ tr(lang, "权重 w_j", "weight w_j") }</th>
                            if props.large { <th scope="col">{ "v_j" }</th> }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                    <tfoot>
                        <tr>
                            <td colspan="4" class="muted small">{ tr(lang, "权重之和", "Sum of the weights") }</td>
                            <td class="num sum">{ format!("Σ w = {sum:.3}") }</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <div class="qkv-vec">
                <span class="vec-name">{ "Σ w_j v_j" }</span>
                <Strip values={h.output.clone()} {cell} label={format!("{} {}", tr(lang, "输出", "output"), props.index + 1)} class="output-strip" />
            </div>
        </article>
    }
}

fn explanation(lang: UiLang, r: &QkvResult) -> Html {
    let d = r.head_dim;
    html! {
        <p class="qkv-formula">
            <code>{ format!("w = softmax(q·kⱼ / √{d}),  √{d} = {:.3};  {} = Σⱼ wⱼ vⱼ", (d as f32).sqrt(), tr(lang, "输出", "output")) }</code>
            <br />
            <span class="muted small">{
                if r.causal {
                    tr(lang, "因果掩码：j > i 的位置在 softmax 之前设为 −∞，权重为 0。",
                        "Causal mask: positions j > i are set to −∞ before the softmax, so their weight is 0.")
                } else {
                    tr(lang, "编码器没有掩码：每个词都能看到句子里的所有词（包括句末的 EOS 和它自己）。",
                        "The encoder has no mask: every token sees every token of the sentence (the final EOS and itself included).")
                }
            }</span>
        </p>
    }
}

#[function_component]
pub fn QkvExplorer() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let model_id = Family::Transformer.model_id(url.direction);
    let request = check_text(lang, url.direction, &url.text)
        .is_none()
        .then(|| QkvRequest {
            model_id: model_id.clone(),
            text: url.text.clone(),
            layer: url.layer,
            token: url.token,
            decoder: url.qkv_decoder,
        });
    let answer = use_qkv(request.clone());
    // The last answer shown while the next one is computed (no flicker when a token is clicked).
    let last = use_mut_ref(|| None::<Rc<QkvResult>>);
    let result = match &answer {
        Some(Ok(r)) => {
            *last.borrow_mut() = Some(r.clone());
            Some(r.clone())
        }
        _ => last.borrow().clone(),
    };
    let pending = request.is_some() && answer.is_none();

    let set_token = {
        let app = app.clone();
        Callback::from(move |token: usize| app.update_url(false, |u| u.token = token))
    };
    let set_layer = {
        let app = app.clone();
        Callback::from(move |layer: usize| app.update_url(false, |u| u.layer = layer))
    };
    let set_head = {
        let app = app.clone();
        Callback::from(move |head: Option<usize>| app.update_url(false, |u| u.head = head))
    };
    // Encoder or decoder: the positions differ, so the query starts over at the first one.
    let part_buttons = [
        (false, tr(lang, "编码器自注意力", "Encoder self-attention")),
        (
            true,
            tr(
                lang,
                "解码器自注意力（因果掩码）",
                "Decoder self-attention (causal mask)",
            ),
        ),
    ]
    .into_iter()
    .map(|(decoder, label)| {
        let app = app.clone();
        let selected = url.qkv_decoder == decoder;
        let onclick = Callback::from(move |_| {
            app.update_url(false, |u| {
                u.qkv_decoder = decoder;
                u.token = 0;
            })
        });
        html! {
            <button class={classes!("small", selected.then_some("selected"))}
                    data-part={if decoder { "decoder" } else { "encoder" }}
                    aria-pressed={selected.to_string()} {onclick}>{ label }</button>
        }
    });

    let body = match &result {
        None => html! {},
        Some(r) => {
            // Tokens as a reader sees them: a continuing piece as "·ed", byte runs as their character.
            let tokens = Rc::new(seq2seq_core::tokenizer::figure_labels(&r.tokens));
            let token_buttons = tokens.iter().enumerate().map(|(j, t)| {
                let set_token = set_token.clone();
                let selected = j == r.token;
                html! {
                    <button class={classes!("token", "qkv-pick", selected.then_some("selected"))}
                            data-token={j.to_string()} aria-pressed={selected.to_string()}
                            onclick={Callback::from(move |_| set_token.emit(j))}>{ t.clone() }</button>
                }
            });
            let layer_buttons = (0..r.layers).map(|l| {
                let set_layer = set_layer.clone();
                let selected = l == r.layer;
                html! {
                    <button class={classes!("small", selected.then_some("selected"))} data-layer={l.to_string()}
                            aria-pressed={selected.to_string()}
                            onclick={Callback::from(move |_| set_layer.emit(l))}>{ format!("{} {}", tr(lang, "层", "Layer"), l + 1) }</button>
                }
            });
            let n_heads = r.heads.len();
            let selected_head = url.head.filter(|&h| h < n_heads);
            let head_buttons = std::iter::once(None)
                .chain((0..n_heads).map(Some))
                .map(|h| {
                    let set_head = set_head.clone();
                    let selected = h == selected_head;
                    let label = match h {
                        None => tr(lang, "全部", "All").to_owned(),
                        Some(h) => format!("{}", h + 1),
                    };
                    html! {
                        <button class={classes!("small", selected.then_some("selected"))}
                                data-head={h.map_or("all".to_owned(), |h| h.to_string())}
                                aria-pressed={selected.to_string()}
                                onclick={Callback::from(move |_| set_head.emit(h))}>{ label }</button>
                    }
                });
            let cards = r.heads.iter().enumerate().filter(|(h, _)| selected_head.is_none_or(|s| s == *h)).map(|(h, head)| {
                html! {
                    <HeadCard key={h} index={h} head={Rc::new(head.clone())} tokens={tokens.clone()}
                              query={r.token} head_dim={r.head_dim} scale={r.scale} causal={r.causal}
                              large={selected_head.is_some()} on_select={set_head.clone()} />
                }
            });
            html! {
                <>
                    <section class="card qkv-controls">
                        <div class="row">
                            <span class="selector" role="group" aria-label={tr(lang, "哪一个注意力", "Which attention")}>{ for part_buttons }</span>
                        </div>
                        if r.decoder {
                            <p class="qkv-translation small">{ tr(lang, "解码器的输入是 <s> 加上贪心译文：", "The decoder's inputs are <s> and the greedy translation: ") }<strong>{ r.translation.clone() }</strong></p>
                        }
                        <div class="row">
                            <span class="muted small">{
                                if r.decoder {
                                    tr(lang, "查询位置 i（点一个解码器输入：位置 i 预测下一个词）：", "Query position i (click a decoder input: position i predicts the next token):")
                                } else {
                                    tr(lang, "查询词 i（点一个源词）：", "Query token i (click a source token):")
                                }
                            }</span>
                        </div>
                        <div class="tokens qkv-tokens" role="group" aria-label={tr(lang, "查询词", "Query token")}>{ for token_buttons }</div>
                        <div class="row">
                            <span class="selector" role="group" aria-label={if r.decoder { tr(lang, "解码器层", "Decoder layer") } else { tr(lang, "编码器层", "Encoder layer") }}>
                                <span class="muted small">{ if r.decoder { tr(lang, "解码器层：", "Decoder layer:") } else { tr(lang, "编码器层：", "Encoder layer:") } }</span>{ for layer_buttons }
                            </span>
                            <span class="selector" role="group" aria-label={tr(lang, "注意力头", "Attention head")}>
                                <span class="muted small">{ tr(lang, "头：", "Head:") }</span>{ for head_buttons }
                            </span>
                            <span class="muted small">{ format!("{} {} · d = {} · CPU {}", n_heads, tr(lang, "个头", "heads"), r.head_dim, millis(r.millis)) }</span>
                            if pending { <span class="muted small">{ tr(lang, "计算中…", "Computing…") }</span> }
                        </div>
                        { explanation(lang, r) }
                    </section>
                    <div class={classes!("qkv-heads", selected_head.is_some().then_some("one"))}
                         data-part={if r.decoder { "decoder" } else { "encoder" }}
                         data-layer={r.layer.to_string()} data-token={r.token.to_string()}
                         data-scale={format!("{:.6}", r.scale)} data-head-dim={r.head_dim.to_string()}>
                        { for cards }
                    </div>
                </>
            }
        }
    };

    let failure = match &answer {
        Some(Err(f)) => html! {
            <crate::components::FailureNote failure={f.clone()} lead={("无法计算", "Could not compute")} />
        },
        _ => html! {},
    };

    let input = html! {
        <section class="controls card">
            <TextInput />
        </section>
    };
    html! {
        <div class="qkv-view" data-state={if pending { "running" } else if result.is_some() { "done" } else { "idle" }}>
            <ViewIntro>
                <p>{ tr(lang,
                    "自注意力里，每个词 i 用它的查询向量 q 去和每个词的键 k_j 做点积，除以 √d 缩放，softmax 得到权重，再用权重把值向量 v_j 加起来。下面是真实训练过的 Transformer 编码器在你的句子上算出的每一个数（先做层归一化，再投影成 Q、K、V，按头切分）。",
                    "In self-attention each token i takes the dot product of its query q with every token's key k_j, scales it by √d, turns the scores into weights with a softmax, and sums the value vectors v_j with those weights. Below is every number the trained Transformer encoder computes on your sentence (layer norm first, then the Q, K, V projections, split into heads).") }</p>
                <p>{ tr(lang,
                    "切换到解码器，可以看到因果掩码：解码器生成第 i+1 个词时只能看到位置 0…i，后面的位置在 softmax 之前被设为 −∞，权重正好是 0。",
                    "Switch to the decoder to see the causal mask: while producing token i+1 the decoder may only look at positions 0…i; later positions are set to −∞ before the softmax, so their weight is exactly 0.") }</p>
            </ViewIntro>
            // In an iframe (640×400) the explorer comes first, the sentence box after it.
            if !url.embed { { input.clone() } }
            <DownloadBar model_id={model_id.clone()} />
            { failure }
            { body }
            if url.embed { { input } }
        </div>
    }
}
