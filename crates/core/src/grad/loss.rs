//! The training loss: cross-entropy of one step's logits against its target token,
//!   nll = −log softmax(z)_y = logsumexp(z) − z_y,   ∂nll/∂z = softmax(z) − onehot(y).
//! A sentence's loss is the mean over its target steps (BOS y₁… in, y₁…EOS out), as training's
//! `loss` with no label smoothing.

use super::softmax::softmax;

/// logits z [V], target y → (nll, ∂nll/∂z [V]).
pub fn cross_entropy(logits: &[f64], target: u32) -> (f64, Vec<f64>) {
    let y = target as usize;
    assert!(
        y < logits.len(),
        "cross_entropy: target {y} outside {} logits",
        logits.len()
    );
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lse = max + logits.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
    let mut d = softmax(logits);
    d[y] -= 1.0;
    (lse - logits[y], d)
}

/// Mean cross-entropy over steps: logits per step, targets per step →
/// (mean nll, nll per step, ∂mean/∂logits per step).
pub fn mean_cross_entropy(logits: &[Vec<f64>], targets: &[u32]) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    assert_eq!(
        logits.len(),
        targets.len(),
        "mean_cross_entropy: steps differ"
    );
    let n = targets.len().max(1) as f64;
    let (mut nlls, mut ds) = (Vec::new(), Vec::new());
    for (z, &y) in logits.iter().zip(targets) {
        let (nll, mut d) = cross_entropy(z, y);
        d.iter_mut().for_each(|v| *v /= n);
        nlls.push(nll);
        ds.push(d);
    }
    (nlls.iter().sum::<f64>() / n, nlls, ds)
}
