//! Every op and layer of core's backward pass (`seq2seq_core::grad`) against central finite
//! differences in f64 (h = 1e-5). Bound: relative error ≤ 1e-6, where relative = max |analytic −
//! numeric| / max |numeric| over the checked tensor. Each check prints its numbers
//! (`cargo test -p seq2seq-core --test grad_ops -- --nocapture`).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seq2seq_core::grad::attention;
use seq2seq_core::grad::bahdanau::Bahdanau;
use seq2seq_core::grad::bidirectional::Bidirectional;
use seq2seq_core::grad::check::{central_difference, compare};
use seq2seq_core::grad::embedding::Embedding;
use seq2seq_core::grad::feed_forward::FeedForward;
use seq2seq_core::grad::layer_norm::LayerNorm;
use seq2seq_core::grad::linear::Linear;
use seq2seq_core::grad::loss::{cross_entropy, mean_cross_entropy};
use seq2seq_core::grad::mat::{dot, Mat};
use seq2seq_core::grad::multi_head_attention::MultiHeadAttention;
use seq2seq_core::grad::positions;
use seq2seq_core::grad::recurrent::{Cell, CellParams, State};
use seq2seq_core::grad::softmax::{softmax, softmax_backward};
use seq2seq_core::grad::transformer_layers::{DecoderLayer, EncoderLayer};
use seq2seq_core::grad::{activation, Grads};
use seq2seq_core::layers::CellKind;
use seq2seq_core::ops::Activation;

const H: f64 = 1e-5;
const TOL: f64 = 1e-6;

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn rand_vec(r: &mut StdRng, n: usize, scale: f64) -> Vec<f64> {
    (0..n).map(|_| r.random_range(-scale..scale)).collect()
}

fn rand_mat(r: &mut StdRng, rows: usize, cols: usize, scale: f64) -> Mat {
    Mat::new(rows, cols, rand_vec(r, rows * cols, scale))
}

/// ∂f/∂v_i for every i by central differences.
fn fd(values: &[f64], f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            central_difference(H, |d| {
                let mut v = values.to_vec();
                v[i] += d;
                f(&v)
            })
        })
        .collect()
}

/// Asserts the analytic gradient matches the numeric one and prints both's distance.
fn assert_close(what: &str, analytic: &[f64], numeric: &[f64]) {
    let c = compare(analytic, numeric);
    println!("{what}: {c}");
    assert!(
        c.scale > 0.0,
        "{what}: the numeric gradient is all zeros (nothing tested)"
    );
    assert!(c.within(TOL), "{what}: {c}");
}

fn grad<'a>(g: &'a Grads, name: &str) -> &'a [f64] {
    &g.get(name)
        .unwrap_or_else(|| panic!("no gradient for `{name}`"))
        .data
}

fn linear(r: &mut StdRng, name: &str, input: usize, output: usize, bias: bool) -> Linear {
    Linear {
        name: name.into(),
        weight: rand_mat(r, output, input, 0.6),
        bias: bias.then(|| rand_vec(r, output, 0.3)),
    }
}

#[test]
fn linear_backward() {
    let r = &mut rng(1);
    let l = linear(r, "fc", 5, 4, true);
    let x = rand_mat(r, 3, 5, 1.0);
    let w = rand_mat(r, 3, 4, 1.0);
    let loss = |l: &Linear, x: &Mat| dot(&l.forward(x).data, &w.data);
    let mut g = Grads::new();
    let dx = l.backward(&x, &w, &mut g);
    assert_close(
        "linear dx",
        &dx.data,
        &fd(&x.data, |v| loss(&l, &Mat::new(3, 5, v.to_vec()))),
    );
    let num_w = fd(&l.weight.data, |v| {
        let mut m = l.clone();
        m.weight.data = v.to_vec();
        loss(&m, &x)
    });
    assert_close("linear dW", grad(&g, "fc.weight"), &num_w);
    let bias = l.bias.clone().unwrap_or_default();
    let num_b = fd(&bias, |v| {
        let mut m = l.clone();
        m.bias = Some(v.to_vec());
        loss(&m, &x)
    });
    assert_close("linear db", grad(&g, "fc.bias"), &num_b);
}

