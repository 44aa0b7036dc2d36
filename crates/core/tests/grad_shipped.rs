//! The memory view's two quantities on the shipped en→zh models (`www/models/`), on one long
//! input (four of the ladder's joined sentences, 20+ words): prints ‖∂c/∂e_j‖ per source token
//! (normalised to the largest) and ‖∂L/∂h_t‖, and how long each took. The models are committed, so
//! a missing file fails the test. The rnn's last token must weigh more in c than its first.
//! `cargo test -p seq2seq-core --test grad_shipped -- --nocapture`

use std::path::PathBuf;
use std::time::Instant;

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::demo::FAMILIES;
use seq2seq_core::grad::GradModel;
use seq2seq_core::tokenizer::EOS;
use seq2seq_core::translator::Translator;

const TEXT: &str = "Tom is reading a book in the garden. \
    We will go to school tomorrow morning. \
    My brother likes to play tennis after work. \
    She bought three red apples at the market.";

/// A shipped model (committed under www/models: a missing file fails the test, never skips it).
fn load(id: &str) -> Translator<CpuBackend> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/models")
        .join(id);
    let read =
        |f: &str| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("www/models/{id}/{f}: {e}"));
    let (config, weights) = (read("config.json"), read("model.safetensors"));
    let (src, tgt) = (read("tokenizer-en.json"), read("tokenizer-zh.json"));
    let utf8 = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
    Translator::load(&CpuBackend, &utf8(config), &weights, &utf8(src), &utf8(tgt))
        .expect("a shipped model loads")
}

fn bars(v: &[f64]) -> String {
    let max = v.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    v.iter()
        .map(|x| format!("{:.2}", x / max))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn shipped_models_memory_view() {
    for family in FAMILIES {
        let id = format!("{family}-en-zh");
        let t = load(&id);
        let mut src = t.source.encode(TEXT).expect("tokenize").ids;
        src.push(EOS);
        let model = GradModel::from_model(&t.model);
        let start = Instant::now();
        let cs = model.context_sensitivity(&src, &[]).expect("sensitivity");
        let t_cs = start.elapsed();
        let tgt = t.target.encode("汤姆在花园里看书。").expect("tokenize").ids;
        let start = Instant::now();
        let lg = model.loss_gradients(&src, &tgt).expect("loss gradients");
        let t_lg = start.elapsed();
        println!(
            "{id}: {} source tokens; ‖∂c/∂e_j‖ in {t_cs:.2?}, ‖∂L/∂h_t‖ in {t_lg:.2?} (loss {:.3})",
            src.len(),
            lg.loss
        );
        println!("  ‖∂c/∂e_j‖ / max, first → last: {}", bars(&cs.norms));
        println!("  ‖∂L/∂h_t‖ / max, first → last: {}", bars(&lg.hidden));
        assert!(cs.norms.iter().chain(&lg.hidden).all(|v| v.is_finite()));
        if family == "rnn" {
            // The article's claim, on the real model: c has all but forgotten the first words.
            let (first, last) = (cs.norms[0], cs.norms[src.len() - 1]);
            assert!(
                last > 2.0 * first,
                "rnn: ‖∂c/∂e_first‖ {first} vs ‖∂c/∂e_last‖ {last}"
            );
        }
    }
}
