//! Attention: flash vs naive vs the CPU specification, causal and not, batched and multi-head,
//! head dims up to 128, N up to 2048; α rebuilt from flash's (m, l) equals naive α; naive attention
//! over the binding limit is refused with a clear error while flash runs.
//!
//! Tolerance: 2e-5 absolute on outputs and weights (q, k, v uniform in [-1, 1)), 1e-4 at N ≥ 1024.
// GPU tests run natively (on lavapipe in CI); the browser path is exercised by the app's tests.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, check, gpu, own_context, random, rng, up};
use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;
use seq2seq_gpu::kernels::{self, AttentionShape};
use seq2seq_gpu::{ContextOptions, Gpu, GpuError};

/// CPU output [B·Tq, H·d] and weights [B·H, Tq, Tk] for a batched problem, batch by batch.
fn cpu_attention(q: &Tensor, k: &Tensor, v: &Tensor, s: AttentionShape) -> (Tensor, Tensor) {
    let width = s.heads * s.d;
    let (mut out, mut weights) = (Vec::new(), Vec::new());
    for b in 0..s.batch {
        let qb = ops::slice_rows(q, b * s.tq, s.tq);
        let kb = ops::slice_rows(k, b * s.tk, s.tk);
        let vb = ops::slice_rows(v, b * s.tk, s.tk);
        let r = ops::scaled_dot_product_attention(&qb, &kb, &vb, s.heads, s.causal);
        out.extend_from_slice(r.output.data());
        weights.extend_from_slice(r.weights.data());
    }
    (
        Tensor::new([s.batch * s.tq, width], out),
        Tensor::new([s.batch * s.heads, s.tq, s.tk], weights),
    )
}

fn run_case(g: &Gpu, seed: u64, s: AttentionShape, tol: f32) {
    let mut r = rng(seed);
    let width = s.heads * s.d;
    let q = random(&mut r, &[s.batch * s.tq, width], 1.0);
    let k = random(&mut r, &[s.batch * s.tk, width], 1.0);
    let v = random(&mut r, &[s.batch * s.tk, width], 1.0);
    let (gq, gk, gv) = (up(g, &q), up(g, &k), up(g, &v));
    let (flash_out, stats) = kernels::flash_attention(g, &gq, &gk, &gv, s).expect("flash");
    let alpha = kernels::attention_rebuild(g, &gq, &gk, &stats, s).expect("rebuild");
    let (naive_out, naive_w) = kernels::attention_naive(g, &gq, &gk, &gv, s).expect("naive");
    let got = block_on(g.read_many(&[&flash_out, &alpha, &naive_out, &naive_w])).expect("read");
    let (want_out, want_w) = cpu_attention(&q, &k, &v, s);
    check(
        &format!("flash output vs CPU {s:?}"),
        &got[0],
        &want_out,
        tol,
    );
    check(&format!("rebuilt α vs CPU {s:?}"), &got[1], &want_w, tol);
    check(
        &format!("naive output vs CPU {s:?}"),
        &got[2],
        &want_out,
        tol,
    );
    check(&format!("naive α vs CPU {s:?}"), &got[3], &want_w, tol);
    let naive_alpha = Tensor::new(want_w.shape(), got[3].clone());
    check(
        &format!("rebuilt α vs naive α {s:?}"),
        &got[1],
        &naive_alpha,
        tol,
    );
    let flash = Tensor::new(want_out.shape(), got[0].clone());
    check(
        &format!("flash vs naive output {s:?}"),
        &got[2],
        &flash,
        tol,
    );
}

#[test]
fn flash_and_naive_match_cpu_on_ragged_shapes() {
    let Some(g) = gpu("flash_and_naive_match_cpu_on_ragged_shapes") else {
        return;
    };
    let lens = [1usize, 2, 15, 16, 17, 63, 64, 65, 67];
    let dims = [1usize, 8, 16, 33, 64, 128];
    let mut seed = 100;
    for (i, &tq) in lens.iter().enumerate() {
        for causal in [false, true] {
            let tk = if causal {
                tq + lens[(i * 5 + 2) % lens.len()] % 7
            } else {
                lens[(i * 4 + 1) % lens.len()]
            };
            let d = dims[(i + causal as usize) % dims.len()];
            let heads = 1 + (i % 3);
            let batch = 1 + (i % 2);
            seed += 1;
            run_case(
                &g,
                seed,
                AttentionShape {
                    batch,
                    heads,
                    tq,
                    tk,
                    d,
                    causal,
                },
                2e-5,
            );
        }
    }
}

#[test]
fn flash_matches_naive_and_cpu_up_to_2048() {
    let Some(g) = gpu("flash_matches_naive_and_cpu_up_to_2048") else {
        return;
    };
    // A few large cases only: lavapipe runs these on the CPU.
    run_case(
        &g,
        7,
        AttentionShape {
            batch: 1,
            heads: 2,
            tq: 1024,
            tk: 1024,
            d: 64,
            causal: false,
        },
        1e-4,
    );
    run_case(
        &g,
        8,
        AttentionShape {
            batch: 1,
            heads: 1,
            tq: 2048,
            tk: 2048,
            d: 64,
            causal: true,
        },
        1e-4,
    );
    run_case(
        &g,
        9,
        AttentionShape {
            batch: 1,
            heads: 1,
            tq: 2048,
            tk: 2048,
            d: 32,
            causal: false,
        },
        1e-4,
    );
    // a decoder step against a long KV cache
    run_case(
        &g,
        10,
        AttentionShape {
            batch: 2,
            heads: 4,
            tq: 1,
            tk: 2000,
            d: 64,
            causal: true,
        },
        1e-4,
    );
}

#[test]
fn naive_over_the_binding_limit_is_refused_while_flash_runs() {
    // A device that allows 1 MiB per storage binding: 600² scores need 1.44 MB.
    let opts = ContextOptions {
        max_binding_bytes: Some(1 << 20),
        ..ContextOptions::default()
    };
    let Some(ctx) = own_context(
        "naive_over_the_binding_limit_is_refused_while_flash_runs",
        &opts,
    ) else {
        return;
    };
    let g = Gpu::new(ctx);
    let s = AttentionShape {
        batch: 1,
        heads: 1,
        tq: 600,
        tk: 600,
        d: 16,
        causal: true,
    };
    let mut r = rng(11);
    let q = random(&mut r, &[600, 16], 1.0);
    let k = random(&mut r, &[600, 16], 1.0);
    let v = random(&mut r, &[600, 16], 1.0);
    let (gq, gk, gv) = (up(&g, &q), up(&g, &k), up(&g, &v));
    let err = kernels::attention_naive(&g, &gq, &gk, &gv, s).expect_err("naive must be refused");
    assert!(matches!(err, GpuError::Limit { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("maxStorageBufferBindingSize") && msg.contains("flash"),
        "unclear message: {msg}"
    );
    let (out, _) = kernels::flash_attention(&g, &gq, &gk, &gv, s).expect("flash runs");
    let got = block_on(g.read(&out)).expect("read");
    let want = ops::scaled_dot_product_attention(&q, &k, &v, 1, true).output;
    check("flash at a size naive cannot run", &got, &want, 2e-5);
    // converted into core's error for models
    let core: seq2seq_core::Error = err.into();
    assert!(matches!(core, seq2seq_core::Error::Backend(_)));
}
