//! Weight files: save → load round-trips (exact in f32, within half precision in f16/bf16) for every
//! family, and every way a file can be wrong is an `Err` that names the tensor — never a panic.

use std::collections::{BTreeMap, HashMap};

use half::{bf16, f16};
use safetensors::tensor::{Dtype, TensorView};

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::decoding::DecodeOptions;
use seq2seq_core::demo::{small_config, FAMILIES};
use seq2seq_core::models::{AnyModel, ModelConfig};
use seq2seq_core::tensor::Tensor;
use seq2seq_core::tokenizer::{Language, Tokenizer};
use seq2seq_core::translator::{Translator, TranslatorConfig};
use seq2seq_core::weights::{to_safetensors, StorageType, Weights};
use seq2seq_core::Error;

const SRC_VOCAB: usize = 20;
const TGT_VOCAB: usize = 17;
const EN_TOKENIZER: &str = include_str!("fixtures/tokenizer-en.json");
const ZH_TOKENIZER: &str = include_str!("fixtures/tokenizer-zh.json");

fn config(family: &str) -> ModelConfig {
    small_config(family, SRC_VOCAB, TGT_VOCAB).unwrap()
}

/// Build the model of `config` from `w` (taking every tensor it needs), dropping the model.
fn build(config: &ModelConfig, w: &mut Weights) -> seq2seq_core::Result<()> {
    AnyModel::take_from(&CpuBackend, config, w).map(drop)
}

/// The tensors a random model of `family` draws from `seed`, by name.
fn random_tensors(family: &str, seed: u64) -> BTreeMap<String, Tensor> {
    let mut w = Weights::random(seed);
    build(&config(family), &mut w).unwrap();
    w.finish().unwrap()
}

/// Load `bytes` into a model of `family`; the tensors it took, or the error.
fn load(family: &str, bytes: &[u8]) -> seq2seq_core::Result<BTreeMap<String, Tensor>> {
    let mut w = Weights::from_safetensors(bytes)?;
    build(&config(family), &mut w)?;
    w.finish()
}

fn translate(model: &AnyModel<CpuBackend>, src: &[u32]) -> seq2seq_core::decoding::Translation {
    let o = DecodeOptions {
        max_len: 8,
        ..DecodeOptions::default()
    };
    pollster::block_on(model.translate(src, &o, &mut |_| {})).unwrap()
}

// --------------------------------------------------------------------------------- round trips

#[test]
fn f32_round_trip_is_exact_for_every_family() {
    for family in FAMILIES {
        for seed in [0, 42] {
            let tensors = random_tensors(family, seed);
            let bytes = to_safetensors(&tensors, StorageType::F32, None).unwrap();
            let loaded = load(family, &bytes).unwrap_or_else(|e| panic!("{family}: {e}"));
            assert_eq!(
                loaded.keys().collect::<Vec<_>>(),
                tensors.keys().collect::<Vec<_>>(),
                "{family}: names"
            );
            for (name, t) in &tensors {
                let l = &loaded[name];
                assert_eq!(l.shape(), t.shape(), "{family}: {name} shape");
                // bit-exact, not just ==
                let same = l
                    .data()
                    .iter()
                    .zip(t.data())
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{family}: {name} changed in the f32 round trip");
            }
            // The model built from the file computes exactly what the random model computes.
            let cfg = config(family);
            let from_file = AnyModel::new(
                &CpuBackend,
                &cfg,
                Weights::from_safetensors(&bytes).unwrap(),
            )
            .unwrap();
            let random = AnyModel::new(&CpuBackend, &cfg, Weights::random(seed)).unwrap();
            let src = [5, 9, 4, 12, 7];
            assert_eq!(
                translate(&from_file, &src),
                translate(&random, &src),
                "{family}: loaded model differs"
            );
            // A second save of the loaded tensors gives the same bytes.
            assert_eq!(
                to_safetensors(&loaded, StorageType::F32, None).unwrap(),
                bytes,
                "{family}: save is not stable"
            );
        }
    }
}

