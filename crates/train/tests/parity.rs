//! Parity: for each family, candle's teacher-forced forward (what training optimises) and
//! seq2seq-core's step-by-step forward (what the browser runs) on the same exported weights give
//! the same greedy tokens and logits within 1e-4. The fixture models are small and generated here
//! (random weights rounded through the f16 export, as shipped), so no binary is committed.
//! Padding is checked too: a sentence inside a padded batch gives the same logits as alone.

mod common;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::{greedy, DecodeOptions};
use seq2seq_core::models::{AnyModel, ModelConfig, Seq2Seq};
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_core::weights::{StorageType, Weights};
use seq2seq_train::io;
use seq2seq_train::nn::{Batch, Model};

/// Core logits of each step, teacher-forced on BOS + `tokens`.
async fn core_logits<M: Seq2Seq>(m: &M, src: &[u32], tokens: &[u32]) -> Vec<Vec<f32>> {
    let enc = m.encode(src, false).await.expect("encode");
    let mut state = enc.state;
    let mut out = Vec::new();
    for &prev in std::iter::once(&BOS).chain(tokens) {
        let step = m
            .step(&enc.memory, &state, prev, false)
            .await
            .expect("step");
        out.push(step.logits);
        state = step.state;
    }
    out
}

/// Core's greedy tokens and its logits at each step (BOS + tokens).
async fn core_greedy<M: Seq2Seq>(
    m: &M,
    src: &[u32],
    options: &DecodeOptions,
) -> (Vec<u32>, Vec<Vec<f32>>) {
    // `greedy` takes the source with EOS already appended (as `decode` passes it).
    let t = greedy(m, src, options, &mut |_| {}).await.expect("greedy");
    let logits = core_logits(m, src, &t.tokens).await;
    (t.tokens, logits)
}

fn core_model(config: &ModelConfig, bytes: &[u8]) -> AnyModel<CpuBackend> {
    AnyModel::new(
        &CpuBackend,
        config,
        Weights::from_safetensors(bytes).expect("weights"),
    )
    .expect("core loads the exported weights")
}

fn candle_logits(model: &Model, pairs: &[(&[u32], &[u32])]) -> Tensor {
    let batch = Batch::new(pairs, &Device::Cpu).expect("batch");
    model.forward(&batch, false).expect("forward")
}

fn check_family(family: &str) {
    let config = common::tiny_config(family);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let model = Model::new(&vb, &config, 0.3).expect("candle model");
    // Export (f16, as shipped), and give candle the same rounded values.
    let bytes = io::model_bytes(&varmap, StorageType::F16).expect("export");
    let rounded = io::read_tensors(&bytes, &Device::Cpu).expect("read back");
    io::load_into(&varmap, &rounded).expect("reload");
    let core = core_model(&config, &bytes);

    for (k, src_body) in [
        vec![5u32, 9, 17, 33, 8],
        vec![7, 7, 12],
        vec![39, 1, 20, 21, 22, 23, 24, 6],
    ]
    .into_iter()
    .enumerate()
    {
        let mut src = src_body.clone();
        src.push(EOS);
        let options = DecodeOptions {
            beam_size: 1,
            max_len: 7,
            trace: false,
            ..DecodeOptions::default()
        };
        let (tokens, expected) = pollster::block_on(async {
            match &core {
                AnyModel::FixedContext(m) => core_greedy(m, &src, &options).await,
                AnyModel::GruAttn(m) => core_greedy(m, &src, &options).await,
                AnyModel::Transformer(m) => core_greedy(m, &src, &options).await,
            }
        });
        // Alone, and padded inside a batch with a longer source and target.
        let long_src: Vec<u32> = (5..20).chain([EOS]).collect();
        let long_tgt: Vec<u32> = (5..25).collect();
        let alone = candle_logits(&model, &[(&src, &tokens)]);
        let batched = candle_logits(
            &model,
            &[
                (&long_src, &long_tgt),
                (&src, &tokens),
                (&long_src[..3], &long_tgt[..2]),
            ],
        );
        for (what, logits, row) in [
            ("alone", &alone, 0usize),
            ("in a padded batch", &batched, 1),
        ] {
            let got = logits
                .get(row)
                .expect("row")
                .to_vec2::<f32>()
                .expect("logits");
            let mut worst = (0f32, 0usize, 0usize);
            for (i, want) in expected.iter().enumerate() {
                for (j, (a, b)) in got[i].iter().zip(want).enumerate() {
                    let d = (a - b).abs();
                    if d > worst.0 || d.is_nan() {
                        worst = (d, i, j);
                    }
                }
                // Greedy: candle's argmax at each step is core's choice (EOS after the last token
                // when core stopped on EOS).
                let argmax = got[i]
                    .iter()
                    .enumerate()
                    .fold(
                        (0, f32::NEG_INFINITY),
                        |m, (j, &v)| if v > m.1 { (j, v) } else { m },
                    )
                    .0 as u32;
                if i < tokens.len() {
                    assert_eq!(
                        argmax, tokens[i],
                        "{family} sentence {k} {what}: step {i} token"
                    );
                } else if tokens.len() < options.max_len {
                    assert_eq!(argmax, EOS, "{family} sentence {k} {what}: EOS");
                }
            }
            println!(
                "{family} sentence {k} {what}: {} tokens, max |Δlogit| {:.2e} at step {} id {}",
                tokens.len(),
                worst.0,
                worst.1,
                worst.2
            );
            assert!(
                worst.0 <= 1e-4,
                "{family} sentence {k} {what}: logits differ by {} at step {} id {}",
                worst.0,
                worst.1,
                worst.2
            );
        }
    }
}

#[test]
fn rnn_parity() {
    check_family("rnn");
}

#[test]
fn gru_parity() {
    check_family("gru");
}

#[test]
fn lstm_parity() {
    check_family("lstm");
}

#[test]
fn gru_attn_parity() {
    check_family("gru-attn");
}

#[test]
fn transformer_parity() {
    check_family("transformer");
}
