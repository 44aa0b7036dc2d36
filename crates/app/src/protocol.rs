//! Messages between the page and the inference worker (gloo-worker, bincode on the wire).
//!
//! The page sends [`Request`]s; the worker answers with a stream of [`Response`]s tagged with the
//! request's `job` number, so the page can drop answers to requests it no longer cares about.
//! Each fact crosses once: the catalogue and a model's facts (vocabulary, family, sizes) once per
//! worker, a translation's source pieces, encoder trace and steps as they stream, and its final
//! answer only what did not stream.
//! Everything here is plain data: no serde features bincode cannot carry (no untagged or
//! internally tagged enums, no `serde_json::Value`).

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use seq2seq_core::trace::{BeamNode, BeamTree, EncoderTrace, StepTrace};

use crate::catalog::Catalog;
use crate::route::{BackendPref, UiLang};

/// A request's number, chosen by the page; answers carry it back.
pub type JobId = u64;

/// The backend a piece of work actually ran on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BackendKind {
    /// WebGPU through our WGSL kernels.
    Gpu,
    /// Plain WebAssembly (SIMD) on the CPU.
    Cpu,
}

/// What to translate and how.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TranslateRequest {
    /// A shipped model's id, e.g. "gru-attn-en-zh" (www/models/index.json).
    pub model_id: String,
    pub text: String,
    /// 1 = greedy.
    pub beam: usize,
    pub backend: BackendPref,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Say which backends exist (answered with [`Response::Backends`]).
    Probe,
    /// Download (with progress, through the Cache API) and prepare a model without translating.
    Preload {
        model_id: String,
    },
    Translate(TranslateRequest),
    /// The Q/K/V explorer: one Transformer layer's attention for one query token.
    Qkv(QkvRequest),
    /// The memory view: ‖∂c/∂e_j‖ and ‖∂L/∂h_t‖ of one model on one sentence (CPU).
    Memory(MemoryRequest),
    /// The FlashAttention lab: naive vs flash attention on the GPU for growing N.
    FlashLab(FlashLabRequest),
    /// Sequential vs parallel: encoders timed over growing T, with their dependent steps.
    Parallel(ParallelRequest),
    /// The kernel benchmark suite in this browser.
    Bench {
        quick: bool,
    },
    /// Delete every cached model file.
    ClearCache,
    /// Destroy the GPU device, as a lost device would (tests the fallback path).
    LoseGpu,
    /// Panic in the worker, as a bug would (tests the crash notice and the restart).
    Crash,
    /// Stop job `job` (the FlashAttention lab, the benchmark) at its next step; it answers
    /// `Cancelled`. Handled as soon as it arrives, not queued behind the job it stops.
    Cancel {
        job: JobId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QkvRequest {
    pub model_id: String,
    pub text: String,
    /// Encoder (or decoder) layer, 0-based.
    pub layer: usize,
    /// Query position (source token, or target position with `decoder`), 0-based.
    pub token: usize,
    /// The decoder's masked self-attention over its inputs (BOS and the greedy translation)
    /// instead of the encoder's self-attention over the source.
    pub decoder: bool,
}

/// The memory view's question for one model (`worker/memory.rs`, core's `grad::memory_report`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryRequest {
    pub model_id: String,
    pub text: String,
    /// Decoder step whose context is differentiated (attention families; clamped).
    pub step: usize,
    /// Teacher-forced target; empty: the model's own greedy translation.
    pub reference: String,
}

/// The memory view's answer, as core computed it (the CLI prints the same struct).
pub use seq2seq_core::grad::MemoryReport;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlashLabRequest {
    /// Sequence lengths to try, ascending; the lab stops naive attention where it fails.
    pub lengths: Vec<usize>,
    pub heads: usize,
    pub head_dim: usize,
    pub causal: bool,
}

/// The sequential-vs-parallel view: the encoders of `model_ids` (their shipped widths, and
/// doubled) over `lengths` source tokens, on each of `backends` in turn.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParallelRequest {
    pub model_ids: Vec<String>,
    /// Ascending, EOS included.
    pub lengths: Vec<usize>,
    pub backends: Vec<BackendKind>,
}

