//! The panels of the step view, each drawing decoder step i of one greedy translation:
//! the gates beside their equations, the context (one fixed c, or c_i = Σ_j α_ij h_j), the
//! Transformer's per-step attention rows, and the top-k next-token probabilities.

use std::rc::Rc;

use yew::prelude::*;

use seq2seq_core::trace::StepTrace;

use crate::components::palette::{ACCENT, HIGHLIGHT};
use crate::components::strip::{bar, fmt_diff, max_abs, DivergingLegend, HeatStrip, Palette};
use crate::components::Heatmap;
use crate::context::use_app;
use crate::i18n::tr;
use crate::route::Family;
use crate::state::TranslationResult;

/// max |a − b| (seq2seq-core's one copy; the Fixed-c view uses it too).
pub use seq2seq_core::fixtures::max_diff;

/// max over steps and units of |c_step − c_step0|: 0 exactly when every step got the same c.
pub fn max_context_change(steps: &[StepTrace]) -> Option<f32> {
    let first = &steps.first()?.context;
    if first.is_empty() {
        return None;
    }
    Some(
        steps
            .iter()
            .flat_map(|s| s.context.iter().zip(first).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f32::max),
    )
}

fn mean(v: &[f32]) -> f32 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f32>() / v.len() as f32
    }
}

#[derive(Properties, PartialEq)]
pub struct StepPanelProps {
    pub family: Family,
    pub done: Rc<TranslationResult>,
    /// The selected step (< done.steps.len()).
    pub step: usize,
}

/// One gate (or state) as a mean bar and a per-unit strip beside its equation.
fn gate_row(id: &str, name: &str, equation: &str, values: &[f32], sigmoid: bool) -> Html {
    let m = mean(values);
    let (left, width) = if sigmoid {
        (0.0, m.clamp(0.0, 1.0) * 100.0)
    } else {
        // tanh: a bar from the middle.
        let w = m.clamp(-1.0, 1.0).abs() * 50.0;
        (if m < 0.0 { 50.0 - w } else { 50.0 }, w)
    };
    html! {
        <div class="gate" data-gate={name.to_owned()} data-mean={m.to_string()}>
            <div class="gate-head">
                <code class="equation">{ equation.to_owned() }</code>
            </div>
            <div class="gate-mean">
                <span class="gate-name">{ name.to_owned() }</span>
                { bar(left, width, ACCENT, !sigmoid) }
                <span class="num">{ format!("{} {m:.3}", "mean") }</span>
            </div>
            <HeatStrip id={id.to_owned()} rows={Rc::new(vec![values.to_vec()])} unit={3.0} row_h={12.0}
                       palette={if sigmoid { Palette::Gate } else { Palette::Diverging }} export={false}
                       title={format!("{name}: {} units", values.len())} />
        </div>
    }
}