#[test]
fn embedding_and_positions_backward() {
    let r = &mut rng(2);
    let table = Embedding {
        name: "emb".into(),
        table: rand_mat(r, 7, 6, 1.0),
    };
    let ids = [3u32, 1, 3, 6]; // 3 twice: its row collects both gradients
    let w = rand_mat(r, ids.len(), 6, 1.0);
    let loss = |t: &Embedding| dot(&positions::embed(t, &ids, 2).0.data, &w.data);
    let mut g = Grads::new();
    let de = positions::embed_backward(&table, &ids, &w, &mut g);
    let num = fd(&table.table.data, |v| {
        let mut t = table.clone();
        t.table.data = v.to_vec();
        loss(&t)
    });
    assert_close(
        "embedding (√D·e + PE) d table",
        grad(&g, "emb.weight"),
        &num,
    );
    // ∂L/∂e_j is √D · w_j.
    let scale = 6f64.sqrt();
    let expect: Vec<f64> = w.data.iter().map(|v| v * scale).collect();
    assert_close("positions ∂L/∂e", &de.data, &expect);
}

#[test]
fn activations_softmax_and_loss() {
    let r = &mut rng(3);
    for act in [
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Gelu,
        Activation::Relu,
    ] {
        let xs: Vec<f64> = rand_vec(r, 9, 3.0)
            .into_iter()
            .filter(|x| x.abs() > 1e-3)
            .collect();
        let analytic: Vec<f64> = xs.iter().map(|&x| activation::derivative(act, x)).collect();
        let numeric: Vec<f64> = xs
            .iter()
            .map(|&x| central_difference(H, |d| activation::apply(act, x + d)))
            .collect();
        assert_close(&format!("{act:?}'"), &analytic, &numeric);
    }
    let x = rand_vec(r, 6, 2.0);
    let w = rand_vec(r, 6, 1.0);
    let dx = softmax_backward(&softmax(&x), &w);
    assert_close("softmax", &dx, &fd(&x, |v| dot(&softmax(v), &w)));
    let (_, dz) = cross_entropy(&x, 4);
    assert_close("cross-entropy", &dz, &fd(&x, |v| cross_entropy(v, 4).0));
    let logits = vec![rand_vec(r, 5, 2.0), rand_vec(r, 5, 2.0)];
    let (_, _, d) = mean_cross_entropy(&logits, &[1, 3]);
    let flat: Vec<f64> = logits.concat();
    let num = fd(&flat, |v| {
        mean_cross_entropy(&[v[..5].to_vec(), v[5..].to_vec()], &[1, 3]).0
    });
    assert_close("mean cross-entropy", &d.concat(), &num);
}

#[test]
fn layer_norm_backward() {
    let r = &mut rng(4);
    let ln = LayerNorm {
        name: "ln".into(),
        weight: rand_vec(r, 8, 1.5),
        bias: rand_vec(r, 8, 0.5),
        eps: 1e-5,
    };
    let x = rand_mat(r, 3, 8, 2.0);
    let w = rand_mat(r, 3, 8, 1.0);
    let loss = |l: &LayerNorm, x: &Mat| dot(&l.forward(x).data, &w.data);
    let mut g = Grads::new();
    let dx = ln.backward(&x, &w, &mut g);
    assert_close(
        "layer norm dx",
        &dx.data,
        &fd(&x.data, |v| loss(&ln, &Mat::new(3, 8, v.to_vec()))),
    );
    let num_w = fd(&ln.weight, |v| {
        let mut l = ln.clone();
        l.weight = v.to_vec();
        loss(&l, &x)
    });
    assert_close("layer norm dw", grad(&g, "ln.weight"), &num_w);
    let num_b = fd(&ln.bias, |v| {
        let mut l = ln.clone();
        l.bias = v.to_vec();
        loss(&l, &x)
    });
    assert_close("layer norm db", grad(&g, "ln.bias"), &num_b);
}

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

