//! Deterministic example data and one comparison, shared by the tests, the benchmarks and the
//! views (the FlashAttention lab's example, the Step-through's "identical c" measurement). Plain
//! library code rather than a test-only module, because the page and the benchmark use both at
//! run time; no `rand`, so the same seed gives the same numbers on every machine and target.

use crate::tensor::Tensor;

/// Uniform values in [−r, r) from a 64-bit LCG (Knuth's MMIX constants), seeded by `seed`.
pub fn uniform(seed: u64, shape: &[usize], r: f32) -> Tensor {
    let n = shape.iter().product();
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let v = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 * r - r
        })
        .collect();
    Tensor::new(shape, v)
}

/// max |a − b| over two slices; ∞ when the lengths differ or a difference is NaN, so a broken
/// result never looks close. 0 for two empty slices.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return f32::INFINITY;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(
            0.0,
            |m, d| {
                if d.is_nan() {
                    f32::INFINITY
                } else {
                    m.max(d)
                }
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_deterministic_and_in_range() {
        let a = uniform(7, &[3, 50], 2.0);
        assert_eq!(a, uniform(7, &[3, 50], 2.0));
        assert_ne!(a, uniform(8, &[3, 50], 2.0));
        assert!(a.data().iter().all(|v| (-2.0..2.0).contains(v)));
        let mean = a.data().iter().sum::<f32>() / 150.0;
        assert!(mean.abs() < 0.5, "{mean}");
    }

    #[test]
    fn max_diff_never_hides_a_broken_result() {
        assert_eq!(max_diff(&[1.0, 2.0], &[1.5, 1.0]), 1.0);
        assert_eq!(max_diff(&[], &[]), 0.0);
        assert_eq!(max_diff(&[1.0], &[1.0, 2.0]), f32::INFINITY);
        assert_eq!(max_diff(&[f32::NAN, 0.0], &[0.0, 5.0]), f32::INFINITY);
    }
}
