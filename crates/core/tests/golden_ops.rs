//! Golden tests of the building blocks: every op (linear, activations, softmax, layer norm,
//! positions), one step of each cell, the bidirectional GRU, Bahdanau and scaled dot-product
//! attention and the multi-head layer, compared with values computed independently in NumPy by
//! `tests/golden/generate.py` (inputs and weights in `tests/golden/ops.safetensors`). The models
//! are in `golden_models.rs`; the tolerance and the llm.c-style check in `golden/mod.rs`.

mod golden;

use golden::*;
use seq2seq_core::backend::{Backend, CpuBackend};
use seq2seq_core::layers::positions::sinusoidal;
use seq2seq_core::layers::{
    BahdanauAttention, Bidirectional, CellKind, CellState, LayerNorm, MultiHeadAttention, Recurrent,
};
use seq2seq_core::ops::{self, Activation};
use seq2seq_core::tensor::Tensor;
use seq2seq_core::weights::Weights;

const OPS: &[u8] = include_bytes!("golden/ops.safetensors");

/// The inputs and weights of the op cases.
fn ops_weights() -> Weights {
    Weights::from_safetensors(OPS).expect("ops.safetensors parses")
}

fn ops_tensor(name: &str, shape: &[usize]) -> Tensor {
    ops_weights()
        .take(name, shape)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn gate<'a>(gates: &'a [(&'static str, Tensor)], name: &str) -> &'a Tensor {
    &gates
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no gate {name}"))
        .1
}

// ------------------------------------------------------------------------------------------ ops

#[test]
fn golden_linear() {
    let x = ops_tensor("linear.x", &[3, 7]);
    let w = ops_tensor("linear.weight", &[5, 7]);
    let b = ops_tensor("linear.bias", &[5]);
    check_tensor("linear", &ops::linear(&x, &w, Some(&b)), &LINEAR_Y);
    check_tensor(
        "backend linear",
        &CpuBackend.linear(&x, &w, Some(&b)),
        &LINEAR_Y,
    );
}

#[test]
fn golden_activations() {
    let x = ops_tensor("act.x", &[14]);
    check_tensor("gelu (tanh approximation)", &ops::gelu(&x), &GELU_Y);
    check_tensor("sigmoid", &ops::sigmoid(&x), &SIGMOID_Y);
    check_tensor("tanh", &ops::tanh(&x), &TANH_Y);
    check_tensor(
        "backend gelu",
        &CpuBackend.activation(&x, Activation::Gelu),
        &GELU_Y,
    );
}

#[test]
fn golden_softmax() {
    let x = ops_tensor("softmax.x", &[4, 6]);
    check_tensor("softmax rows", &ops::softmax_rows(&x), &SOFTMAX_Y);
}

#[test]
fn golden_layer_norm() {
    let mut w = ops_weights();
    let x = w.take("ln.x", &[3, D]).unwrap();
    let norm = LayerNorm::new(&CpuBackend, &mut w, "ln", D).unwrap();
    assert_eq!(seq2seq_core::layers::layer_norm::LAYER_NORM_EPS, 1e-5);
    check_tensor("layer norm", &norm.forward(&CpuBackend, &x), &LAYER_NORM_Y);
    check_tensor(
        "ops::layer_norm",
        &ops::layer_norm(&x, &norm.weight, &norm.bias, 1e-5),
        &LAYER_NORM_Y,
    );
}

#[test]
fn golden_sinusoidal_positions() {
    check_tensor(
        "positions 0..4, D 8",
        &sinusoidal(0, 4, 8),
        &POSITIONS_0_4_8,
    );
    check_tensor(
        "positions 5..8, D 6",
        &sinusoidal(5, 3, 6),
        &POSITIONS_5_3_6,
    );
    check_tensor(
        "positions 2..5, D 5 (odd)",
        &sinusoidal(2, 3, 5),
        &POSITIONS_2_3_5,
    );
}

// ---------------------------------------------------------------------------------------- cells

/// One step of the cell `{prefix}.*_l0` on the fixture batch (2 sequences).
fn cell_step(prefix: &str, kind: CellKind) -> (CellState<Tensor>, Vec<(&'static str, Tensor)>) {
    let mut w = ops_weights();
    let x = w.take("cell.x", &[2, E]).unwrap();
    let h = w.take("cell.h", &[2, H]).unwrap();
    let c = w.take("cell.c", &[2, H]).unwrap();
    let cell = Recurrent::new(&CpuBackend, &mut w, prefix, "l0", kind, E, H).unwrap();
    let state = CellState {
        h,
        c: (kind == CellKind::Lstm).then_some(c),
    };
    let step = cell.step(&CpuBackend, &x, &state);
    let names: Vec<&str> = step.gates.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, kind.gate_names(), "gate names of {kind:?}");
    (step.state, step.gates)
}

#[test]
fn golden_rnn_cell() {
    let (state, _) = cell_step("rnn_cell", CellKind::Rnn);
    check_tensor("rnn cell h'", &state.h, &RNN_CELL_H);
    assert!(state.c.is_none());
}

#[test]
fn golden_gru_cell() {
    let (state, gates) = cell_step("gru_cell", CellKind::Gru);
    check_tensor("gru cell h'", &state.h, &GRU_CELL_H);
    check_tensor("gru cell r", gate(&gates, "r"), &GRU_CELL_R);
    check_tensor("gru cell z", gate(&gates, "z"), &GRU_CELL_Z);
    check_tensor("gru cell n", gate(&gates, "n"), &GRU_CELL_N);
}

#[test]
fn golden_lstm_cell() {
    let (state, gates) = cell_step("lstm_cell", CellKind::Lstm);
    check_tensor("lstm cell h'", &state.h, &LSTM_CELL_H);
    check_tensor("lstm cell c'", state.c.as_ref().unwrap(), &LSTM_CELL_C);
    check_tensor("lstm cell i", gate(&gates, "i"), &LSTM_CELL_I);
    check_tensor("lstm cell f", gate(&gates, "f"), &LSTM_CELL_F);
    check_tensor("lstm cell g", gate(&gates, "g"), &LSTM_CELL_G);
    check_tensor("lstm cell o", gate(&gates, "o"), &LSTM_CELL_O);
}

#[test]
fn golden_bidirectional_gru() {
    let b = CpuBackend;
    let mut w = ops_weights();
    let x = w.take("bigru.x", &[4, E]).unwrap();
    let layer = Bidirectional::new(&b, &mut w, "bigru", CellKind::Gru, E, H).unwrap();
    let xs: Vec<Tensor> = (0..4).map(|t| ops::slice_rows(&x, t, 1)).collect();
    let out = layer.run(&b, &xs);
    let rows: Vec<Vec<f32>> = out.annotations.iter().map(|a| a.data().to_vec()).collect();
    check_rows(
        "bidirectional GRU annotations [h→ ; h←]",
        &rows,
        &BIGRU_ANNOTATIONS,
    );
    let z: Vec<Vec<f32>> = out
        .forward
        .iter()
        .map(|s| gate(&s.gates, "z").data().to_vec())
        .collect();
    check_rows("bidirectional GRU forward z", &z, &BIGRU_Z_FORWARD);
    let r: Vec<Vec<f32>> = out
        .backward
        .iter()
        .map(|s| gate(&s.gates, "r").data().to_vec())
        .collect();
    check_rows(
        "bidirectional GRU backward r (source order)",
        &r,
        &BIGRU_R_BACKWARD,
    );
}

// ------------------------------------------------------------------------------------ attention

#[test]
fn golden_bahdanau_attention() {
    let b = CpuBackend;
    let mut w = ops_weights();
    let s = w.take("bahdanau.s", &[1, H]).unwrap();
    let ann = w.take("bahdanau.annotations", &[5, 2 * H]).unwrap();
    let att = BahdanauAttention::new(&b, &mut w, "bahdanau", H, 2 * H, A).unwrap();
    let keys = att.project_keys(&b, &ann);
    let (context, alpha) = att.attend(&b, &s, &keys, &ann);
    check_tensor("bahdanau context", &context, &BAHDANAU_CONTEXT);
    check_tensor("bahdanau alpha", &alpha, &BAHDANAU_ALPHA);
}

/// name, q, k, v, heads, causal, expected output, expected weights
type SdpaCase<'a> = (
    &'a str,
    &'a Tensor,
    &'a Tensor,
    &'a Tensor,
    usize,
    bool,
    &'a Golden,
    &'a Golden,
);

#[test]
fn golden_scaled_dot_product_attention() {
    let t = |name: &str, rows: usize| ops_tensor(name, &[rows, D]);
    let (q4, k4, v4) = (t("sdpa.q4", 4), t("sdpa.k4", 4), t("sdpa.v4", 4));
    let (q2, q3, k5, v5) = (
        t("sdpa.q2", 2),
        t("sdpa.q3", 3),
        t("sdpa.k5", 5),
        t("sdpa.v5", 5),
    );
    let q_last = ops::slice_rows(&q2, 1, 1);
    #[rustfmt::skip]
    let cases: [SdpaCase; 6] = [
        ("self, 2 heads", &q4, &k4, &v4, 2, false, &SDPA_SELF_H2_OUT, &SDPA_SELF_H2_WEIGHTS),
        ("causal, 2 heads", &q4, &k4, &v4, 2, true, &SDPA_CAUSAL_H2_OUT, &SDPA_CAUSAL_H2_WEIGHTS),
        ("self, 4 heads", &q4, &k4, &v4, 4, false, &SDPA_SELF_H4_OUT, &SDPA_SELF_H4_WEIGHTS),
        ("cross Tq 3 < Tk 5", &q3, &k5, &v5, 2, false, &SDPA_CROSS_H2_OUT, &SDPA_CROSS_H2_WEIGHTS),
        ("causal KV cache Tq 2 < Tk 5", &q2, &k5, &v5, 2, true, &SDPA_CACHE_H2_OUT, &SDPA_CACHE_H2_WEIGHTS),
        ("causal one query over Tk 5", &q_last, &k5, &v5, 2, true, &SDPA_STEP_H2_OUT, &SDPA_STEP_H2_WEIGHTS),
    ];
    for (name, q, k, v, heads, causal, out, weights) in cases {
        let got = ops::scaled_dot_product_attention(q, k, v, heads, causal);
        check_tensor(&format!("sdpa {name}: output"), &got.output, out);
        check_tensor(&format!("sdpa {name}: weights"), &got.weights, weights);
        let backend = CpuBackend.attention(q, k, v, heads, causal, true);
        check_tensor(
            &format!("backend sdpa {name}: output"),
            &backend.output,
            out,
        );
        check_tensor(
            &format!("backend sdpa {name}: weights"),
            backend.weights.as_ref().unwrap(),
            weights,
        );
        assert!(CpuBackend
            .attention(q, k, v, heads, causal, false)
            .weights
            .is_none());
    }
}

#[test]
fn golden_multi_head_attention_layer() {
    let b = CpuBackend;
    let mut w = ops_weights();
    let x = w.take("mha.x", &[3, D]).unwrap();
    let mha = MultiHeadAttention::new(&b, &mut w, "mha", D, HEADS).unwrap();
    let (k, v) = mha.keys_values(&b, &x);
    let out = mha.attend(&b, &x, &k, &v, true, true);
    check_tensor(
        "multi-head causal self-attention output",
        &out.output,
        &MHA_CAUSAL_OUT,
    );
    check_tensor(
        "multi-head causal self-attention weights",
        out.weights.as_ref().unwrap(),
        &MHA_CAUSAL_WEIGHTS,
    );
}

#[test]
fn ops_fixture_holds_only_what_the_cases_use() {
    // Every tensor in ops.safetensors is read by some case above (the loader's unused check).
    let b = CpuBackend;
    let mut w = ops_weights();
    for (name, shape) in [
        ("linear.x", vec![3, 7]),
        ("linear.weight", vec![5, 7]),
        ("linear.bias", vec![5]),
        ("act.x", vec![14]),
        ("softmax.x", vec![4, 6]),
        ("ln.x", vec![3, D]),
        ("ln.weight", vec![D]),
        ("ln.bias", vec![D]),
        ("cell.x", vec![2, E]),
        ("cell.h", vec![2, H]),
        ("cell.c", vec![2, H]),
        ("bigru.x", vec![4, E]),
        ("bahdanau.s", vec![1, H]),
        ("bahdanau.annotations", vec![5, 2 * H]),
        ("sdpa.q4", vec![4, D]),
        ("sdpa.k4", vec![4, D]),
        ("sdpa.v4", vec![4, D]),
        ("sdpa.q2", vec![2, D]),
        ("sdpa.q3", vec![3, D]),
        ("sdpa.k5", vec![5, D]),
        ("sdpa.v5", vec![5, D]),
        ("mha.x", vec![3, D]),
    ] {
        w.take(name, &shape).unwrap();
    }
    Recurrent::new(&b, &mut w, "rnn_cell", "l0", CellKind::Rnn, E, H).unwrap();
    Recurrent::new(&b, &mut w, "gru_cell", "l0", CellKind::Gru, E, H).unwrap();
    Recurrent::new(&b, &mut w, "lstm_cell", "l0", CellKind::Lstm, E, H).unwrap();
    Bidirectional::new(&b, &mut w, "bigru", CellKind::Gru, E, H).unwrap();
    BahdanauAttention::new(&b, &mut w, "bahdanau", H, 2 * H, A).unwrap();
    MultiHeadAttention::new(&b, &mut w, "mha", D, HEADS).unwrap();
    w.finish().unwrap();
}
