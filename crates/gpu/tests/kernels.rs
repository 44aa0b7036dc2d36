//! Every kernel against its CPU twin in seq2seq-core over seeded random ragged shapes that
//! straddle the tile sizes (1..=67 plus a few large ones).
//!
//! Tolerances (inputs uniform in [-1, 1)): matmul / matvec / cells 1e-5 + 2e-6·K (K = reduction
//! length); softmax, layer norm, elementwise, attention 1e-5…2e-5 absolute (outputs are O(1));
//! copies and gathers exact.
// GPU tests run natively (on lavapipe in CI); the browser path is exercised by the app's tests.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{gpu, ragged, random, rng, up, Cases};
use rand::Rng;
use seq2seq_core::backend::CellWeights;
use seq2seq_core::ops::{self, Activation};
use seq2seq_core::ops::{gru_step, lstm_step, rnn_step};
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::kernels::{self, ElementwiseOp};
use seq2seq_gpu::GpuTensor;

fn matmul_tol(k: usize) -> f32 {
    1e-5 + 2e-6 * k as f32
}

/// (m, n, k) triples: every ragged size appears in every position, plus random ones.
fn triples(seed: u64) -> Vec<(usize, usize, usize)> {
    let mut r = rng(seed);
    let sizes = ragged(&mut r, 4);
    let len = sizes.len();
    let mut out: Vec<_> = (0..len)
        .map(|i| (sizes[i], sizes[(i * 5 + 3) % len], sizes[(i * 7 + 1) % len]))
        .collect();
    out.extend((0..8).map(|_| {
        (
            r.random_range(1..=67),
            r.random_range(1..=67),
            r.random_range(1..=67),
        )
    }));
    out
}

#[test]
fn matmul_tiled_matches_cpu_on_ragged_shapes() {
    let Some(g) = gpu("matmul_tiled_matches_cpu_on_ragged_shapes") else {
        return;
    };
    let mut r = rng(1);
    let mut cases = Cases::default();
    let mut shapes = triples(11);
    shapes.extend([(256, 200, 130), (129, 260, 513)]);
    for (i, &(m, n, k)) in shapes.iter().enumerate() {
        let a = random(&mut r, &[m, k], 1.0);
        let trans = i % 2 == 1;
        let (b, want) = if trans {
            let w = random(&mut r, &[n, k], 1.0);
            let want = ops::matmul_bt(&a, &w);
            (w, want)
        } else {
            let b = random(&mut r, &[k, n], 1.0);
            let want = ops::matmul(&a, &b);
            (b, want)
        };
        let c =
            kernels::matmul_tiled(&g, &up(&g, &a), &up(&g, &b), trans, None, None).expect("record");
        cases.push(
            format!("matmul_tiled m={m} n={n} k={k} trans_b={trans}"),
            c,
            want,
            matmul_tol(k),
        );
    }
    cases.check(&g);
}

#[test]
fn matmul_tiled_epilogue_matches_linear_and_activation() {
    let Some(g) = gpu("matmul_tiled_epilogue_matches_linear_and_activation") else {
        return;
    };
    let mut r = rng(2);
    let acts = [
        None,
        Some(Activation::Tanh),
        Some(Activation::Sigmoid),
        Some(Activation::Relu),
        Some(Activation::Gelu),
    ];
    let mut cases = Cases::default();
    for (i, &(m, n, k)) in triples(12).iter().enumerate() {
        let act = acts[i % acts.len()];
        let x = random(&mut r, &[m, k], 1.0);
        let w = random(&mut r, &[n, k], 1.0);
        let b = random(&mut r, &[n], 1.0);
        let lin = ops::linear(&x, &w, Some(&b));
        let want = act.map_or(lin.clone(), |a| a.map(&lin));
        let c = kernels::matmul_tiled(&g, &up(&g, &x), &up(&g, &w), true, Some(&up(&g, &b)), act)
            .expect("record");
        cases.push(
            format!("linear+{act:?} m={m} n={n} k={k}"),
            c,
            want,
            matmul_tol(k),
        );
    }
    cases.check(&g);
}

