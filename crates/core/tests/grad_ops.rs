//! Every op and layer of core's backward pass (`seq2seq_core::grad`) that is not recurrent against
//! central finite differences in f64 (h = 1e-5): linear, embedding with positions, activations,
//! softmax, cross-entropy, layer norm, scaled dot-product and multi-head attention, feed-forward,
//! Transformer layers. Bound: relative error ≤ 1e-6, where relative = max |analytic − numeric| /
//! max |numeric| over the checked tensor. The recurrent ones are in `grad_recurrent.rs`.
//! `cargo test -p seq2seq-core --test grad_ops -- --nocapture` prints every number.

mod grad_check;

use grad_check::{assert_close, fd, grad, linear, rand_mat, rand_vec, rng, H};
use rand::rngs::StdRng;
use seq2seq_core::grad::attention;
use seq2seq_core::grad::check::central_difference;
use seq2seq_core::grad::embedding::Embedding;
use seq2seq_core::grad::feed_forward::FeedForward;
use seq2seq_core::grad::layer_norm::LayerNorm;
use seq2seq_core::grad::linear::Linear;
use seq2seq_core::grad::loss::{cross_entropy, mean_cross_entropy};
use seq2seq_core::grad::mat::{dot, Mat};
use seq2seq_core::grad::multi_head_attention::MultiHeadAttention;
use seq2seq_core::grad::positions;
use seq2seq_core::grad::softmax::{softmax, softmax_backward};
use seq2seq_core::grad::transformer_layers::{DecoderLayer, EncoderLayer};
use seq2seq_core::grad::{activation, Grads};
use seq2seq_core::ops::Activation;

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
