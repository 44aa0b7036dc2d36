//! Golden tests: every op, cell, attention variant and one encode + two decoder steps of each model
//! family, compared with values computed independently in NumPy by `tests/golden/generate.py`
//! (inputs and weights in `tests/golden/*.safetensors`, expected outputs rounded to 6 significant
//! digits in `tests/golden/values.rs`). To regenerate: `python3 crates/core/tests/golden/generate.py`.
//!
//! Tolerance: |got − want| ≤ ATOL + RTOL·|want| elementwise. On failure the message names the
//! tensor, the largest difference and where it is, and the first index out of tolerance (llm.c style).

use seq2seq_core::backend::{Backend, CpuBackend};
use seq2seq_core::layers::positions::sinusoidal;
use seq2seq_core::layers::{
    BahdanauAttention, Bidirectional, CellKind, CellState, LayerNorm, MultiHeadAttention, Recurrent,
};
use seq2seq_core::models::{
    AnyModel, AttentionConfig, FixedContextModel, GruAttentionModel, ModelConfig, RecurrentConfig,
    Seq2Seq, TransformerConfig, TransformerModel,
};
use seq2seq_core::ops::{self, Activation};
use seq2seq_core::tensor::Tensor;
use seq2seq_core::tokenizer::BOS;
use seq2seq_core::weights::Weights;

/// An expected tensor: its shape and its row-major values.
struct Golden {
    shape: &'static [usize],
    data: &'static [f32],
}

include!("golden/values.rs");

const ATOL: f32 = 1e-5;
const RTOL: f32 = 1e-5;

