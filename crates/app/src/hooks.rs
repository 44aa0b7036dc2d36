//! Hooks for the worker's answers: ask once per distinct question, read the answer from the
//! state as it streams in.

use std::rc::Rc;

use yew::prelude::*;

use crate::context::use_app;
use crate::protocol::{Failure, MemoryRequest, QkvRequest, QkvResult, Request, TranslateRequest};
use crate::state::{MemoryState, TranslationState};

/// The translation of `request` (None: nothing to translate). Sent to the worker the first time
/// this exact request is seen; later renders read the streamed state.
#[hook]
pub fn use_translation(request: Option<TranslateRequest>) -> Option<Rc<TranslationState>> {
    let app = use_app();
    let known = request
        .as_ref()
        .and_then(|r| app.state.translations.get(r).cloned());
    {
        let app = app.clone();
        let missing = known.is_none();
        use_effect_with(request.clone(), move |request| {
            if let (Some(request), true) = (request, missing) {
                if !app.state.translations.contains_key(request) {
                    app.request(Request::Translate(request.clone()));
                }
            }
        });
    }
    known
}

/// The Q/K/V numbers of `request`, asked once.
#[hook]
pub fn use_qkv(request: Option<QkvRequest>) -> Option<Result<Rc<QkvResult>, Failure>> {
    let app = use_app();
    let known = request.as_ref().and_then(|r| app.state.qkv.get(r).cloned());
    {
        let app = app.clone();
        let missing = known.is_none();
        use_effect_with(request.clone(), move |request| {
            if let (Some(request), true) = (request, missing) {
                app.request(Request::Qkv(request.clone()));
            }
        });
    }
    known
}

/// The memory view's answer to `request` (None: not asked yet), asked once.
#[hook]
pub fn use_memory(request: Option<MemoryRequest>) -> Option<MemoryState> {
    let app = use_app();
    let known = request
        .as_ref()
        .and_then(|r| app.state.memory.get(r).cloned());
    {
        let app = app.clone();
        let missing = known.is_none();
        use_effect_with(request.clone(), move |request| {
            if let (Some(request), true) = (request, missing) {
                app.request(Request::Memory(request.clone()));
            }
        });
    }
    known
}
