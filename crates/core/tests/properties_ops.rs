//! Properties of core's ops that hold for any input: softmax rows sum to 1 and masked entries are
//! exactly 0, masked attention positions get exactly 0 weight, additive attention's weights sum to
//! 1, the blocked matmuls equal the textbook loop over ragged shapes, and a NaN is never hidden by
//! `max_abs_diff`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;

fn random_tensor(rng: &mut StdRng, shape: &[usize], scale: f32) -> Tensor {
    let n = shape.iter().product();
    Tensor::new(
        shape,
        (0..n)
            .map(|_| rng.random_range(-1.0f32..1.0) * scale)
            .collect(),
    )
}

// ------------------------------------------------------------------------------------ softmax

#[test]
fn softmax_rows_sum_to_one() {
    let mut rng = StdRng::seed_from_u64(11);
    for scale in [1e-3f32, 1.0, 30.0, 1e3, 1e5, 1e30] {
        for cols in [1, 2, 3, 7, 64, 1000] {
            let mut x = random_tensor(&mut rng, &[5, cols], scale);
            // offset one row far from zero: stability must not depend on the absolute level
            for v in &mut x.data_mut()[cols..2 * cols] {
                *v += 1e4;
            }
            let y = ops::softmax_rows(&x);
            for (r, row) in y.data().chunks(cols).enumerate() {
                let sum: f64 = row.iter().map(|&v| v as f64).sum();
                assert!(
                    (sum - 1.0).abs() < 1e-5,
                    "scale {scale}, {cols} columns, row {r}: sum {sum}"
                );
                assert!(
                    row.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
                    "scale {scale}: {row:?}"
                );
            }
        }
    }
}

#[test]
fn softmax_masked_entries_are_exactly_zero() {
    let mut row = [f32::NEG_INFINITY, 3.0, f32::NEG_INFINITY, -2.0, 1e30];
    ops::softmax_in_place(&mut row);
    assert_eq!(row[0], 0.0);
    assert_eq!(row[2], 0.0);
    assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    // everything masked: all zeros, not NaN
    let mut all = [f32::NEG_INFINITY; 4];
    ops::softmax_in_place(&mut all);
    assert_eq!(all, [0.0; 4]);
    // one element: probability 1 whatever its value
    for v in [-1e30f32, 0.0, 88.0, 1e30] {
        let mut one = [v];
        ops::softmax_in_place(&mut one);
        assert_eq!(one, [1.0]);
    }
}

// ---------------------------------------------------------------------------------- attention

#[test]
fn causal_attention_gives_masked_positions_exactly_zero_weight() {
    let mut rng = StdRng::seed_from_u64(12);
    for (tq, tk) in [(1, 1), (4, 4), (1, 9), (3, 9), (9, 9), (17, 33), (33, 33)] {
        for heads in [1, 2, 4] {
            let width = heads * 4;
            let q = random_tensor(&mut rng, &[tq, width], 3.0);
            let k = random_tensor(&mut rng, &[tk, width], 3.0);
            let v = random_tensor(&mut rng, &[tk, width], 1.0);
            let att = ops::scaled_dot_product_attention(&q, &k, &v, heads, true);
            let w = att.weights.data();
            let offset = tk - tq; // query i sits at position offset + i
            for h in 0..heads {
                for i in 0..tq {
                    let row = &w[(h * tq + i) * tk..(h * tq + i + 1) * tk];
                    for (j, &a) in row.iter().enumerate() {
                        if j > offset + i {
                            assert_eq!(
                                a, 0.0,
                                "Tq {tq} Tk {tk} head {h}: α[{i}][{j}] = {a} behind the mask"
                            );
                        }
                    }
                    let sum: f32 = row.iter().sum();
                    assert!(
                        (sum - 1.0).abs() < 1e-5,
                        "Tq {tq} Tk {tk} head {h} row {i}: sum {sum}"
                    );
                }
            }
            // The future cannot leak: changing keys and values behind the mask changes nothing.
            let (mut k2, mut v2) = (k.clone(), v.clone());
            for j in offset + 1..tk {
                for c in 0..width {
                    k2.data_mut()[j * width + c] = 100.0;
                    v2.data_mut()[j * width + c] = -100.0;
                }
            }
            let att2 = ops::scaled_dot_product_attention(&q, &k2, &v2, heads, true);
            let first_row = width; // query 0 sees only keys 0..=offset
            assert_eq!(
                &att.output.data()[..first_row],
                &att2.output.data()[..first_row],
                "Tq {tq} Tk {tk}: future leaked"
            );
            // Unmasked attention rows sum to 1 too.
            let full = ops::scaled_dot_product_attention(&q, &k, &v, heads, false);
            for (r, row) in full.weights.data().chunks(tk).enumerate() {
                let sum: f32 = row.iter().sum();
                assert!((sum - 1.0).abs() < 1e-5, "non-causal row {r}: sum {sum}");
            }
        }
    }
}