/// One encoder at one length on one backend (`seq2seq_gpu::bench::sequential`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParallelRow {
    pub backend: BackendKind,
    pub row: seq2seq_gpu::bench::sequential::SequentialRow,
}

/// One answer; `job` is the request's number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub job: JobId,
    pub response: Response,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// `models/index.json` (or why it could not be read), sent in answer to `Probe`: the worker
    /// reads it for its downloads, and the page for its cards and charts.
    Catalog(Result<Catalog, String>),
    Backends(BackendsInfo),
    /// Bytes of a model's files received so far (`total` from Content-Length or the catalogue).
    Download(DownloadProgress),
    /// What a model is, sent once per model (before its first `ModelReady`).
    ModelFacts(ModelFacts),
    /// The model is in memory on `backend`.
    ModelReady {
        model_id: String,
        backend: BackendKind,
        millis: f64,
    },
    /// The encoder ran: source pieces (EOS included) and what the encoder computed. A run that
    /// starts over (the CPU after a failed GPU) sends it again.
    Encoded {
        source_tokens: Vec<String>,
        encoder: EncoderTrace,
    },
    /// Greedy decoding chose `trace.token` (its piece is in the model's `target_vocab`).
    Step {
        step: usize,
        trace: StepTrace,
    },
    /// Beam search's step `step` added these nodes to the tree (nodes are only ever appended).
    Beam {
        step: usize,
        nodes: Vec<BeamNode>,
    },
    /// The translation is complete: what the stream did not carry.
    Translated(Box<TranslationDone>),
    Qkv(QkvResult),
    Memory(Box<MemoryReport>),
    FlashLabRow(FlashLabRow),
    ParallelRow(ParallelRow),
    /// A progress line of a long run (lab, benchmark, memory view).
    Progress {
        done: usize,
        total: usize,
        label: String,
    },
    /// The benchmark's tables, typed (the device and the timer named).
    BenchReport(BenchReport),
    /// Something the reader should know that is not an error (e.g. a fallback).
    Notice(Bilingual),
    Failed(Failure),
    /// The job stopped early because the page asked (`Request::Cancel`); what it sent stays.
    Cancelled,
    CacheCleared {
        entries: usize,
    },
}

/// Which backends this browser offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendsInfo {
    /// The adapter, e.g. "SwiftShader Device (Subzero)"; None without WebGPU.
    pub gpu_adapter: Option<String>,
    /// Why there is no GPU backend (no `navigator.gpu`, no adapter, a missing limit, lost).
    pub gpu_unavailable: Option<Bilingual>,
    /// The GPU is emulated in software (correct, not fast).
    pub gpu_software: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadProgress {
    pub model_id: String,
    pub loaded: u64,
    pub total: u64,
    /// Served from the Cache API rather than the network.
    pub cached: bool,
}

/// A model's facts, which no translation repeats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFacts {
    pub model_id: String,
    /// config.json's family.
    pub family: seq2seq_core::family::Family,
    /// Sizes from config.json: embedding (or model) dimension, recurrent state (or model)
    /// dimension, decoder layers (1 for the recurrent families), attention heads (0: none).
    pub embed_dim: usize,
    pub hidden_dim: usize,
    pub layers: usize,
    pub heads: usize,
    pub source_vocab_size: usize,
    /// The target vocabulary's display pieces by id [V_tgt]: streamed steps, top-k lists and
    /// beam-tree labels name their tokens through it.
    pub target_vocab: Rc<Vec<String>>,
}

/// The end of one translation: the result the CLI would print, how the run went, and what the
/// streamed events did not carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranslationDone {
    pub model_id: String,
    pub text: String,
    /// None: every step streamed (greedy).
    pub unstreamed: Option<Unstreamed>,
    pub backend: BackendKind,
    /// Wall time of tokenising, encoding and decoding, in milliseconds.
    pub millis: f64,
    /// `auto`: how long each backend took on this model when it was measured.
    pub measured: Vec<(BackendKind, f64)>,
    /// Why the GPU was not used although asked for (lost device, error), if so.
    pub fallback: Option<Bilingual>,
    /// Whether the output ended with EOS, was cut off at the length limit or loops.
    pub ending: seq2seq_core::decoding::Ending,
}