#[test]
fn matmul_naive_matches_cpu() {
    let Some(g) = gpu("matmul_naive_matches_cpu") else {
        return;
    };
    let mut r = rng(3);
    let mut cases = Cases::default();
    for (i, &(m, n, k)) in triples(13).iter().enumerate() {
        let a = random(&mut r, &[m, k], 1.0);
        let trans = i % 2 == 0;
        let (b, want) = if trans {
            let w = random(&mut r, &[n, k], 1.0);
            let want = ops::matmul_bt(&a, &w);
            (w, want)
        } else {
            let b = random(&mut r, &[k, n], 1.0);
            let want = ops::matmul_naive(&a, &b);
            (b, want)
        };
        let c = kernels::matmul_naive(&g, &up(&g, &a), &up(&g, &b), trans).expect("record");
        cases.push(
            format!("matmul_naive m={m} n={n} k={k} trans_b={trans}"),
            c,
            want,
            matmul_tol(k),
        );
    }
    cases.check(&g);
}

#[test]
fn matvec_matches_linear_for_small_batches() {
    let Some(g) = gpu("matvec_matches_linear_for_small_batches") else {
        return;
    };
    let mut r = rng(4);
    let mut cases = Cases::default();
    let sizes = ragged(&mut r, 4);
    for (i, &n) in sizes.iter().enumerate() {
        for batch in [1, 2, 5, 8] {
            let k = sizes[(i * 3 + batch) % sizes.len()] + if i % 3 == 0 { 256 } else { 0 };
            let x = random(&mut r, &[batch, k], 1.0);
            let w = random(&mut r, &[n, k], 1.0);
            let b = random(&mut r, &[n], 1.0);
            let act = if i % 2 == 0 {
                Some(Activation::Tanh)
            } else {
                None
            };
            let lin = ops::linear(&x, &w, Some(&b));
            let want = act.map_or(lin.clone(), |a| a.map(&lin));
            let y = kernels::matvec(&g, &up(&g, &x), &up(&g, &w), Some(&up(&g, &b)), act)
                .expect("record");
            cases.push(
                format!("matvec batch={batch} n={n} k={k} act={act:?}"),
                y,
                want,
                matmul_tol(k),
            );
        }
    }
    // a vocabulary-sized projection
    let (x, w) = (
        random(&mut r, &[1, 512], 1.0),
        random(&mut r, &[5003, 512], 1.0),
    );
    let y = kernels::matvec(&g, &up(&g, &x), &up(&g, &w), None, None).expect("record");
    cases.push(
        "matvec 1×512 · 5003×512ᵀ",
        y,
        ops::linear(&x, &w, None),
        matmul_tol(512),
    );
    cases.check(&g);
}

#[test]
fn softmax_and_layer_norm_match_cpu() {
    let Some(g) = gpu("softmax_and_layer_norm_match_cpu") else {
        return;
    };
    let mut r = rng(5);
    let mut cases = Cases::default();
    let sizes = ragged(&mut r, 4);
    for (i, &rows) in sizes.iter().enumerate() {
        let cols = sizes[(i * 7 + 2) % sizes.len()] + if i % 4 == 0 { 1000 } else { 0 };
        let mut x = random(&mut r, &[rows, cols], 8.0);
        if i % 3 == 0 {
            // masked entries, and one fully masked row
            for (j, v) in x.data_mut().iter_mut().enumerate() {
                if j % 5 == 1 || j < cols {
                    *v = f32::NEG_INFINITY;
                }
            }
        }
        let y = kernels::softmax_rows(&g, &up(&g, &x)).expect("record");
        cases.push(
            format!("softmax {rows}×{cols}"),
            y,
            ops::softmax_rows(&x),
            2e-6f32,
        );
        let x = random(&mut r, &[rows, cols], 3.0);
        let (w, b) = (random(&mut r, &[cols], 1.0), random(&mut r, &[cols], 1.0));
        let y =
            kernels::layer_norm(&g, &up(&g, &x), &up(&g, &w), &up(&g, &b), 1e-5).expect("record");
        cases.push(
            format!("layer_norm {rows}×{cols}"),
            y,
            ops::layer_norm(&x, &w, &b, 1e-5),
            2e-5,
        );
    }
    cases.check(&g);
}