#[test]
fn additive_attention_weights_sum_to_one() {
    let mut rng = StdRng::seed_from_u64(13);
    for s in [1, 2, 5, 40] {
        let q = random_tensor(&mut rng, &[1, 6], 2.0);
        let keys = random_tensor(&mut rng, &[s, 6], 2.0);
        let v = random_tensor(&mut rng, &[1, 6], 5.0);
        let values = random_tensor(&mut rng, &[s, 3], 1.0);
        let (c, alpha) = ops::additive_attention(&q, &keys, &v, &values);
        assert_eq!(alpha.shape(), &[1, s]);
        assert_eq!(c.shape(), &[1, 3]);
        assert!((alpha.data().iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}

// ------------------------------------------------------------------------------------- matmul

/// |blocked − naive| ≤ tolerance scaled by Σ_p |a_ip·b_pj| (the size of the sum's terms).
fn assert_close_to_naive(name: &str, got: &Tensor, a: &Tensor, b: &Tensor, b_transposed: bool) {
    let (m, k) = a.dims2();
    let n = got.dims2().1;
    let want = if b_transposed {
        // naive on the explicit transpose
        let (bn, bk) = b.dims2();
        let mut t = vec![0.0; bn * bk];
        for j in 0..bn {
            for p in 0..bk {
                t[p * bn + j] = b.data()[j * bk + p];
            }
        }
        ops::matmul_naive(a, &Tensor::new([bk, bn], t))
    } else {
        ops::matmul_naive(a, b)
    };
    assert_eq!(got.shape(), want.shape(), "{name}: shape");
    let bd = b.data();
    for i in 0..m {
        for j in 0..n {
            let mag: f32 = (0..k)
                .map(|p| {
                    let bv = if b_transposed {
                        bd[j * k + p]
                    } else {
                        bd[p * n + j]
                    };
                    (a.data()[i * k + p] * bv).abs()
                })
                .sum();
            let (g, w) = (got.data()[i * n + j], want.data()[i * n + j]);
            let tol = 4.0 * f32::EPSILON * (k as f32).sqrt().max(1.0) * mag + 1e-30;
            assert!(
                (g - w).abs() <= tol,
                "{name} [{m}x{k}]·[{k}x{n}]: first bad index ({i}, {j}): got {g}, naive {w}, |diff| {} > {tol}",
                (g - w).abs()
            );
        }
    }
}

/// Sizes straddling the tiles (row block 4, 8 lanes, k-block 256).
const EDGE: [usize; 18] = [
    1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 67,
];

#[test]
fn blocked_matmuls_equal_naive_over_ragged_shapes() {
    let mut rng = StdRng::seed_from_u64(14);
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for &m in &EDGE {
        for &k in &EDGE {
            for &n in &EDGE {
                shapes.push((m, k, n));
            }
        }
    }
    // every size 1..=67 in every position at least once
    for s in 1..=67 {
        shapes.push((s, (s * 7) % 67 + 1, (s * 13) % 67 + 1));
        shapes.push(((s * 5) % 67 + 1, s, (s * 11) % 67 + 1));
        shapes.push(((s * 3) % 67 + 1, (s * 17) % 67 + 1, s));
    }
    // a few large ones, crossing the k-block
    shapes.extend([
        (1, 1000, 1),
        (128, 300, 257),
        (5, 513, 9),
        (259, 64, 131),
        (64, 256, 64),
        (3, 257, 70),
    ]);
    for (m, k, n) in shapes {
        let a = random_tensor(&mut rng, &[m, k], 1.0);
        let b = random_tensor(&mut rng, &[k, n], 1.0);
        assert_close_to_naive("matmul", &ops::matmul(&a, &b), &a, &b, false);
        let bt = random_tensor(&mut rng, &[n, k], 1.0);
        assert_close_to_naive("matmul_bt", &ops::matmul_bt(&a, &bt), &a, &bt, true);
    }
}

#[test]
fn matmul_handles_exact_zeros_and_sparse_rows() {
    // The blocked matmul skips zero entries of A; the result must still match the naive loop.
    let mut rng = StdRng::seed_from_u64(15);
    let mut a = random_tensor(&mut rng, &[9, 13], 1.0);
    for (i, v) in a.data_mut().iter_mut().enumerate() {
        if i % 3 == 0 {
            *v = 0.0;
        }
    }
    let b = random_tensor(&mut rng, &[13, 6], 1.0);
    assert_close_to_naive("matmul (sparse A)", &ops::matmul(&a, &b), &a, &b, false);
}

// ---------------------------------------------------------------------------------------- checks

#[test]
fn max_abs_diff_reports_a_nan_as_the_largest_difference() {
    // The llm.c-style check the GPU tests use: a NaN must show up in the reported maximum, not
    // only in the first bad index (otherwise a broken kernel prints "max diff 0.1").
    let want = Tensor::new([4], vec![1.0, 2.0, 3.0, 4.0]);
    let got = Tensor::new([4], vec![1.1, f32::NAN, 3.0, 4.0]);
    let (max, first_bad) = got.max_abs_diff(&want, 1e-3);
    assert_eq!(first_bad, Some(0));
    assert!(
        max.is_nan() || max == f32::INFINITY,
        "max |diff| {max} hides the NaN at index 1"
    );
}