/// Gates of the recurrent decoder at step i (GRU r/z/n, LSTM i/f/g/o and the cell), or the
/// vanilla RNN's plain update; the Transformer has its own panel.
#[function_component]
pub fn GatesPanel(props: &StepPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let Some(step) = props.done.steps.get(props.step) else {
        return html! {};
    };
    let gate = |name: &str| step.gates.get(name).cloned().unwrap_or_default();
    let x_is = match props.family {
        Family::GruAttn => tr(
            lang,
            "x_i = [emb(y_{i−1}) ; c_i]，c_i 每步不同",
            "x_i = [emb(y_{i−1}) ; c_i], a different c_i each step",
        ),
        _ => tr(
            lang,
            "x_i = [emb(y_{i−1}) ; c]，每一步都是同一个 c",
            "x_i = [emb(y_{i−1}) ; c], the same c at every step",
        ),
    };
    let state_strip = html! {
        <div class="gate" data-gate="s">
            <code class="equation">{ tr(lang, "解码器状态 s_i", "decoder state s_i") }</code>
            <HeatStrip id="step-state" rows={Rc::new(vec![step.hidden.clone()])} unit={3.0} row_h={12.0} export={false}
                       title={tr(lang, "解码器状态 s_i", "decoder state s_i")} />
        </div>
    };
    let body = match props.family {
        Family::Gru | Family::GruAttn => html! {
            <>
                { gate_row("step-gate-r", "r", "r_i = σ(W_ir x_i + b_ir + W_hr s_{i−1} + b_hr)", &gate("r"), true) }
                { gate_row("step-gate-z", "z", "z_i = σ(W_iz x_i + b_iz + W_hz s_{i−1} + b_hz)", &gate("z"), true) }
                { gate_row("step-gate-n", "n", "n_i = tanh(W_in x_i + b_in + r_i ⊙ (W_hn s_{i−1} + b_hn))", &gate("n"), false) }
                <p class="equation-line"><code>{ "s_i = (1 − z_i) ⊙ n_i + z_i ⊙ s_{i−1}" }</code></p>
                <p class="caption">{ tr(lang,
                    "重置门 r 决定候选状态 n 用多少旧状态；更新门 z 接近 1 时保留旧状态，接近 0 时换成候选 n（PyTorch nn.GRU 的约定，与本项目 core 的实现一致）。",
                    "The reset gate r decides how much of the old state enters the candidate n; the update gate z near 1 keeps the old state, near 0 takes the candidate n (PyTorch nn.GRU's convention, as in this project's core).") }</p>
                { state_strip }
            </>
        },
        Family::Lstm => html! {
            <>
                { gate_row("step-gate-i", "i", "i_i = σ(W_ii x_i + b_ii + W_hi s_{i−1} + b_hi)", &gate("i"), true) }
                { gate_row("step-gate-f", "f", "f_i = σ(W_if x_i + b_if + W_hf s_{i−1} + b_hf)", &gate("f"), true) }
                { gate_row("step-gate-g", "g", "g_i = tanh(W_ig x_i + b_ig + W_hg s_{i−1} + b_hg)", &gate("g"), false) }
                { gate_row("step-gate-o", "o", "o_i = σ(W_io x_i + b_io + W_ho s_{i−1} + b_ho)", &gate("o"), true) }
                <p class="equation-line"><code>{ "m_i = f_i ⊙ m_{i−1} + i_i ⊙ g_i,   s_i = o_i ⊙ tanh(m_i)" }</code></p>
                <div class="gate" data-gate="cell">
                    <code class="equation">{ tr(lang, "细胞状态 m_i（文中常写作 c_t；这里改名以免与上下文向量 c 混淆）", "cell state m_i (often written c_t; renamed here so it is not confused with the context c)") }</code>
                    <HeatStrip id="step-cell" rows={Rc::new(vec![step.cell.clone()])} unit={3.0} row_h={12.0} export={false}
                               scale={max_abs([&step.cell])} title="cell state" />
                </div>
                <p class="caption">{ tr(lang,
                    "输入门 i 决定写入多少新内容 g，遗忘门 f 决定保留多少旧细胞状态，输出门 o 决定露出多少给 s_i。",
                    "The input gate i decides how much new content g is written, the forget gate f how much of the old cell is kept, the output gate o how much of it shows in s_i.") }</p>
                { state_strip }
            </>
        },
        Family::Rnn => html! {
            <>
                <p class="equation-line"><code>{ "s_i = tanh(W_ih x_i + b_ih + W_hh s_{i−1} + b_hh)" }</code></p>
                <p class="no-gates">{ tr(lang,
                    "普通 RNN 没有门：每一步都用同一个公式整体改写状态，没有办法选择保留什么。",
                    "The vanilla RNN has no gates: every step rewrites the whole state with the same formula, with no way to choose what to keep.") }</p>
                { state_strip }
            </>
        },
        Family::Transformer => html! {},
    };
    html! {
        <section class="card step-panel" id="gates-panel" data-family={props.family.slug()}>
            <h3>{ if props.family == Family::Rnn { tr(lang, "更新公式", "Update") } else { tr(lang, "门", "Gates") } }</h3>
            <p class="caption"><code>{ x_is }</code></p>
            { body }
        </section>
    }
}

