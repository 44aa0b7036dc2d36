//! The fast ‖∂c/∂e_j‖ (`grad::batched`: every unit cotangent on c through the encoder at once)
//! against the plain path it replaces: `backward` seeded with one unit vector at a time, the
//! squares summed (`grad::memory::jacobian_norms`). Same arithmetic, so the two agree to
//! round-off (≤ 1e-12 relative); `grad_families.rs` checks both against finite differences.
//! Random small models (`demo::small_config`) and a 23-token source, for rnn, gru, lstm and
//! gru-attn (at decoder steps 0 and 3).
//!
//! `cargo test -p seq2seq-core --test grad_batched -- --nocapture`

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::demo::small_config;
use seq2seq_core::grad::grads::Grads;
use seq2seq_core::grad::memory::{jacobian_norms, teacher_forcing, unit};
use seq2seq_core::grad::GradModel;
use seq2seq_core::models::AnyModel;
use seq2seq_core::tokenizer::EOS;
use seq2seq_core::weights::Weights;

fn model(family: &str) -> GradModel {
    let config = small_config(family, 30, 25).expect("config");
    GradModel::from_model(&AnyModel::new(&CpuBackend, &config, Weights::random(11)).expect("model"))
}

fn source() -> Vec<u32> {
    let mut src: Vec<u32> = (0..22).map(|i| 5 + (i * 7) % 24).collect();
    src.push(EOS);
    src
}

/// One backward pass per unit vector on c.
fn per_pass(m: &GradModel, src: &[u32], prefix: &[u32]) -> Vec<f64> {
    match m {
        GradModel::FixedContext(f) => {
            let pass = f.forward(src, &[]).expect("forward");
            let h = f.encoder.hidden;
            jacobian_norms(h, src.len(), |k| {
                f.backward(&pass, &[], Some(&unit(h, k)), &mut Grads::discard())
                    .embeddings
            })
        }
        GradModel::GruAttn(g) => {
            let (tgt_in, _) = teacher_forcing(prefix);
            let pass = g.forward(src, &tgt_in).expect("forward");
            let i = tgt_in.len() - 1;
            let dim = pass.attended[i].context.len();
            jacobian_norms(dim, src.len(), |k| {
                let mut d_context = vec![Vec::new(); tgt_in.len()];
                d_context[i] = unit(dim, k);
                g.backward(&pass, &[], &d_context, &mut Grads::discard())
                    .embeddings
            })
        }
        GradModel::Transformer(_) => unreachable!("not batched"),
    }
}

#[test]
fn batched_sensitivity_equals_one_pass_per_component() {
    let src = source();
    for (family, prefix) in [
        ("rnn", vec![]),
        ("gru", vec![]),
        ("lstm", vec![]),
        ("gru-attn", vec![]),
        ("gru-attn", vec![6, 11, 7]),
    ] {
        let m = model(family);
        let fast = m.context_sensitivity(&src, &prefix).expect("sensitivity");
        let slow = per_pass(&m, &src, &prefix);
        let scale = slow.iter().copied().fold(0.0, f64::max);
        let worst = fast
            .norms
            .iter()
            .zip(&slow)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        println!(
            "{family:>9} step {}: max |batched − per pass| = {worst:.2e} (largest norm {scale:.3e})",
            prefix.len()
        );
        assert!(scale > 0.0, "{family}: all zeros");
        assert!(worst <= 1e-12 * scale, "{family}: {worst} vs {scale}");
    }
}

/// The shipped en→zh rnn, lstm and gru-attn (www/models/) on a 20-word input from the test
/// ladder: both paths give the same norms; prints how long each took (the batched path is what
/// the page runs).
#[test]
fn shipped_models_batched_vs_per_pass() {
    use seq2seq_core::translator::Translator;
    use std::time::Instant;
    const TEXT: &str =
        "If you had a million dollars, what would you do? Tom is boring. We have no idea what to do.";
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/models");
    for family in ["rnn", "lstm", "gru-attn"] {
        let path = dir.join(format!("{family}-en-zh"));
        let read = |f: &str| {
            std::fs::read_to_string(path.join(f))
                .unwrap_or_else(|e| panic!("{}: {e}", path.join(f).display()))
        };
        let weights = std::fs::read(path.join("model.safetensors")).expect("weights");
        let t = Translator::load(
            &CpuBackend,
            &read("config.json"),
            &weights,
            &read("tokenizer-en.json"),
            &read("tokenizer-zh.json"),
        )
        .expect("a shipped model loads");
        let mut src = t.source.encode(TEXT).expect("tokenize").ids;
        src.push(EOS);
        let m = GradModel::from_model(&t.model);
        let start = Instant::now();
        let fast = m.context_sensitivity(&src, &[]).expect("sensitivity").norms;
        let t_fast = start.elapsed();
        let start = Instant::now();
        let slow = per_pass(&m, &src, &[]);
        let t_slow = start.elapsed();
        let scale = slow.iter().copied().fold(0.0, f64::max);
        let worst = fast
            .iter()
            .zip(&slow)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        println!(
            "{family}-en-zh, {} tokens: batched {t_fast:.2?}, one pass per component {t_slow:.2?} ({:.1}×); max difference {worst:.1e}",
            src.len(),
            t_slow.as_secs_f64() / t_fast.as_secs_f64()
        );
        assert!(worst <= 1e-12 * scale, "{family}: {worst} vs {scale}");
    }
}
