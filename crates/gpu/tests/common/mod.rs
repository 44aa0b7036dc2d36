//! Shared by the GPU test binaries: one device per binary, skipping (or failing, in CI) without an
//! adapter; seeded random tensors; the comparison that prints the max difference and first bad index.
#![allow(dead_code)]

use std::sync::OnceLock;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::{Gpu, GpuContext};

/// Set to 1 (CI does) to make a missing GPU adapter a test failure instead of a skip.
pub const REQUIRE_GPU_VAR: &str = "SEQ2SEQ_REQUIRE_GPU";

static CONTEXT: OnceLock<Result<GpuContext, String>> = OnceLock::new();

/// A runtime on the shared device, or None (after saying why) when there is no adapter.
pub fn gpu(test: &str) -> Option<Gpu> {
    let ctx =
        CONTEXT.get_or_init(|| pollster::block_on(GpuContext::new()).map_err(|e| e.to_string()));
    match ctx {
        Ok(ctx) => Some(Gpu::new(ctx.clone())),
        Err(e) => {
            if std::env::var(REQUIRE_GPU_VAR).is_ok_and(|v| v == "1") {
                panic!("{test}: no GPU adapter ({e}) and {REQUIRE_GPU_VAR}=1");
            }
            eprintln!(
                "SKIPPED {test}: no GPU adapter ({e}); set {REQUIRE_GPU_VAR}=1 to fail instead"
            );
            None
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
