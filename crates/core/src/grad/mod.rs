//! Reverse-mode gradients of the five families: the backward pass the memory view
//! (`?view=memory`) draws and that training could use, written as plainly as the forward code.
//!
//! **How.** One hand-written `backward` per layer, next to a forward that keeps what the backward
//! needs (llm.c's style, no tape): each file below holds one concept, its forward equations and
//! their derivatives in the header. The families chain them.
//!
//! **On what.** The model structs as loaded for inference on the [`CpuBackend`]: `from_model`
//! copies their weights, widened to f64, into the structs here. The backward pass does not run
//! through [`crate::backend::Backend`]: that trait is f32, records GPU work, and has no backward
//! ops; here everything is host f64, so central finite differences check every derivative to
//! ~1e-9 and the drawn norms carry no f32 round-off. The f64 forward equals core's f32 forward to
//! f32 precision (tested).
//!
//! **API** (per family, and on [`GradModel`] for any of them):
//! - `context_sensitivity(src, prefix) -> ContextSensitivity`: ‖∂c/∂e_j‖ per source position j;
//!   c the fixed context (rnn, gru, lstm: no step to choose), or the decoder's context at step
//!   i = prefix.len() (gru-attn: c_i = Σ α_ij h_j; transformer: the last decoder layer's
//!   cross-attention output), with α of that step.
//! - `loss_gradients(src, tgt) -> LossGradients`: ‖∂L/∂h_t‖ per encoder step for the
//!   teacher-forced cross-entropy of one pair, with ‖∂L/∂e_t‖, the loss and every weight gradient.
//!
//! `src` ends with EOS (as `Seq2Seq::encode` takes it); `tgt` and `prefix` are target ids without
//! BOS/EOS.
//!
//! | concept | file |
//! |---|---|
//! | f64 matrix, parameter gradients by PyTorch name, finite-difference oracle | [`mat`], [`grads`], [`check`] |
//! | linear, embedding, activations, softmax, cross-entropy loss, layer norm | [`linear`], [`embedding`], [`activation`], [`softmax`], [`loss`], [`layer_norm`] |
//! | RNN, GRU, LSTM cells; BPTT over one layer; bidirectional | [`rnn_cell`], [`gru_cell`], [`lstm_cell`], [`recurrent`], [`bidirectional`] |
//! | additive attention; scaled dot-product; multi-head; feed-forward; Transformer layers; positions | [`bahdanau`], [`attention`], [`multi_head_attention`], [`feed_forward`], [`transformer_layers`], [`positions`] |
//! | the families; the memory view's two quantities | [`fixed_context`], [`gru_attention`], [`transformer`]; [`memory`] |
//! | many cotangents through a recurrent layer at once (the fast ‖∂c/∂e_j‖); the view's answer for one model and sentence, shared by the worker and the CLI | [`batched`], [`report`] |

pub mod activation;
pub mod attention;
pub mod bahdanau;
pub mod batched;
pub mod bidirectional;
pub mod check;
pub mod embedding;
pub mod feed_forward;
pub mod fixed_context;
pub mod grads;
pub mod gru_attention;
pub mod gru_cell;
pub mod layer_norm;
pub mod linear;
pub mod loss;
pub mod lstm_cell;
pub mod mat;
pub mod memory;
pub mod multi_head_attention;
pub mod positions;
pub mod recurrent;
pub mod report;
pub mod rnn_cell;
pub mod softmax;
pub mod transformer;
pub mod transformer_layers;

pub use fixed_context::FixedContextGrad;
pub use grads::{Grads, ParamsMut};
pub use gru_attention::GruAttentionGrad;
pub use mat::Mat;
pub use memory::{ContextSensitivity, LossGradients};
pub use report::{memory_report, MemoryPhase, MemoryQuery, MemoryReport, MemoryTimings};
pub use transformer::TransformerGrad;

use crate::backend::CpuBackend;
use crate::models::AnyModel;
use crate::Result;

/// Any family's backward pass, built from a loaded model (boxed: the variants differ in size).
#[derive(Clone, Debug)]
pub enum GradModel {
    FixedContext(Box<FixedContextGrad>),
    GruAttn(Box<GruAttentionGrad>),
    Transformer(Box<TransformerGrad>),
}

impl GradModel {
    /// Copies the weights of `model` (f32 → f64).
    pub fn from_model(model: &AnyModel<CpuBackend>) -> Self {
        match model {
            AnyModel::FixedContext(m) => {
                Self::FixedContext(Box::new(FixedContextGrad::from_model(m)))
            }
            AnyModel::GruAttn(m) => Self::GruAttn(Box::new(GruAttentionGrad::from_model(m))),
            AnyModel::Transformer(m) => Self::Transformer(Box::new(TransformerGrad::from_model(m))),
        }
    }

    /// Dimension of the context c that [`Self::context_sensitivity`] differentiates (its number
    /// of backward passes): H for rnn/gru/lstm, 2H for gru-attn, D for the transformer.
    pub fn context_dim(&self) -> usize {
        match self {
            Self::FixedContext(m) => m.encoder.hidden,
            Self::GruAttn(m) => 2 * m.encoder.forward.hidden,
            Self::Transformer(m) => m.src_embed.table.cols,
        }
    }

    /// ‖∂c/∂e_j‖ per source position. Fixed-context models ignore `prefix`: their c is the same
    /// at every step. The attention families take the context of decoder step prefix.len().
    pub fn context_sensitivity(&self, src: &[u32], prefix: &[u32]) -> Result<ContextSensitivity> {
        match self {
            Self::FixedContext(m) => m.context_sensitivity(src),
            Self::GruAttn(m) => m.context_sensitivity(src, prefix),
            Self::Transformer(m) => m.context_sensitivity(src, prefix),
        }
    }

    /// ‖∂L/∂h_t‖ per encoder step for the teacher-forced loss of (src, tgt), and the rest of
    /// [`LossGradients`].
    pub fn loss_gradients(&self, src: &[u32], tgt: &[u32]) -> Result<LossGradients> {
        match self {
            Self::FixedContext(m) => m.loss_gradients(src, tgt),
            Self::GruAttn(m) => m.loss_gradients(src, tgt),
            Self::Transformer(m) => m.loss_gradients(src, tgt),
        }
    }

    /// The teacher-forced loss alone.
    pub fn loss(&self, src: &[u32], tgt: &[u32]) -> Result<f64> {
        match self {
            Self::FixedContext(m) => m.loss(src, tgt),
            Self::GruAttn(m) => m.loss(src, tgt),
            Self::Transformer(m) => m.loss(src, tgt),
        }
    }

    /// Every weight by PyTorch name, mutable (finite differences, an optimiser).
    pub fn params_mut(&mut self) -> ParamsMut<'_> {
        match self {
            Self::FixedContext(m) => m.params_mut(),
            Self::GruAttn(m) => m.params_mut(),
            Self::Transformer(m) => m.params_mut(),
        }
    }
}
