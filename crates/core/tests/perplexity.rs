//! Perplexity on the shipped models (`www/models/`, in the repository): the probabilities the
//! decoder reports for its own hypothesis (what the page shows) equal teacher forcing of that
//! hypothesis (what the model cards use on references), greedy and beam alike; and a reference
//! the model translates well scores a lower perplexity than the same words shuffled.

use std::path::PathBuf;

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::{perplexity, token_log_probs, DecodeOptions, MAX_TARGET_TOKENS};
use seq2seq_core::translator::Translator;

fn load(id: &str) -> Translator<CpuBackend> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/models")
        .join(id);
    let read = |f: &str| {
        std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{id}/{f} (shipped, in git): {e}"))
    };
    let (src, tgt) = if id.ends_with("en-zh") {
        ("tokenizer-en.json", "tokenizer-zh.json")
    } else {
        ("tokenizer-zh.json", "tokenizer-en.json")
    };
    let utf8 = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
    Translator::load(
        &CpuBackend,
        &utf8(read("config.json")),
        &read("model.safetensors"),
        &utf8(read(src)),
        &utf8(read(tgt)),
    )
    .expect("a shipped model loads")
}

const FAMILIES: [&str; 5] = ["rnn", "gru", "lstm", "gru-attn", "transformer"];

#[test]
fn decoded_probabilities_equal_teacher_forcing_of_the_hypothesis() {
    for family in FAMILIES {
        for (dir, text) in [
            ("en-zh", "I like to read books."),
            ("zh-en", "我喜欢看书。"),
        ] {
            let id = format!("{family}-{dir}");
            let t = load(&id);
            let src = t.source.encode(text).expect("tokenize").ids;
            for beam_size in [1, 4] {
                let options = DecodeOptions {
                    beam_size,
                    max_len: MAX_TARGET_TOKENS,
                    length_penalty: seq2seq_core::decoding::LENGTH_PENALTY,
                    top_k: 1,
                    trace: false,
                };
                let out = pollster::block_on(t.model.translate(&src, &options, &mut |_| {}))
                    .expect("translate");
                let decoded = token_log_probs(&out.steps);
                let forced = pollster::block_on(t.model.forced_log_probs(&src, &out.tokens))
                    .expect("teacher forcing");
                // Forcing scores EOS too; the decoder does when it produced it.
                assert_eq!(decoded.len(), out.steps.len(), "{id}");
                for (i, (d, f)) in decoded.iter().zip(&forced).enumerate() {
                    assert!(
                        (d - f).abs() < 1e-3,
                        "{id} beam {beam_size} token {i}: decoded {d} vs forced {f}"
                    );
                }
                let sum: f32 = decoded.iter().sum();
                assert!(
                    (sum - out.log_prob).abs() < 1e-2,
                    "{id}: Σ ln p {sum} vs log_prob {}",
                    out.log_prob
                );
                let ppl = perplexity(&decoded).expect("tokens");
                assert!(ppl >= 1.0 && ppl.is_finite(), "{id}: {ppl}");
            }
        }
    }
}

#[test]
fn a_good_reference_is_less_surprising_than_its_words_shuffled() {
    let t = load("gru-attn-en-zh");
    let scored = |reference: &str| {
        let log_probs =
            pollster::block_on(t.reference_log_probs("I like to read books.", reference))
                .expect("teacher forcing");
        (
            perplexity(&log_probs).expect("EOS at least"),
            log_probs.len(),
        )
    };
    let (good, n) = scored("我喜欢看书。");
    let (shuffled, m) = scored("书。看喜欢我");
    println!(
        "gru-attn-en-zh: reference {good:.2} over {n} tokens, shuffled {shuffled:.2} over {m}"
    );
    assert!(good < shuffled, "{good} vs {shuffled}");
    assert!(good < 20.0, "{good}");
}
