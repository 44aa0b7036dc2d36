//! One translation on the page: the streamed events, then the whole result rebuilt from them,
//! the final answer's unstreamed part and the model's facts (received once per model).

use std::rc::Rc;

use seq2seq_core::trace::{BeamTree, EncoderTrace, StepTrace};

use crate::protocol::{
    BackendKind, Bilingual, Failure, JobId, ModelFacts, TranslationDone, Unstreamed,
};

/// One translation as it streams in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TranslationState {
    pub job: JobId,
    /// Source pieces, EOS included [S].
    pub source_tokens: Rc<Vec<String>>,
    pub encoder: Option<Rc<EncoderTrace>>,
    /// Greedy: (display piece, trace) per decided step.
    pub steps: Vec<(String, StepTrace)>,
    /// Beam search: the tree so far (the step, and every node appended up to it).
    pub beam: Option<(usize, BeamTree)>,
    pub done: Option<Rc<TranslationResult>>,
    pub failure: Option<Failure>,
}

/// A finished translation, whole: what the CLI prints and everything the views draw. The shared
/// parts are `Rc`s, so views pass them on without copying.
#[derive(Clone, Debug, PartialEq)]
pub struct TranslationResult {
    pub model_id: String,
    /// [S], EOS included.
    pub source_tokens: Rc<Vec<String>>,
    /// Display pieces of the translation, one per decoder step (EOS included when produced) [T].
    pub target_tokens: Rc<Vec<String>>,
    pub text: String,
    /// [T]
    pub steps: Rc<Vec<StepTrace>>,
    pub encoder: Rc<EncoderTrace>,
    pub beam_tree: Option<Rc<BeamTree>>,
    /// The model's target vocabulary (top-k lists, beam-tree labels), from its `ModelFacts`.
    pub target_vocab: Rc<Vec<String>>,
    pub backend: BackendKind,
    /// Wall time of tokenising, encoding and decoding, in milliseconds.
    pub millis: f64,
    /// `auto`: how long each backend took on this model when it was measured.
    pub measured: Vec<(BackendKind, f64)>,
    /// Why the GPU was not used although asked for, if so.
    pub fallback: Option<Bilingual>,
    /// EOS, the length limit or a loop.
    pub ending: seq2seq_core::decoding::Ending,
}

/// The display piece of target token `id` (its id if the vocabulary is unknown, which the
/// worker's order of messages rules out).
pub fn piece(facts: Option<&ModelFacts>, id: u32) -> String {
    facts
        .and_then(|f| f.target_vocab.get(id as usize).cloned())
        .unwrap_or_else(|| format!("#{id}"))
}

impl TranslationState {
    pub fn is_running(&self) -> bool {
        self.done.is_none() && self.failure.is_none()
    }

    /// The encoder ran (again, when a failed GPU run restarts on the CPU): start over.
    pub fn encoded(&mut self, source_tokens: Vec<String>, encoder: EncoderTrace) {
        self.source_tokens = Rc::new(source_tokens);
        self.encoder = Some(Rc::new(encoder));
        self.steps.clear();
        self.beam = None;
    }

    pub fn step(&mut self, facts: Option<&ModelFacts>, step: usize, trace: StepTrace) {
        self.steps.truncate(step);
        self.steps.push((piece(facts, trace.token), trace));
    }

    pub fn beam_nodes(&mut self, step: usize, nodes: Vec<seq2seq_core::trace::BeamNode>) {
        let (at, tree) = self.beam.get_or_insert_with(Default::default);
        *at = step;
        tree.nodes.extend(nodes);
    }

    /// The whole result: the stream, completed by the final answer's unstreamed part.
    pub fn finish(&mut self, done: TranslationDone, facts: Option<&ModelFacts>) {
        let streamed_steps = || self.steps.iter().map(|(_, t)| t.clone()).collect();
        let streamed_encoder = || self.encoder.clone().unwrap_or_default();
        let (steps, encoder, beam_tree) = match done.unstreamed {
            None => (streamed_steps(), streamed_encoder(), None),
            Some(Unstreamed::Beam { steps, best_path }) => {
                let mut tree = self.beam.take().map(|(_, t)| t).unwrap_or_default();
                for i in best_path {
                    if let Some(node) = tree.nodes.get_mut(i) {
                        node.best = true;
                    }
                }
                (steps, streamed_encoder(), Some(Rc::new(tree)))
            }
            Some(Unstreamed::Run {
                encoder,
                steps,
                beam_tree,
            }) => (steps, Rc::new(encoder), beam_tree.map(Rc::new)),
        };
        let target_tokens = steps.iter().map(|s| piece(facts, s.token)).collect();
        self.done = Some(Rc::new(TranslationResult {
            model_id: done.model_id,
            source_tokens: self.source_tokens.clone(),
            target_tokens: Rc::new(target_tokens),
            text: done.text,
            steps: Rc::new(steps),
            encoder,
            beam_tree,
            target_vocab: facts.map(|f| f.target_vocab.clone()).unwrap_or_default(),
            backend: done.backend,
            millis: done.millis,
            measured: done.measured,
            fallback: done.fallback,
            ending: done.ending,
        }));
    }
}
