//! Which models run: several side by side (Translate, Fixed c vs attention) or exactly one
//! (Step through). Each family shows its test BLEU from the catalogue, and the beam width.

use yew::prelude::*;

use crate::context::use_app;
use crate::i18n::{family_name, tr};
use crate::route::{Family, MAX_BEAM};

#[derive(Properties, PartialEq)]
pub struct ModelPickerProps {
    /// Pick exactly one (radio buttons) instead of any number.
    #[prop_or_default]
    pub single: bool,
    /// Show the beam width selector.
    #[prop_or(true)]
    pub beam: bool,
}

#[function_component]
pub fn ModelPicker(props: &ModelPickerProps) -> Html {
    let app = use_app();
    let lang = app.lang();
    let url = app.url().clone();
    let catalog = app.state.catalog().cloned();
    let single = props.single;
    let options = Family::ALL.iter().map(|&family| {
        let checked = if single {
            url.models.first() == Some(&family)
        } else {
            url.models.contains(&family)
        };
        let bleu = catalog
            .as_ref()
            .and_then(|c| c.model(family, url.direction))
            .map(|m| format!("BLEU {:.1}", m.test.bleu));
        let onchange = {
            let app = app.clone();
            Callback::from(move |_| {
                app.update_url(false, |u| {
                    if single {
                        u.models.retain(|f| *f != family);
                        u.models.insert(0, family);
                    } else if u.models.contains(&family) {
                        if u.models.len() > 1 {
                            u.models.retain(|f| *f != family);
                        }
                    } else {
                        u.models.push(family);
                        u.models.sort();
                    }
                    u.step = 0;
                    u.layer = 0;
                    u.head = None;
                })
            })
        };
        html! {
            <label class={classes!("model-option", checked.then_some("checked"))}>
                <input type={if single { "radio" } else { "checkbox" }} name="model" value={family.slug()}
                       {checked} {onchange} />
                <span>{ family_name(lang, family) }</span>
                if let Some(bleu) = bleu { <span class="muted small">{ bleu }</span> }
            </label>
        }
    });
    let on_beam = app.on_select(|u, value| {
        if let Ok(beam) = value.parse::<usize>() {
            u.beam = beam.clamp(1, MAX_BEAM);
            u.step = 0;
        }
    });
    let beam = url.beam;
    html! {
        <div class="model-picker">
            <fieldset>
                <legend>{ if single { tr(lang, "模型", "Model") } else { tr(lang, "模型（可多选，并排比较）", "Models (pick several to compare)") } }</legend>
                <div class="model-options">{ for options }</div>
            </fieldset>
            if props.beam {
                <label class="beam-select">
                    { tr(lang, "解码：", "Decoding: ") }
                    <select onchange={on_beam} id="beam-select">
                        <option value="1" selected={beam == 1}>{ tr(lang, "贪心（每步取最可能的词）", "greedy (most likely token each step)") }</option>
                        { for [2usize, 4, 8].into_iter().map(|b| html! {
                            <option value={b.to_string()} selected={beam == b}>{ format!("{} {b}", tr(lang, "束搜索 beam =", "beam search, width")) }</option>
                        }) }
                    </select>
                </label>
            }
        </div>
    }
}
