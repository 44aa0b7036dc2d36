//! Numerically stable softmax: subtract the row maximum before exponentiating.

use crate::tensor::Tensor;

/// Softmax of one row, in place. A row of all -inf (everything masked) becomes all zeros.
pub fn softmax_in_place(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        row.fill(0.0);
        return;
    }
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in row.iter_mut() {
        *v /= sum;
    }
}

/// Softmax over the last dimension of a 2-D tensor.
pub fn softmax_rows(x: &Tensor) -> Tensor {
    let (_, cols) = x.dims2();
    let mut out = x.clone();
    for row in out.data_mut().chunks_mut(cols) {
        softmax_in_place(row);
    }
    out
}
