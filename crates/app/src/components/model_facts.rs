//! A result card's line about its model: test BLEU, the references' perplexity, parameters, file
//! size, what it was trained on, and a link to its full model card (`models/<id>/card.md`,
//! written by `seq2seq-train export`), so a reader knows these are small models trained on short
//! Tatoeba sentences. Everything comes from `models/index.json`.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{bytes, tr, tr_owned};

#[derive(Properties, PartialEq)]
pub struct ModelFactsProps {
    pub model_id: String,
}

#[function_component]
pub fn ModelFacts(props: &ModelFactsProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let Some(entry) = app
        .state
        .catalog()
        .and_then(|c| c.get(&props.model_id).cloned())
    else {
        return html! {};
    };
    let trained_on = entry.ladder.as_ref().map(|l| l.trained_on_sentences);
    let data = match trained_on {
        Some(n) if n > 1 => tr_owned(
            lang,
            format!("在 Tatoeba 的短句对上训练（单句，以及最多 {n} 句拼成的长输入）"),
            format!("trained on short Tatoeba sentence pairs (single, and up to {n} joined into one input)"),
        ),
        _ => tr(lang, "在 Tatoeba 的短句对上训练", "trained on short Tatoeba sentence pairs").to_owned(),
    };
    let card_url = format!("models/{}/card.md", entry.id);
    html! {
        <span class="model-facts muted small" data-model={entry.id.clone()}>
            <span title={tr(lang, "本项目测试集上的 BLEU（beam 4）、参考译文的困惑度、参数量与文件大小", "BLEU on this project's test split (beam 4), the references' perplexity, parameter count and file size")}>
                { format!("BLEU {:.1}", entry.test.bleu) }
                if let Some(p) = &entry.perplexity { { format!(" · {} {:.1}", tr(lang, "困惑度", "PPL"), p.test) } }
                { format!(" · {:.2}M {} · {}", entry.params as f64 / 1e6, tr(lang, "参数", "params"), bytes(entry.bytes)) }
            </span>
            { " · " }
            <a class="model-card-link" href={card_url} target="_blank" rel="noopener"
               title={data}>{ tr(lang, "模型卡", "model card") }</a>
        </span>
    }
}