/// The context the decoder used at step i.
#[function_component]
pub fn ContextPanel(props: &StepPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let done = &props.done;
    let Some(step) = done.steps.get(props.step) else {
        return html! {};
    };
    match props.family {
        Family::Rnn | Family::Gru | Family::Lstm => {
            let change = max_context_change(&done.steps);
            let vs_encoder = done
                .encoder
                .context
                .as_ref()
                .map(|c| max_diff(c, &step.context));
            html! {
                <section class="card step-panel" id="context-panel" data-kind="fixed"
                         data-max-change={change.map(|c| c.to_string())}>
                    <h3>{ tr(lang, "上下文向量 c（固定）", "Context vector c (fixed)") }</h3>
                    <p class="caption">{ tr(lang,
                        "编码器读完整句后的最后状态 h_S 就是 c。解码器每一步拿到的都是它，一模一样：",
                        "The encoder's last state h_S is c. Every decoder step receives it, exactly the same:") }</p>
                    <HeatStrip id="step-context" rows={Rc::new(vec![step.context.clone()])} labels={Rc::new(vec![format!("c (i={})", props.step + 1)])}
                               unit={3.0} row_h={16.0} title="c" />
                    <p class="measure">
                        { tr(lang, "实测：所有 ", "Measured over all ") }<strong>{ done.steps.len() }</strong>
                        { tr(lang, " 步的 max |c_i − c_1| = ", " steps: max |c_i − c_1| = ") }
                        <strong class="max-change">{ change.map(fmt_diff).unwrap_or_else(|| "—".into()) }</strong>
                        if let Some(d) = vs_encoder {
                            { tr(lang, "；与编码器最后状态 h_S 的差 = ", "; difference from the encoder's last state h_S = ") }
                            <strong>{ fmt_diff(d) }</strong>
                        }
                    </p>
                </section>
            }
        }
        Family::GruAttn => {
            let alpha = &step.attention;
            let hidden = &done.encoder.hidden;
            let recomputed: Vec<f32> = (0..step.context.len())
                .map(|k| {
                    hidden
                        .iter()
                        .zip(alpha)
                        .map(|(h, a)| a * h.get(k).copied().unwrap_or(0.0))
                        .sum()
                })
                .collect();
            let check = max_diff(&recomputed, &step.context);
            let sum: f32 = alpha.iter().sum();
            let mut rows: Vec<Vec<f32>> = hidden.clone();
            rows.push(step.context.clone());
            let mut labels: Vec<String> =
                seq2seq_core::tokenizer::figure_labels(&done.source_tokens)
                    .iter()
                    .enumerate()
                    .map(|(j, t)| format!("h_{} {t}", j + 1))
                    .collect();
            labels.push(format!("= c_{}", props.step + 1));
            let mut opacity: Vec<f32> = alpha.clone();
            opacity.push(1.0);
            let mut notes: Vec<String> = alpha.iter().map(|a| format!("× α = {a:.3}")).collect();
            notes.push(format!("Σα = {sum:.3}"));
            let h = step.context.len() / 2;
            let bars = seq2seq_core::tokenizer::figure_labels(&done.source_tokens)
                .into_iter()
                .zip(alpha)
                .enumerate()
                .map(|(j, (t, a))| {
                    html! {
                        <div class="alpha-bar" data-col={j.to_string()} data-value={a.to_string()}>
                            <span class="alpha-token">{ t }</span>
                            { bar(0.0, a * 100.0, ACCENT, false) }
                            <span class="num">{ format!("{a:.3}") }</span>
                        </div>
                    }
                });
            html! {
                <section class="card step-panel" id="context-panel" data-kind="attention"
                         data-check={check.to_string()} data-alpha-sum={sum.to_string()}>
                    <h3>{ format!("c_{} = Σ_j α_{}j h_j", props.step + 1, props.step + 1) }</h3>
                    <p class="caption">{ tr(lang,
                        "每个源词的 h_j 按注意力权重 α_ij 缩放（透明度），加起来就是这一步的上下文 c_i。换一步，α 变了，c_i 也跟着变。",
                        "Each source annotation h_j is scaled by its attention weight α_ij (opacity); their sum is this step's context c_i. Another step, another α, another c_i.") }</p>
                    <div class="alpha-bars">{ for bars }</div>
                    <HeatStrip id="step-weighted-sum" rows={Rc::new(rows)} labels={Rc::new(labels)} unit={2.0} row_h={14.0}
                               row_opacity={Rc::new(opacity)} notes={Rc::new(notes)} highlight={Some(done.source_tokens.len())}
                               split={Some(h)} split_names={Some((AttrValue::from("h→"), AttrValue::from("h←")))}
                               title={tr(lang, "加权求和", "Weighted sum")} />
                    <p class="measure">
                        { tr(lang, "用 α 和 h 重新计算 Σ_j α_ij h_j，与模型用的 c_i 之差 = ", "Σ_j α_ij h_j recomputed from α and h, minus the model's c_i: max difference = ") }
                        <strong class="check">{ fmt_diff(check) }</strong>
                    </p>
                </section>
            }
        }
        Family::Transformer => html! {},
    }
}

