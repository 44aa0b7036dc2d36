//! Property tests (proptest) of decoding on random-weight models of every family, over arbitrary
//! source sequences and options. Only properties that hold by construction are checked:
//! - beam search of width 1 *is* greedy decoding: same tokens, same log-probability and score
//!   (bit for bit), same steps;
//! - every result ends with one EOS step (at `max_len` only EOS may follow), has at most
//!   `max_len` tokens and no EOS among them, and its score is log p / lp(steps) (GNMT);
//! - beam search returns the best-scoring finished hypothesis it found: its score under the
//!   length penalty is ≥ that of every finished node of its tree, and the tree marks exactly its
//!   path as `best`. (Beam's score is *not* always ≥ greedy's: the greedy path can fall out of
//!   the beam, so that is not checked.)
//! - greedy picks the most likely token of each step (the first of the step's top-k);
//! - decoding is deterministic; source ids outside the vocabulary are errors, never panics.

use std::cell::RefCell;

use proptest::prelude::*;
use proptest::test_runner::Config;

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::{
    beam_search, decode, greedy, length_penalty, DecodeOptions, Translation,
};
use seq2seq_core::demo::{random_translator, FAMILIES};
use seq2seq_core::models::{AnyModel, Seq2Seq};
use seq2seq_core::tokenizer::EOS;
use seq2seq_core::translator::Translator;
use seq2seq_core::Result;

thread_local! {
    /// One random model per family (seed 42), built once.
    static MODELS: RefCell<Vec<Translator<CpuBackend>>> = RefCell::new(
        FAMILIES
            .iter()
            .map(|family| random_translator(family, 42).expect("random model"))
            .collect(),
    );
}

#[derive(Clone, Copy)]
enum Algo {
    Greedy,
    Beam(usize),
}

async fn run_on<M: Seq2Seq>(
    m: &M,
    src: &[u32],
    o: &DecodeOptions,
    algo: Algo,
) -> Result<Translation> {
    let mut ids = src.to_vec();
    ids.push(EOS);
    match algo {
        Algo::Greedy => greedy(m, &ids, o, &mut |_| {}).await,
        Algo::Beam(width) => {
            let o = DecodeOptions {
                beam_size: width,
                ..o.clone()
            };
            beam_search(m, &ids, &o, &mut |_| {}).await
        }
    }
}

fn run(family: usize, src: &[u32], o: &DecodeOptions, algo: Algo) -> Result<Translation> {
    MODELS.with(|models| {
        let models = models.borrow();
        pollster::block_on(async {
            match &models[family].model {
                AnyModel::FixedContext(m) => run_on(m, src, o, algo).await,
                AnyModel::GruAttn(m) => run_on(m, src, o, algo).await,
                AnyModel::Transformer(m) => run_on(m, src, o, algo).await,
            }
        })
    })
}

fn src_vocab(family: usize) -> u32 {
    MODELS.with(|models| models.borrow()[family].source.vocab_size() as u32)
}

/// (family, source ids in the vocabulary, options)
fn case() -> impl Strategy<Value = (usize, Vec<u32>, DecodeOptions)> {
    (
        0..FAMILIES.len(),
        prop::collection::vec(any::<u32>(), 1..10),
        0usize..6,
        0.0f32..2.0,
        0usize..6,
        any::<bool>(),
    )
        .prop_map(|(family, raw, max_len, length_penalty, top_k, trace)| {
            let vocab = src_vocab(family);
            let src = raw.into_iter().map(|id| id % vocab).collect();
            let options = DecodeOptions {
                beam_size: 1,
                max_len,
                length_penalty,
                top_k,
                trace,
            };
            (family, src, options)
        })
}

