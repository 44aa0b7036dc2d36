//! ←/→/Home/End move the step view's selected decoder step from anywhere on the page (not while
//! typing in a field).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The step a key moves to (None: not our key).
pub fn key_target(key: &str, step: usize, steps: usize) -> Option<usize> {
    let last = steps.checked_sub(1)?;
    match key {
        "ArrowLeft" => Some(step.saturating_sub(1)),
        "ArrowRight" => Some((step + 1).min(last)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// Listen for the step keys on the document while the component lives; `select` gets the new
/// step. The listener reads the latest `step`, `steps` and `select` through a cell, so it never
/// acts on an old state.
#[hook]
pub fn use_step_keys(step: usize, steps: usize, select: Callback<usize>) {
    let latest = use_mut_ref(|| (step, steps, select.clone()));
    *latest.borrow_mut() = (step, steps, select);
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                .unwrap_or(false);
            if typing {
                return; // the range input handles its own keys
            }
            let (step, steps, select) = latest.borrow().clone();
            if let Some(next) = key_target(&e.key(), step, steps) {
                e.prevent_default();
                if next != step {
                    select.emit(next);
                }
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::key_target;

    #[test]
    fn keys_move_within_the_steps() {
        assert_eq!(key_target("ArrowRight", 0, 3), Some(1));
        assert_eq!(key_target("ArrowRight", 2, 3), Some(2));
        assert_eq!(key_target("ArrowLeft", 0, 3), Some(0));
        assert_eq!(key_target("End", 0, 3), Some(2));
        assert_eq!(key_target("Home", 2, 3), Some(0));
        assert_eq!(key_target("a", 0, 3), None);
        assert_eq!(key_target("End", 0, 0), None);
    }
}