#[test]
fn scaled_dot_product_attention_backward() {
    for (seed, causal, tq, tk) in [(50, false, 3, 5), (51, true, 4, 4), (52, true, 2, 5)] {
        let r = &mut rng(seed);
        let (heads, width) = (2, 6);
        let q = rand_mat(r, tq, width, 1.0);
        let k = rand_mat(r, tk, width, 1.0);
        let v = rand_mat(r, tk, width, 1.0);
        let w = rand_mat(r, tq, width, 1.0);
        let loss = |q: &Mat, k: &Mat, v: &Mat| {
            dot(&attention::forward(q, k, v, heads, causal).0.data, &w.data)
        };
        let (_, weights) = attention::forward(&q, &k, &v, heads, causal);
        let (dq, dk, dv) = attention::backward(&q, &k, &v, heads, &weights, &w);
        let what = format!("attention (causal {causal}, Tq {tq}, Tk {tk})");
        assert_close(
            &format!("{what} dq"),
            &dq.data,
            &fd(&q.data, |x| loss(&Mat::new(tq, width, x.to_vec()), &k, &v)),
        );
        assert_close(
            &format!("{what} dk"),
            &dk.data,
            &fd(&k.data, |x| loss(&q, &Mat::new(tk, width, x.to_vec()), &v)),
        );
        assert_close(
            &format!("{what} dv"),
            &dv.data,
            &fd(&v.data, |x| loss(&q, &k, &Mat::new(tk, width, x.to_vec()))),
        );
    }
}

fn mha(r: &mut StdRng, prefix: &str, dim: usize, heads: usize) -> MultiHeadAttention {
    MultiHeadAttention {
        q_proj: linear(r, &format!("{prefix}.q_proj"), dim, dim, true),
        k_proj: linear(r, &format!("{prefix}.k_proj"), dim, dim, true),
        v_proj: linear(r, &format!("{prefix}.v_proj"), dim, dim, true),
        out_proj: linear(r, &format!("{prefix}.out_proj"), dim, dim, true),
        heads,
    }
}

#[test]
fn multi_head_attention_backward() {
    let r = &mut rng(60);
    let (dim, heads, tq, tk) = (8, 2, 3, 4);
    let m = mha(r, "mha", dim, heads);
    let x = rand_mat(r, tq, dim, 1.0);
    let mem = rand_mat(r, tk, dim, 1.0);
    let w = rand_mat(r, tq, dim, 1.0);
    let loss = |m: &MultiHeadAttention, x: &Mat, mem: &Mat| {
        dot(&m.forward(x, mem, false).out.data, &w.data)
    };
    let pass = m.forward(&x, &mem, false);
    let mut g = Grads::new();
    let (dx, dm) = m.backward(&x, &mem, &pass, &w, &mut g);
    assert_close(
        "mha dx",
        &dx.data,
        &fd(&x.data, |v| loss(&m, &Mat::new(tq, dim, v.to_vec()), &mem)),
    );
    assert_close(
        "mha d memory",
        &dm.data,
        &fd(&mem.data, |v| loss(&m, &x, &Mat::new(tk, dim, v.to_vec()))),
    );
    for name in ["q_proj", "k_proj", "v_proj", "out_proj"] {
        let pick = |m: &MultiHeadAttention| -> Linear {
            match name {
                "q_proj" => m.q_proj.clone(),
                "k_proj" => m.k_proj.clone(),
                "v_proj" => m.v_proj.clone(),
                _ => m.out_proj.clone(),
            }
        };
        let set = |m: &mut MultiHeadAttention, l: Linear| match name {
            "q_proj" => m.q_proj = l,
            "k_proj" => m.k_proj = l,
            "v_proj" => m.v_proj = l,
            _ => m.out_proj = l,
        };
        let num = fd(&pick(&m).weight.data, |v| {
            let mut m2 = m.clone();
            let mut l = pick(&m);
            l.weight.data = v.to_vec();
            set(&mut m2, l);
            loss(&m2, &x, &mem)
        });
        assert_close(
            &format!("mha d {name}.weight"),
            grad(&g, &format!("mha.{name}.weight")),
            &num,
        );
    }
}