#[test]
fn elementwise_ops_match_cpu() {
    let Some(g) = gpu("elementwise_ops_match_cpu") else {
        return;
    };
    let mut r = rng(6);
    let mut cases = Cases::default();
    for (i, &n) in [1usize, 7, 255, 256, 257, 1000, 70_001].iter().enumerate() {
        let cols = [1, 7, 5, 16, 257, 10, 7][i];
        let rows = n / cols;
        let a = random(&mut r, &[rows, cols], 12.0);
        let b = random(&mut r, &[rows, cols], 2.0);
        let row = random(&mut r, &[cols], 2.0);
        let (ga, gb, grow) = (up(&g, &a), up(&g, &b), up(&g, &row));
        for act in [
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Relu,
            Activation::Gelu,
        ] {
            let y = kernels::unary(&g, act, &ga).expect("record");
            cases.push(
                format!("{act:?} [{rows},{cols}]"),
                y,
                act.map(&a),
                2e-6 * 12.0,
            );
        }
        let ops_cases: [(ElementwiseOp, Tensor); 4] = [
            (ElementwiseOp::Add, ops::add(&a, &b)),
            (ElementwiseOp::Mul, ops::mul(&a, &b)),
            (ElementwiseOp::Scale(-0.37), ops::scale(&a, -0.37)),
            (ElementwiseOp::AddRow, ops::add_row(&a, &row)),
        ];
        for (op, want) in ops_cases {
            let other = match op {
                ElementwiseOp::AddRow => Some(&grow),
                ElementwiseOp::Scale(_) => None,
                _ => Some(&gb),
            };
            let y = kernels::elementwise(&g, op, &ga, other).expect("record");
            cases.push(format!("{op:?} [{rows},{cols}]"), y, want, 2e-6 * 12.0);
        }
    }
    cases.check(&g);
}

#[test]
fn embedding_copies_and_concat_are_exact() {
    let Some(g) = gpu("embedding_copies_and_concat_are_exact") else {
        return;
    };
    let mut r = rng(7);
    let mut cases = Cases::default();
    for &(vocab, d) in &[(1usize, 1usize), (17, 3), (64, 65), (1000, 67)] {
        let table = random(&mut r, &[vocab, d], 1.0);
        let ids: Vec<u32> = (0..r.random_range(1..40))
            .map(|_| r.random_range(0..vocab as u32))
            .collect();
        let y = kernels::embedding(&g, &up(&g, &table), &ids).expect("record");
        cases.push(
            format!("embedding vocab={vocab} d={d} ids={}", ids.len()),
            y,
            ops::embedding(&table, &ids),
            0.0,
        );
    }
    for rows in [1usize, 5, 67] {
        let parts: Vec<Tensor> = [1usize, 16, 3, 65]
            .iter()
            .map(|&c| random(&mut r, &[rows, c], 1.0))
            .collect();
        let gparts: Vec<GpuTensor> = parts.iter().map(|p| up(&g, p)).collect();
        let y = kernels::concat_cols(&g, &gparts.iter().collect::<Vec<_>>()).expect("record");
        cases.push(
            format!("concat_cols rows={rows}"),
            y,
            ops::concat_cols(&parts.iter().collect::<Vec<_>>()),
            0.0,
        );
    }
    cases.check(&g);
    // an id outside the vocabulary is an error, not a panic
    let table = up(&g, &random(&mut r, &[4, 2], 1.0));
    let err = kernels::embedding(&g, &table, &[1, 4]).expect_err("id 4 of 4");
    assert!(err.to_string().contains("outside a vocabulary"), "{err}");
}

fn cell_weights(
    r: &mut rand::rngs::StdRng,
    gates: usize,
    input: usize,
    hidden: usize,
) -> CellWeights<Tensor> {
    let s = 1.0 / (hidden as f32).sqrt();
    CellWeights {
        w_ih: random(r, &[gates * hidden, input], s),
        w_hh: random(r, &[gates * hidden, hidden], s),
        b_ih: random(r, &[gates * hidden], s),
        b_hh: random(r, &[gates * hidden], s),
    }
}

