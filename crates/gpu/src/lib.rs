//! seq2seq-gpu: WebGPU compute for the playground, through wgpu (native Vulkan/Metal/DX12, and
//! WebGPU in a page or a dedicated worker).
//!
//! - [`context`]: device creation, kept apart from the kernels (tests pass their own device)
//! - [`runtime`]: the minimal GPU API: tensors in pooled buffers, dispatch, one encoder per
//!   read-back, async read-back that works in browsers
//! - [`shaders`] and [`kernels`]: one WGSL file per kernel in `shaders/`, one Rust wrapper each
//! - [`backend`]: [`GpuBackend`], seq2seq-core's `Backend` on the GPU, so every model runs unchanged
//! - [`bench`]: the benchmark suite (timestamp queries, checked against the CPU reference)
//! - [`requirements`]: the adapter limits the kernels need, checked before a device is made
//! - [`error`]: [`GpuError`], never a panic
//!
//! Testing: `cargo test -p seq2seq-gpu` runs every kernel against its CPU twin in seq2seq-core on
//! whatever adapter exists (lavapipe on machines without a GPU). Without any adapter the GPU tests
//! fail, unless `SEQ2SEQ_ALLOW_NO_GPU=1` lets them print `SKIPPED … ` and pass (`cargo xtask test`
//! never sets it). The browser
//! path (WebGPU in a page and in a dedicated worker) is checked by `crates/gpu/web-smoke/run.sh`.

// wgpu's WebGPU objects are neither Send nor Sync on wasm32 (no threads there: static hosting
// gives no SharedArrayBuffer); one `Arc`-based code path serves both targets.
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]

pub mod backend;
pub mod bench;
pub mod context;
pub mod error;
pub mod kernels;
pub mod measure;
mod pool;
pub mod requirements;
pub mod runtime;
pub mod shaders;

pub use backend::GpuBackend;
pub use context::{ContextOptions, GpuContext};
pub use error::{GpuError, GpuResult};
pub use runtime::{Gpu, GpuTensor};