fn check_shape(t: &Translation, o: &DecodeOptions) -> std::result::Result<(), TestCaseError> {
    prop_assert!(t.tokens.len() <= o.max_len);
    prop_assert!(!t.tokens.contains(&EOS));
    prop_assert_eq!(t.steps.len(), t.tokens.len() + 1);
    prop_assert_eq!(t.steps.last().map(|s| s.token), Some(EOS));
    for (step, &token) in t.steps.iter().zip(&t.tokens) {
        prop_assert_eq!(step.token, token);
    }
    for step in &t.steps {
        prop_assert!(step.top_k.len() <= o.top_k);
        prop_assert!(
            step.top_k.windows(2).all(|w| w[0].1 >= w[1].1),
            "top-k sorted"
        );
        prop_assert!(step.prob > 0.0 && step.prob <= 1.0);
    }
    prop_assert!(t.log_prob <= 0.0);
    let expected = t.log_prob / length_penalty(t.steps.len(), o.length_penalty);
    prop_assert_eq!(t.score, expected);
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 48, ..Config::default() })]

    #[test]
    fn beam_of_width_one_is_greedy((family, src, o) in case()) {
        let g = run(family, &src, &o, Algo::Greedy).unwrap();
        let b = run(family, &src, &o, Algo::Beam(1)).unwrap();
        prop_assert_eq!(&g.tokens, &b.tokens);
        prop_assert_eq!(g.log_prob, b.log_prob);
        prop_assert_eq!(g.score, b.score);
        prop_assert_eq!(&g.steps, &b.steps);
        // decode() with beam_size 1 is greedy too.
        let d = MODELS.with(|models| {
            pollster::block_on(models.borrow()[family].model.translate(&src, &o, &mut |_| {}))
        }).unwrap();
        prop_assert_eq!(&d.tokens, &g.tokens);
        check_shape(&g, &o)?;
    }

    #[test]
    fn greedy_takes_the_most_likely_token((family, src, o) in case()) {
        let g = run(family, &src, &o, Algo::Greedy).unwrap();
        for (i, step) in g.steps.iter().enumerate() {
            let forced = i == o.max_len;
            if let (false, Some(&(best, p))) = (forced, step.top_k.first()) {
                prop_assert_eq!(step.token, best);
                prop_assert_eq!(step.prob, p);
            }
        }
        let sum: f32 = g.steps.iter().map(|s| s.prob.ln()).sum();
        prop_assert!((sum - g.log_prob).abs() <= 1e-3 * g.steps.len() as f32, "{} vs {}", sum, g.log_prob);
    }

    #[test]
    fn beam_returns_its_best_finished_hypothesis((family, src, o) in case(), width in 2usize..5) {
        let b = run(family, &src, &o, Algo::Beam(width)).unwrap();
        check_shape(&b, &o)?;
        let tree = b.beam_tree.as_ref().expect("beam search records its tree");
        for node in tree.nodes.iter().filter(|n| n.finished) {
            let score = node.log_prob / length_penalty(node.step + 1, o.length_penalty);
            prop_assert!(b.score >= score, "best {} < finished node {}", b.score, score);
        }
        // The nodes marked best are exactly the answer's path, root first.
        let best: Vec<_> = tree.nodes.iter().filter(|n| n.best).collect();
        prop_assert_eq!(best.len(), b.steps.len());
        let tokens: Vec<u32> = best.iter().map(|n| n.token).collect();
        let steps: Vec<u32> = b.steps.iter().map(|s| s.token).collect();
        prop_assert_eq!(tokens, steps);
        prop_assert!(best.last().is_some_and(|n| n.finished && n.log_prob == b.log_prob));
    }

    #[test]
    fn decoding_is_deterministic((family, src, o) in case(), width in 1usize..4) {
        let algo = if width == 1 { Algo::Greedy } else { Algo::Beam(width) };
        let a = run(family, &src, &o, algo).unwrap();
        let b = run(family, &src, &o, algo).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn any_source_ids_give_a_result_or_an_error(
        family in 0..FAMILIES.len(),
        src in prop::collection::vec(any::<u32>(), 0..300),
    ) {
        let o = DecodeOptions { max_len: 2, trace: false, ..DecodeOptions::default() };
        let vocab = src_vocab(family);
        let result = MODELS.with(|models| {
            pollster::block_on(models.borrow()[family].model.translate(&src, &o, &mut |_| {}))
        });
        let valid = !src.is_empty() && src.len() <= 256 && src.iter().all(|&id| id < vocab);
        prop_assert_eq!(result.is_ok(), valid, "{:?}", result.err());
    }
}

/// `decode` refuses a zero beam (an error, not a panic).
#[test]
fn zero_beam_is_an_error() {
    MODELS.with(|models| {
        let models = models.borrow();
        let o = DecodeOptions {
            beam_size: 0,
            ..DecodeOptions::default()
        };
        let AnyModel::FixedContext(m) = &models[0].model else {
            panic!("rnn is a fixed-context model")
        };
        assert!(pollster::block_on(decode(m, &[5, 6], &o, &mut |_| {})).is_err());
    });
}
