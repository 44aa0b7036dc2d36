//! The "bad model files" rows of the hardening matrix, at the level of `Translator::load` (what
//! the app's worker calls with the fetched files): each broken file is an `Err` with a message
//! that names what is wrong, never a panic. Built on a shipped model (www/models/rnn-en-zh) and
//! its real files, plus small random models for cases that need a different architecture.
//!
//! Lower-level cases (every truncation, byte flips, non-finite values, each missing, unused or
//! misshapen tensor of every family) are in tests/weights.rs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::translator::Translator;
use seq2seq_core::Error;

/// The shipped model the cases start from.
const MODEL: &str = "rnn-en-zh";
/// Another shipped model: same family, other direction (other vocabularies and sizes).
const OTHER: &str = "rnn-zh-en";

struct Files {
    config: String,
    weights: Vec<u8>,
    source: String,
    target: String,
}

fn model_dir(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/models")
        .join(id)
}

fn files(id: &str) -> Files {
    let dir = model_dir(id);
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("shipped model file {}/{name}: {e}", dir.display()))
    };
    let text = |name: &str| String::from_utf8(read(name)).unwrap();
    let (src, tgt) = id
        .rsplit_once('-')
        .and_then(|(rest, tgt)| rest.rsplit_once('-').map(|(_, src)| (src, tgt)))
        .expect("model ids end with <src>-<tgt>");
    Files {
        config: text("config.json"),
        weights: read("model.safetensors"),
        source: text(&format!("tokenizer-{src}.json")),
        target: text(&format!("tokenizer-{tgt}.json")),
    }
}

fn load(f: &Files) -> seq2seq_core::Result<Translator<CpuBackend>> {
    Translator::load(&CpuBackend, &f.config, &f.weights, &f.source, &f.target)
}

/// The error's message (Display, what the UI shows); panics when the files loaded.
fn message(what: &str, result: seq2seq_core::Result<Translator<CpuBackend>>) -> (Error, String) {
    match result {
        Ok(_) => panic!("{what}: loaded"),
        Err(e) => {
            let text = e.to_string();
            println!("{what}: {text}");
            (e, text)
        }
    }
}

/// A copy of a safetensors file with `edit` applied to its tensors (name → dtype, shape, bytes).
fn rewrite(
    bytes: &[u8],
    edit: impl FnOnce(&mut BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)>),
) -> Vec<u8> {
    let st = SafeTensors::deserialize(bytes).unwrap();
    let mut tensors: BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)> = st
        .tensors()
        .into_iter()
        .map(|(name, view)| {
            (
                name,
                (view.dtype(), view.shape().to_vec(), view.data().to_vec()),
            )
        })
        .collect();
    edit(&mut tensors);
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(name, (dtype, shape, data))| {
            (
                name.clone(),
                TensorView::new(*dtype, shape.clone(), data).unwrap(),
            )
        })
        .collect();
    safetensors::serialize(views, None).unwrap()
}

#[test]
fn the_shipped_files_load() {
    load(&files(MODEL)).expect("the shipped model loads");
}

