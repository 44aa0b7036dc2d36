//! Softmax backward. Forward y = softmax(x) (max subtracted; a row of −∞ gives zeros);
//! given dy: dx_k = y_k (dy_k − Σ_j y_j dy_j). Masked entries (y = 0) get dx = 0.

/// Softmax of one row in f64.
pub fn softmax(x: &[f64]) -> Vec<f64> {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return vec![0.0; x.len()];
    }
    let e: Vec<f64> = x.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|v| v / sum).collect()
}

/// y = softmax(x), dy → dx.
pub fn softmax_backward(y: &[f64], dy: &[f64]) -> Vec<f64> {
    let s: f64 = y.iter().zip(dy).map(|(a, b)| a * b).sum();
    y.iter().zip(dy).map(|(a, b)| a * (b - s)).collect()
}
