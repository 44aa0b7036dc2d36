//! Every model family of seq2seq-core runs on the GPU backend unchanged and translates as on the
//! CPU: the same greedy tokens, logits within 1e-3 (absolute), traces (hidden states, gates,
//! attention rows and maps, top-k probabilities) within 1e-4.
// GPU tests run natively (on lavapipe in CI); the browser path is exercised by the app's tests.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use seq2seq_core::backend::{Backend, CpuBackend};
use seq2seq_core::decoding::DecodeOptions;
use seq2seq_core::demo::{random_translator, FAMILIES};
use seq2seq_core::models::{AnyModel, Seq2Seq};
use seq2seq_core::tensor::Tensor;
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_core::translator::{TranslationOutput, Translator};
use seq2seq_core::weights::Weights;
use seq2seq_core::Result;
use seq2seq_gpu::GpuBackend;

const SENTENCES: [&str; 3] = [
    "I like eating apple",
    "The cat sat on the mat",
    "A magazine is stuck in the gun.",
];
const SEED: u64 = 7;

fn gpu_translator(b: &GpuBackend, cpu: &Translator<CpuBackend>) -> Translator<GpuBackend> {
    Translator::new(
        b,
        cpu.config.clone(),
        Weights::random(SEED),
        cpu.source.clone(),
        cpu.target.clone(),
    )
    .expect("the same weights load on the GPU backend")
}

fn close(what: &str, a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(
        a.len(),
        b.len(),
        "{what}: lengths {} and {}",
        a.len(),
        b.len()
    );
    let mut worst = (0.0f32, 0usize);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let d = (x - y).abs();
        if d > worst.0 || d.is_nan() {
            worst = (d, i);
        }
    }
    assert!(
        worst.0 <= tol,
        "{what}: max |cpu − gpu| = {:.3e} > {tol:.0e} at index {}",
        worst.0,
        worst.1
    );
}

fn close_rows(what: &str, a: &[Vec<f32>], b: &[Vec<f32>], tol: f32) {
    assert_eq!(a.len(), b.len(), "{what}: {} rows and {}", a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        close(&format!("{what} row {i}"), x, y, tol);
    }
}

fn compare(family: &str, text: &str, cpu: &TranslationOutput, gpu: &TranslationOutput) {
    let tag = format!("{family} “{text}”");
    assert_eq!(
        cpu.translation.tokens, gpu.translation.tokens,
        "{tag}: greedy tokens differ"
    );
    assert_eq!(cpu.text, gpu.text, "{tag}");
    let (ce, ge) = (&cpu.translation.encoder, &gpu.translation.encoder);
    close_rows(
        &format!("{tag} encoder hidden"),
        &ce.hidden,
        &ge.hidden,
        1e-4,
    );
    close_rows(&format!("{tag} encoder cell"), &ce.cell, &ge.cell, 1e-4);
    for (name, rows) in &ce.gates {
        close_rows(
            &format!("{tag} encoder gate {name}"),
            rows,
            &ge.gates[name],
            1e-4,
        );
    }
    for (l, (a, b)) in ce.self_attention.iter().zip(&ge.self_attention).enumerate() {
        for (h, (x, y)) in a.iter().zip(b).enumerate() {
            close_rows(
                &format!("{tag} encoder self-attention layer {l} head {h}"),
                x,
                y,
                1e-4,
            );
        }
    }
    for (i, (a, b)) in cpu
        .translation
        .steps
        .iter()
        .zip(&gpu.translation.steps)
        .enumerate()
    {
        let t = format!("{tag} step {i}");
        assert_eq!(a.token, b.token, "{t}");
        close(&format!("{t} prob"), &[a.prob], &[b.prob], 1e-4);
        let (pa, pb): (Vec<f32>, Vec<f32>) = (
            a.top_k.iter().map(|x| x.1).collect(),
            b.top_k.iter().map(|x| x.1).collect(),
        );
        close(&format!("{t} top-k"), &pa, &pb, 1e-4);
        close(&format!("{t} hidden"), &a.hidden, &b.hidden, 1e-4);
        close(&format!("{t} cell"), &a.cell, &b.cell, 1e-4);
        close(&format!("{t} context"), &a.context, &b.context, 1e-4);
        close(&format!("{t} attention"), &a.attention, &b.attention, 1e-4);
        for (name, g) in &a.gates {
            close(&format!("{t} gate {name}"), g, &b.gates[name], 1e-4);
        }
        for (l, (x, y)) in a.cross_attention.iter().zip(&b.cross_attention).enumerate() {
            close_rows(&format!("{t} cross-attention layer {l}"), x, y, 1e-4);
        }
        for (l, (x, y)) in a.self_attention.iter().zip(&b.self_attention).enumerate() {
            close_rows(&format!("{t} self-attention layer {l}"), x, y, 1e-4);
        }
    }
}

/// Logits of each decoder step when fed `prev` tokens (BOS first).
async fn logits<M: Seq2Seq>(m: &M, src: &[u32], prev: &[u32]) -> Result<Vec<Vec<f32>>> {
    let enc = m.encode(src, false).await?;
    let mut state = enc.state;
    let mut out = Vec::new();
    for &p in prev {
        let s = m.step(&enc.memory, &state, p, false).await?;
        out.push(s.logits);
        state = s.state;
    }
    Ok(out)
}