/// The part of a translation the stream did not carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Unstreamed {
    /// Beam search streamed its tree: the chosen hypothesis' step traces, and the tree's nodes on
    /// its path (root first).
    Beam {
        steps: Vec<StepTrace>,
        best_path: Vec<usize>,
    },
    /// The answer comes from a run that did not stream (`auto` measured a second backend
    /// silently and kept it): it replaces what streamed. The source pieces are the same.
    Run {
        encoder: EncoderTrace,
        steps: Vec<StepTrace>,
        beam_tree: Option<BeamTree>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QkvResult {
    pub model_id: String,
    /// The positions attended over: the source tokens (EOS included), or with `decoder` the
    /// decoder's inputs (BOS, then the translation's tokens).
    pub tokens: Vec<String>,
    pub decoder: bool,
    /// With `decoder`: the greedy translation whose tokens the decoder was fed.
    pub translation: String,
    pub layer: usize,
    pub token: usize,
    pub layers: usize,
    /// d = D / heads, and the scale 1/√d the scores are multiplied by.
    pub head_dim: usize,
    pub scale: f32,
    /// Future positions masked (−∞ before the softmax); false for the encoder.
    pub causal: bool,
    /// Per head: the query vector of `token` [d], keys and values of every position [S][d].
    pub heads: Vec<QkvHead>,
    /// Wall time of the computation on the CPU, milliseconds.
    pub millis: f64,
}

/// One head's q, k, v, scores, scaled scores, weights and output: core's own explanation
/// (`TransformerModel::explain_encoder_attention` / `explain_decoder_self_attention`), sent as
/// it is.
pub use seq2seq_core::models::transformer_explain::HeadExplain as QkvHead;

/// The benchmark's run as `seq2seq_gpu::bench` measured it: typed tables (the page renders them
/// to HTML, and to Markdown for the download), the device, the timer, failures, stopped or not.
pub use seq2seq_gpu::bench::Report as BenchReport;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlashLabRow {
    pub n: usize,
    /// Median milliseconds; None where the kernel could not run (`naive_error` says why).
    pub naive_ms: Option<f64>,
    pub flash_ms: Option<f64>,
    pub naive_error: Option<String>,
    pub flash_error: Option<String>,
    /// Bytes each needs on the GPU (inputs, outputs and scratch such as the N×N score matrix).
    pub naive_bytes: u64,
    pub flash_bytes: u64,
    /// max |flash − naive| over the outputs.
    pub max_diff: Option<f32>,
    /// max |flash − CPU reference| (seq2seq-core's scaled_dot_product_attention), small N only.
    pub cpu_diff: Option<f32>,
    /// α rebuilt on the GPU from flash's (m, l) (attention_rebuild), measured at one N only:
    /// its extra time (median ms) and max |rebuilt α − naive α|.
    pub rebuild_ms: Option<f64>,
    pub rebuild_diff: Option<f32>,
    /// The timer used: GPU timestamp queries or wall clock.
    pub timer: String,
    /// The adapter, its maxStorageBufferBindingSize, and the largest N whose score matrix fits.
    pub device: String,
    pub binding_limit: u64,
    pub naive_max_n: usize,
}

/// Why a request failed: a category the page can explain, and the detail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureKind {
    /// The text cannot be translated (empty, too long, …).
    Input,
    /// A model file is missing, corrupt, or not what the catalogue says.
    ModelFile,
    /// The network request failed.
    Network,
    /// The GPU failed and there was no way to continue.
    Gpu,
    /// A bug: the worker caught a panic. Reloading the worker recovers.
    Internal,
}

/// A message for the reader in both interface languages (the worker does not know which one the
/// page shows, and the reader may switch). Technical details (a driver's error) stay as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in the interface's language.
    pub fn get(&self, lang: UiLang) -> &str {
        match lang {
            UiLang::Zh => &self.zh,
            UiLang::En => &self.en,
        }
    }
}
