//! Properties of decoding on random models of every family: beam search of width 1 is greedy
//! decoding, beam search returns the best finished hypothesis it saw and marks its path in the
//! tree, decoding streams one event per step, and edge cases are errors or well formed, never
//! panics.

mod common;

use common::{source_ids, SEEDS, SENTENCES};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::{
    self, length_penalty, log_softmax, DecodeEvent, DecodeOptions, Translation,
};
use seq2seq_core::demo::{random_translator, FAMILIES};
use seq2seq_core::models::{AnyModel, Seq2Seq};
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_core::translator::Translator;

async fn run_greedy<M: Seq2Seq>(m: &M, src: &[u32], o: &DecodeOptions) -> Translation {
    decoding::greedy(m, src, o, &mut |_| {}).await.unwrap()
}

async fn run_beam<M: Seq2Seq>(m: &M, src: &[u32], o: &DecodeOptions) -> Translation {
    decoding::beam_search(m, src, o, &mut |_| {}).await.unwrap()
}

fn greedy(t: &Translator<CpuBackend>, src: &[u32], o: &DecodeOptions) -> Translation {
    pollster::block_on(async {
        match &t.model {
            AnyModel::FixedContext(m) => run_greedy(m, src, o).await,
            AnyModel::GruAttn(m) => run_greedy(m, src, o).await,
            AnyModel::Transformer(m) => run_greedy(m, src, o).await,
        }
    })
}

fn beam(t: &Translator<CpuBackend>, src: &[u32], o: &DecodeOptions) -> Translation {
    pollster::block_on(async {
        match &t.model {
            AnyModel::FixedContext(m) => run_beam(m, src, o).await,
            AnyModel::GruAttn(m) => run_beam(m, src, o).await,
            AnyModel::Transformer(m) => run_beam(m, src, o).await,
        }
    })
}

/// Teacher-forced log p(tokens [+ EOS] | src): the sum of the chosen log-probabilities.
async fn rescore_model<M: Seq2Seq>(m: &M, src: &[u32], tokens: &[u32], with_eos: bool) -> f32 {
    let enc = m.encode(src, false).await.unwrap();
    let mut state = enc.state;
    let mut prev = BOS;
    let mut total = 0.0f32;
    let targets: Vec<u32> = tokens
        .iter()
        .copied()
        .chain(with_eos.then_some(EOS))
        .collect();
    for &t in &targets {
        let s = m.step(&enc.memory, &state, prev, false).await.unwrap();
        total += log_softmax(&s.logits)[t as usize];
        state = s.state;
        prev = t;
    }
    total
}

fn rescore(t: &Translator<CpuBackend>, src: &[u32], tokens: &[u32], with_eos: bool) -> f32 {
    pollster::block_on(async {
        match &t.model {
            AnyModel::FixedContext(m) => rescore_model(m, src, tokens, with_eos).await,
            AnyModel::GruAttn(m) => rescore_model(m, src, tokens, with_eos).await,
            AnyModel::Transformer(m) => rescore_model(m, src, tokens, with_eos).await,
        }
    })
}

fn options(beam_size: usize, max_len: usize) -> DecodeOptions {
    DecodeOptions {
        beam_size,
        max_len,
        ..DecodeOptions::default()
    }
}

#[test]
fn beam_width_one_is_greedy() {
    for family in FAMILIES {
        for seed in SEEDS {
            let t = random_translator(family, seed).unwrap();
            for (s, text) in SENTENCES.iter().enumerate() {
                let src = source_ids(&t, text);
                let o = options(1, 6 + 5 * s);
                let g = greedy(&t, &src, &o);
                let b = beam(&t, &src, &o);
                let what = format!("{family}, seed {seed}, {text:?}");
                assert_eq!(b.tokens, g.tokens, "{what}: tokens");
                assert_eq!(b.log_prob, g.log_prob, "{what}: log-prob");
                assert_eq!(b.score, g.score, "{what}: score");
                assert_eq!(b.steps, g.steps, "{what}: step traces");
                assert_eq!(b.encoder, g.encoder, "{what}: encoder trace");
                // the public API with beam_size 1 is the same greedy decode
                let api = pollster::block_on(t.translate(text, &o, &mut |_| {})).unwrap();
                assert_eq!(api.translation.tokens, g.tokens, "{what}: translate()");
            }
        }
    }
}

