//! Fading memory (`?view=memory`): how strongly each model's summary of the source still
//! depends on each source word, and how much of a training loss reaches each encoder step.
//!
//! Per family of the current direction, for the reader's sentence: ‖∂c/∂e_j‖ per source token
//! (c the fixed context of rnn/gru/lstm; for gru-attn and the transformer the decoder's context
//! at the chosen step, drawn beside that step's α), and ‖∂L/∂h_t‖ per encoder step for the
//! teacher-forced pair (the sentence and the model's own translation, or the reader's
//! reference). Every number comes from seq2seq-core's backward pass in the worker
//! (`worker/memory.rs`, the CPU); this file and `memory/` only draw them, and every sentence
//! of text is computed from them.

mod card;
mod chart;

use yew::prelude::*;

use crate::catalog::Catalog;
use crate::components::{check_text, TextInput, ViewIntro};
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::protocol::MemoryRequest;
use crate::route::{Direction, Family, UrlState};

pub use card::MemoryCard;

/// The question of one family's card, from the URL state (None: the text cannot be asked).
/// A fixed-context model has one c for every step: its question does not name one, so moving
/// the step keeps its answer.
pub fn memory_request(url: &UrlState, family: Family) -> Option<MemoryRequest> {
    check_text(url.lang, url.direction, &url.text)
        .is_none()
        .then(|| MemoryRequest {
            model_id: family.model_id(url.direction),
            text: url.text.clone(),
            step: if family.has_fixed_context() {
                0
            } else {
                url.step
            },
            reference: url.reference.clone(),
        })
}

/// Long inputs: the test ladder's example of each rung (1–4 joined sentences, from the first
/// model of the direction that has them), and all of them joined.
fn long_inputs(catalog: &Catalog, direction: Direction) -> Vec<(String, String)> {
    let examples = Family::ALL
        .iter()
        .filter_map(|&f| catalog.model(f, direction)?.ladder.as_ref())
        .map(|l| l.examples.clone())
        .find(|e| !e.is_empty())
        .unwrap_or_default();
    let separator = match direction {
        Direction::EnZh => " ",
        Direction::ZhEn => "",
    };
    let mut inputs: Vec<(String, String)> = examples
        .iter()
        .map(|(n, text)| (n.to_string(), text.clone()))
        .collect();
    if examples.len() > 1 {
        let all: Vec<&str> = examples.iter().map(|(_, t)| t.as_str()).collect();
        let total: usize = examples.iter().map(|(n, _)| n).sum();
        inputs.push((total.to_string(), all.join(separator)));
    }
    inputs
}

fn words(text: &str, direction: Direction) -> usize {
    match direction {
        Direction::EnZh => text.split_whitespace().count(),
        Direction::ZhEn => text.chars().filter(|c| c.is_alphanumeric()).count(),
    }
}

#[function_component]
fn Inputs() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let chips = app
        .state
        .catalog()
        .map(|c| long_inputs(c, url.direction))
        .unwrap_or_default()
        .into_iter()
        .map(|(sentences, text)| {
            let n = words(&text, url.direction);
            let selected = url.text == text;
            let title = text.clone();
            let app = app.clone();
            let onclick = Callback::from(move |_| {
                let text = text.clone();
                app.update_url(false, move |u| {
                    u.text = text;
                    u.step = 0;
                    u.reference.clear();
                })
            });
            let unit = match url.direction {
                Direction::EnZh => tr(lang, "词", "words"),
                Direction::ZhEn => tr(lang, "字", "chars"),
            };
            html! {
                <button type="button" class={classes!("chip", "memory-chip", selected.then_some("selected"))}
                        {onclick} {title} data-words={n.to_string()} data-sentences={sentences.clone()}
                        aria-pressed={selected.to_string()}>
                    { tr_owned(lang, format!("{sentences} 句 · {n} {unit}"), format!("{sentences} sent. · {n} {unit}")) }
                </button>
            }
        });
    let on_reference = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            app.update_url(false, move |u| u.reference = value.trim().to_owned());
        })
    };
    let step = |delta: isize| {
        let app = app.clone();
        Callback::from(move |_| {
            app.update_url(false, |u| u.step = u.step.saturating_add_signed(delta))
        })
    };
    html! {
        <section class="controls card memory-controls">
            <TextInput />
            <p class="caption">{ tr(lang,
                "长输入取自测试集的长度阶梯（1–4 个句子拼成一条），最后一个把它们全部拼在一起：",
                "Long inputs from the test split's length ladder (1–4 sentences joined into one input); the last one joins them all:") }</p>
            <div class="ladder" aria-label={tr(lang, "由短到长的输入", "Inputs of growing length")}>{ for chips }</div>
            <div class="row memory-options">
                <label class="memory-reference">
                    <span class="muted small">{ tr(lang, "参考译文（可选，留空则用各模型自己的译文）：", "Reference (optional; empty: each model's own translation):") }</span>
                    <input type="text" value={url.reference.clone()} onchange={on_reference}
                           placeholder={tr(lang, "模型自己的译文", "the model's own translation")} />
                </label>
                <span class="selector memory-step" role="group" aria-label={tr(lang, "解码步", "Decoder step")}>
                    <span class="muted small">{ tr(lang, "注意力模型的 c_i，解码步 i =", "Attention models' c_i at decoder step i =") }</span>
                    <button class="small" data-step-delta="-1" onclick={step(-1)} disabled={url.step == 0}>{ "−" }</button>
                    <span class="num" data-step={url.step.to_string()}>{ url.step }</span>
                    <button class="small" data-step-delta="1" onclick={step(1)}>{ "+" }</button>
                </span>
            </div>
        </section>
    }
}

#[function_component]
pub fn Memory() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let cards = Family::ALL.iter().map(|&family| {
        html! { <MemoryCard key={family.slug()} {family} /> }
    });
    html! {
        <div class="memory-view">
            <ViewIntro>
                <p>{ tr(lang,
                    "RNN 把整句话压进一个向量 c。c 还记得多少开头的词？把 c 对第 j 个词的词向量求导，‖∂c/∂e_j‖ 越小，c 对那个词越不敏感。下面每个模型的柱子都按它自己的最大值归一化。",
                    "An RNN squeezes the whole sentence into one vector c. How much of the first words does c still hold? Differentiate c with respect to the j-th word's embedding: the smaller ‖∂c/∂e_j‖, the less c responds to that word. Each model's bars are normalised to its own largest value.") }</p>
                <p>{ tr(lang,
                    "第二行是训练时的梯度：用教师强制计算这句话和它的译文的交叉熵 L，‖∂L/∂h_t‖ 是到达编码器第 t 步的梯度大小。所有数都由 seq2seq-core 的反向传播在 CPU 上算出（浏览器里没有反向传播的 GPU 内核）。",
                    "The second row is the training signal: with teacher forcing, L is the cross-entropy of this sentence and its translation, and ‖∂L/∂h_t‖ is how much gradient reaches encoder step t. Every number comes from seq2seq-core's backward pass on the CPU (there are no backward GPU kernels in the browser).") }</p>
            </ViewIntro>
            if !url.embed { <Inputs /> }
            <div class="memory-cards">{ for cards }</div>
            if url.embed { <Inputs /> }
        </div>
    }
}