#[test]
fn fused_cells_match_core_steps() {
    let Some(g) = gpu("fused_cells_match_core_steps") else {
        return;
    };
    let mut r = rng(9);
    let mut cases = Cases::default();
    let sizes = ragged(&mut r, 2);
    for (i, &hidden) in sizes.iter().enumerate() {
        let input = sizes[(i * 5 + 1) % sizes.len()];
        let batch = [1, 2, 3, 7][i % 4];
        let tol = 1e-5 + 2e-6 * (input + hidden) as f32;
        let x = random(&mut r, &[batch, input], 1.0);
        let h = random(&mut r, &[batch, hidden], 1.0);
        let c = random(&mut r, &[batch, hidden], 1.0);
        let (gx, gh, gc) = (up(&g, &x), up(&g, &h), up(&g, &c));
        let tag = format!("B={batch} I={input} H={hidden}");

        let w = cell_weights(&mut r, 1, input, hidden);
        let gw: Vec<GpuTensor> = [&w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh]
            .iter()
            .map(|t| up(&g, t))
            .collect();
        let y = kernels::rnn_cell(&g, &gx, &gh, &gw[0], &gw[1], &gw[2], &gw[3]).expect("record");
        cases.push(format!("rnn_cell {tag}"), y, rnn_step(&x, &h, &w), tol);

        let w = cell_weights(&mut r, 3, input, hidden);
        let gw: Vec<GpuTensor> = [&w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh]
            .iter()
            .map(|t| up(&g, t))
            .collect();
        let o = kernels::gru_cell(&g, &gx, &gh, &gw[0], &gw[1], &gw[2], &gw[3]).expect("record");
        let s = gru_step(&x, &h, &w);
        for (name, got, want) in [
            ("h", o.h, s.h),
            ("r", o.r, s.r),
            ("z", o.z, s.z),
            ("n", o.n, s.n),
        ] {
            cases.push(format!("gru_cell {name} {tag}"), got, want, tol);
        }

        let w = cell_weights(&mut r, 4, input, hidden);
        let gw: Vec<GpuTensor> = [&w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh]
            .iter()
            .map(|t| up(&g, t))
            .collect();
        let o =
            kernels::lstm_cell(&g, &gx, &gh, &gc, &gw[0], &gw[1], &gw[2], &gw[3]).expect("record");
        let s = lstm_step(&x, &h, &c, &w);
        for (name, got, want) in [
            ("h", o.h, s.h),
            ("c", o.c, s.c),
            ("i", o.i, s.i),
            ("f", o.f, s.f),
            ("g", o.g, s.g),
            ("o", o.o, s.o),
        ] {
            cases.push(format!("lstm_cell {name} {tag}"), got, want, tol);
        }
    }
    cases.check(&g);
}

#[test]
fn additive_attention_matches_cpu() {
    let Some(g) = gpu("additive_attention_matches_cpu") else {
        return;
    };
    let mut r = rng(10);
    let mut cases = Cases::default();
    for &(s, a, d) in &[
        (1usize, 1usize, 1usize),
        (5, 20, 48),
        (17, 33, 65),
        (257, 64, 128),
        (600, 7, 3),
    ] {
        let qp = random(&mut r, &[1, a], 1.0);
        let kp = random(&mut r, &[s, a], 1.0);
        let v = random(&mut r, &[a], 1.0);
        let values = random(&mut r, &[s, d], 1.0);
        let (ctx, alpha) = kernels::additive_attention(
            &g,
            &up(&g, &qp),
            &up(&g, &kp),
            &up(&g, &v),
            &up(&g, &values),
        )
        .expect("record");
        let (want_ctx, want_alpha) = ops::additive_attention(&qp, &kp, &v, &values);
        cases.push(
            format!("additive context S={s} A={a} D={d}"),
            ctx,
            want_ctx,
            2e-5,
        );
        cases.push(
            format!("additive alpha S={s} A={a} D={d}"),
            alpha,
            want_alpha,
            2e-5,
        );
    }
    cases.check(&g);
}
