//! Layer normalisation over the last dimension (PyTorch `nn.LayerNorm`).

use crate::tensor::Tensor;

/// y = (x - mean) / sqrt(var + eps) · weight + bias, per row; x [m, d], weight/bias [d].
pub fn layer_norm(x: &Tensor, weight: &Tensor, bias: &Tensor, eps: f32) -> Tensor {
    let (_, d) = x.dims2();
    assert_eq!(
        weight.len(),
        d,
        "layer_norm: weight has {} elements, rows have {d}",
        weight.len()
    );
    assert_eq!(
        bias.len(),
        d,
        "layer_norm: bias has {} elements, rows have {d}",
        bias.len()
    );
    let mut out = x.clone();
    for row in out.data_mut().chunks_mut(d) {
        let mean = row.iter().sum::<f32>() / d as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / d as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, w), b) in row.iter_mut().zip(weight.data()).zip(bias.data()) {
            *v = (*v - mean) * inv * w + b;
        }
    }
    out
}
