//! Named weights: read from safetensors (f32, f16 or bf16, or int8 with per-row scales; all read
//! into f32, so every backend computes in f32), or drawn at random for tests and demos through
//! exactly the same code path. Models `take` each tensor by its PyTorch
//! name and shape; a missing, unused or wrongly shaped tensor is an error that names it.

use std::collections::{BTreeMap, HashMap};

use half::{bf16, f16};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::tensor::Tensor;
use crate::{Error, Result};

/// How a tensor is initialised when the weights are random.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// U(-1/√fan_in, 1/√fan_in), fan_in = last dimension (PyTorch's default for Linear/RNN).
    Uniform,
    /// N(0, 1)-like spread U(-√3, √3), PyTorch's default for Embedding.
    Embedding,
    Ones,
    Zeros,
}

/// The number type a weight file is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageType {
    F32,
    F16,
    BF16,
    /// Matrices (rank ≥ 2) as int8 with one f32 scale per row (the last dimension is the row):
    /// `x ≈ q · scale`, `scale = max|row| / 127`, stored as `<name>` (I8) and
    /// `<name>.row_scale` (F32, the shape without its last dimension); vectors (biases, norms)
    /// as f16. Half the bytes of f16 for the same parameters.
    Int8Rows,
}

/// Suffix of the per-row scale tensor that goes with an int8 tensor.
pub const ROW_SCALE_SUFFIX: &str = ".row_scale";

enum Source {
    File(HashMap<String, Tensor>),
    Random(Box<StdRng>),
}

pub struct Weights {
    source: Source,
    /// Every tensor handed out, by name: what `finish` returns for export.
    taken: BTreeMap<String, Tensor>,
}

impl Weights {
    /// Parse a safetensors file. Every tensor is converted to f32 up front.
    pub fn from_safetensors(bytes: &[u8]) -> Result<Self> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| {
            // What a static host sends instead of the file is worth naming: an empty body, or
            // an HTML page (a 404 page, or a single-page-app fallback that answers every URL).
            // Only on failure: a valid file's first (length) byte may well be '<'.
            let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
            Error::WeightFile(if bytes.is_empty() {
                "the file is empty (0 bytes)".to_owned()
            } else if start.is_some_and(|i| bytes[i] == b'<') {
                "the file is HTML, not safetensors (an error page, or a wrong URL?)".to_owned()
            } else {
                format!("not a valid safetensors file ({e})")
            })
        })?;
        let mut map = HashMap::new();
        for (name, view) in st.tensors() {
            let tensor = if view.dtype() == Dtype::I8 {
                let scale_name = format!("{name}{ROW_SCALE_SUFFIX}");
                let scale = st.tensor(&scale_name).map_err(|_| {
                    Error::WeightFile(format!(
                        "tensor `{name}` is int8 but `{scale_name}` (its row scales) is missing"
                    ))
                })?;
                dequantise_rows(&name, &view, &view_to_f32(&scale_name, &scale)?)?
            } else if is_scale_of_int8(&st, &name) {
                continue; // read with its tensor; a scale without one stays and is reported unused
            } else {
                view_to_f32(&name, &view)?
            };
            map.insert(name, tensor);
        }
        Ok(Self {
            source: Source::File(map),
            taken: BTreeMap::new(),
        })
    }

    /// Random weights, reproducible from `seed` (the order of `take` calls is fixed by the model).
    pub fn random(seed: u64) -> Self {
        Self {
            source: Source::Random(Box::new(StdRng::seed_from_u64(seed))),
            taken: BTreeMap::new(),
        }
    }

    /// The tensor `name` with `shape`, initialised as `Init::Uniform` when random.
    pub fn take(&mut self, name: &str, shape: &[usize]) -> Result<Tensor> {
        self.take_init(name, shape, Init::Uniform)
    }

    pub fn take_init(&mut self, name: &str, shape: &[usize], init: Init) -> Result<Tensor> {
        assert!(
            !self.taken.contains_key(name),
            "weight `{name}` taken twice"
        );
        let tensor = match &mut self.source {
            Source::File(map) => {
                let t = map
                    .remove(name)
                    .ok_or_else(|| Error::MissingTensor(name.to_string()))?;
                if t.shape() != shape {
                    return Err(Error::ShapeMismatch {
                        name: name.to_string(),
                        expected: shape.to_vec(),
                        actual: t.shape().to_vec(),
                    });
                }
                t
            }
            Source::Random(rng) => random_tensor(rng, shape, init),
        };
        self.taken.insert(name.to_string(), tensor.clone());
        Ok(tensor)
    }

    /// Every tensor of a file, by name, in f32 (for tools that convert weights); empty for
    /// random weights.
    pub fn into_file_tensors(self) -> BTreeMap<String, Tensor> {
        match self.source {
            Source::File(map) => map.into_iter().collect(),
            Source::Random(_) => BTreeMap::new(),
        }
    }

    /// Check that every tensor of the file was used; return all tensors taken, by name.
    pub fn finish(self) -> Result<BTreeMap<String, Tensor>> {
        if let Source::File(map) = self.source {
            if !map.is_empty() {
                let mut names: Vec<String> = map.into_keys().collect();
                names.sort();
                return Err(Error::UnusedTensors(names));
            }
        }
        Ok(self.taken)
    }
}