#[test]
fn half_precision_round_trips_within_half_precision() {
    for family in FAMILIES {
        let tensors = random_tensors(family, 3);
        for (storage, rel, to_half) in [
            (
                StorageType::F16,
                2f32.powi(-11),
                (|v: f32| f16::from_f32(v).to_f32()) as fn(f32) -> f32,
            ),
            (StorageType::BF16, 2f32.powi(-8), |v: f32| {
                bf16::from_f32(v).to_f32()
            }),
        ] {
            let bytes = to_safetensors(&tensors, storage, None).unwrap();
            let f32_bytes = to_safetensors(&tensors, StorageType::F32, None).unwrap();
            assert!(
                bytes.len() < f32_bytes.len(),
                "{family} {storage:?}: not smaller than f32"
            );
            let loaded =
                load(family, &bytes).unwrap_or_else(|e| panic!("{family} {storage:?}: {e}"));
            for (name, t) in &tensors {
                let l = &loaded[name];
                assert_eq!(l.shape(), t.shape(), "{family} {storage:?}: {name} shape");
                for (i, (&got, &orig)) in l.data().iter().zip(t.data()).enumerate() {
                    // exactly the nearest half value, and within half a unit in the last place
                    assert_eq!(got, to_half(orig), "{family} {storage:?}: {name}[{i}]");
                    let tol = rel * orig.abs() + 2f32.powi(-24);
                    assert!(
                        (got - orig).abs() <= tol,
                        "{family} {storage:?}: {name}[{i}] {orig} → {got}"
                    );
                }
            }
            // and the model loads from the half file
            AnyModel::new(
                &CpuBackend,
                &config(family),
                Weights::from_safetensors(&bytes).unwrap(),
            )
            .unwrap();
        }
    }
}

#[test]
fn metadata_does_not_disturb_loading() {
    let tensors = random_tensors("gru", 1);
    let meta = HashMap::from([
        ("format".to_string(), "pt".to_string()),
        ("note".to_string(), "golden".to_string()),
    ]);
    let bytes = to_safetensors(&tensors, StorageType::F32, Some(meta)).unwrap();
    assert_eq!(load("gru", &bytes).unwrap(), tensors);
}

// ------------------------------------------------------------------------------ named errors

#[test]
fn every_missing_tensor_is_named() {
    for family in FAMILIES {
        let tensors = random_tensors(family, 4);
        for name in tensors.keys() {
            let mut fewer = tensors.clone();
            fewer.remove(name);
            let bytes = to_safetensors(&fewer, StorageType::F32, None).unwrap();
            let err = AnyModel::new(
                &CpuBackend,
                &config(family),
                Weights::from_safetensors(&bytes).unwrap(),
            )
            .err();
            assert_eq!(
                err,
                Some(Error::MissingTensor(name.clone())),
                "{family}: without {name}"
            );
            assert!(err.unwrap().to_string().contains(name.as_str()));
        }
    }
}

#[test]
fn unused_tensors_are_named() {
    for family in FAMILIES {
        let mut more = random_tensors(family, 5);
        more.insert("decoder.extra.weight".into(), Tensor::zeros([2, 3]));
        more.insert("encoder.rnn.weight_ih_l1".into(), Tensor::zeros([4]));
        let bytes = to_safetensors(&more, StorageType::F32, None).unwrap();
        let err = AnyModel::new(
            &CpuBackend,
            &config(family),
            Weights::from_safetensors(&bytes).unwrap(),
        )
        .err();
        let want = vec![
            "decoder.extra.weight".to_string(),
            "encoder.rnn.weight_ih_l1".to_string(),
        ];
        assert_eq!(err, Some(Error::UnusedTensors(want)), "{family}");
    }
}

#[test]
fn every_wrong_shape_is_named() {
    for family in FAMILIES {
        let tensors = random_tensors(family, 6);
        for (name, t) in &tensors {
            let expected = t.shape().to_vec();
            // one more row (or element), and the transpose of a non-square matrix
            let mut shapes = vec![{
                let mut s = expected.clone();
                s[0] += 1;
                s
            }];
            if expected.len() == 2 && expected[0] != expected[1] {
                shapes.push(vec![expected[1], expected[0]]);
            }
            shapes.push(vec![expected.iter().product()]);
            for actual in shapes {
                if actual == expected {
                    continue;
                }
                let mut bad = tensors.clone();
                bad.insert(name.clone(), Tensor::zeros(actual.clone()));
                let bytes = to_safetensors(&bad, StorageType::F32, None).unwrap();
                let err = AnyModel::new(
                    &CpuBackend,
                    &config(family),
                    Weights::from_safetensors(&bytes).unwrap(),
                )
                .err();
                let want = Error::ShapeMismatch {
                    name: name.clone(),
                    expected: expected.clone(),
                    actual: actual.clone(),
                };
                assert_eq!(err, Some(want), "{family}: {name} as {actual:?}");
            }
        }
    }
}

/// A file with one tensor `name` of `dtype`, holding `data` (raw little-endian bytes).
fn one_tensor_file(name: &str, dtype: Dtype, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let view = TensorView::new(dtype, shape.to_vec(), data).unwrap();
    safetensors::serialize([(name.to_string(), view)], None).unwrap()
}

fn assert_weight_file_error(what: &str, result: seq2seq_core::Result<Weights>, mentions: &str) {
    match result {
        Err(Error::WeightFile(msg)) => assert!(
            msg.contains(mentions),
            "{what}: message {msg:?} does not mention {mentions:?}"
        ),
        Err(other) => panic!("{what}: expected Error::WeightFile, got {other:?}"),
        Ok(_) => panic!("{what}: loaded"),
    }
}

