//! The memory view's answer for one model and one sentence (`?view=memory`), computed the same
//! way by the page's worker and by the CLI (`seq2seq-train memory`), so the browser test can
//! compare the two number for number.
//!
//! 1. Tokenise the text with the model's tokenizer (EOS appended, as in translation) and translate
//!    it greedily: the teacher-forced target is that translation, or a reference when one is given.
//! 2. ‖∂c/∂e_j‖ per source position ([`GradModel::context_sensitivity`]): the fixed c of rnn/gru/
//!    lstm, or the decoder's context at step `step` (clamped to the target's length) for gru-attn
//!    and the transformer, with that step's α.
//! 3. ‖∂L/∂h_t‖ per encoder step for the teacher-forced loss of (source, target)
//!    ([`GradModel::loss_gradients`]).

use serde::{Deserialize, Serialize};

use super::GradModel;
use crate::backend::CpuBackend;
use crate::decoding::{DecodeOptions, MAX_SOURCE_TOKENS, MAX_TARGET_TOKENS};
use crate::family::Family;
use crate::tokenizer::{BOS, EOS};
use crate::translator::Translator;
use crate::{Error, Result};

/// What to compute for one model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryQuery<'a> {
    pub text: &'a str,
    /// Decoder step whose context is differentiated (attention families only).
    pub step: usize,
    /// The teacher-forced target; None: the model's own greedy translation.
    pub reference: Option<&'a str>,
}

/// The phases of [`memory_report`], for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryPhase {
    Translating,
    /// ‖∂c/∂e_j‖: `passes` backward passes (one per component of c).
    Sensitivity {
        passes: usize,
    },
    LossGradients,
}

/// Wall time of each phase, in milliseconds (measured with the caller's clock).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryTimings {
    pub translate: f64,
    pub sensitivity: f64,
    pub loss: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryReport {
    pub family: Family,
    /// Source pieces, EOS included (one per encoder position).
    pub source_tokens: Vec<String>,
    /// The greedy translation's text.
    pub translation: String,
    /// The teacher-forced target's pieces (EOS not included).
    pub target_tokens: Vec<String>,
    /// The target is the reader's reference (false: the greedy translation).
    pub reference: bool,
    /// The decoder step whose context was differentiated and its input piece (`<s>` or the
    /// previous target piece); None for the fixed-context families (one c for every step).
    pub step: Option<(usize, String)>,
    /// Dimension of c (the number of backward passes behind `sensitivity`).
    pub context_dim: usize,
    /// ‖∂c/∂e_j‖ per source position.
    pub sensitivity: Vec<f64>,
    /// α of that step over the source (empty for the fixed-context families).
    pub attention: Vec<f64>,
    /// Mean teacher-forced cross-entropy and −log p per target step (EOS last).
    pub loss: f64,
    pub token_nll: Vec<f64>,
    /// ‖∂L/∂h_t‖ per encoder step.
    pub hidden: Vec<f64>,
    pub millis: MemoryTimings,
}

/// Greedy decoding as the page and the CLI translate (no beam: the view needs one target).
pub fn greedy_options() -> DecodeOptions {
    DecodeOptions {
        beam_size: 1,
        max_len: MAX_TARGET_TOKENS,
        trace: false,
        ..DecodeOptions::default()
    }
}

/// The memory view's numbers for `query` on the model of `t` (its backward twin `grad`, built
/// once by the caller with [`GradModel::from_model`]). `clock` returns milliseconds.
pub async fn memory_report(
    t: &Translator<CpuBackend>,
    grad: &GradModel,
    query: &MemoryQuery<'_>,
    clock: &dyn Fn() -> f64,
    on_phase: &mut dyn FnMut(MemoryPhase),
) -> Result<MemoryReport> {
    let family = t.config.model.family();
    let encoding = t.source.encode(query.text)?;
    if encoding.ids.is_empty() {
        return Err(Error::InvalidInput("the source sentence is empty".into()));
    }
    if encoding.ids.len() > MAX_SOURCE_TOKENS {
        return Err(Error::InvalidInput(format!(
            "the source has {} tokens; the limit is {MAX_SOURCE_TOKENS}",
            encoding.ids.len()
        )));
    }
    let start = clock();
    on_phase(MemoryPhase::Translating);
    let output = t
        .translate(query.text, &greedy_options(), &mut |_| {})
        .await?;
    let target: Vec<u32> = match query.reference.filter(|r| !r.trim().is_empty()) {
        Some(reference) => t.target.encode(reference)?.ids,
        None => output.translation.tokens.clone(),
    };
    if target.len() > MAX_TARGET_TOKENS {
        return Err(Error::InvalidInput(format!(
            "the reference has {} tokens; the limit is {MAX_TARGET_TOKENS}",
            target.len()
        )));
    }
    let translated = clock();
    let mut src = encoding.ids;
    src.push(EOS);
    let step = (!family.has_fixed_context()).then(|| {
        let i = query.step.min(target.len());
        let input = if i == 0 { BOS } else { target[i - 1] };
        (i, t.target.token(input).to_owned())
    });
    let prefix = &target[..step.as_ref().map_or(0, |s| s.0)];
    let context_dim = grad.context_dim();
    on_phase(MemoryPhase::Sensitivity {
        passes: context_dim,
    });
    let cs = grad.context_sensitivity(&src, prefix)?;
    let sensed = clock();
    on_phase(MemoryPhase::LossGradients);
    let lg = grad.loss_gradients(&src, &target)?;
    let done = clock();
    Ok(MemoryReport {
        family,
        source_tokens: output.source_tokens,
        translation: output.text,
        target_tokens: target
            .iter()
            .map(|&id| t.target.token(id).to_owned())
            .collect(),
        reference: query.reference.is_some_and(|r| !r.trim().is_empty()),
        step,
        context_dim,
        sensitivity: cs.norms,
        attention: cs.attention,
        loss: lg.loss,
        token_nll: lg.token_nll,
        hidden: lg.hidden,
        millis: MemoryTimings {
            translate: translated - start,
            sensitivity: sensed - translated,
            loss: done - sensed,
        },
    })
}
