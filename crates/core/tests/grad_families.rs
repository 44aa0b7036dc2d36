//! Each family's backward pass (`seq2seq_core::grad`) on randomly initialised models
//! (`demo::small_config`, loaded through the real weight loader):
//! - the f64 forward the backward pass differentiates computes core's f32 forward
//!   (logits, c, α within 1e-4 relative);
//! - ∂L/∂W of every weight tensor for the teacher-forced loss, over one decoder step (target
//!   empty: BOS → EOS) and over five steps, against central finite differences in f64:
//!   relative error ≤ 1e-6 (relative = max |analytic − numeric| / max |numeric| per tensor), or
//!   absolute ≤ 1e-9 for a tensor whose gradient is itself ~1e-5 (the finite differences' floor);
//! - ‖∂c/∂e_j‖ (the encoder's c, or the decoder's context at step 2) against the Jacobian by
//!   finite differences, same bound.
//!
//! `cargo test -p seq2seq-core --test grad_families -- --nocapture` prints every number.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::demo::{small_config, FAMILIES};
use seq2seq_core::grad::check::{central_difference, compare, Comparison};
use seq2seq_core::grad::loss::mean_cross_entropy;
use seq2seq_core::grad::mat::norm;
use seq2seq_core::grad::mat::Mat;
use seq2seq_core::grad::memory::teacher_forcing;
use seq2seq_core::grad::positions::embed;
use seq2seq_core::grad::{GradModel, TransformerGrad};
use seq2seq_core::models::{AnyModel, Seq2Seq};
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_core::weights::Weights;
use seq2seq_core::Error;

const H: f64 = 1e-5;
const TOL: f64 = 1e-6;
/// Finite differences' own round-off is ~ε·|L|/h ≈ 1e-11: a tensor whose gradient is itself
/// tiny (|∂L/∂W| ~1e-5, e.g. W_q of a random attention) passes on an absolute error ≤ 1e-9.
const ATOL: f64 = 1e-9;
const SMALL: f64 = 1e-3;
/// f32 forward against f64 forward.
const FORWARD_TOL: f64 = 1e-4;
/// Distinct ids, so that a row of the embedding table is one source position.
const SRC: [u32; 6] = [5, 9, 17, 12, 8, EOS];
const TGT: [u32; 4] = [6, 11, 6, 20];
const PREFIX: [u32; 2] = [6, 11];

fn core_model(family: &str) -> AnyModel<CpuBackend> {
    let config = small_config(family, 30, 25).expect("config");
    AnyModel::new(&CpuBackend, &config, Weights::random(7)).expect("model")
}

fn report(family: &str, what: &str, c: Comparison, tol: f64) -> f64 {
    println!("{family:>11} {what}: {c}");
    assert!(
        c.scale > 0.0,
        "{family} {what}: nothing to compare (all zeros)"
    );
    assert!(c.within(tol), "{family} {what}: {c}");
    c.relative
}

/// Core's f32 teacher-forced steps: (logits, context, attention) per step.
type CoreSteps = Vec<(Vec<f32>, Vec<f32>, Vec<f32>)>;