fn random_tensor(rng: &mut StdRng, shape: &[usize], init: Init) -> Tensor {
    let n: usize = shape.iter().product();
    let fan_in = shape.last().copied().unwrap_or(1).max(1) as f32;
    let data = match init {
        Init::Ones => vec![1.0; n],
        Init::Zeros => vec![0.0; n],
        Init::Uniform | Init::Embedding => {
            let a = if init == Init::Uniform {
                1.0 / fan_in.sqrt()
            } else {
                3f32.sqrt()
            };
            (0..n).map(|_| rng.random_range(-a..a)).collect()
        }
    };
    Tensor::new(shape, data)
}

/// Whether `name` is the row-scale tensor of an int8 tensor of the file.
fn is_scale_of_int8(st: &SafeTensors<'_>, name: &str) -> bool {
    name.strip_suffix(ROW_SCALE_SUFFIX)
        .and_then(|base| st.tensor(base).ok())
        .is_some_and(|base| base.dtype() == Dtype::I8)
}

/// int8 `[..rows, cols]` × per-row scales `[..rows]` → f32 `[..rows, cols]`.
fn dequantise_rows(name: &str, view: &TensorView<'_>, scale: &Tensor) -> Result<Tensor> {
    let shape = view.shape().to_vec();
    let (&cols, rows_shape) = shape.split_last().ok_or_else(|| {
        Error::WeightFile(format!("int8 tensor `{name}` is a scalar; it needs rows"))
    })?;
    if scale.shape() != rows_shape {
        return Err(Error::WeightFile(format!(
            "int8 tensor `{name}` has shape {shape:?} but its row scales have shape {:?}; expected {rows_shape:?}",
            scale.shape()
        )));
    }
    let q = view.data();
    if q.len() != shape.iter().product::<usize>() {
        return Err(Error::WeightFile(format!(
            "tensor `{name}` has {} values for shape {shape:?}",
            q.len()
        )));
    }
    let data: Vec<f32> = if cols == 0 {
        Vec::new()
    } else {
        q.chunks_exact(cols)
            .zip(scale.data())
            .flat_map(|(row, &s)| row.iter().map(move |&b| f32::from(b as i8) * s))
            .collect()
    };
    Ok(Tensor::new(shape, data))
}

