//! Greedy decoding: at each step take the most likely token, stop at EOS.

use super::{
    annotate_step, length_penalty, log_softmax, top_k, DecodeEvent, DecodeOptions, Translation,
};
use crate::seq2seq::Seq2Seq;
use crate::tokenizer::{BOS, EOS};
use crate::Result;

/// `src` ends with EOS.
pub async fn greedy<M: Seq2Seq>(
    model: &M,
    src: &[u32],
    options: &DecodeOptions,
    on_event: &mut dyn FnMut(DecodeEvent<'_>),
) -> Result<Translation> {
    let encoded = model.encode(src, options.trace).await?;
    on_event(DecodeEvent::Encoded(&encoded.trace));
    let mut state = encoded.state;
    let mut out = Translation {
        encoder: encoded.trace,
        ..Translation::default()
    };
    let mut prev = BOS;
    for step in 0..=options.max_len {
        let s = model
            .step(&encoded.memory, &state, prev, options.trace)
            .await?;
        let log_probs = log_softmax(&s.logits);
        // At the length limit only EOS may follow.
        let token = if step == options.max_len {
            EOS as usize
        } else {
            top_k(&log_probs, 1)[0]
        };
        let mut trace = s.trace;
        annotate_step(&mut trace, &log_probs, token, options.top_k);
        out.log_prob += log_probs[token];
        on_event(DecodeEvent::Step {
            step,
            trace: &trace,
        });
        out.steps.push(trace);
        state = s.state;
        if token as u32 == EOS {
            break;
        }
        out.tokens.push(token as u32);
        prev = token as u32;
    }
    out.score = out.log_prob / length_penalty(out.steps.len(), options.length_penalty);
    Ok(out)
}