async fn core_steps<M: Seq2Seq>(
    m: &M,
    src: &[u32],
    tgt_in: &[u32],
) -> (CoreSteps, Option<Vec<f32>>) {
    let enc = m.encode(src, true).await.expect("encode");
    let mut state = enc.state;
    let mut out = Vec::new();
    for &prev in tgt_in {
        let step = m.step(&enc.memory, &state, prev, true).await.expect("step");
        out.push((step.logits, step.trace.context, step.trace.attention));
        state = step.state;
    }
    (out, enc.trace.context)
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

#[test]
fn f64_forward_computes_core_forward() {
    let (tgt_in, _) = teacher_forcing(&TGT);
    for family in FAMILIES {
        let core = core_model(family);
        let grad = GradModel::from_model(&core);
        let (steps, enc_context) = pollster::block_on(async {
            match &core {
                AnyModel::FixedContext(m) => core_steps(m, &SRC, &tgt_in).await,
                AnyModel::GruAttn(m) => core_steps(m, &SRC, &tgt_in).await,
                AnyModel::Transformer(m) => core_steps(m, &SRC, &tgt_in).await,
            }
        });
        let core_logits: Vec<f64> = steps.iter().flat_map(|s| widen(&s.0)).collect();
        let (logits, context, attention): (Vec<f64>, Vec<f64>, Vec<f64>) = match &grad {
            GradModel::FixedContext(m) => {
                let p = m.forward(&SRC, &tgt_in).expect("forward");
                let c = widen(enc_context.as_deref().expect("the trace has c"));
                report(
                    family,
                    "c, f64 vs core",
                    compare(p.context(), &c),
                    FORWARD_TOL,
                );
                (p.logits.concat(), Vec::new(), Vec::new())
            }
            GradModel::GruAttn(m) => {
                let p = m.forward(&SRC, &tgt_in).expect("forward");
                let ctx = p.attended.iter().flat_map(|a| a.context.clone()).collect();
                let alpha = p.attended.iter().flat_map(|a| a.alpha.clone()).collect();
                (p.logits.concat(), ctx, alpha)
            }
            GradModel::Transformer(m) => {
                let p = m.forward(&SRC, &tgt_in).expect("forward");
                let cs = m.context_sensitivity(&SRC, &TGT).expect("sensitivity");
                // The last step's α, averaged over heads, as core's trace shows it.
                let last = steps.last().expect("steps");
                report(
                    family,
                    "last-step α, f64 vs core",
                    compare(&cs.attention, &widen(&last.2)),
                    FORWARD_TOL,
                );
                (p.logits.data, Vec::new(), Vec::new())
            }
        };
        report(
            family,
            "logits, f64 vs core",
            compare(&logits, &core_logits),
            FORWARD_TOL,
        );
        if !context.is_empty() {
            let core_ctx: Vec<f64> = steps.iter().flat_map(|s| widen(&s.1)).collect();
            let core_alpha: Vec<f64> = steps.iter().flat_map(|s| widen(&s.2)).collect();
            report(
                family,
                "c_i, f64 vs core",
                compare(&context, &core_ctx),
                FORWARD_TOL,
            );
            report(
                family,
                "α_i, f64 vs core",
                compare(&attention, &core_alpha),
                FORWARD_TOL,
            );
        }
    }
}

/// Adds `delta` to element `i` of the weight `name`.
fn nudge(m: &mut GradModel, name: &str, i: usize, delta: f64) {
    for (n, v) in m.params_mut() {
        if n == name {
            v[i] += delta;
        }
    }
}

/// Checks ∂L/∂W of every tensor on a sample of its elements (every element of the embedding rows
/// the pair uses); returns the worst relative error over tensors whose gradient reaches `SMALL`, and
/// the worst absolute error over the others.
fn check_loss_gradients(family: &str, model: &GradModel, tgt: &[u32]) -> (f64, f64) {
    let g = model.loss_gradients(&SRC, tgt).expect("loss gradients");
    let mut clone = model.clone();
    let shapes: Vec<(String, usize)> = clone
        .params_mut()
        .into_iter()
        .map(|(n, v)| (n, v.len()))
        .collect();
    let names: Vec<&String> = g.params.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names.len(),
        shapes.len(),
        "{family}: a gradient for every weight"
    );
    let (tgt_in, _) = teacher_forcing(tgt);
    let r = &mut StdRng::seed_from_u64(3);
    let mut worst = (0.0f64, 0.0f64);
    for (name, len) in &shapes {
        let analytic = &g.params.get(name).expect("gradient").data;
        assert_eq!(analytic.len(), *len, "{family} {name}: gradient shape");
        let dim = |rows: usize| len / rows;
        let indices: Vec<usize> = if name == "encoder.embedding.weight" {
            let e = dim(30);
            SRC.iter()
                .flat_map(|&id| (0..e).map(move |k| id as usize * e + k))
                .collect()
        } else if name == "decoder.embedding.weight" {
            let e = dim(25);
            let mut ids: Vec<u32> = tgt_in.clone();
            ids.sort_unstable();
            ids.dedup();
            ids.iter()
                .flat_map(|&id| (0..e).map(move |k| id as usize * e + k))
                .collect()
        } else {
            (0..8).map(|_| r.random_range(0..*len)).collect()
        };
        let numeric: Vec<f64> = indices
            .iter()
            .map(|&i| {
                central_difference(H, |d| {
                    let mut m = model.clone();
                    nudge(&mut m, name, i, d);
                    m.loss(&SRC, tgt).expect("loss")
                })
            })
            .collect();
        let picked: Vec<f64> = indices.iter().map(|&i| analytic[i]).collect();
        let c = compare(&picked, &numeric);
        assert!(
            c.within(TOL) || c.max_abs <= ATOL,
            "{family} ({} target tokens) ∂L/∂{name}: {c}",
            tgt.len()
        );
        if c.scale >= SMALL {
            worst.0 = worst.0.max(c.relative);
        } else {
            worst.1 = worst.1.max(c.max_abs);
        }
    }
    // ‖∂L/∂e_t‖ is the norm of the table row of token t (ids are distinct).
    let table = g.params.get("encoder.embedding.weight").expect("table");
    for (t, &id) in SRC.iter().enumerate() {
        let row = norm(table.row(id as usize));
        assert!(
            (g.embedding[t] - row).abs() <= 1e-12 * row.max(1.0),
            "{family}: ‖∂L/∂e_{t}‖"
        );
    }
    assert_eq!(
        g.hidden.len(),
        SRC.len(),
        "{family}: one ‖∂L/∂h_t‖ per source position"
    );
    assert!(
        g.hidden.iter().all(|v| v.is_finite() && *v > 0.0),
        "{family}: {:?}",
        g.hidden
    );
    worst
}

