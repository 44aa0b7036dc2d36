//! The oracle the backward pass is tested against: central finite differences in f64,
//!   ∂f/∂x ≈ (f(x + h) − f(x − h)) / 2h,   error O(h²) + O(ε/h), ~1e-9 relative at h = 1e-5,
//! and a comparison that prints the largest difference and where it is.

use std::fmt;

/// Central difference of `f(δ)`, the function evaluated with one coordinate shifted by δ.
pub fn central_difference(h: f64, mut f: impl FnMut(f64) -> f64) -> f64 {
    (f(h) - f(-h)) / (2.0 * h)
}

/// How far an analytic gradient is from a reference (finite differences, or candle).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// max_i |analytic_i − reference_i|
    pub max_abs: f64,
    /// max_i |reference_i|: the gradient's scale
    pub scale: f64,
    /// max_abs / scale (0 when both are 0)
    pub relative: f64,
    /// the index of the largest difference
    pub worst: usize,
    pub len: usize,
}

/// Compares element by element; the relative error is normalised by the largest reference value,
/// so that entries far below the gradient's scale do not count as large relative errors.
pub fn compare(analytic: &[f64], reference: &[f64]) -> Comparison {
    assert_eq!(analytic.len(), reference.len(), "compare: lengths differ");
    let (mut max_abs, mut worst, mut scale) = (0.0f64, 0, 0.0f64);
    for (i, (a, r)) in analytic.iter().zip(reference).enumerate() {
        let d = (a - r).abs();
        if d > max_abs || d.is_nan() {
            max_abs = d;
            worst = i;
        }
        scale = scale.max(r.abs());
    }
    let relative = if max_abs == 0.0 {
        0.0
    } else {
        max_abs / scale.max(f64::MIN_POSITIVE)
    };
    Comparison {
        max_abs,
        scale,
        relative,
        worst,
        len: analytic.len(),
    }
}

impl Comparison {
    /// Whether the relative error is within `tol` (a NaN never is).
    pub fn within(&self, tol: f64) -> bool {
        self.relative <= tol
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "max |Δ| {:.3e} at index {} of {}, scale {:.3e}, relative {:.3e}",
            self.max_abs, self.worst, self.len, self.scale, self.relative
        )
    }
}
