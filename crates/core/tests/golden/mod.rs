//! Shared by the golden tests (`golden_ops.rs`, `golden_models.rs`): the expected tensors that
//! `generate.py` writes into `values.rs` (computed independently in NumPy, rounded to 6 significant
//! digits; to regenerate: `python3 crates/core/tests/golden/generate.py`) and the check.
//!
//! Tolerance: |got − want| ≤ ATOL + RTOL·|want| elementwise. On failure the message names the
//! tensor, the largest difference and where it is, and the first index out of tolerance (llm.c style).
#![allow(dead_code)]

use seq2seq_core::tensor::Tensor;

/// An expected tensor: its shape and its row-major values.
pub struct Golden {
    pub shape: &'static [usize],
    pub data: &'static [f32],
}

include!("values.rs");

const ATOL: f32 = 1e-5;
const RTOL: f32 = 1e-5;

/// Compare `got` (with its shape) with `want`, llm.c style.
pub fn check(name: &str, got_shape: &[usize], got: &[f32], want: &Golden) {
    assert_eq!(
        got_shape, want.shape,
        "{name}: shape {got_shape:?}, expected {:?}",
        want.shape
    );
    assert_eq!(
        got.len(),
        want.data.len(),
        "{name}: {} values, expected {}",
        got.len(),
        want.data.len()
    );
    let (mut max_diff, mut max_at, mut first_bad) = (0.0f32, 0, None);
    for (i, (&g, &w)) in got.iter().zip(want.data).enumerate() {
        let d = (g - w).abs();
        if d > max_diff || d.is_nan() {
            max_diff = if d.is_nan() { f32::INFINITY } else { d };
            max_at = i;
        }
        if first_bad.is_none() && (d.is_nan() || d > ATOL + RTOL * w.abs()) {
            first_bad = Some(i);
        }
    }
    if let Some(i) = first_bad {
        panic!(
            "{name}: max |diff| {max_diff:e} at index {max_at} (got {}, want {}); first bad index {i}: got {}, want {} \
             (tolerance {ATOL:e} + {RTOL:e}·|want|, shape {:?})",
            got[max_at], want.data[max_at], got[i], want.data[i], want.shape
        );
    }
}

pub fn check_tensor(name: &str, got: &Tensor, want: &Golden) {
    check(name, got.shape(), got.data(), want);
}

/// A vector of the trace (shape [n]).
pub fn check_vec(name: &str, got: &[f32], want: &Golden) {
    check(name, &[got.len()], got, want);
}

/// Nested trace rows [n][m] → shape [n, m].
pub fn check_rows(name: &str, got: &[Vec<f32>], want: &Golden) {
    let m = got.first().map_or(0, Vec::len);
    assert!(got.iter().all(|r| r.len() == m), "{name}: ragged rows");
    check(name, &[got.len(), m], &got.concat(), want);
}

/// [L][heads][T] → shape [L, heads, T].
pub fn check_3d(name: &str, got: &[Vec<Vec<f32>>], want: &Golden) {
    let heads = got.first().map_or(0, Vec::len);
    let t = got.first().and_then(|l| l.first()).map_or(0, Vec::len);
    let flat: Vec<f32> = got.iter().flatten().flatten().copied().collect();
    check(name, &[got.len(), heads, t], &flat, want);
}

/// [L][heads][S][S] → shape [L, heads, S, S].
pub fn check_4d(name: &str, got: &[Vec<Vec<Vec<f32>>>], want: &Golden) {
    let heads = got.first().map_or(0, Vec::len);
    let rows = got.first().and_then(|l| l.first()).map_or(0, Vec::len);
    let cols = got
        .first()
        .and_then(|l| l.first())
        .and_then(|h| h.first())
        .map_or(0, Vec::len);
    let flat: Vec<f32> = got.iter().flatten().flatten().flatten().copied().collect();
    check(name, &[got.len(), heads, rows, cols], &flat, want);
}
