//! Every family produces complete, well-formed traces (one entry per source position and per
//! step, attention rows that sum to 1, gates in their range), and turning traces off changes
//! nothing but the traces.

mod common;

use common::{source_ids, SENTENCES};
use seq2seq_core::decoding::DecodeOptions;
use seq2seq_core::demo::{random_translator, FAMILIES};
use seq2seq_core::models::ModelConfig;
use seq2seq_core::tokenizer::EOS;

fn assert_rows_sum_to_one(what: &str, rows: &[Vec<f32>], len: usize) {
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.len(),
            len,
            "{what}: row {i} has {} entries, expected {len}",
            row.len()
        );
        assert!(
            row.iter().all(|a| (0.0..=1.0).contains(a)),
            "{what}: row {i} {row:?}"
        );
        let sum: f32 = row.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "{what}: row {i} sums to {sum}");
    }
}

fn assert_gate_range(what: &str, name: &str, values: &[f32]) {
    let (lo, hi) = if matches!(name.trim_end_matches('←'), "n" | "g") {
        (-1.0, 1.0)
    } else {
        (0.0, 1.0)
    };
    assert!(
        values.iter().all(|v| (lo..=hi).contains(v)),
        "{what}: gate {name} outside [{lo}, {hi}]: {values:?}"
    );
}

