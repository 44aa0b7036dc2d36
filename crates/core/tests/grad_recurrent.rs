//! The recurrent parts of core's backward pass (`seq2seq_core::grad`) against central finite
//! differences in f64 (h = 1e-5): the RNN, GRU and LSTM cells, backpropagation through time
//! (with the total ∂L/∂h_t the memory view draws), the bidirectional layer, additive attention;
//! and a check that a wrong gradient is caught. Bound as in `grad_ops.rs`: relative ≤ 1e-6.
//! `cargo test -p seq2seq-core --test grad_recurrent -- --nocapture` prints every number.

mod grad_check;

use grad_check::{assert_close, fd, grad, linear, rand_mat, rand_vec, rng, H, TOL};
use rand::rngs::StdRng;
use seq2seq_core::grad::bahdanau::Bahdanau;
use seq2seq_core::grad::bidirectional::Bidirectional;
use seq2seq_core::grad::check::{central_difference, compare};
use seq2seq_core::grad::mat::{dot, Mat};
use seq2seq_core::grad::recurrent::{Cell, CellParams, State};
use seq2seq_core::grad::Grads;
use seq2seq_core::layers::CellKind;

fn cell(
    r: &mut StdRng,
    kind: CellKind,
    prefix: &str,
    suffix: &str,
    input: usize,
    hidden: usize,
) -> Cell {
    let rows = kind.gates() * hidden;
    Cell {
        kind,
        hidden,
        params: CellParams {
            prefix: prefix.into(),
            suffix: suffix.into(),
            w_ih: rand_mat(r, rows, input, 0.7),
            w_hh: rand_mat(r, rows, hidden, 0.7),
            b_ih: rand_vec(r, rows, 0.4),
            b_hh: rand_vec(r, rows, 0.4),
        },
    }
}

/// The four weight tensors of a cell as (name, values, setter).
fn check_cell_params(what: &str, c: &Cell, g: &Grads, loss: &dyn Fn(&Cell) -> f64) {
    for tensor in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
        let values = {
            let mut c2 = c.clone();
            let mut ps = Vec::new();
            c2.params.params_mut(&mut ps);
            ps.into_iter()
                .find(|(n, _)| *n == c.params.name(tensor))
                .map(|(_, v)| v.to_vec())
                .unwrap_or_default()
        };
        let num = fd(&values, |v| {
            let mut c2 = c.clone();
            match tensor {
                "weight_ih" => c2.params.w_ih.data = v.to_vec(),
                "weight_hh" => c2.params.w_hh.data = v.to_vec(),
                "bias_ih" => c2.params.b_ih = v.to_vec(),
                _ => c2.params.b_hh = v.to_vec(),
            }
            loss(&c2)
        });
        assert_close(
            &format!("{what} d{tensor}"),
            grad(g, &c.params.name(tensor)),
            &num,
        );
    }
}

fn random_state(r: &mut StdRng, kind: CellKind, hidden: usize) -> State {
    State {
        h: rand_vec(r, hidden, 0.8),
        c: (kind == CellKind::Lstm).then(|| rand_vec(r, hidden, 0.8)),
    }
}

/// L = w_h · h' (+ w_c · c') of one step.
fn state_dot(s: &State, w: &State) -> f64 {
    dot(&s.h, &w.h)
        + s.c
            .as_ref()
            .zip(w.c.as_ref())
            .map_or(0.0, |(a, b)| dot(a, b))
}

#[test]
fn rnn_gru_lstm_cell_steps() {
    for (seed, kind) in [
        (10, CellKind::Rnn),
        (11, CellKind::Gru),
        (12, CellKind::Lstm),
    ] {
        let r = &mut rng(seed);
        let (input, hidden) = (5, 4);
        let c = cell(r, kind, "rnn", "l0", input, hidden);
        let x = rand_vec(r, input, 1.0);
        let s = random_state(r, kind, hidden);
        let w = random_state(r, kind, hidden);
        let loss = |c: &Cell, x: &[f64], s: &State| state_dot(&c.step(x, s), &w);
        let mut g = Grads::new();
        let (dx, ds) = c.step_backward(&x, &s, &w, &mut g);
        let what = format!("{kind:?} cell");
        assert_close(&format!("{what} dx"), &dx, &fd(&x, |v| loss(&c, v, &s)));
        let num_h = fd(&s.h, |v| {
            loss(
                &c,
                &x,
                &State {
                    h: v.to_vec(),
                    c: s.c.clone(),
                },
            )
        });
        assert_close(&format!("{what} dh"), &ds.h, &num_h);
        if let (Some(c0), Some(dc)) = (&s.c, &ds.c) {
            let num_c = fd(c0, |v| {
                loss(
                    &c,
                    &x,
                    &State {
                        h: s.h.clone(),
                        c: Some(v.to_vec()),
                    },
                )
            });
            assert_close(&format!("{what} dc"), dc, &num_c);
        }
        check_cell_params(&what, &c, &g, &|c2| loss(c2, &x, &s));
    }
}