/// The Transformer at step i: the decoder's self-attention over the tokens so far and the
/// cross-attention over the source, per head, for the selected layer.
#[function_component]
pub fn TransformerStepPanel(props: &StepPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let done = &props.done;
    let Some(step) = done.steps.get(props.step) else {
        return html! {};
    };
    let layers = step.cross_attention.len();
    let layer = url.layer.min(layers.saturating_sub(1));
    let heads = step.cross_attention.get(layer).map_or(0, Vec::len);
    let head_names: Rc<Vec<String>> = Rc::new(
        (0..heads)
            .map(|h| format!("{} {}", tr(lang, "头", "head"), h + 1))
            .collect(),
    );
    let mut so_far = vec!["<s>".to_owned()];
    so_far.extend(done.target_tokens.iter().take(props.step).cloned());
    let self_rows = step.self_attention.get(layer).cloned().unwrap_or_default();
    let cross_rows = step.cross_attention.get(layer).cloned().unwrap_or_default();
    let pick = |l: usize| {
        let app = app.clone();
        Callback::from(move |_| app.update_url(false, |u| u.layer = l))
    };
    let layer_buttons = (0..layers).map(|l| html! {
        <button type="button" class={classes!("small", (l == layer).then_some("selected"))} onclick={pick(l)}>
            { format!("{} {}", tr(lang, "层", "layer"), l + 1) }
        </button>
    });
    html! {
        <section class="card step-panel" id="transformer-panel">
            <h3>{ tr(lang, "Transformer：这一步的注意力", "Transformer: this step's attention") }</h3>
            <p class="caption">{ tr(lang,
                "Transformer 没有循环状态，也没有门：解码第 i 步时，自注意力回看已生成的词，交叉注意力看源句，每层每个头各算一行权重（每行和为 1）。",
                "The Transformer has no recurrent state and no gates: at step i its self-attention looks back at the tokens generated so far and its cross-attention at the source, one row of weights per layer and head (each row sums to 1).") }</p>
            <div class="selector">{ for layer_buttons }</div>
            <div class="two-figs">
                <div>
                    <h4>{ tr(lang, "解码器自注意力（第 i 步这一行）", "Decoder self-attention (row i)") }</h4>
                    <Heatmap id="step-self-attention" rows={head_names.clone()} cols={Rc::new(so_far)}
                             values={Rc::new(self_rows)} cell={20.0} title={tr(lang, "自注意力", "Self-attention")} />
                </div>
                <div>
                    <h4>{ tr(lang, "交叉注意力（第 i 步这一行）", "Cross-attention (row i)") }</h4>
                    <Heatmap id="step-cross-attention" rows={head_names} cols={done.source_tokens.clone()}
                             values={Rc::new(cross_rows)} cell={20.0} title={tr(lang, "交叉注意力", "Cross-attention")} />
                </div>
            </div>
        </section>
    }
}