/// f32 `[..rows, cols]` → (int8 bytes, per-row scales `[..rows]`), `scale = max|row| / 127`.
pub fn quantise_rows(t: &Tensor) -> (Vec<u8>, Tensor) {
    let shape = t.shape();
    let cols = shape.last().copied().unwrap_or(1).max(1);
    let rows_shape = &shape[..shape.len().saturating_sub(1)];
    let mut bytes = Vec::with_capacity(t.data().len());
    let mut scales = Vec::with_capacity(t.data().len() / cols);
    for row in t.data().chunks(cols) {
        let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        let scale = max / 127.0;
        scales.push(scale);
        bytes.extend(row.iter().map(|&v| {
            let q = if scale > 0.0 {
                (v / scale).round()
            } else {
                0.0
            };
            (q.clamp(-127.0, 127.0) as i8) as u8
        }));
    }
    (bytes, Tensor::new(rows_shape, scales))
}

fn view_to_f32(name: &str, view: &TensorView<'_>) -> Result<Tensor> {
    let bytes = view.data();
    let data: Vec<f32> = match view.dtype() {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Dtype::F16 => bytes
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect(),
        Dtype::BF16 => bytes
            .chunks_exact(2)
            .map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect(),
        other => {
            return Err(Error::WeightFile(format!(
                "tensor `{name}` has dtype {other:?}; only F32, F16 and BF16 are supported (and I8 with `{name}{ROW_SCALE_SUFFIX}`)"
            )))
        }
    };
    let shape = view.shape().to_vec();
    if shape.iter().product::<usize>() != data.len() {
        return Err(Error::WeightFile(format!(
            "tensor `{name}` has {} values for shape {shape:?}",
            data.len()
        )));
    }
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        return Err(Error::WeightFile(format!(
            "tensor `{name}` holds a non-finite value at index {i}"
        )));
    }
    Ok(Tensor::new(shape, data))
}

/// Serialise tensors to safetensors bytes with the given storage type and metadata.
pub fn to_safetensors(
    tensors: &BTreeMap<String, Tensor>,
    storage: StorageType,
    metadata: Option<HashMap<String, String>>,
) -> Result<Vec<u8>> {
    let mut encoded: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, t) in tensors {
        let shape = t.shape().to_vec();
        match storage {
            StorageType::Int8Rows if shape.len() >= 2 => {
                let (q, scale) = quantise_rows(t);
                encoded.push((name.clone(), Dtype::I8, shape, q));
                encoded.push((
                    format!("{name}{ROW_SCALE_SUFFIX}"),
                    Dtype::F32,
                    scale.shape().to_vec(),
                    float_bytes(&scale, StorageType::F32),
                ));
            }
            StorageType::Int8Rows => encoded.push((
                name.clone(),
                Dtype::F16,
                shape,
                float_bytes(t, StorageType::F16),
            )),
            float => {
                let dtype = match float {
                    StorageType::F32 => Dtype::F32,
                    StorageType::BF16 => Dtype::BF16,
                    _ => Dtype::F16,
                };
                encoded.push((name.clone(), dtype, shape, float_bytes(t, float)));
            }
        }
    }
    let views = encoded
        .iter()
        .map(|(name, dtype, shape, bytes)| {
            TensorView::new(*dtype, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::WeightFile(format!("cannot write `{name}`: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, metadata)
        .map_err(|e| Error::WeightFile(format!("cannot serialise: {e}")))
}

/// Little-endian bytes of a tensor in a float storage type (f16 for `Int8Rows`' vectors).
fn float_bytes(t: &Tensor, storage: StorageType) -> Vec<u8> {
    match storage {
        StorageType::F32 => t.data().iter().flat_map(|v| v.to_le_bytes()).collect(),
        StorageType::BF16 => t
            .data()
            .iter()
            .flat_map(|&v| bf16::from_f32(v).to_le_bytes())
            .collect(),
        StorageType::F16 | StorageType::Int8Rows => t
            .data()
            .iter()
            .flat_map(|&v| f16::from_f32(v).to_le_bytes())
            .collect(),
    }
}
