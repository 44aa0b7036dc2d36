//! Moving weights between candle, seq2seq-core and files: the `VarMap` is saved as-is (same names,
//! same layouts as core), in f32 for checkpoints and f16 for export.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use candle_core::{Device, Tensor, Var};
use candle_nn::VarMap;
use seq2seq_core::weights::{to_safetensors, StorageType};

/// The variables of a `VarMap`, sorted by name.
pub fn sorted_vars(varmap: &VarMap) -> Vec<(String, Var)> {
    let data = varmap.data().lock().expect("varmap lock");
    let mut vars: Vec<(String, Var)> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    vars
}

/// A candle tensor as a core tensor (f32, same shape).
pub fn to_core(t: &Tensor) -> Result<seq2seq_core::tensor::Tensor> {
    let data = t
        .flatten_all()?
        .to_dtype(candle_core::DType::F32)?
        .to_vec1::<f32>()?;
    Ok(seq2seq_core::tensor::Tensor::new(t.dims().to_vec(), data))
}

/// Named candle tensors → core tensors.
pub fn core_map<'a>(
    named: impl IntoIterator<Item = (String, &'a Tensor)>,
) -> Result<BTreeMap<String, seq2seq_core::tensor::Tensor>> {
    named
        .into_iter()
        .map(|(k, t)| Ok((k, to_core(t)?)))
        .collect()
}

/// The model's weights as safetensors bytes.
pub fn model_bytes(varmap: &VarMap, storage: StorageType) -> Result<Vec<u8>> {
    let vars = sorted_vars(varmap);
    let map = core_map(vars.iter().map(|(k, v)| (k.clone(), v.as_tensor())))?;
    Ok(to_safetensors(&map, storage, None)?)
}

/// Reads every tensor of a safetensors file (any type core reads: f32, f16, bf16, int8 with row
/// scales) as f32 candle tensors.
pub fn read_tensors(bytes: &[u8], dev: &Device) -> Result<BTreeMap<String, Tensor>> {
    let weights = seq2seq_core::weights::Weights::from_safetensors(bytes)?;
    weights
        .into_file_tensors()
        .into_iter()
        .map(|(name, t)| {
            let shape = t.shape().to_vec();
            Ok((name, Tensor::from_vec(t.into_data(), shape, dev)?))
        })
        .collect()
}

/// Sets the variables of `varmap` from `tensors` (every variable must be present).
pub fn load_into(varmap: &VarMap, tensors: &BTreeMap<String, Tensor>) -> Result<()> {
    for (name, var) in sorted_vars(varmap) {
        let t = tensors
            .get(&name)
            .with_context(|| format!("tensor `{name}` is missing from the checkpoint"))?;
        var.set(t)
            .with_context(|| format!("tensor `{name}` has the wrong shape"))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (temporary file + rename), so a killed run never leaves a
/// half-written checkpoint.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// Number of parameters.
pub fn param_count(varmap: &VarMap) -> usize {
    sorted_vars(varmap)
        .iter()
        .map(|(_, v)| v.as_tensor().elem_count())
        .sum()
}
