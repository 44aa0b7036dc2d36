//! seq2seq-core's backward pass (`seq2seq_core::grad`, hand-written, f64) against candle's
//! autograd (f32) on the same weights: candle's model (`nn.rs`, what training optimises) is
//! exported in f32 and loaded by core, then one training pair goes through both.
//!
//! - every family: the teacher-forced loss and ∂L/∂W of every weight tensor (one full step of
//!   training), relative error ≤ 1e-4 per tensor (relative = max |core − candle| / max |candle|;
//!   a tensor whose gradient is itself ~1e-5 passes on an absolute error ≤ 1e-8, candle's f32 floor);
//!   ‖∂L/∂e_t‖ against the rows of candle's embedding gradient;
//! - rnn, gru, lstm: the memory view's ‖∂L/∂h_t‖ and ‖∂c/∂e_j‖ against the same quantities taken
//!   by candle's autograd on a candle forward built from `nn::Cell` (checked to give `nn`'s loss).
//!
//! `cargo test -p seq2seq-train --test grad_vs_candle -- --nocapture` prints every number.

mod common;

use candle_core::{DType, Device, IndexOp, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::demo::FAMILIES;
use seq2seq_core::grad::check::{compare, Comparison};
use seq2seq_core::grad::mat::norm;
use seq2seq_core::grad::GradModel;
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::AnyModel;
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_core::weights::{StorageType, Weights};
use seq2seq_train::io;
use seq2seq_train::nn::{self, Batch, Cell, Lin, Model};

const TOL: f64 = 1e-4;
const ATOL: f64 = 1e-8;
/// Distinct ids: a row of the embedding table is one source position.
const SRC: [u32; 6] = [5, 9, 17, 33, 8, EOS];
const TGT: [u32; 5] = [6, 11, 6, 20, 7];

/// A candle model with random weights, and core's backward pass on the same weights.
fn models(family: &str) -> (VarMap, Model, GradModel) {
    let config = common::tiny_config(family);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Model::new(&vb, &config, 0.0).expect("candle model");
    let bytes = io::model_bytes(&varmap, StorageType::F32).expect("export");
    let weights = Weights::from_safetensors(&bytes).expect("weights");
    let core = AnyModel::new(&CpuBackend, &config, weights).expect("core model");
    (varmap, model, GradModel::from_model(&core))
}

fn to_f64(t: &Tensor) -> Vec<f64> {
    t.flatten_all()
        .and_then(|t| t.to_dtype(DType::F64))
        .and_then(|t| t.to_vec1::<f64>())
        .expect("tensor values")
}

fn report(family: &str, what: &str, c: Comparison) -> f64 {
    println!("{family:>11} {what}: {c}");
    assert!(
        c.scale > 0.0,
        "{family} {what}: nothing compared (all zeros)"
    );
    assert!(c.within(TOL) || c.max_abs <= ATOL, "{family} {what}: {c}");
    c.relative
}

#[test]
fn loss_and_weight_gradients_match_candle() {
    for family in FAMILIES {
        let (varmap, model, grad) = models(family);
        let ours = grad.loss_gradients(&SRC, &TGT).expect("core gradients");
        let batch = Batch::new(&[(&SRC[..], &TGT[..])], &Device::Cpu).expect("batch");
        let logits = model.forward(&batch, false).expect("forward");
        let loss = nn::loss(&logits, &batch, 0.0).expect("loss");
        let candle_loss = f64::from(loss.to_scalar::<f32>().expect("loss value"));
        let grads = loss.backward().expect("backward");
        let dl = (candle_loss - ours.loss).abs() / candle_loss;
        println!(
            "{family:>11} loss: candle {candle_loss:.7}, core {:.7}, relative {dl:.2e}",
            ours.loss
        );
        assert!(dl <= 1e-5, "{family}: loss differs by {dl:.2e}");
        let vars = io::sorted_vars(&varmap);
        assert_eq!(
            vars.len(),
            ours.params.len(),
            "{family}: a gradient per weight"
        );
        let mut worst = 0.0f64;
        for (name, var) in &vars {
            let theirs = match grads.get(var.as_tensor()) {
                Some(g) => to_f64(g),
                None => vec![0.0; var.as_tensor().elem_count()],
            };
            let mine = &ours
                .params
                .get(name)
                .unwrap_or_else(|| panic!("{family}: core has no gradient for `{name}`"))
                .data;
            let c = compare(mine, &theirs);
            assert!(
                c.within(TOL) || c.max_abs <= ATOL,
                "{family} ∂L/∂{name}: {c}"
            );
            if c.scale >= 1e-3 {
                worst = worst.max(c.relative);
            }
            if name == "encoder.embedding.weight" {
                let e = theirs.len() / 40;
                let rows: Vec<f64> = SRC
                    .iter()
                    .map(|&id| norm(&theirs[id as usize * e..(id as usize + 1) * e]))
                    .collect();
                report(
                    family,
                    "‖∂L/∂e_t‖ vs candle",
                    compare(&ours.embedding, &rows),
                );
            }
        }
        println!(
            "{family:>11} ∂L/∂W vs candle, {} tensors: worst relative error {worst:.2e}",
            vars.len()
        );
    }
}

fn var(varmap: &VarMap, name: &str) -> Tensor {
    varmap
        .data()
        .lock()
        .expect("varmap")
        .get(name)
        .unwrap_or_else(|| panic!("no variable `{name}`"))
        .as_tensor()
        .clone()
}

fn cell(varmap: &VarMap, prefix: &str, kind: CellKind, hidden: usize) -> Cell {
    let get = |t: &str| var(varmap, &format!("{prefix}.{t}_l0"));
    Cell {
        kind,
        hidden,
        w_ih: get("weight_ih"),
        w_hh: get("weight_hh"),
        b_ih: get("bias_ih"),
        b_hh: get("bias_hh"),
    }
}

/// The fixed-context model in candle, written from `nn::Cell` with leaves where core's memory
/// view looks: e (the source embeddings) and a zero probe added to every h_t, whose gradient is
/// the total ∂L/∂h_t.
struct CandleFixed {
    e: Var,
    probes: Vec<Var>,
    context: Tensor,
    loss: Tensor,
}

fn candle_fixed(varmap: &VarMap, kind: CellKind) -> candle_core::Result<CandleFixed> {
    let dev = Device::Cpu;
    let h = 16;
    let (enc, dec) = (
        cell(varmap, "encoder.rnn", kind, h),
        cell(varmap, "decoder.rnn", kind, h),
    );
    let out = Lin {
        weight: var(varmap, "decoder.out.weight"),
        bias: Some(var(varmap, "decoder.out.bias")),
    };
    let ids = Tensor::new(&SRC[..], &dev)?;
    let e = Var::from_tensor(&var(varmap, "encoder.embedding.weight").index_select(&ids, 0)?)?;
    let gi = enc.input_proj(e.as_tensor())?; // [S, G·H]
    let mut s = enc.zero_state(1, &dev)?;
    let mut probes = Vec::new();
    for t in 0..SRC.len() {
        s = enc.step(&gi.i(t..t + 1)?, &s)?;
        let probe = Var::zeros((1, h), DType::F32, &dev)?;
        s.h = (&s.h + probe.as_tensor())?;
        probes.push(probe);
    }
    let context = s.h.clone();
    let tgt_in: Vec<u32> = std::iter::once(BOS).chain(TGT).collect();
    let y = var(varmap, "decoder.embedding.weight")
        .index_select(&Tensor::new(&tgt_in[..], &dev)?, 0)?;
    let mut logits = Vec::new();
    for i in 0..tgt_in.len() {
        let x = Tensor::cat(&[&y.i(i..i + 1)?, &context], 1)?;
        s = dec.step(&dec.input_proj(&x)?, &s)?;
        logits.push(out.forward(&Tensor::cat(&[&s.h, &context], 1)?)?);
    }
    let logits = Tensor::cat(&logits, 0)?.unsqueeze(0)?; // [1, T, V]
    let batch = Batch::new(&[(&SRC[..], &TGT[..])], &dev)?;
    let loss = nn::loss(&logits, &batch, 0.0)?;
    Ok(CandleFixed {
        e,
        probes,
        context,
        loss,
    })
}

#[test]
fn memory_view_quantities_match_candle_for_fixed_context_models() {
    for (family, kind) in [
        ("rnn", CellKind::Rnn),
        ("gru", CellKind::Gru),
        ("lstm", CellKind::Lstm),
    ] {
        let (varmap, model, grad) = models(family);
        let c = candle_fixed(&varmap, kind).expect("candle forward");
        // The hand-written candle forward is nn.rs's model: same loss.
        let batch = Batch::new(&[(&SRC[..], &TGT[..])], &Device::Cpu).expect("batch");
        let reference = nn::loss(&model.forward(&batch, false).expect("forward"), &batch, 0.0)
            .and_then(|l| l.to_scalar::<f32>())
            .expect("loss");
        let mine = c.loss.to_scalar::<f32>().expect("loss");
        assert!(
            (reference - mine).abs() <= 1e-6 * reference.abs(),
            "{family}: {reference} vs {mine}"
        );

        // ‖∂L/∂h_t‖ and ‖∂L/∂e_t‖.
        let grads = c.loss.backward().expect("backward");
        let ours = grad.loss_gradients(&SRC, &TGT).expect("core gradients");
        let dh: Vec<f64> = c
            .probes
            .iter()
            .map(|p| norm(&to_f64(grads.get(p.as_tensor()).expect("probe gradient"))))
            .collect();
        report(family, "‖∂L/∂h_t‖ vs candle", compare(&ours.hidden, &dh));
        let de = to_f64(grads.get(c.e.as_tensor()).expect("e gradient"));
        let e_dim = de.len() / SRC.len();
        let de_rows: Vec<f64> = de.chunks(e_dim).map(norm).collect();
        report(
            family,
            "‖∂L/∂e_t‖ vs candle",
            compare(&ours.embedding, &de_rows),
        );

        // ‖∂c/∂e_j‖: one backward pass per component of c.
        let mut sq = vec![0.0; SRC.len()];
        for k in 0..16 {
            let g = c
                .context
                .i((0, k))
                .and_then(|ck| ck.backward())
                .expect("backward");
            let d = to_f64(g.get(c.e.as_tensor()).expect("e gradient"));
            for (s, row) in sq.iter_mut().zip(d.chunks(e_dim)) {
                *s += row.iter().map(|v| v * v).sum::<f64>();
            }
        }
        let theirs: Vec<f64> = sq.into_iter().map(f64::sqrt).collect();
        let cs = grad.context_sensitivity(&SRC, &[]).expect("sensitivity");
        report(family, "‖∂c/∂e_j‖ vs candle", compare(&cs.norms, &theirs));
        println!(
            "{family:>11} ‖∂c/∂e_j‖ (first → last source token): {:.4?}",
            cs.norms
        );
        println!(
            "{family:>11} ‖∂L/∂h_t‖ (first → last source token): {:.4?}",
            ours.hidden
        );
    }
}