#[test]
fn feed_forward_backward() {
    for (seed, act) in [
        (70, Activation::Gelu),
        (71, Activation::Relu),
        (72, Activation::Tanh),
    ] {
        let r = &mut rng(seed);
        let f = FeedForward {
            fc1: linear(r, "ffn.fc1", 4, 7, true),
            fc2: linear(r, "ffn.fc2", 7, 4, true),
            activation: act,
        };
        let x = rand_mat(r, 3, 4, 1.0);
        let w = rand_mat(r, 3, 4, 1.0);
        let pass = f.forward(&x);
        let mut g = Grads::new();
        let dx = f.backward(&x, &pass, &w, &mut g);
        let num = fd(&x.data, |v| {
            dot(&f.forward(&Mat::new(3, 4, v.to_vec())).out.data, &w.data)
        });
        assert_close(&format!("ffn ({act:?}) dx"), &dx.data, &num);
        let num_w = fd(&f.fc1.weight.data, |v| {
            let mut f2 = f.clone();
            f2.fc1.weight.data = v.to_vec();
            dot(&f2.forward(&x).out.data, &w.data)
        });
        assert_close(
            &format!("ffn ({act:?}) d fc1.weight"),
            grad(&g, "ffn.fc1.weight"),
            &num_w,
        );
    }
}

fn norm(r: &mut StdRng, name: &str, dim: usize) -> LayerNorm {
    LayerNorm {
        name: name.into(),
        weight: rand_vec(r, dim, 1.5),
        bias: rand_vec(r, dim, 0.5),
        eps: 1e-5,
    }
}

#[test]
fn transformer_layers_backward() {
    let r = &mut rng(80);
    let (dim, heads, ffn, s, t) = (8, 2, 12, 4, 3);
    let enc = EncoderLayer {
        norm1: norm(r, "e.norm1", dim),
        self_attn: mha(r, "e.self_attn", dim, heads),
        norm2: norm(r, "e.norm2", dim),
        ffn: FeedForward {
            fc1: linear(r, "e.ffn.fc1", dim, ffn, true),
            fc2: linear(r, "e.ffn.fc2", ffn, dim, true),
            activation: Activation::Gelu,
        },
    };
    let x = rand_mat(r, s, dim, 1.0);
    let w = rand_mat(r, s, dim, 1.0);
    let mut g = Grads::new();
    let dx = enc.backward(&enc.forward(&x), &w, &mut g);
    let num = fd(&x.data, |v| {
        dot(
            &enc.forward(&Mat::new(s, dim, v.to_vec())).out.data,
            &w.data,
        )
    });
    assert_close("encoder layer dx", &dx.data, &num);
    let num_n = fd(&enc.norm1.weight, |v| {
        let mut e = enc.clone();
        e.norm1.weight = v.to_vec();
        dot(&e.forward(&x).out.data, &w.data)
    });
    assert_close(
        "encoder layer d norm1.weight",
        grad(&g, "e.norm1.weight"),
        &num_n,
    );

    let dec = DecoderLayer {
        norm1: norm(r, "d.norm1", dim),
        self_attn: mha(r, "d.self_attn", dim, heads),
        norm2: norm(r, "d.norm2", dim),
        cross_attn: mha(r, "d.cross_attn", dim, heads),
        norm3: norm(r, "d.norm3", dim),
        ffn: FeedForward {
            fc1: linear(r, "d.ffn.fc1", dim, ffn, true),
            fc2: linear(r, "d.ffn.fc2", ffn, dim, true),
            activation: Activation::Gelu,
        },
    };
    let y = rand_mat(r, t, dim, 1.0);
    let wy = rand_mat(r, t, dim, 1.0);
    let wc = rand_mat(r, t, dim, 1.0); // a seed on the cross-attention output (∂c/∂e)
    let loss = |d: &DecoderLayer, y: &Mat, m: &Mat| {
        let p = d.forward(y, m);
        dot(&p.out.data, &wy.data) + dot(&p.cross.out.data, &wc.data)
    };
    let mut g = Grads::new();
    let (dy, dm) = dec.backward(&dec.forward(&y, &x), &x, &wy, Some(&wc), &mut g);
    assert_close(
        "decoder layer dy",
        &dy.data,
        &fd(&y.data, |v| loss(&dec, &Mat::new(t, dim, v.to_vec()), &x)),
    );
    assert_close(
        "decoder layer d memory",
        &dm.data,
        &fd(&x.data, |v| loss(&dec, &y, &Mat::new(s, dim, v.to_vec()))),
    );
    let num_c = fd(&dec.cross_attn.k_proj.weight.data, |v| {
        let mut d = dec.clone();
        d.cross_attn.k_proj.weight.data = v.to_vec();
        loss(&d, &y, &x)
    });
    assert_close(
        "decoder layer d cross_attn.k_proj.weight",
        grad(&g, "d.cross_attn.k_proj.weight"),
        &num_c,
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
