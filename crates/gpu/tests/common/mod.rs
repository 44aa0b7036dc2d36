//! Shared by the GPU test binaries: one device per binary; a missing adapter fails the test
//! unless `SEQ2SEQ_ALLOW_NO_GPU=1` says that a skip is acceptable here (never set by `cargo xtask
//! test`); seeded random tensors; batches of GPU outputs checked against their CPU twins, printing
//! the max difference and the first bad index.
#![allow(dead_code)]

use std::sync::OnceLock;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::{ContextOptions, Gpu, GpuContext, GpuTensor};

/// Set to 1 to let the GPU tests pass without an adapter (each prints SKIPPED). Without it a
/// missing adapter is a failure: a test that did not run must not count as passed.
pub const ALLOW_NO_GPU_VAR: &str = "SEQ2SEQ_ALLOW_NO_GPU";

static CONTEXT: OnceLock<Result<GpuContext, String>> = OnceLock::new();

/// A runtime on the binary's shared device. None only when there is no adapter and
/// [`ALLOW_NO_GPU_VAR`] is 1; otherwise a missing adapter panics.
pub fn gpu(test: &str) -> Option<Gpu> {
    let ctx =
        CONTEXT.get_or_init(|| pollster::block_on(GpuContext::new()).map_err(|e| e.to_string()));
    match ctx {
        Ok(ctx) => Some(Gpu::new(ctx.clone())),
        Err(e) => no_adapter(test, e),
    }
}

/// A device of the test's own (one it may destroy, or with lowered limits), under the same rule.
pub fn own_context(test: &str, options: &ContextOptions) -> Option<GpuContext> {
    match pollster::block_on(GpuContext::new_with(options)) {
        Ok(ctx) => Some(ctx),
        Err(e) => no_adapter(test, &e.to_string()),
    }
}

fn no_adapter<T>(test: &str, e: &str) -> Option<T> {
    if std::env::var(ALLOW_NO_GPU_VAR).is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED {test}: no GPU adapter ({e}); {ALLOW_NO_GPU_VAR}=1 allows it");
        return None;
    }
    panic!(
        "{test}: no GPU adapter ({e}). Install one (Debian: apt-get install mesa-vulkan-drivers \
         libvulkan1, or `cargo xtask setup`) or set {ALLOW_NO_GPU_VAR}=1 to skip the GPU tests"
    );
}

pub fn up(g: &Gpu, t: &Tensor) -> GpuTensor {
    g.upload("test input", t.shape().to_vec(), t.data())
        .expect("upload")
}

/// GPU outputs recorded without waiting, each with its CPU twin and tolerance; [`Cases::check`]
/// reads them all back at once and compares each.
#[derive(Default)]
pub struct Cases(Vec<(String, GpuTensor, Tensor, f32)>);

impl Cases {
    pub fn push(&mut self, what: impl Into<String>, got: GpuTensor, want: Tensor, tol: f32) {
        self.0.push((what.into(), got, want, tol));
    }

    /// One read-back for every case, then [`check`] on each.
    pub fn check(self, g: &Gpu) {
        let outs = block_on(g.read_many(&self.0.iter().map(|c| &c.1).collect::<Vec<_>>()))
            .expect("read back");
        for ((what, _, want, tol), got) in self.0.iter().zip(outs) {
            check(what, &got, want, *tol);
        }
    }
}

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Uniform values in [-scale, scale).
pub fn random(rng: &mut StdRng, shape: &[usize], scale: f32) -> Tensor {
    let n = shape.iter().product();
    Tensor::new(
        shape,
        (0..n).map(|_| rng.random_range(-scale..scale)).collect(),
    )
}

/// GPU result vs CPU twin: fails with the max difference and the first index above `tol`.
pub fn check(what: &str, gpu: &[f32], cpu: &Tensor, tol: f32) {
    assert_eq!(
        gpu.len(),
        cpu.len(),
        "{what}: GPU gave {} values, CPU {}",
        gpu.len(),
        cpu.len()
    );
    let got = Tensor::new(cpu.shape(), gpu.to_vec());
    let (max, bad) = got.max_abs_diff(cpu, tol);
    if let Some(i) = bad {
        panic!(
            "{what}: max |gpu − cpu| = {max:.3e} > tolerance {tol:.1e}; first bad index {i}: gpu {} cpu {}",
            gpu[i],
            cpu.data()[i]
        );
    }
}

/// Ragged sizes straddling the 16/64 tile sizes: the edges plus a few seeded random ones in 1..=67.
pub fn ragged(rng: &mut StdRng, extra: usize) -> Vec<usize> {
    let mut v = vec![1, 3, 4, 15, 16, 17, 31, 33, 63, 64, 65, 67];
    v.extend((0..extra).map(|_| rng.random_range(1..=67usize)));
    v
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}