#[test]
fn beam_search_returns_the_best_finished_hypothesis_and_marks_its_path() {
    let (mut beam_wins, mut cases) = (0, 0);
    for family in FAMILIES {
        for seed in SEEDS {
            let t = random_translator(family, seed).unwrap();
            for text in SENTENCES {
                let src = source_ids(&t, text);
                let what = format!("{family}, seed {seed}, {text:?}");
                let o = options(4, 12);
                let b = beam(&t, &src, &o);
                let tree = b.beam_tree.as_ref().expect("beam search returns its tree");

                // The steps spell the tokens (plus EOS when the hypothesis finished).
                let step_tokens: Vec<u32> = b.steps.iter().map(|s| s.token).collect();
                let finished = step_tokens.last() == Some(&EOS);
                assert!(
                    finished,
                    "{what}: at max_len every hypothesis is forced to end with EOS"
                );
                assert_eq!(
                    &step_tokens[..b.tokens.len()],
                    &b.tokens[..],
                    "{what}: steps vs tokens"
                );
                assert_eq!(step_tokens.len(), b.tokens.len() + 1, "{what}");
                assert!(b.tokens.len() <= o.max_len, "{what}: longer than max_len");
                assert!(!b.tokens.contains(&EOS), "{what}: EOS inside the tokens");

                // The `best` nodes form one root-to-leaf path that spells the same tokens.
                let best: Vec<usize> = (0..tree.nodes.len())
                    .filter(|&i| tree.nodes[i].best)
                    .collect();
                assert_eq!(best.len(), step_tokens.len(), "{what}: best path length");
                let leaf = *best
                    .iter()
                    .find(|&&i| !best.iter().any(|&j| tree.nodes[j].parent == Some(i)))
                    .unwrap();
                let mut path = Vec::new();
                let mut node = Some(leaf);
                while let Some(n) = node {
                    assert!(
                        tree.nodes[n].best,
                        "{what}: node {n} on the path is not marked best"
                    );
                    path.push(n);
                    node = tree.nodes[n].parent;
                }
                path.reverse();
                let path_tokens: Vec<u32> = path.iter().map(|&n| tree.nodes[n].token).collect();
                assert_eq!(
                    path_tokens, step_tokens,
                    "{what}: the best path does not spell the answer"
                );
                for (i, &n) in path.iter().enumerate() {
                    assert_eq!(tree.nodes[n].step, i, "{what}: node step");
                }
                let leaf_node = &tree.nodes[leaf];
                assert!(
                    leaf_node.finished && leaf_node.token == EOS,
                    "{what}: the best leaf is not finished"
                );
                assert_eq!(leaf_node.log_prob, b.log_prob, "{what}: leaf log-prob");

                // Score is log p / lp(len), and no finished hypothesis in the tree scores higher.
                let lp = |len: usize| length_penalty(len, o.length_penalty);
                assert_eq!(b.score, b.log_prob / lp(b.steps.len()), "{what}: score");
                for n in tree.nodes.iter().filter(|n| n.finished) {
                    let s = n.log_prob / lp(n.step + 1);
                    assert!(
                        s <= b.score,
                        "{what}: a finished hypothesis scores {s} > returned {}",
                        b.score
                    );
                }
                // At most `width` nodes per step, and log-probabilities never increase along a path.
                for step in 0..=o.max_len {
                    assert!(
                        tree.nodes.iter().filter(|n| n.step == step).count() <= o.beam_size,
                        "{what}: step {step}"
                    );
                }
                for n in &tree.nodes {
                    if let Some(p) = n.parent {
                        assert!(
                            n.log_prob <= tree.nodes[p].log_prob,
                            "{what}: log-prob increased"
                        );
                        assert!(
                            !tree.nodes[p].finished,
                            "{what}: a finished node was extended"
                        );
                    }
                }
                // The returned log-probability is the model's: rescoring the tokens gives it back.
                let re = rescore(&t, &src, &b.tokens, true);
                assert!(
                    (re - b.log_prob).abs() <= 1e-4 * (1.0 + re.abs()),
                    "{what}: rescored {re} vs {}",
                    b.log_prob
                );

                // Beam ≥ greedy is typical, not guaranteed (greedy's path can be pruned): count only.
                let g = greedy(&t, &src, &o);
                cases += 1;
                if b.score >= g.score {
                    beam_wins += 1;
                }
            }
        }
    }
    println!("beam (width 4) scored at least greedy in {beam_wins} of {cases} cases");
}

