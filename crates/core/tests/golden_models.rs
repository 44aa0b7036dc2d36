//! Golden tests of the five families: one encode and two decoder steps of each, with their traces
//! (hidden states, gates, cell, α, self- and cross-attention), compared with values computed
//! independently in NumPy by `tests/golden/generate.py` (weights in
//! `tests/golden/<family>.safetensors`). The building blocks are in `golden_ops.rs`; the tolerance
//! and the llm.c-style check in `golden/mod.rs`.

mod golden;

use golden::*;
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::{
    AnyModel, AttentionConfig, FixedContextModel, GruAttentionModel, ModelConfig, RecurrentConfig,
    Seq2Seq, TransformerConfig, TransformerModel,
};
use seq2seq_core::ops::Activation;
use seq2seq_core::tokenizer::BOS;
use seq2seq_core::weights::Weights;

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