#[test]
fn corrupt_header() {
    let mut f = files(MODEL);
    // The JSON header starts at byte 8: break its first characters.
    f.weights[8..12].copy_from_slice(b"#!?x");
    let (e, text) = message("corrupt header", load(&f));
    assert!(matches!(e, Error::WeightFile(_)), "{e:?}");
    assert!(text.contains("not a valid safetensors file"), "{text}");
    // A header length that points past the end of the file.
    let mut f = files(MODEL);
    f.weights[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let (e, text) = message("header length", load(&f));
    assert!(matches!(e, Error::WeightFile(_)), "{e:?}");
    assert!(text.contains("not a valid safetensors file"), "{text}");
}

#[test]
fn truncated_file() {
    let full = files(MODEL);
    for len in [0, 7, 100, full.weights.len() / 2, full.weights.len() - 1] {
        let f = Files {
            weights: full.weights[..len].to_vec(),
            ..files(MODEL)
        };
        let (e, text) = message(&format!("truncated to {len} bytes"), load(&f));
        assert!(matches!(e, Error::WeightFile(_)), "{len}: {e:?}");
        assert!(text.starts_with("weight file: "), "{text}");
    }
}

#[test]
fn wrong_dtype() {
    let name = "decoder.out.bias";
    for (dtype, width) in [
        (Dtype::I32, 4),
        (Dtype::U8, 1),
        (Dtype::I64, 8),
        (Dtype::F64, 8),
    ] {
        let mut f = files(MODEL);
        f.weights = rewrite(&f.weights, |t| {
            let entry = t.get_mut(name).expect("the model has an output bias");
            let n: usize = entry.1.iter().product();
            *entry = (dtype, entry.1.clone(), vec![0; n * width]);
        });
        let (e, text) = message(&format!("{dtype:?}"), load(&f));
        assert!(matches!(e, Error::WeightFile(_)), "{e:?}");
        assert!(text.contains(name) && text.contains("dtype"), "{text}");
        assert!(text.contains("only F32, F16 and BF16"), "{text}");
    }
}

#[test]
fn wrong_shapes() {
    let name = "decoder.out.bias";
    let mut f = files(MODEL);
    let mut expected = Vec::new();
    f.weights = rewrite(&f.weights, |t| {
        let entry = t.get_mut(name).unwrap();
        expected = entry.1.clone();
        let n = entry.1[0] - 1;
        *entry = (entry.0, vec![n], entry.2[..n * 2].to_vec());
    });
    let (e, text) = message("shape", load(&f));
    match e {
        Error::ShapeMismatch {
            name: n,
            expected: want,
            ..
        } => {
            assert_eq!(n, name);
            assert_eq!(want, expected);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(
        text.contains(name) && text.contains("the configuration expects"),
        "{text}"
    );
}

#[test]
fn config_that_does_not_match_the_weights() {
    // Another model's architecture (other direction: other sizes) with these weights.
    let other = files(OTHER);
    let mut f = files(MODEL);
    f.config = other.config.clone();
    f.source = other.source.clone();
    f.target = other.target.clone();
    let (e, text) = message("other model's config", load(&f));
    assert!(matches!(e, Error::ShapeMismatch { .. }), "{e:?}");
    assert!(
        text.contains("has shape") && text.contains("expects"),
        "{text}"
    );

    // Another family: the tensors it needs are not there.
    let mut f = files(MODEL);
    f.config = f.config.replace("\"rnn\"", "\"lstm\"");
    assert!(f.config.contains("\"lstm\""), "{}", f.config);
    let (e, text) = message("other family", load(&f));
    assert!(
        matches!(e, Error::ShapeMismatch { .. } | Error::MissingTensor(_)),
        "{e:?}"
    );
    assert!(
        text.contains("encoder.rnn.weight_ih_l0") || text.contains("tensor"),
        "{text}"
    );

    // A tensor the config does not use.
    let mut f = files(MODEL);
    f.weights = rewrite(&f.weights, |t| {
        t.insert("extra.weight".into(), (Dtype::F32, vec![1], vec![0; 4]));
    });
    let (e, text) = message("extra tensor", load(&f));
    assert!(matches!(e, Error::UnusedTensors(_)), "{e:?}");
    assert!(text.contains("extra.weight"), "{text}");

    // A tensor the config needs is missing.
    let mut f = files(MODEL);
    f.weights = rewrite(&f.weights, |t| {
        t.remove("decoder.out.bias");
    });
    let (e, text) = message("missing tensor", load(&f));
    assert_eq!(e, Error::MissingTensor("decoder.out.bias".into()));
    assert!(text.contains("missing tensor `decoder.out.bias`"), "{text}");

    // A config.json that names no known family, or is not JSON.
    let mut f = files(MODEL);
    f.config = f.config.replace("\"rnn\"", "\"mamba\"");
    let (e, text) = message("unknown family", load(&f));
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(text.contains("config.json is not valid"), "{text}");
}

#[test]
fn tokenizer_that_does_not_match_the_model() {
    let other = files(OTHER);
    // The other direction's tokenizers: languages swapped and vocabulary sizes differ.
    let mut f = files(MODEL);
    f.source = other.source.clone();
    f.target = other.target.clone();
    let (e, text) = message("swapped tokenizers", load(&f));
    assert!(matches!(e, Error::Tokenizer(_)), "{e:?}");
    assert!(text.contains("does not match the model"), "{text}");

    // Same language, a vocabulary one piece smaller than the embedding / output layer.
    let mut f = files(MODEL);
    let tokenizer = seq2seq_core::tokenizer::Tokenizer::from_json(&f.target).unwrap();
    let pieces = tokenizer.pieces()[..tokenizer.vocab_size() - 1].to_vec();
    let smaller =
        seq2seq_core::tokenizer::Tokenizer::from_parts(tokenizer.language(), pieces, Vec::new())
            .unwrap();
    f.target = smaller.to_json();
    let (e, text) = message("smaller vocabulary", load(&f));
    assert!(matches!(e, Error::Tokenizer(_)), "{e:?}");
    assert!(
        text.contains("target tokenizer")
            && text.contains(&format!("{} tokens", smaller.vocab_size())),
        "{text}"
    );
}

const HTML: &str = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\
                    <body><h1>Not Found</h1></body></html>\n";

#[test]
fn html_instead_of_the_files() {
    let mut f = files(MODEL);
    f.weights = HTML.as_bytes().to_vec();
    let (e, text) = message("HTML weights", load(&f));
    assert!(matches!(e, Error::WeightFile(_)), "{e:?}");
    assert!(text.contains("HTML"), "{text}");

    let mut f = files(MODEL);
    f.config = HTML.to_owned();
    let (e, text) = message("HTML config", load(&f));
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(text.contains("config.json is not valid"), "{text}");

    let mut f = files(MODEL);
    f.source = HTML.to_owned();
    let (e, _) = message("HTML tokenizer", load(&f));
    assert!(matches!(e, Error::Tokenizer(_)), "{e:?}");

    // An empty body (what some servers send with an error status).
    let mut f = files(MODEL);
    f.weights.clear();
    let (e, text) = message("empty weights", load(&f));
    assert!(matches!(e, Error::WeightFile(_)), "{e:?}");
    assert!(text.contains("empty"), "{text}");
}