/// Backpropagation through time, including the total ∂L/∂h_t the memory view draws: checked by
/// adding δ to h_t in the middle of the unrolled forward pass.
#[test]
fn backpropagation_through_time() {
    for (seed, kind) in [
        (20, CellKind::Rnn),
        (21, CellKind::Gru),
        (22, CellKind::Lstm),
    ] {
        let r = &mut rng(seed);
        let (input, hidden, steps) = (3, 4, 5);
        let c = cell(r, kind, "enc", "l0", input, hidden);
        let xs: Vec<Vec<f64>> = (0..steps).map(|_| rand_vec(r, input, 1.0)).collect();
        let init = random_state(r, kind, hidden);
        let w_out: Vec<Vec<f64>> = (0..steps).map(|_| rand_vec(r, hidden, 1.0)).collect();
        let w_last = random_state(r, kind, hidden);
        // L = Σ_t w_t · h_t + w_last · s_T, with an optional nudge (t, k, δ) on h_t.
        let loss = |c: &Cell, xs: &[Vec<f64>], init: &State, nudge: Option<(usize, usize, f64)>| {
            let mut s = init.clone();
            let mut l = 0.0;
            for (t, x) in xs.iter().enumerate() {
                s = c.step(x, &s);
                if let Some((nt, k, d)) = nudge.filter(|n| n.0 == t) {
                    let _ = nt;
                    s.h[k] += d;
                }
                l += dot(&s.h, &w_out[t]);
            }
            l + state_dot(&s, &w_last)
        };
        let states = c.unroll(&xs, &init);
        let mut g = Grads::new();
        let b = c.unroll_backward(&xs, &init, &states, &w_out, &w_last, &mut g);
        let what = format!("{kind:?} BPTT");
        let flat_x: Vec<f64> = xs.concat();
        let num_x = fd(&flat_x, |v| {
            let xs2: Vec<Vec<f64>> = v.chunks(input).map(<[f64]>::to_vec).collect();
            loss(&c, &xs2, &init, None)
        });
        assert_close(&format!("{what} dx"), &b.dxs.concat(), &num_x);
        let num_h0 = fd(&init.h, |v| {
            loss(
                &c,
                &xs,
                &State {
                    h: v.to_vec(),
                    c: init.c.clone(),
                },
                None,
            )
        });
        assert_close(&format!("{what} d h_init"), &b.d_init.h, &num_h0);
        let num_ht: Vec<f64> = (0..steps)
            .flat_map(|t| (0..hidden).map(move |k| (t, k)))
            .map(|(t, k)| central_difference(H, |d| loss(&c, &xs, &init, Some((t, k, d)))))
            .collect();
        assert_close(
            &format!("{what} total ∂L/∂h_t"),
            &b.dh_total.concat(),
            &num_ht,
        );
        check_cell_params(&what, &c, &g, &|c2| loss(c2, &xs, &init, None));
    }
}