#[test]
fn unsupported_dtypes_are_weight_file_errors_naming_the_tensor() {
    let name = "encoder.embedding.weight";
    for (dtype, size) in [
        (Dtype::I64, 8),
        (Dtype::I32, 4),
        (Dtype::U8, 1),
        (Dtype::F64, 8),
        (Dtype::BOOL, 1),
    ] {
        let bytes = one_tensor_file(name, dtype, &[2, 3], &vec![0u8; 6 * size]);
        assert_weight_file_error(
            &format!("{dtype:?}"),
            Weights::from_safetensors(&bytes),
            name,
        );
    }
}

#[test]
fn non_finite_values_are_weight_file_errors_naming_the_tensor() {
    let name = "decoder.out.bias";
    for v in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let data: Vec<u8> = [0.5f32, v, 1.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_weight_file_error(
            &format!("{v}"),
            Weights::from_safetensors(&one_tensor_file(name, Dtype::F32, &[3], &data)),
            name,
        );
    }
    // An f16 export of a value beyond the f16 range becomes infinity; loading names the tensor.
    let big = BTreeMap::from([(name.to_string(), Tensor::new([2], vec![1.0, 1e6]))]);
    let bytes = to_safetensors(&big, StorageType::F16, None).unwrap();
    assert_weight_file_error("f16 overflow", Weights::from_safetensors(&bytes), name);
}

