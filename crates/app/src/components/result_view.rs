//! One translation: source tokens, output tokens and the decoded text.

use yew::prelude::*;

use super::TokenList;
use crate::demo::DemoOutput;
use crate::translate::{family_label, MAX_LEN, SEED};

#[derive(Properties, PartialEq)]
pub struct ResultViewProps {
    /// The run that produced it (tests wait on it).
    pub run: u32,
    pub output: DemoOutput,
    /// Wall time of the model call, in milliseconds.
    pub millis: f64,
}

#[function_component(ResultView)]
pub fn result_view(props: &ResultViewProps) -> Html {
    let output = &props.output;
    html! {
        <section id="result" class="result" data-testid="result"
            data-run={props.run.to_string()} data-family={output.family.clone()}>
            <p class="badge" data-testid="badge">
                { format!(
                    "{} · CPU (WebAssembly) · {:.1} ms · {} 步 · 随机权重 seed {SEED}, ≤ {MAX_LEN} tokens",
                    family_label(&output.family), props.millis, output.steps,
                ) }
            </p>
            <TokenList id="source-tokens" label="源序列 · source tokens" tokens={output.source_tokens.clone()} />
            <TokenList id="target-tokens" label="输出序列 · output tokens" tokens={output.target_tokens.clone()} />
            <section class="decoded">
                <h3>{"译文 · decoded text"}</h3>
                <p id="decoded-text" data-testid="decoded-text" lang="zh">{ output.text.clone() }</p>
            </section>
        </section>
    }
}
