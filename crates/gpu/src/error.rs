//! What can go wrong on the GPU. Every failure is an `Err`, never a panic: the adapter may be
//! missing, the device may be lost (a driver reset, a tab in the background), memory may run out,
//! or a problem may exceed the device's limits. Converts into `seq2seq_core::Error::Backend`,
//! keeping its kind (`BackendErrorKind`).

use seq2seq_core::BackendErrorKind;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum GpuError {
    /// No adapter at all: no WebGPU in this browser, or no Vulkan/Metal/DX12 driver natively.
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),

    /// The adapter refused to create a device.
    #[error("the GPU adapter refused a device: {0}")]
    RequestDevice(String),

    /// The device was lost (driver reset, GPU removed, browser reclaimed it).
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),

    /// An allocation failed (caught by an out-of-memory error scope).
    #[error("the GPU ran out of memory: {0}")]
    OutOfMemory(String),

    /// A problem is larger than one of the device's limits; nothing was recorded.
    #[error(
        "{what} needs {needed} bytes, more than this GPU's {limit_name} of {limit} bytes{hint}"
    )]
    Limit {
        what: String,
        needed: u64,
        limit: u64,
        limit_name: &'static str,
        /// What to do instead, e.g. " (use flash attention, which needs O(N) memory)".
        hint: String,
    },

    /// The adapter offers less than the kernels need (see [`crate::requirements`]); no device was
    /// requested.
    #[error("this GPU's {limit_name} is {have}; the kernels need {need}")]
    AdapterLimit {
        limit_name: &'static str,
        have: u64,
        need: u64,
    },

    /// wgpu reported a validation error (a bug in this crate if it ever happens).
    #[error("GPU validation error: {0}")]
    Validation(String),

    /// Mapping a read-back buffer failed.
    #[error("reading back from the GPU failed: {0}")]
    ReadBack(String),

    /// Shapes or arguments that the kernel cannot take.
    #[error("invalid kernel arguments: {0}")]
    InvalidInput(String),
}

impl GpuError {
    /// The kind core's error keeps, so callers across the crate boundary can decide on it.
    pub fn kind(&self) -> BackendErrorKind {
        match self {
            GpuError::DeviceLost(_) => BackendErrorKind::DeviceLost,
            GpuError::OutOfMemory(_) => BackendErrorKind::OutOfMemory,
            GpuError::Limit { .. } | GpuError::AdapterLimit { .. } => BackendErrorKind::Limit,
            GpuError::NoAdapter(_)
            | GpuError::RequestDevice(_)
            | GpuError::Validation(_)
            | GpuError::ReadBack(_)
            | GpuError::InvalidInput(_) => BackendErrorKind::Other,
        }
    }
}

impl From<GpuError> for seq2seq_core::Error {
    fn from(e: GpuError) -> Self {
        seq2seq_core::Error::backend(e.kind(), e.to_string())
    }
}

impl GpuError {
    pub(crate) fn from_wgpu(e: &wgpu::Error) -> Self {
        match e {
            wgpu::Error::OutOfMemory { .. } => GpuError::OutOfMemory(e.to_string()),
            _ => GpuError::Validation(e.to_string()),
        }
    }
}

pub type GpuResult<T> = std::result::Result<T, GpuError>;