#[test]
fn loss_gradients_match_finite_differences() {
    for family in FAMILIES {
        let model = GradModel::from_model(&core_model(family));
        let one_step = check_loss_gradients(family, &model, &[]);
        let five_steps = check_loss_gradients(family, &model, &TGT);
        println!(
            "{family:>11} ∂L/∂W vs finite differences: worst relative error one decoder step {:.2e}, five steps {:.2e} (tensors with |∂L/∂W| < {SMALL:.0e}: worst absolute {:.2e})",
            one_step.0,
            five_steps.0,
            one_step.1.max(five_steps.1)
        );
    }
}

/// The context the sensitivity differentiates, recomputed by the forward pass alone.
fn context(m: &GradModel, src: &[u32], prefix: &[u32]) -> Vec<f64> {
    let (tgt_in, _) = teacher_forcing(prefix);
    match m {
        GradModel::FixedContext(f) => f.forward(src, &[]).expect("forward").context().to_vec(),
        GradModel::GruAttn(g) => {
            let p = g.forward(src, &tgt_in).expect("forward");
            p.attended[tgt_in.len() - 1].context.clone()
        }
        GradModel::Transformer(t) => {
            let p = t.forward(src, &tgt_in).expect("forward");
            p.decoder[p.decoder.len() - 1]
                .cross
                .out
                .row(tgt_in.len() - 1)
                .to_vec()
        }
    }
}