/// The k most likely next tokens at step i; the chosen one (greedy: the most likely) marked.
#[function_component]
pub fn TopKPanel(props: &StepPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let done = &props.done;
    let Some(step) = done.steps.get(props.step) else {
        return html! {};
    };
    // Each candidate as a reader sees it after the tokens so far (a byte as the character its
    // run spells, a continuing piece as "·ed"); the chosen one exactly as the scrubber shows it.
    let shown = seq2seq_core::tokenizer::figure_labels(&done.target_tokens);
    let so_far = &done.target_tokens[..props.step.min(done.target_tokens.len())];
    let rows = step.top_k.iter().map(|&(id, p)| {
        let chosen = id == step.token;
        let piece = done
            .target_vocab
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"));
        let token = match shown.get(props.step) {
            Some(label) if chosen => label.clone(),
            _ => {
                let mut path = so_far.to_vec();
                path.push(piece);
                seq2seq_core::tokenizer::figure_labels(&path)
                    .pop()
                    .unwrap_or_default()
            }
        };
        html! {
            <li class={classes!("topk-row", chosen.then_some("chosen"))} data-token={token.clone()} data-prob={p.to_string()}
                data-chosen={chosen.then_some("true")}>
                <span class="topk-token">{ token }</span>
                { bar(0.0, p * 100.0, if chosen { HIGHLIGHT } else { ACCENT }, false) }
                <span class="num">{ format!("{:.1}%", p * 100.0) }</span>
                if chosen { <span class="chosen-mark" title={tr(lang, "贪心解码选中的词", "chosen by greedy decoding")}>{ "✓" }</span> }
            </li>
        }
    });
    html! {
        <section class="card step-panel" id="topk-panel">
            <h3>{ tr(lang, "下一个词的概率（前 k 个）", "Next-token probabilities (top k)") }</h3>
            <ol class="topk">{ for rows }</ol>
        </section>
    }
}

/// The encoder's states as a heat strip: one row per source token; gru-attn's rows fade with
/// α_ij of the selected step, a fixed-context model's last row is c.
#[function_component]
pub fn EncoderPanel(props: &StepPanelProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let done = &props.done;
    let hidden = Rc::new(done.encoder.hidden.clone());
    let labels = done.source_tokens.clone();
    let step = done.steps.get(props.step);
    let (scale, caption) = match props.family {
        Family::Transformer => (
            max_abs(hidden.iter()),
            tr(lang,
               "Transformer 编码器的最终输出（不是 tanh，颜色按最大绝对值缩放）；没有循环状态 h_t。",
               "The Transformer encoder's final output (not tanh; colours scaled to the largest |value|); there is no recurrent h_t."),
        ),
        Family::GruAttn => (
            1.0,
            tr(lang,
               "双向 GRU：每个源词的注解 h_j = [h→_j ; h←_j]。行的深浅随当前步的 α_ij 变化。",
               "Bidirectional GRU: each source token's annotation h_j = [h→_j ; h←_j]. Rows fade with the current step's α_ij."),
        ),
        _ => (
            1.0,
            tr(lang,
               "编码器逐词读入，每行是一个 h_t（tanh，取值 −1 到 1）。最后一行 h_S 就是整句的 c。",
               "The encoder reads word by word; each row is one h_t (tanh, −1 to 1). The last row h_S is the whole sentence's c."),
        ),
    };
    let (split, names) = if props.family == Family::GruAttn {
        (
            Some(hidden.first().map_or(0, Vec::len) / 2),
            Some((AttrValue::from("h→"), AttrValue::from("h←"))),
        )
    } else {
        (None, None)
    };
    let opacity = (props.family == Family::GruAttn)
        .then(|| step.map(|s| Rc::new(s.attention.clone())))
        .flatten();
    let highlight = props
        .family
        .has_fixed_context()
        .then(|| hidden.len().saturating_sub(1));
    html! {
        <section class="card step-panel" id="encoder-panel">
            <h3>{ if props.family == Family::Transformer { tr(lang, "编码器输出", "Encoder output") } else { tr(lang, "编码器状态 h_t", "Encoder states h_t") } }</h3>
            <p class="caption">{ caption }{ " " }<DivergingLegend scale={scale} /></p>
            <HeatStrip id="step-encoder" rows={hidden} {labels} unit={2.5} row_h={16.0} {scale} {split} split_names={names}
                       row_opacity={opacity} {highlight} title={tr(lang, "编码器状态", "Encoder states")} />
        </section>
    }
}
