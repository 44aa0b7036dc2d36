//! `average`: checkpoint averaging. The element-wise mean of the weights of the last K snapshots
//! of a run (`train --keep-snapshots K` writes them to `<run>/snapshots/`), written as
//! `<run>/averaged.safetensors` (f32) with `<run>/averaged.json` naming the steps averaged;
//! `export --weights averaged` ships it. Averaging the weights of the last checkpoints of a run
//! (Vaswani et al. 2017 averaged the last 5 or 20) smooths the noise of the last updates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::train::list_snapshots;

pub const AVERAGED: &str = "averaged.safetensors";
pub const AVERAGED_INFO: &str = "averaged.json";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run directory (runs/<id>) with snapshots/.
    #[arg(long)]
    pub run: PathBuf,
    /// Average the last K snapshots.
    #[arg(long, default_value_t = 5)]
    pub last: usize,
    /// Output file (default <run>/averaged.safetensors; the steps go to a .json beside it).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// What `averaged.json` records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AverageInfo {
    pub steps: Vec<usize>,
}

/// The element-wise mean of the model tensors of `files` (Adam moments in a checkpoint are
/// ignored). Every file must hold the same names and shapes.
pub fn average_files(files: &[PathBuf]) -> Result<BTreeMap<String, Tensor>> {
    anyhow::ensure!(!files.is_empty(), "nothing to average");
    let mut sum: BTreeMap<String, Tensor> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let tensors: BTreeMap<String, Tensor> = crate::io::read_tensors(&bytes, &Device::Cpu)?
            .into_iter()
            .filter(|(k, _)| !k.starts_with("adam."))
            .collect();
        if i == 0 {
            sum = tensors;
            continue;
        }
        anyhow::ensure!(
            tensors.len() == sum.len() && tensors.keys().all(|k| sum.contains_key(k)),
            "{} holds other tensors than {}",
            f.display(),
            files[0].display()
        );
        for (k, t) in tensors {
            let acc = sum.get_mut(&k).expect("checked above");
            anyhow::ensure!(
                acc.dims() == t.dims(),
                "tensor `{k}` has shape {:?} in {} but {:?} in {}",
                t.dims(),
                f.display(),
                acc.dims(),
                files[0].display()
            );
            *acc = (&*acc + t)?;
        }
    }
    let n = files.len() as f64;
    sum.into_iter().map(|(k, t)| Ok((k, (t / n)?))).collect()
}

/// Writes the mean of `files` to `out` (f32 safetensors).
pub fn write_average(files: &[PathBuf], out: &Path) -> Result<()> {
    let avg = average_files(files)?;
    let map = crate::io::core_map(avg.iter().map(|(k, t)| (k.clone(), t)))?;
    let bytes =
        seq2seq_core::weights::to_safetensors(&map, seq2seq_core::weights::StorageType::F32, None)?;
    crate::io::write_atomic(out, &bytes)
}

pub fn run(args: &Args) -> Result<()> {
    let snaps = list_snapshots(&args.run)?;
    anyhow::ensure!(
        !snaps.is_empty(),
        "no snapshots in {}/snapshots (train with --keep-snapshots K)",
        args.run.display()
    );
    anyhow::ensure!(args.last > 0, "--last must be at least 1");
    let chosen = &snaps[snaps.len().saturating_sub(args.last)..];
    if chosen.len() < args.last {
        eprintln!(
            "warning: only {} snapshots in {}, averaging those",
            chosen.len(),
            args.run.display()
        );
    }
    let out = args.out.clone().unwrap_or_else(|| args.run.join(AVERAGED));
    let files: Vec<PathBuf> = chosen.iter().map(|(_, p)| p.clone()).collect();
    write_average(&files, &out)?;
    let info = AverageInfo {
        steps: chosen.iter().map(|(s, _)| *s).collect(),
    };
    std::fs::write(
        out.with_extension("json"),
        serde_json::to_string_pretty(&info)? + "\n",
    )?;
    println!(
        "averaged {} snapshots (steps {:?}) into {}",
        files.len(),
        info.steps,
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_element_wise_and_ignores_adam_moments() {
        let dir = std::env::temp_dir().join(format!("s2s-avg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, w: [f32; 2], with_adam: bool| {
            let mut m = BTreeMap::new();
            m.insert(
                "w".to_string(),
                seq2seq_core::tensor::Tensor::new(vec![2], w.to_vec()),
            );
            if with_adam {
                m.insert(
                    "adam.m/w".to_string(),
                    seq2seq_core::tensor::Tensor::new(vec![2], vec![9.0, 9.0]),
                );
            }
            let b = seq2seq_core::weights::to_safetensors(
                &m,
                seq2seq_core::weights::StorageType::F32,
                None,
            )
            .unwrap();
            let p = dir.join(name);
            std::fs::write(&p, b).unwrap();
            p
        };
        let files = vec![
            write("a.safetensors", [1.0, 2.0], false),
            write("b.safetensors", [3.0, 6.0], true),
        ];
        let avg = average_files(&files).unwrap();
        assert_eq!(avg.len(), 1);
        assert_eq!(avg["w"].to_vec1::<f32>().unwrap(), vec![2.0, 4.0]);
        let bad = write("c.safetensors", [0.0, 0.0], false);
        std::fs::remove_file(&bad).unwrap();
        assert!(average_files(&[files[0].clone(), bad]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