#[test]
fn bidirectional_backward() {
    let r = &mut rng(30);
    let (input, hidden, steps) = (3, 4, 4);
    let bi = Bidirectional {
        forward: cell(r, CellKind::Gru, "enc", "l0", input, hidden),
        backward: cell(r, CellKind::Gru, "enc", "l0_reverse", input, hidden),
    };
    let xs: Vec<Vec<f64>> = (0..steps).map(|_| rand_vec(r, input, 1.0)).collect();
    let w = rand_mat(r, steps, 2 * hidden, 1.0);
    let (wf, wb) = (rand_vec(r, hidden, 1.0), rand_vec(r, hidden, 1.0));
    let loss = |bi: &Bidirectional, xs: &[Vec<f64>]| {
        let p = bi.run(xs);
        dot(&Bidirectional::annotations(&p).data, &w.data)
            + dot(&p.fwd[steps - 1].h, &wf)
            + dot(&p.bwd[0].h, &wb)
    };
    let pass = bi.run(&xs);
    let mut g = Grads::new();
    let b = bi.backward_pass(&xs, &pass, &w, &wf, &wb, &mut g);
    let num = fd(&xs.concat(), |v| {
        loss(
            &bi,
            &v.chunks(input).map(<[f64]>::to_vec).collect::<Vec<_>>(),
        )
    });
    assert_close("bidirectional dx", &b.dxs.concat(), &num);
    // The total ∂L/∂h→_t and ∂L/∂h←_t: δ added to one state in the middle of either recurrence.
    let nudged = |dir: usize, t0: usize, k: usize, d: f64| {
        let run = |cell: &Cell, order: Vec<usize>, this: usize| {
            let mut s = cell.zero_state();
            let mut hs = vec![Vec::new(); steps];
            for t in order {
                s = cell.step(&xs[t], &s);
                if this == dir && t == t0 {
                    s.h[k] += d;
                }
                hs[t] = s.h.clone();
            }
            hs
        };
        let f = run(&bi.forward, (0..steps).collect(), 0);
        let b = run(&bi.backward, (0..steps).rev().collect(), 1);
        let ann: Vec<f64> = (0..steps)
            .flat_map(|t| [f[t].clone(), b[t].clone()].concat())
            .collect();
        dot(&ann, &w.data) + dot(&f[steps - 1], &wf) + dot(&b[0], &wb)
    };
    for (dir, analytic, name) in [(0, &b.dh_fwd, "→"), (1, &b.dh_bwd, "←")] {
        let num: Vec<f64> = (0..steps)
            .flat_map(|t| (0..hidden).map(move |k| (t, k)))
            .map(|(t, k)| central_difference(H, |d| nudged(dir, t, k, d)))
            .collect();
        assert_close(
            &format!("bidirectional total ∂L/∂h{name}_t"),
            &analytic.concat(),
            &num,
        );
    }
    check_cell_params("bidirectional →", &bi.forward, &g, &|c| {
        loss(
            &Bidirectional {
                forward: c.clone(),
                backward: bi.backward.clone(),
            },
            &xs,
        )
    });
    check_cell_params("bidirectional ←", &bi.backward, &g, &|c| {
        loss(
            &Bidirectional {
                forward: bi.forward.clone(),
                backward: c.clone(),
            },
            &xs,
        )
    });
}

#[test]
fn additive_attention_backward() {
    let r = &mut rng(40);
    let (hidden, dim, a, len) = (4, 6, 5, 5);
    let att = Bahdanau {
        query: linear(r, "att.query", hidden, a, false),
        key: linear(r, "att.key", dim, a, true),
        v: rand_vec(r, a, 1.0),
        v_name: "att.v.weight".into(),
    };
    let s = rand_vec(r, hidden, 1.0);
    let keys = rand_mat(r, len, a, 1.0);
    let ann = rand_mat(r, len, dim, 1.0);
    let w = rand_vec(r, dim, 1.0);
    let loss = |att: &Bahdanau, s: &[f64], keys: &Mat, ann: &Mat| {
        dot(&att.attend(s, keys, ann).context, &w)
    };
    let out = att.attend(&s, &keys, &ann);
    let mut g = Grads::new();
    let b = att.attend_backward(&s, &keys, &ann, &out.alpha, &w, &mut g);
    assert_close(
        "additive attention ds",
        &b.ds,
        &fd(&s, |v| loss(&att, v, &keys, &ann)),
    );
    let num_k = fd(&keys.data, |v| {
        loss(&att, &s, &Mat::new(len, a, v.to_vec()), &ann)
    });
    assert_close("additive attention d keys", &b.d_keys.data, &num_k);
    let num_h = fd(&ann.data, |v| {
        loss(&att, &s, &keys, &Mat::new(len, dim, v.to_vec()))
    });
    assert_close("additive attention d annotations", &b.d_values.data, &num_h);
    let num_v = fd(&att.v, |v| {
        let mut a2 = att.clone();
        a2.v = v.to_vec();
        loss(&a2, &s, &keys, &ann)
    });
    assert_close("additive attention dv", grad(&g, "att.v.weight"), &num_v);
    let num_q = fd(&att.query.weight.data, |v| {
        let mut a2 = att.clone();
        a2.query.weight.data = v.to_vec();
        loss(&a2, &s, &keys, &ann)
    });
    assert_close(
        "additive attention dW_q",
        grad(&g, "att.query.weight"),
        &num_q,
    );
}

/// The check can fail: a gradient off by 1% in one entry is caught.
#[test]
fn the_check_catches_a_wrong_gradient() {
    let r = &mut rng(90);
    let c = cell(r, CellKind::Gru, "rnn", "l0", 4, 3);
    let x = rand_vec(r, 4, 1.0);
    let s = random_state(r, CellKind::Gru, 3);
    let w = random_state(r, CellKind::Gru, 3);
    let (mut dx, _) = c.step_backward(&x, &s, &w, &mut Grads::discard());
    let num = fd(&x, |v| dot(&c.step(v, &s).h, &w.h));
    assert!(compare(&dx, &num).within(TOL));
    dx[2] *= 1.01;
    let bad = compare(&dx, &num);
    println!("a gradient off by 1% in one entry: {bad}");
    assert!(!bad.within(TOL), "a 1% error went unnoticed: {bad}");
}
