//! View 3, Fixed context vs attention: the article's two claims made visible.
//! 1. A fixed-length c makes translation worse as inputs grow: BLEU by source length on the
//!    length ladder (1–4 joined test sentences) for the five families (model cards), the share
//!    each keeps and a verdict drawn from those numbers, and a live run on inputs of growing
//!    length.
//! 2. Every decoder step of a plain encoder–decoder sees the same c: the contexts of all steps,
//!    measured, beside gru-attn's c_i.

mod chart;
mod live;
mod same_c;
mod verdict;

use yew::prelude::*;

use self::chart::{family_colour, BleuChart};
use self::live::{Ladder, RunRow};
use self::same_c::ContextStack;
use crate::components::strip::dot;
use crate::components::{TextInput, ViewIntro};
use crate::context::use_app;
use crate::i18n::{family_name, tr};
use crate::route::{Family, UrlState};

/// The models this view runs: all five unless the link names others.
pub fn view_models(url: &UrlState) -> Vec<Family> {
    if url.models == UrlState::default().models {
        Family::ALL.to_vec()
    } else {
        let mut models = url.models.clone();
        models.sort();
        models
    }
}

/// The URL list for a chosen set: the default list means "all five" here, so a reader who picks
/// exactly that set gets it written in another order (which parses to the same families).
fn url_models(mut chosen: Vec<Family>) -> Vec<Family> {
    chosen.sort();
    if chosen.len() == Family::ALL.len() {
        return UrlState::default().models;
    }
    if chosen == UrlState::default().models {
        chosen.reverse();
    }
    chosen
}

#[function_component]
pub fn FixedVsAttention() -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let models = view_models(&url);
    // GRU first: gru-attn's decoder is the same cell, so the two differ only in the context.
    let fixed_family = if models.contains(&Family::Gru) {
        Family::Gru
    } else {
        models
            .iter()
            .copied()
            .find(|f| f.has_fixed_context())
            .unwrap_or(Family::Gru)
    };

    let options = Family::ALL.iter().map(|&family| {
        let checked = models.contains(&family);
        let onchange = {
            let app = app.clone();
            let models = models.clone();
            Callback::from(move |_| {
                let mut chosen = models.clone();
                if checked {
                    if chosen.len() > 1 {
                        chosen.retain(|f| *f != family);
                    }
                } else {
                    chosen.push(family);
                }
                let list = url_models(chosen);
                app.update_url(false, |u| u.models = list);
            })
        };
        html! {
            <label class={classes!("model-option", checked.then_some("checked"))}>
                <input type="checkbox" name="context-model" value={family.slug()} {checked} {onchange} />
                { dot(family_colour(family)) }
                <span>{ family_name(lang, family) }</span>
            </label>
        }
    });
    let rows = models
        .iter()
        .map(|&family| html! { <RunRow key={family.slug()} {family} /> });

    html! {
        <>
            <ViewIntro>
                <p>{ tr(lang,
                    "文章的两个论断：一、编码器把整句压进一个固定长度的向量 c，句子越长，c 越装不下，翻译越差；二、普通编码器–解码器的每一步解码看到的都是同一个 c。注意力让每一步按需回看源句，得到自己的 c_i。下面用真实模型的测试分数和现场翻译来看。",
                    "The article's two claims: the encoder squeezes the whole sentence into one fixed-length vector c, so the longer the sentence, the less c can hold and the worse the translation; and every decoder step of a plain encoder–decoder sees that same c. Attention lets each step look back at the source and build its own c_i. Here are the real models' test scores and live translations.") }</p>
            </ViewIntro>

            <section class="card claim" id="claim-length">
                <h3>{ tr(lang, "一、句子越长，固定 c 越吃力", "1. Longer inputs strain a fixed c") }</h3>
                <BleuChart direction={url.direction} />
            </section>

            <section class="card claim" id="claim-live">
                <h3>{ tr(lang, "现场试一试：由短到长", "Try it live: short to long") }</h3>
                <Ladder />
                <TextInput />
                <fieldset class="model-picker context-models">
                    <legend>{ tr(lang, "模型（可多选）", "Models (pick several)") }</legend>
                    <div class="model-options">{ for options }</div>
                </fieldset>
                <div class="cards side-by-side run-rows">{ for rows }</div>
            </section>

            <section class="card claim" id="claim-same-c">
                <h3>{ tr(lang, "二、普通编码器–解码器：每一步都是同一个 c", "2. A plain encoder–decoder: the same c at every step") }</h3>
                <p class="caption">{ tr(lang,
                    "每一行是一步解码所用的上下文向量（贪心解码，每格一个维度）。左边固定 c 的模型各行完全一样；右边的注意力模型每一步都重新加权，c_i 一直在变。",
                    "Each row is the context vector one decoder step used (greedy decoding, one cell per unit). The fixed-c model's rows are identical; the attention model re-weights the source at every step, so its c_i keeps changing.") }</p>
                <div class="two-figs">
                    <ContextStack family={fixed_family} />
                    <ContextStack family={Family::GruAttn} />
                </div>
            </section>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_means_all_five_and_every_choice_round_trips() {
        let url = UrlState::default();
        assert_eq!(view_models(&url), Family::ALL.to_vec());
        for mask in 1u32..32 {
            let chosen: Vec<Family> = Family::ALL
                .iter()
                .enumerate()
                .filter(|(k, _)| mask & (1 << k) != 0)
                .map(|(_, f)| *f)
                .collect();
            let url = UrlState {
                models: url_models(chosen.clone()),
                ..UrlState::default()
            };
            let parsed = UrlState::from_query(&url.to_query());
            assert_eq!(view_models(&parsed), chosen, "{mask}");
        }
    }
}