#[test]
fn corrupt_and_truncated_files_are_weight_file_errors() {
    let bytes = to_safetensors(&random_tensors("rnn", 7), StorageType::F32, None).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty file", vec![]),
        ("shorter than the header length", vec![1, 2, 3]),
        ("header length beyond the file", {
            let mut b = bytes.clone();
            b[..8].copy_from_slice(&(bytes.len() as u64 * 2).to_le_bytes());
            b
        }),
        ("huge header length", {
            let mut b = bytes.clone();
            b[..8].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
        ("header is not JSON", {
            let mut b = bytes.clone();
            b[8..8 + 6].copy_from_slice(b"!@#$%^");
            b
        }),
        ("JSON of the wrong form", {
            let json = br#"{"a": [1, 2, 3]}"#;
            let mut b = (json.len() as u64).to_le_bytes().to_vec();
            b.extend_from_slice(json);
            b
        }),
        ("offsets beyond the data", {
            let json = br#"{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}"#;
            let mut b = (json.len() as u64).to_le_bytes().to_vec();
            b.extend_from_slice(json);
            b.extend_from_slice(&[0u8; 8]);
            b
        }),
        ("shape and offsets disagree", {
            let json = br#"{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 16]}}"#;
            let mut b = (json.len() as u64).to_le_bytes().to_vec();
            b.extend_from_slice(json);
            b.extend_from_slice(&[0u8; 16]);
            b
        }),
        ("trailing bytes after the data", {
            let mut b = bytes.clone();
            b.extend_from_slice(&[0u8; 4]);
            b
        }),
    ];
    for (what, file) in cases {
        assert_weight_file_error(what, Weights::from_safetensors(&file), "");
    }
    // Every truncation of a valid file is an error, never a panic.
    for len in 0..bytes.len() {
        let r = Weights::from_safetensors(&bytes[..len]);
        assert!(
            matches!(r, Err(Error::WeightFile(_))),
            "truncated to {len} of {} bytes (header {header_len})",
            bytes.len()
        );
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    // Flip bytes all over a small file (header and data): loading and building either work or
    // fail with an Error; nothing panics.
    let family = "gru-attn";
    let bytes = to_safetensors(&random_tensors(family, 8), StorageType::F16, None).unwrap();
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let positions: Vec<usize> = (0..header_end)
        .chain((header_end..bytes.len()).step_by(7))
        .collect();
    let mut errors = 0;
    for &i in &positions {
        for x in [0x01u8, 0x20, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= x;
            match Weights::from_safetensors(&b) {
                Ok(w) => {
                    if let Ok(model) = AnyModel::new(&CpuBackend, &config(family), w) {
                        let o = DecodeOptions {
                            max_len: 3,
                            ..DecodeOptions::default()
                        };
                        let _ = pollster::block_on(model.translate(&[4, 5, 6], &o, &mut |_| {}));
                    } else {
                        errors += 1;
                    }
                }
                Err(_) => errors += 1,
            }
        }
    }
    assert!(errors > 0);
}

// ----------------------------------------------------------------------- configs and tokenizers

#[test]
fn a_tokenizer_that_does_not_match_the_model_is_a_tokenizer_error() {
    let en = Tokenizer::from_json(EN_TOKENIZER).unwrap();
    let zh = Tokenizer::from_json(ZH_TOKENIZER).unwrap();
    let (vs, vt) = (en.vocab_size(), zh.vocab_size());
    let translator_config =
        |src_vocab, tgt_vocab, source_language, target_language| TranslatorConfig {
            id: "test".into(),
            source_language,
            target_language,
            model: small_config("gru", src_vocab, tgt_vocab).unwrap(),
            length_penalty: seq2seq_core::decoding::LENGTH_PENALTY,
            length_penalty_unpunctuated: None,
        };
    // the matching pair loads
    Translator::new(
        &CpuBackend,
        translator_config(vs, vt, Language::En, Language::Zh),
        Weights::random(1),
        en.clone(),
        zh.clone(),
    )
    .unwrap();
    for (what, cfg, src, tgt) in [
        (
            "source vocabulary too small",
            translator_config(vs - 1, vt, Language::En, Language::Zh),
            &en,
            &zh,
        ),
        (
            "target vocabulary too large",
            translator_config(vs, vt + 1, Language::En, Language::Zh),
            &en,
            &zh,
        ),
        (
            "tokenizers swapped",
            translator_config(vs, vt, Language::En, Language::Zh),
            &zh,
            &en,
        ),
        (
            "wrong language",
            translator_config(vs, vt, Language::Zh, Language::Zh),
            &en,
            &zh,
        ),
    ] {
        match Translator::new(
            &CpuBackend,
            cfg,
            Weights::random(1),
            src.clone(),
            tgt.clone(),
        ) {
            Err(Error::Tokenizer(msg)) => assert!(msg.contains("does not match"), "{what}: {msg}"),
            Err(other) => panic!("{what}: expected Error::Tokenizer, got {other:?}"),
            Ok(_) => panic!("{what}: accepted"),
        }
    }
}

#[test]
fn token_ids_outside_the_vocabulary_are_errors_not_panics() {
    for family in FAMILIES {
        let model = AnyModel::new(&CpuBackend, &config(family), Weights::random(2)).unwrap();
        let o = DecodeOptions::default();
        let r = pollster::block_on(model.translate(&[4, SRC_VOCAB as u32, 5], &o, &mut |_| {}));
        assert!(matches!(r, Err(Error::Tokenizer(_))), "{family}: {r:?}");
    }
}

#[test]
fn translator_load_from_files_round_trips() {
    let en = Tokenizer::from_json(EN_TOKENIZER).unwrap();
    let zh = Tokenizer::from_json(ZH_TOKENIZER).unwrap();
    for family in FAMILIES {
        let cfg = TranslatorConfig {
            id: format!("{family}-en-zh"),
            source_language: Language::En,
            target_language: Language::Zh,
            model: small_config(family, en.vocab_size(), zh.vocab_size()).unwrap(),
            length_penalty: seq2seq_core::decoding::LENGTH_PENALTY,
            length_penalty_unpunctuated: None,
        };
        let mut w = Weights::random(11);
        build(&cfg.model, &mut w).unwrap();
        let bytes = to_safetensors(&w.finish().unwrap(), StorageType::F32, None).unwrap();
        let json = serde_json::to_string(&cfg).unwrap();
        let loaded =
            Translator::load(&CpuBackend, &json, &bytes, EN_TOKENIZER, ZH_TOKENIZER).unwrap();
        let random = Translator::new(
            &CpuBackend,
            cfg,
            Weights::random(11),
            en.clone(),
            zh.clone(),
        )
        .unwrap();
        let o = DecodeOptions {
            max_len: 8,
            ..DecodeOptions::default()
        };
        let text = "The cat sat on the mat";
        let a = pollster::block_on(loaded.translate(text, &o, &mut |_| {})).unwrap();
        let b = pollster::block_on(random.translate(text, &o, &mut |_| {})).unwrap();
        assert_eq!(a, b, "{family}: loaded translator differs");
        // a config.json that is not valid is a Config error
        let broken = json.replace("\"family\"", "\"familia\"");
        assert!(matches!(
            Translator::load(&CpuBackend, &broken, &bytes, EN_TOKENIZER, ZH_TOKENIZER),
            Err(Error::Config(_))
        ));
    }
}

#[test]
fn impossible_sizes_in_a_config_are_config_errors() {
    let mut cfg = config("transformer");
    if let ModelConfig::Transformer(c) = &mut cfg {
        c.heads = 3; // 32 is not divisible by 3
    }
    assert!(matches!(
        AnyModel::new(&CpuBackend, &cfg, Weights::random(1)),
        Err(Error::Config(_))
    ));
    let mut cfg = config("gru");
    if let ModelConfig::Gru(c) = &mut cfg {
        c.hidden_dim = 0;
    }
    assert!(matches!(
        AnyModel::new(&CpuBackend, &cfg, Weights::random(1)),
        Err(Error::Config(_))
    ));
}
