//! int8 weight files (`StorageType::Int8Rows`): matrices as int8 with one f32 scale per row,
//! vectors as f16, turned back into f32 at load. Every value comes back within half a step of
//! its row's scale, every family loads and translates, and a file whose scales are missing,
//! misshapen or orphaned is an `Err` that names the tensor.

use std::collections::BTreeMap;

use half::f16;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use seq2seq_core::backend::CpuBackend;
use seq2seq_core::demo::{small_config, FAMILIES};
use seq2seq_core::models::{AnyModel, ModelConfig};
use seq2seq_core::tensor::Tensor;
use seq2seq_core::weights::{to_safetensors, StorageType, Weights, ROW_SCALE_SUFFIX};
use seq2seq_core::Error;

fn build(config: &ModelConfig, w: &mut Weights) -> seq2seq_core::Result<()> {
    AnyModel::take_from(&CpuBackend, config, w).map(drop)
}

fn random_tensors(family: &str) -> (ModelConfig, BTreeMap<String, Tensor>) {
    let config = small_config(family, 20, 17).unwrap();
    let mut w = Weights::random(7);
    build(&config, &mut w).unwrap();
    (config, w.finish().unwrap())
}

#[test]
fn int8_round_trip_is_within_half_a_step_per_row_for_every_family() {
    for family in FAMILIES {
        let (config, tensors) = random_tensors(family);
        let int8 = to_safetensors(&tensors, StorageType::Int8Rows, None).unwrap();
        let f16 = to_safetensors(&tensors, StorageType::F16, None).unwrap();
        // Tiny test models: the JSON header (names twice) is a large share of the file; the
        // shipped models come out near 0.5.
        assert!(
            (int8.len() as f64) < 0.75 * f16.len() as f64,
            "{family}: int8 {} bytes vs f16 {}",
            int8.len(),
            f16.len()
        );
        let mut w = Weights::from_safetensors(&int8).unwrap();
        build(&config, &mut w).unwrap();
        let loaded = w.finish().unwrap();
        assert_eq!(
            loaded.len(),
            tensors.len(),
            "{family}: scales are not weights"
        );
        for (name, t) in &tensors {
            let back = &loaded[name];
            assert_eq!(back.shape(), t.shape(), "{family} {name}");
            let cols = *t.shape().last().unwrap();
            for (r, (row, row_back)) in t
                .data()
                .chunks(cols)
                .zip(back.data().chunks(cols))
                .enumerate()
            {
                let step = if t.shape().len() >= 2 {
                    row.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0
                } else {
                    // vectors are f16: relative precision 2^-11
                    row.iter().fold(0f32, |m, v| m.max(v.abs())) / 1024.0
                };
                for (c, (a, b)) in row.iter().zip(row_back).enumerate() {
                    assert!(
                        (a - b).abs() <= 0.5 * step + 1e-7,
                        "{family} {name}[{r}][{c}]: {a} came back as {b} (step {step})"
                    );
                }
            }
        }
    }
}

#[test]
fn matrices_are_int8_with_f32_row_scales_and_vectors_f16() {
    let (_, tensors) = random_tensors("gru-attn");
    let bytes = to_safetensors(&tensors, StorageType::Int8Rows, None).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    for (name, t) in &tensors {
        let view = st.tensor(name).unwrap();
        if t.shape().len() >= 2 {
            assert_eq!(view.dtype(), Dtype::I8, "{name}");
            let scale = st.tensor(&format!("{name}{ROW_SCALE_SUFFIX}")).unwrap();
            assert_eq!(scale.dtype(), Dtype::F32, "{name}");
            assert_eq!(scale.shape(), &t.shape()[..t.shape().len() - 1], "{name}");
        } else {
            assert_eq!(view.dtype(), Dtype::F16, "{name}");
        }
    }
}

/// A file with `w` (int8 [2, 3]) and the given extra tensors.
fn file(extra: &[(&str, Dtype, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
    let mut views = vec![(
        "w".to_string(),
        TensorView::new(Dtype::I8, vec![2, 3], &[1, 2, 3, 255, 254, 253][..]).unwrap(),
    )];
    for (name, dtype, shape, data) in extra {
        views.push((
            name.to_string(),
            TensorView::new(*dtype, shape.clone(), data).unwrap(),
        ));
    }
    safetensors::serialize(views, None).unwrap()
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn int8_values_are_scaled_per_row() {
    let bytes = file(&[("w.row_scale", Dtype::F32, vec![2], f32_bytes(&[0.5, 2.0]))]);
    let mut w = Weights::from_safetensors(&bytes).unwrap();
    let t = w.take("w", &[2, 3]).unwrap();
    assert_eq!(t.data(), &[0.5, 1.0, 1.5, -2.0, -4.0, -6.0]);
    assert_eq!(w.finish().unwrap().len(), 1);
}

#[test]
fn missing_or_misshapen_scales_are_errors_naming_the_tensor() {
    let text = |r: seq2seq_core::Result<Weights>| match r {
        Err(e @ Error::WeightFile(_)) => e.to_string(),
        Err(other) => panic!("expected a weight-file error, got {other:?}"),
        Ok(_) => panic!("loaded"),
    };
    let missing = text(Weights::from_safetensors(&file(&[])));
    assert!(
        missing.contains("`w`") && missing.contains("w.row_scale"),
        "{missing}"
    );
    let wrong = text(Weights::from_safetensors(&file(&[(
        "w.row_scale",
        Dtype::F32,
        vec![3],
        f32_bytes(&[1.0, 1.0, 1.0]),
    )])));
    assert!(wrong.contains("`w`") && wrong.contains("[2]"), "{wrong}");
    let half = f16::from_f32(1.0).to_le_bytes();
    let non_finite = text(Weights::from_safetensors(&file(&[(
        "w.row_scale",
        Dtype::F32,
        vec![2],
        f32_bytes(&[1.0, f32::NAN]),
    )])));
    assert!(non_finite.contains("non-finite"), "{non_finite}");
    // A scale whose tensor is not int8 is an ordinary (unused) tensor.
    let orphan = safetensors::serialize(
        vec![(
            "v.row_scale".to_string(),
            TensorView::new(Dtype::F16, vec![1], &half[..]).unwrap(),
        )],
        None,
    )
    .unwrap();
    let w = Weights::from_safetensors(&orphan).unwrap();
    match w.finish() {
        Err(Error::UnusedTensors(names)) => assert_eq!(names, ["v.row_scale"]),
        other => panic!("expected the orphan scale to be unused, got {other:?}"),
    }
}
