//! Sinusoidal positions (Vaswani et al. 2017):
//! PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(pos / 10000^(2i/D)).

use crate::tensor::Tensor;

/// Positions `start..start+len` → [len, dim].
pub fn sinusoidal(start: usize, len: usize, dim: usize) -> Tensor {
    let mut data = Vec::with_capacity(len * dim);
    for pos in start..start + len {
        for k in 0..dim {
            let i = (k / 2) as f32;
            let angle = pos as f32 / 10000f32.powf(2.0 * i / dim as f32);
            data.push(if k % 2 == 0 { angle.sin() } else { angle.cos() });
        }
    }
    Tensor::new([len, dim], data)
}