/// Compare `got` (with its shape) with `want`, llm.c style.
fn check(name: &str, got_shape: &[usize], got: &[f32], want: &Golden) {
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

fn check_tensor(name: &str, got: &Tensor, want: &Golden) {
    check(name, got.shape(), got.data(), want);
}

/// A vector of the trace (shape [n]).
fn check_vec(name: &str, got: &[f32], want: &Golden) {
    check(name, &[got.len()], got, want);
}

/// Nested trace rows [n][m] → shape [n, m].
fn check_rows(name: &str, got: &[Vec<f32>], want: &Golden) {
    let m = got.first().map_or(0, Vec::len);
    assert!(got.iter().all(|r| r.len() == m), "{name}: ragged rows");
    check(name, &[got.len(), m], &got.concat(), want);
}

/// [L][heads][T] → shape [L, heads, T].
fn check_3d(name: &str, got: &[Vec<Vec<f32>>], want: &Golden) {
    let heads = got.first().map_or(0, Vec::len);
    let t = got.first().and_then(|l| l.first()).map_or(0, Vec::len);
    let flat: Vec<f32> = got.iter().flatten().flatten().copied().collect();
    check(name, &[got.len(), heads, t], &flat, want);
}

/// [L][heads][S][S] → shape [L, heads, S, S].
fn check_4d(name: &str, got: &[Vec<Vec<Vec<f32>>>], want: &Golden) {
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

// --------------------------------------------------------------------------------------- models

fn recurrent_config() -> RecurrentConfig {
    RecurrentConfig {
        src_vocab: SRC_VOCAB,
        tgt_vocab: TGT_VOCAB,
        embed_dim: E,
        hidden_dim: H,
    }
}

fn attention_config() -> AttentionConfig {
    AttentionConfig {
        src_vocab: SRC_VOCAB,
        tgt_vocab: TGT_VOCAB,
        embed_dim: E,
        hidden_dim: H,
        attn_dim: A,
    }
}

fn transformer_config() -> TransformerConfig {
    TransformerConfig {
        src_vocab: SRC_VOCAB,
        tgt_vocab: TGT_VOCAB,
        dim: D,
        heads: HEADS,
        ffn_dim: FFN,
        encoder_layers: LAYERS,
        decoder_layers: LAYERS,
        activation: Activation::Gelu,
    }
}

fn fixture(family: &str) -> Weights {
    let bytes: &[u8] = match family {
        "rnn" => include_bytes!("golden/rnn.safetensors"),
        "gru" => include_bytes!("golden/gru.safetensors"),
        "lstm" => include_bytes!("golden/lstm.safetensors"),
        "gru-attn" => include_bytes!("golden/gru-attn.safetensors"),
        "transformer" => include_bytes!("golden/transformer.safetensors"),
        other => panic!("no fixture for {other}"),
    };
    Weights::from_safetensors(bytes).unwrap()
}

#[test]
fn golden_fixtures_build_through_any_model() {
    for (family, config) in [
        ("rnn", ModelConfig::Rnn(recurrent_config())),
        ("gru", ModelConfig::Gru(recurrent_config())),
        ("lstm", ModelConfig::Lstm(recurrent_config())),
        ("gru-attn", ModelConfig::GruAttn(attention_config())),
        (
            "transformer",
            ModelConfig::Transformer(transformer_config()),
        ),
    ] {
        // AnyModel::new checks that nothing is missing and nothing is left over.
        if let Err(e) = AnyModel::new(&CpuBackend, &config, fixture(family)) {
            panic!("{family}: {e}");
        }
    }
}

/// One decoder step's golden values: logits, s_i, gates by name, LSTM cell.
type StepGolden = (
    &'static Golden,
    &'static Golden,
    &'static [(&'static str, &'static Golden)],
    Option<&'static Golden>,
);

/// The golden values of one fixed-context family.
struct FixedGolden {
    enc_hidden: &'static Golden,
    enc_gates: &'static [(&'static str, &'static Golden)],
    enc_cell: Option<&'static Golden>,
    /// Per step: logits, hidden, gates, cell.
    steps: [StepGolden; 2],
}

fn golden_fixed_context(family: &str, kind: CellKind, g: FixedGolden) {
    let mut w = fixture(family);
    let model = FixedContextModel::new(&CpuBackend, kind, &recurrent_config(), &mut w).unwrap();
    w.finish().unwrap();
    let enc = pollster::block_on(model.encode(SRC_IDS, true)).unwrap();
    check_rows(
        &format!("{family} encoder h_t"),
        &enc.trace.hidden,
        g.enc_hidden,
    );
    for (name, want) in g.enc_gates {
        check_rows(
            &format!("{family} encoder gate {name}"),
            &enc.trace.gates[*name],
            want,
        );
    }
    assert_eq!(
        enc.trace.gates.len(),
        g.enc_gates.len(),
        "{family}: encoder gate names {:?}",
        enc.trace.gates.keys()
    );
    match g.enc_cell {
        Some(want) => check_rows(&format!("{family} encoder c_t"), &enc.trace.cell, want),
        None => assert!(enc.trace.cell.is_empty()),
    }
    // c = h_S, the last encoder state, in the trace and in the memory
    let last = &g.enc_hidden.data[(SRC_IDS.len() - 1) * H..];
    let last = Golden {
        shape: &[H],
        data: last,
    };
    check_vec(
        &format!("{family} fixed context (trace)"),
        enc.trace.context.as_ref().unwrap(),
        &last,
    );
    check_vec(
        &format!("{family} fixed context (memory)"),
        enc.memory.context.data(),
        &last,
    );

    let mut state = enc.state;
    for (i, (prev, (logits, hidden, gates, cell))) in
        [BOS, STEP2_PREV].into_iter().zip(g.steps).enumerate()
    {
        let step = pollster::block_on(model.step(&enc.memory, &state, prev, true)).unwrap();
        let n = i + 1;
        check_vec(&format!("{family} step {n} logits"), &step.logits, logits);
        check_vec(
            &format!("{family} step {n} s_i"),
            &step.trace.hidden,
            hidden,
        );
        check_vec(
            &format!("{family} step {n} context c"),
            &step.trace.context,
            &last,
        );
        for (name, want) in gates {
            check_vec(
                &format!("{family} step {n} gate {name}"),
                &step.trace.gates[*name],
                want,
            );
        }
        match cell {
            Some(want) => check_vec(&format!("{family} step {n} cell"), &step.trace.cell, want),
            None => assert!(step.trace.cell.is_empty()),
        }
        // without a trace the logits are the same
        let quiet = pollster::block_on(model.step(&enc.memory, &state, prev, false)).unwrap();
        assert_eq!(
            quiet.logits, step.logits,
            "{family} step {n}: logits depend on tracing"
        );
        state = step.state;
    }
}

#[test]
fn golden_rnn_model() {
    golden_fixed_context(
        "rnn",
        CellKind::Rnn,
        FixedGolden {
            enc_hidden: &RNN_ENC_HIDDEN,
            enc_gates: &[],
            enc_cell: None,
            steps: [
                (&RNN_STEP1_LOGITS, &RNN_STEP1_HIDDEN, &[], None),
                (&RNN_STEP2_LOGITS, &RNN_STEP2_HIDDEN, &[], None),
            ],
        },
    );
}

#[test]
fn golden_gru_model() {
    golden_fixed_context(
        "gru",
        CellKind::Gru,
        FixedGolden {
            enc_hidden: &GRU_ENC_HIDDEN,
            enc_gates: &[
                ("r", &GRU_ENC_GATE_R),
                ("z", &GRU_ENC_GATE_Z),
                ("n", &GRU_ENC_GATE_N),
            ],
            enc_cell: None,
            steps: [
                (
                    &GRU_STEP1_LOGITS,
                    &GRU_STEP1_HIDDEN,
                    &[
                        ("r", &GRU_STEP1_GATE_R),
                        ("z", &GRU_STEP1_GATE_Z),
                        ("n", &GRU_STEP1_GATE_N),
                    ],
                    None,
                ),
                (
                    &GRU_STEP2_LOGITS,
                    &GRU_STEP2_HIDDEN,
                    &[
                        ("r", &GRU_STEP2_GATE_R),
                        ("z", &GRU_STEP2_GATE_Z),
                        ("n", &GRU_STEP2_GATE_N),
                    ],
                    None,
                ),
            ],
        },
    );
}

#[test]
fn golden_lstm_model() {
    golden_fixed_context(
        "lstm",
        CellKind::Lstm,
        FixedGolden {
            enc_hidden: &LSTM_ENC_HIDDEN,
            enc_gates: &[
                ("i", &LSTM_ENC_GATE_I),
                ("f", &LSTM_ENC_GATE_F),
                ("g", &LSTM_ENC_GATE_G),
                ("o", &LSTM_ENC_GATE_O),
            ],
            enc_cell: Some(&LSTM_ENC_CELL),
            steps: [
                (
                    &LSTM_STEP1_LOGITS,
                    &LSTM_STEP1_HIDDEN,
                    &[
                        ("i", &LSTM_STEP1_GATE_I),
                        ("f", &LSTM_STEP1_GATE_F),
                        ("g", &LSTM_STEP1_GATE_G),
                        ("o", &LSTM_STEP1_GATE_O),
                    ],
                    Some(&LSTM_STEP1_CELL),
                ),
                (
                    &LSTM_STEP2_LOGITS,
                    &LSTM_STEP2_HIDDEN,
                    &[
                        ("i", &LSTM_STEP2_GATE_I),
                        ("f", &LSTM_STEP2_GATE_F),
                        ("g", &LSTM_STEP2_GATE_G),
                        ("o", &LSTM_STEP2_GATE_O),
                    ],
                    Some(&LSTM_STEP2_CELL),
                ),
            ],
        },
    );
}

#[test]
fn golden_gru_attention_model() {
    let mut w = fixture("gru-attn");
    let model = GruAttentionModel::new(&CpuBackend, &attention_config(), &mut w).unwrap();
    w.finish().unwrap();
    let enc = pollster::block_on(model.encode(SRC_IDS, true)).unwrap();
    check_rows(
        "gru-attn annotations [h→ ; h←]",
        &enc.trace.hidden,
        &GRU_ATTN_ENC_HIDDEN,
    );
    check_tensor(
        "gru-attn annotations (memory)",
        &enc.memory.annotations,
        &GRU_ATTN_ENC_HIDDEN,
    );
    check_rows(
        "gru-attn encoder forward z",
        &enc.trace.gates["z"],
        &GRU_ATTN_ENC_GATE_Z,
    );
    check_rows(
        "gru-attn encoder backward n",
        &enc.trace.gates["n←"],
        &GRU_ATTN_ENC_GATE_N_BACKWARD,
    );
    check_tensor(
        "gru-attn s_0 = tanh(W_b [h→_S ; h←_1] + b)",
        &enc.state.h,
        &Golden {
            shape: &[1, H],
            data: GRU_ATTN_S0.data,
        },
    );

    let steps = [
        (
            BOS,
            &GRU_ATTN_STEP1_LOGITS,
            &GRU_ATTN_STEP1_ALPHA,
            &GRU_ATTN_STEP1_CONTEXT,
            &GRU_ATTN_STEP1_HIDDEN,
            &GRU_ATTN_STEP1_GATE_Z,
        ),
        (
            STEP2_PREV,
            &GRU_ATTN_STEP2_LOGITS,
            &GRU_ATTN_STEP2_ALPHA,
            &GRU_ATTN_STEP2_CONTEXT,
            &GRU_ATTN_STEP2_HIDDEN,
            &GRU_ATTN_STEP2_GATE_Z,
        ),
    ];
    let mut state = enc.state;
    for (i, (prev, logits, alpha, context, hidden, z)) in steps.into_iter().enumerate() {
        let n = i + 1;
        let step = pollster::block_on(model.step(&enc.memory, &state, prev, true)).unwrap();
        check_vec(&format!("gru-attn step {n} logits"), &step.logits, logits);
        check_vec(
            &format!("gru-attn step {n} α"),
            &step.trace.attention,
            alpha,
        );
        check_vec(
            &format!("gru-attn step {n} c_i"),
            &step.trace.context,
            context,
        );
        check_vec(
            &format!("gru-attn step {n} s_i"),
            &step.trace.hidden,
            hidden,
        );
        check_vec(&format!("gru-attn step {n} z"), &step.trace.gates["z"], z);
        let quiet = pollster::block_on(model.step(&enc.memory, &state, prev, false)).unwrap();
        assert_eq!(
            quiet.logits, step.logits,
            "gru-attn step {n}: logits depend on tracing"
        );
        state = step.state;
    }
}

#[test]
fn golden_transformer_model() {
    let mut w = fixture("transformer");
    let model = TransformerModel::new(&CpuBackend, &transformer_config(), &mut w).unwrap();
    w.finish().unwrap();
    let enc = pollster::block_on(model.encode(SRC_IDS, true)).unwrap();
    check_rows(
        "transformer encoder output",
        &enc.trace.hidden,
        &TRANSFORMER_ENC_HIDDEN,
    );
    check_4d(
        "transformer encoder self-attention",
        &enc.trace.self_attention,
        &TRANSFORMER_ENC_SELF_ATTENTION,
    );

    let steps = [
        (
            BOS,
            &TRANSFORMER_STEP1_LOGITS,
            &TRANSFORMER_STEP1_HIDDEN,
            &TRANSFORMER_STEP1_SELF_ATTENTION,
            &TRANSFORMER_STEP1_CROSS_ATTENTION,
        ),
        (
            STEP2_PREV,
            &TRANSFORMER_STEP2_LOGITS,
            &TRANSFORMER_STEP2_HIDDEN,
            &TRANSFORMER_STEP2_SELF_ATTENTION,
            &TRANSFORMER_STEP2_CROSS_ATTENTION,
        ),
    ];
    let mut state = enc.state;
    for (i, (prev, logits, hidden, self_att, cross_att)) in steps.into_iter().enumerate() {
        let n = i + 1;
        // The reference recomputes the whole causal prefix; the model uses its KV cache.
        let step = pollster::block_on(model.step(&enc.memory, &state, prev, true)).unwrap();
        check_vec(
            &format!("transformer step {n} logits"),
            &step.logits,
            logits,
        );
        check_vec(
            &format!("transformer step {n} output"),
            &step.trace.hidden,
            hidden,
        );
        check_3d(
            &format!("transformer step {n} decoder self-attention"),
            &step.trace.self_attention,
            self_att,
        );
        check_3d(
            &format!("transformer step {n} cross-attention"),
            &step.trace.cross_attention,
            cross_att,
        );
        // α shown for the Transformer: the last layer's cross-attention averaged over heads
        let last = &step.trace.cross_attention[LAYERS - 1];
        for (j, a) in step.trace.attention.iter().enumerate() {
            let mean = last.iter().map(|h| h[j]).sum::<f32>() / HEADS as f32;
            assert!(
                (a - mean).abs() < 1e-6,
                "transformer step {n}: attention[{j}] {a} is not the head mean {mean}"
            );
        }
        let quiet = pollster::block_on(model.step(&enc.memory, &state, prev, false)).unwrap();
        assert_eq!(
            quiet.logits, step.logits,
            "transformer step {n}: logits depend on tracing"
        );
        state = step.state;
    }
}
