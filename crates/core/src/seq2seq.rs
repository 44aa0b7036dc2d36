//! The interface between a model and decoding: `encode` once, then one decoder `step` per token.
//! Every family in [`crate::models`] implements [`Seq2Seq`]; [`crate::decoding`] drives any of them.
//! Kept apart from both so that neither module depends on the other's internals.

use crate::trace::{EncoderTrace, StepTrace};
use crate::Result;

/// What `encode` hands to the decoder.
pub struct Encoded<M, S> {
    /// What every decoder step reads (context c, annotations, cross-attention keys/values).
    pub memory: M,
    /// The decoder's initial state.
    pub state: S,
    pub trace: EncoderTrace,
}

/// What one decoder step produced.
pub struct ModelStep<S> {
    /// Unnormalised scores over the target vocabulary.
    pub logits: Vec<f32>,
    pub state: S,
    /// The step's trace (the decoder fills in the chosen token and top-k).
    pub trace: StepTrace,
}

/// An encoder–decoder that can be decoded one token at a time.
#[allow(async_fn_in_trait)]
pub trait Seq2Seq {
    type Memory;
    type State: Clone;

    fn source_vocab(&self) -> usize;
    fn target_vocab(&self) -> usize;

    /// src: source ids ending with EOS.
    async fn encode(&self, src: &[u32], trace: bool) -> Result<Encoded<Self::Memory, Self::State>>;

    /// One decoder step from the previous token (BOS at the start).
    async fn step(
        &self,
        memory: &Self::Memory,
        state: &Self::State,
        prev: u32,
        trace: bool,
    ) -> Result<ModelStep<Self::State>>;
}