#[test]
fn decoding_streams_one_event_per_step() {
    let t = random_translator("gru-attn", 3).unwrap();
    let mut events = Vec::new();
    let mut tokenized = Vec::new();
    let out = pollster::block_on(
        t.translate(SENTENCES[0], &options(1, 10), &mut |e| match e {
            DecodeEvent::Tokenized { source_tokens } => {
                assert!(events.is_empty(), "the source pieces come first");
                tokenized = source_tokens.to_vec();
            }
            DecodeEvent::Encoded(_) => events.push(None),
            DecodeEvent::Step { step, trace } => events.push(Some((step, trace.token))),
            DecodeEvent::Beam { .. } => panic!("greedy emitted a beam event"),
        }),
    )
    .unwrap();
    assert_eq!(tokenized, out.source_tokens, "the streamed source pieces");
    assert_eq!(events[0], None, "the encoder event comes next");
    let steps: Vec<(usize, u32)> = out
        .translation
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.token))
        .collect();
    assert_eq!(
        events[1..].iter().map(|e| e.unwrap()).collect::<Vec<_>>(),
        steps
    );
    let mut beam_events = 0;
    pollster::block_on(t.translate(SENTENCES[0], &options(3, 10), &mut |e| {
        if let DecodeEvent::Beam { step, .. } = e {
            assert_eq!(step, beam_events);
            beam_events += 1;
        }
    }))
    .unwrap();
    assert!(beam_events > 0);
}

#[test]
fn decoding_edge_cases_are_errors_or_well_formed_never_panics() {
    for family in FAMILIES {
        let t = random_translator(family, 21).unwrap();
        let run =
            |text: &str, o: DecodeOptions| pollster::block_on(t.translate(text, &o, &mut |_| {}));
        // max_len 0: one step, and it is EOS
        for beam_size in [1, 3] {
            let out = run(
                "The cat",
                DecodeOptions {
                    max_len: 0,
                    beam_size,
                    ..DecodeOptions::default()
                },
            )
            .unwrap();
            assert!(
                out.translation.tokens.is_empty(),
                "{family}: tokens at max_len 0"
            );
            let steps: Vec<u32> = out.translation.steps.iter().map(|s| s.token).collect();
            assert_eq!(steps, [EOS], "{family}: beam {beam_size}");
        }
        // a beam wider than the vocabulary (one family: it runs a step per word of the
        // vocabulary), top-k larger than the vocabulary, top-k 0, no length penalty
        let vocab = t.config.model.vocab_sizes().1;
        let wide = DecodeOptions {
            beam_size: if family == "rnn" { vocab + 5 } else { 8 },
            max_len: 1,
            top_k: vocab + 3,
            ..DecodeOptions::default()
        };
        let out = run("I like eating apple", wide).unwrap();
        assert!(
            out.translation.steps.iter().all(|s| s.top_k.len() == vocab),
            "{family}: top-k beyond the vocabulary"
        );
        let none = DecodeOptions {
            top_k: 0,
            length_penalty: 0.0,
            max_len: 4,
            ..DecodeOptions::default()
        };
        let out = run("I like eating apple", none).unwrap();
        assert!(out.translation.steps.iter().all(|s| s.top_k.is_empty()));
        assert_eq!(
            out.translation.score, out.translation.log_prob,
            "{family}: α = 0 means no penalty"
        );
        // user errors
        for (what, text, o) in [
            ("empty text", "", DecodeOptions::default()),
            ("only spaces", "   \t ", DecodeOptions::default()),
            (
                "beam size 0",
                "The cat",
                DecodeOptions {
                    beam_size: 0,
                    ..DecodeOptions::default()
                },
            ),
            (
                "too many characters",
                &"a ".repeat(400),
                DecodeOptions::default(),
            ),
            (
                "too many tokens",
                &"乒乓".repeat(200),
                DecodeOptions::default(),
            ),
        ] {
            match run(text, o) {
                Err(seq2seq_core::Error::InvalidInput(_)) => {}
                other => panic!(
                    "{family}, {what}: expected InvalidInput, got {:?}",
                    other.map(|o| o.text)
                ),
            }
        }
    }
}