async fn any_logits<B: Backend>(
    m: &AnyModel<B>,
    src: &[u32],
    prev: &[u32],
) -> Result<Vec<Vec<f32>>> {
    match m {
        AnyModel::FixedContext(m) => logits(m, src, prev).await,
        AnyModel::GruAttn(m) => logits(m, src, prev).await,
        AnyModel::Transformer(m) => logits(m, src, prev).await,
    }
}

#[test]
fn every_family_translates_the_same_on_gpu_and_cpu() {
    let Some(g) = gpu("every_family_translates_the_same_on_gpu_and_cpu") else {
        return;
    };
    let backend = GpuBackend::from_context(g.context().clone());
    for family in FAMILIES {
        let cpu = random_translator(family, SEED).expect("random translator");
        let gpu_tr = gpu_translator(&backend, &cpu);
        let options = DecodeOptions {
            max_len: 12,
            ..DecodeOptions::default()
        };
        for text in SENTENCES {
            let a = block_on(cpu.translate(text, &options, &mut |_| {})).expect("cpu translate");
            let b = block_on(gpu_tr.translate(text, &options, &mut |_| {})).expect("gpu translate");
            compare(family, text, &a, &b);
            // logits of every step, fed the greedy tokens
            let mut src = cpu.source.encode(text).expect("encode").ids;
            src.push(EOS);
            let mut prev = vec![BOS];
            prev.extend(&a.translation.tokens);
            let la = block_on(any_logits(&cpu.model, &src, &prev)).expect("cpu logits");
            let lb = block_on(any_logits(&gpu_tr.model, &src, &prev)).expect("gpu logits");
            close_rows(&format!("{family} “{text}” logits"), &la, &lb, 1e-3);
        }
    }
}

#[test]
fn an_encoder_pass_is_one_submission() {
    let Some(g) = gpu("an_encoder_pass_is_one_submission") else {
        return;
    };
    let backend = GpuBackend::from_context(g.context().clone());
    for family in ["rnn", "gru", "lstm"] {
        let cpu = random_translator(family, SEED).expect("random translator");
        let gpu_tr = gpu_translator(&backend, &cpu);
        let AnyModel::FixedContext(model) = &gpu_tr.model else {
            panic!("{family} is a fixed-context model")
        };
        let src: Vec<u32> = [5u32, 9, 12, 7, 30, 4, 8, 11, EOS].to_vec();
        let (d0, s0) = backend.gpu().counters();
        let enc = block_on(model.encode(&src, false)).expect("encode");
        let step = block_on(model.step(&enc.memory, &enc.state, BOS, false)).expect("step");
        let (d1, s1) = backend.gpu().counters();
        assert!(!step.logits.is_empty());
        assert!(
            d1 - d0 > src.len() as u64,
            "{family}: {} dispatches for {} steps",
            d1 - d0,
            src.len()
        );
        assert_eq!(
            s1 - s0,
            1,
            "{family}: encoder pass + first decoder step should be one submission"
        );
    }
}

#[test]
fn gpu_errors_are_errors_not_panics() {
    let Some(g) = gpu("gpu_errors_are_errors_not_panics") else {
        return;
    };
    let b = GpuBackend::from_context(g.context().clone());
    let table = b.upload(&Tensor::new([4, 2], vec![0.0; 8]));
    let bad = b.embedding(&table, &[1, 9]);
    // the error travels through later ops and comes out of read
    let later = b.activation(&b.scale(&bad, 2.0), seq2seq_core::ops::Activation::Tanh);
    let err = block_on(b.read(&later)).expect_err("id 9 is outside the vocabulary");
    assert!(
        matches!(&err, seq2seq_core::Error::Backend(m) if m.message.contains("outside a vocabulary")),
        "{err}"
    );
    assert_eq!(b.shape(&later), vec![2, 2]);
    // the backend still works afterwards
    let ok = b.embedding(&table, &[3]);
    assert_eq!(block_on(b.read(&ok)).expect("read").data(), &[0.0, 0.0]);
    assert!(b.name().starts_with("WebGPU: "));
}

#[test]
fn a_lost_device_is_an_error_not_a_panic() {
    // Its own device: destroying it must not disturb the other tests.
    let Some(ctx) = common::own_context(
        "a_lost_device_is_an_error_not_a_panic",
        &seq2seq_gpu::ContextOptions::default(),
    ) else {
        return;
    };
    let b = GpuBackend::from_context(ctx.clone());
    let x = b.upload(&Tensor::new([2, 3], vec![1.0; 6]));
    assert_eq!(
        block_on(b.read(&b.scale(&x, 2.0)))
            .expect("before the loss")
            .data(),
        &[2.0; 6]
    );
    ctx.device().destroy();
    let y = b.scale(&x, 3.0);
    let err = block_on(b.read(&y)).expect_err("the device is gone");
    // The kind crosses into core's error: callers decide on it, not on the message.
    assert_eq!(
        err.backend_kind(),
        Some(seq2seq_core::BackendErrorKind::DeviceLost),
        "{err}"
    );
    eprintln!("after device.destroy(): {err}");
}
