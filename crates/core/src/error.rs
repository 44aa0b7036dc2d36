//! The one error type of seq2seq-core. Everything a user or a file can get wrong is an `Error`;
//! broken invariants inside the library are `assert!`s.

use thiserror::Error;

/// Result alias used across seq2seq-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// The text the user typed cannot be translated (empty, too long, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A weight file could not be parsed (bad header, truncated, unsupported dtype).
    #[error("weight file: {0}")]
    WeightFile(String),

    /// A tensor the model needs is not in the weight file.
    #[error("missing tensor `{0}` in the weight file")]
    MissingTensor(String),

    /// The weight file holds tensors the model does not use.
    #[error("unused tensor(s) in the weight file: {}", .0.join(", "))]
    UnusedTensors(Vec<String>),

    /// A tensor has the wrong shape for the model's configuration.
    #[error("tensor `{name}` has shape {actual:?}, the configuration expects {expected:?}")]
    ShapeMismatch {
        name: String,
        expected: Vec<usize>,
        actual: Vec<usize>,
    },

    /// A config.json is not valid or does not describe a known model.
    #[error("model config: {0}")]
    Config(String),

    /// A tokenizer file is not valid or does not match the model.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// The compute backend failed (GPU device lost, out of memory, a limit exceeded).
    #[error("backend: {0}")]
    Backend(BackendError),
}

/// A backend's failure, with its kind kept so that a caller decides once what to do (fall back
/// to the CPU for good, try a smaller problem, report a bug) without parsing the message.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{message}")]
pub struct BackendError {
    pub kind: BackendErrorKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendErrorKind {
    /// The device is gone (driver reset, destroyed, reclaimed): nothing more runs on it.
    DeviceLost,
    /// An allocation failed.
    OutOfMemory,
    /// The problem exceeds one of the device's limits (a smaller one may still run).
    Limit,
    /// Anything else (a validation error, a failed read-back, bad kernel arguments).
    Other,
}

impl Error {
    /// A backend failure of `kind`.
    pub fn backend(kind: BackendErrorKind, message: impl Into<String>) -> Self {
        Error::Backend(BackendError {
            kind,
            message: message.into(),
        })
    }

    /// The backend failure's kind, if this is one.
    pub fn backend_kind(&self) -> Option<BackendErrorKind> {
        match self {
            Error::Backend(e) => Some(e.kind),
            _ => None,
        }
    }
}
