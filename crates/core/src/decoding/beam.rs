//! Beam search: keep the `beam_size` most likely partial translations; a hypothesis that emits EOS
//! is finished; stop when `beam_size` are finished or none is left. Finished hypotheses are ranked
//! by log p / lp(len) (GNMT). With beam_size 1 this is exactly greedy decoding.

use super::{
    annotate_step, length_penalty, log_softmax, top_k, DecodeEvent, DecodeOptions, Translation,
};
use crate::seq2seq::Seq2Seq;
use crate::tokenizer::{BOS, EOS};
use crate::trace::{BeamNode, BeamTree, StepTrace};
use crate::Result;

struct Hypothesis<S> {
    tokens: Vec<u32>,
    log_prob: f32,
    state: S,
    steps: Vec<StepTrace>,
    /// Its last node in the tree.
    node: Option<usize>,
}

/// `src` ends with EOS.
pub async fn beam_search<M: Seq2Seq>(
    model: &M,
    src: &[u32],
    options: &DecodeOptions,
    on_event: &mut dyn FnMut(DecodeEvent<'_>),
) -> Result<Translation> {
    let width = options.beam_size.max(1);
    let encoded = model.encode(src, options.trace).await?;
    on_event(DecodeEvent::Encoded(&encoded.trace));
    let mut tree = BeamTree::default();
    let mut alive = vec![Hypothesis {
        tokens: Vec::new(),
        log_prob: 0.0,
        state: encoded.state,
        steps: Vec::new(),
        node: None,
    }];
    let mut finished: Vec<Hypothesis<M::State>> = Vec::new();

    for step in 0..=options.max_len {
        // Expand every live hypothesis by its `width` best next tokens.
        let mut expansions = Vec::with_capacity(alive.len());
        let mut candidates = Vec::new(); // (score, hypothesis, token)
        for (h, hyp) in alive.iter().enumerate() {
            let prev = hyp.tokens.last().copied().unwrap_or(BOS);
            let s = model
                .step(&encoded.memory, &hyp.state, prev, options.trace)
                .await?;
            let log_probs = log_softmax(&s.logits);
            let choices = if step == options.max_len {
                vec![EOS as usize]
            } else {
                top_k(&log_probs, width)
            };
            for t in choices {
                candidates.push((hyp.log_prob + log_probs[t], h, t));
            }
            expansions.push((s, log_probs));
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        candidates.truncate(width);

        let mut next = Vec::with_capacity(width);
        for (log_prob, h, token) in candidates {
            let (s, log_probs) = &expansions[h];
            let parent = &alive[h];
            let mut trace = s.trace.clone();
            annotate_step(&mut trace, log_probs, token, options.top_k);
            let done = token as u32 == EOS;
            tree.nodes.push(BeamNode {
                parent: parent.node,
                token: token as u32,
                step,
                log_prob,
                finished: done,
                best: false,
            });
            let mut steps = parent.steps.clone();
            steps.push(trace);
            let mut tokens = parent.tokens.clone();
            if !done {
                tokens.push(token as u32);
            }
            let hyp = Hypothesis {
                tokens,
                log_prob,
                state: s.state.clone(),
                steps,
                node: Some(tree.nodes.len() - 1),
            };
            if done {
                finished.push(hyp);
            } else {
                next.push(hyp);
            }
        }
        on_event(DecodeEvent::Beam { step, tree: &tree });
        alive = next;
        if alive.is_empty() || finished.len() >= width {
            break;
        }
    }

    let score = |h: &Hypothesis<M::State>| {
        h.log_prob / length_penalty(h.steps.len(), options.length_penalty)
    };
    let pool = if finished.is_empty() { alive } else { finished };
    let best = pool
        .into_iter()
        .reduce(|a, b| if score(&b) > score(&a) { b } else { a })
        .expect("beam search keeps at least one hypothesis");
    let mut node = best.node;
    while let Some(n) = node {
        tree.nodes[n].best = true;
        node = tree.nodes[n].parent;
    }
    Ok(Translation {
        score: score(&best),
        tokens: best.tokens,
        log_prob: best.log_prob,
        encoder: encoded.trace,
        steps: best.steps,
        beam_tree: Some(tree),
    })
}