#[test]
fn context_sensitivity_matches_finite_differences() {
    for family in FAMILIES {
        let model = GradModel::from_model(&core_model(family));
        let cs = model
            .context_sensitivity(&SRC, &PREFIX)
            .expect("sensitivity");
        assert_eq!(cs.context, context(&model, &SRC, &PREFIX), "{family}: c");
        let e = match &model {
            GradModel::FixedContext(m) => m.src_embed.table.cols,
            GradModel::GruAttn(m) => m.src_embed.table.cols,
            GradModel::Transformer(m) => m.src_embed.table.cols,
        };
        // ‖∂c/∂e_j‖_F from the Jacobian's columns ∂c/∂e_jk by central differences.
        let numeric: Vec<f64> = SRC
            .iter()
            .map(|&id| {
                let mut sq = 0.0;
                for k in 0..e {
                    let at = |d: f64| {
                        let mut m = model.clone();
                        nudge(&mut m, "encoder.embedding.weight", id as usize * e + k, d);
                        context(&m, &SRC, &PREFIX)
                    };
                    let (plus, minus) = (at(H), at(-H));
                    sq += plus
                        .iter()
                        .zip(&minus)
                        .map(|(p, m)| ((p - m) / (2.0 * H)).powi(2))
                        .sum::<f64>();
                }
                sq.sqrt()
            })
            .collect();
        report(
            family,
            "‖∂c/∂e_j‖ vs finite differences",
            compare(&cs.norms, &numeric),
            TOL,
        );
        if matches!(model, GradModel::FixedContext(_)) {
            assert!(cs.attention.is_empty(), "{family}: a fixed c has no α");
        } else {
            assert_eq!(cs.attention.len(), SRC.len(), "{family}: α over the source");
            assert!(
                (cs.attention.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                "{family}: α sums to 1"
            );
        }
    }
}

#[test]
fn bad_input_is_an_error() {
    for family in FAMILIES {
        let model = GradModel::from_model(&core_model(family));
        assert!(
            matches!(model.loss_gradients(&[], &TGT), Err(Error::InvalidInput(_))),
            "{family}: empty source"
        );
        assert!(
            matches!(
                model.loss_gradients(&[30, EOS], &TGT),
                Err(Error::InvalidInput(_))
            ),
            "{family}: source id"
        );
        assert!(
            matches!(
                model.loss_gradients(&SRC, &[6, 25]),
                Err(Error::InvalidInput(_))
            ),
            "{family}: target id"
        );
        // A fixed c does not read the prefix; the attention families do.
        let prefix = model.context_sensitivity(&SRC, &[BOS, 25]);
        assert_eq!(
            matches!(model, GradModel::FixedContext(_)),
            prefix.is_ok(),
            "{family}: prefix id"
        );
    }
}

/// The transformer's ‖∂L/∂h_t‖ (h_t the encoder's output row t, the memory) against finite
/// differences of the loss with the memory nudged; the recurrent families' ‖∂L/∂h_t‖ are the
/// total ∂L/∂h_t of backpropagation through time, checked in `grad_ops.rs` and against candle.
#[test]
fn transformer_memory_gradient_matches_finite_differences() {
    let model = GradModel::from_model(&core_model("transformer"));
    let GradModel::Transformer(t) = &model else {
        panic!("a transformer")
    };
    let g = model.loss_gradients(&SRC, &TGT).expect("gradients");
    let (tgt_in, tgt_out) = teacher_forcing(&TGT);
    let memory = t.forward(&SRC, &tgt_in).expect("forward").memory;
    let loss_from = |t: &TransformerGrad, memory: &Mat| {
        let (mut y, _) = embed(&t.tgt_embed, &tgt_in, 0);
        for layer in &t.decoder {
            y = layer.forward(&y, memory).out;
        }
        let logits = t.out.forward(&t.decoder_norm.forward(&y));
        mean_cross_entropy(&logits.to_rows(), &tgt_out).0
    };
    let numeric: Vec<f64> = (0..memory.rows)
        .map(|row| {
            let d: Vec<f64> = (0..memory.cols)
                .map(|k| {
                    central_difference(H, |d| {
                        let mut m = memory.clone();
                        m.row_mut(row)[k] += d;
                        loss_from(t, &m)
                    })
                })
                .collect();
            norm(&d)
        })
        .collect();
    report(
        "transformer",
        "‖∂L/∂h_t‖ vs finite differences",
        compare(&g.hidden, &numeric),
        TOL,
    );
}