#[test]
fn every_family_produces_complete_traces() {
    for family in FAMILIES {
        for seed in [5, 6] {
            let t = random_translator(family, seed).unwrap();
            let config = t.config.model.clone();
            let tgt_vocab = config.vocab_sizes().1;
            for text in SENTENCES {
                let what = format!("{family}, seed {seed}, {text:?}");
                let o = DecodeOptions {
                    max_len: 12,
                    top_k: 5,
                    trace: true,
                    ..DecodeOptions::default()
                };
                let out = pollster::block_on(t.translate(text, &o, &mut |_| {})).unwrap();
                let tr = &out.translation;
                let enc = &tr.encoder;
                let s = out.source_tokens.len();
                assert_eq!(
                    s,
                    source_ids(&t, text).len(),
                    "{what}: one source token per encoder position (EOS included)"
                );
                assert_eq!(
                    enc.hidden.len(),
                    s,
                    "{what}: encoder hidden per source position"
                );
                assert!(!tr.steps.is_empty(), "{what}: no steps");
                assert_eq!(
                    out.target_tokens.len(),
                    tr.steps.len(),
                    "{what}: one target token per step"
                );
                let ended = tr.steps.last().map(|st| st.token) == Some(EOS);
                assert_eq!(
                    tr.steps.len(),
                    tr.tokens.len() + usize::from(ended),
                    "{what}: steps vs tokens"
                );

                match &config {
                    ModelConfig::Rnn(c) | ModelConfig::Gru(c) | ModelConfig::Lstm(c) => {
                        let h = c.hidden_dim;
                        let names: &[&str] = match family {
                            "rnn" => &[],
                            "gru" => &["n", "r", "z"],
                            _ => &["f", "g", "i", "o"],
                        };
                        assert!(
                            enc.hidden.iter().all(|r| r.len() == h),
                            "{what}: hidden size"
                        );
                        assert_eq!(
                            enc.gates.keys().map(String::as_str).collect::<Vec<_>>(),
                            names,
                            "{what}: encoder gates"
                        );
                        for (name, rows) in &enc.gates {
                            assert_eq!(rows.len(), s, "{what}: gate {name} per position");
                            for row in rows {
                                assert_eq!(row.len(), h, "{what}: gate {name} size");
                                assert_gate_range(&what, name, row);
                            }
                        }
                        if family == "lstm" {
                            assert_eq!(enc.cell.len(), s, "{what}: LSTM cell per position");
                            assert!(enc.cell.iter().all(|r| r.len() == h));
                        } else {
                            assert!(enc.cell.is_empty(), "{what}: cell state outside LSTM");
                        }
                        // the one fixed context c: the last encoder state, the same at every step
                        let c_vec = enc.context.as_ref().expect("fixed-context models trace c");
                        assert_eq!(Some(c_vec), enc.hidden.last(), "{what}: c = h_S");
                        for (i, st) in tr.steps.iter().enumerate() {
                            assert_eq!(&st.context, c_vec, "{what}: step {i} sees a different c");
                            assert_eq!(st.hidden.len(), h, "{what}: step {i} hidden");
                            assert!(
                                st.attention.is_empty(),
                                "{what}: a fixed-context model has no α"
                            );
                            assert_eq!(
                                st.gates.keys().map(String::as_str).collect::<Vec<_>>(),
                                names,
                                "{what}: step gates"
                            );
                            for (name, g) in &st.gates {
                                assert_eq!(g.len(), h, "{what}: step {i} gate {name}");
                                assert_gate_range(&what, name, g);
                            }
                            assert_eq!(
                                st.cell.len(),
                                if family == "lstm" { h } else { 0 },
                                "{what}: step {i} cell"
                            );
                        }
                    }
                    ModelConfig::GruAttn(c) => {
                        let h = c.hidden_dim;
                        assert!(
                            enc.hidden.iter().all(|r| r.len() == 2 * h),
                            "{what}: annotations are [h→ ; h←]"
                        );
                        let names: Vec<&str> = enc.gates.keys().map(String::as_str).collect();
                        assert_eq!(
                            names,
                            ["n", "n←", "r", "r←", "z", "z←"],
                            "{what}: encoder gates"
                        );
                        for (name, rows) in &enc.gates {
                            assert_eq!(rows.len(), s, "{what}: gate {name} per position");
                            for row in rows {
                                assert_eq!(row.len(), h);
                                assert_gate_range(&what, name, row);
                            }
                        }
                        for (i, st) in tr.steps.iter().enumerate() {
                            assert_rows_sum_to_one(
                                &format!("{what}: α_{i}"),
                                std::slice::from_ref(&st.attention),
                                s,
                            );
                            assert_eq!(st.context.len(), 2 * h, "{what}: c_{i}");
                            // c_i = Σ_j α_ij h_j
                            for (d, &cd) in st.context.iter().enumerate() {
                                let want: f32 = st
                                    .attention
                                    .iter()
                                    .zip(&enc.hidden)
                                    .map(|(a, hj)| a * hj[d])
                                    .sum();
                                assert!(
                                    (cd - want).abs() < 1e-5,
                                    "{what}: c_{i}[{d}] = {cd}, Σ α h = {want}"
                                );
                            }
                            assert_eq!(st.hidden.len(), h);
                            assert_eq!(
                                st.gates.keys().map(String::as_str).collect::<Vec<_>>(),
                                ["n", "r", "z"]
                            );
                            assert!(st.gates.values().all(|g| g.len() == h));
                        }
                    }
                    ModelConfig::Transformer(c) => {
                        assert!(
                            enc.hidden.iter().all(|r| r.len() == c.dim),
                            "{what}: encoder output size"
                        );
                        assert_eq!(
                            enc.self_attention.len(),
                            c.encoder_layers,
                            "{what}: encoder layers"
                        );
                        for (l, layer) in enc.self_attention.iter().enumerate() {
                            assert_eq!(layer.len(), c.heads, "{what}: encoder layer {l} heads");
                            for (hd, m) in layer.iter().enumerate() {
                                assert_eq!(m.len(), s);
                                assert_rows_sum_to_one(
                                    &format!("{what}: encoder L{l} head {hd}"),
                                    m,
                                    s,
                                );
                            }
                        }
                        for (i, st) in tr.steps.iter().enumerate() {
                            assert_eq!(st.hidden.len(), c.dim);
                            assert_eq!(
                                st.cross_attention.len(),
                                c.decoder_layers,
                                "{what}: step {i} cross layers"
                            );
                            assert_eq!(
                                st.self_attention.len(),
                                c.decoder_layers,
                                "{what}: step {i} self layers"
                            );
                            for l in 0..c.decoder_layers {
                                assert_eq!(st.cross_attention[l].len(), c.heads);
                                assert_rows_sum_to_one(
                                    &format!("{what}: step {i} cross L{l}"),
                                    &st.cross_attention[l],
                                    s,
                                );
                                assert_eq!(st.self_attention[l].len(), c.heads);
                                // causal: step i sees target positions 0..=i
                                assert_rows_sum_to_one(
                                    &format!("{what}: step {i} self L{l}"),
                                    &st.self_attention[l],
                                    i + 1,
                                );
                            }
                            assert_rows_sum_to_one(
                                &format!("{what}: step {i} mean α"),
                                std::slice::from_ref(&st.attention),
                                s,
                            );
                        }
                    }
                }

                // top-k: k entries (or the vocabulary), most likely first, probabilities in [0, 1]
                for (i, st) in tr.steps.iter().enumerate() {
                    assert_eq!(
                        st.top_k.len(),
                        o.top_k.min(tgt_vocab),
                        "{what}: step {i} top-k size"
                    );
                    assert!(
                        st.top_k.windows(2).all(|w| w[0].1 >= w[1].1),
                        "{what}: step {i} top-k not sorted"
                    );
                    assert!(st
                        .top_k
                        .iter()
                        .all(|&(id, p)| (id as usize) < tgt_vocab && (0.0..=1.0).contains(&p)));
                    let total: f32 = st.top_k.iter().map(|(_, p)| p).sum();
                    assert!(total <= 1.0 + 1e-5, "{what}: step {i} top-k mass {total}");
                    assert!((0.0..=1.0).contains(&st.prob), "{what}: step {i} prob");
                    let forced_eos = i == o.max_len;
                    if !forced_eos {
                        // greedy: the chosen token is the most likely one
                        assert_eq!(
                            st.top_k[0].0, st.token,
                            "{what}: step {i} greedy token is not the top-1"
                        );
                        assert_eq!(st.top_k[0].1, st.prob, "{what}: step {i} prob");
                    }
                }
            }
        }
    }
}

#[test]
fn traces_off_changes_nothing_but_the_traces() {
    for family in FAMILIES {
        let t = random_translator(family, 9).unwrap();
        for text in SENTENCES {
            let on = DecodeOptions {
                max_len: 10,
                ..DecodeOptions::default()
            };
            let off = DecodeOptions {
                trace: false,
                ..on.clone()
            };
            let a = pollster::block_on(t.translate(text, &on, &mut |_| {})).unwrap();
            let b = pollster::block_on(t.translate(text, &off, &mut |_| {})).unwrap();
            assert_eq!(
                a.translation.tokens, b.translation.tokens,
                "{family}: tokens depend on tracing"
            );
            assert_eq!(a.translation.log_prob, b.translation.log_prob, "{family}");
            assert!(
                b.translation.encoder.hidden.is_empty(),
                "{family}: trace recorded while off"
            );
            assert!(
                b.translation.steps.iter().all(|s| s.hidden.is_empty()),
                "{family}: step trace while off"
            );
        }
    }
}
