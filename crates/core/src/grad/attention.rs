//! Scaled dot-product attention backward, per head h (d = width / heads, scale = 1/√d):
//!   forward  s_ij = q_i · k_j · scale (−∞ where causal hides j), α_i = softmax(s_i), o_i = Σ_j α_ij v_j
//!   backward dα_ij = do_i · v_j;  dv_j += α_ij do_i;  ds_i = softmax backward (α_i, dα_i)
//!            dq_i += scale Σ_j ds_ij k_j;  dk_j += scale ds_ij q_i
//! Causal: query i sits at absolute position Tk − Tq + i, as in `ops::scaled_dot_product_attention`.

use super::mat::{axpy, dot, Mat};
use super::softmax::{softmax, softmax_backward};

/// q [Tq, W], k, v [Tk, W] (W = heads·d) → (o [Tq, W], α [heads·Tq·Tk], row-major [h][i][j]).
pub fn forward(q: &Mat, k: &Mat, v: &Mat, heads: usize, causal: bool) -> (Mat, Vec<f64>) {
    let (tq, tk, width) = (q.rows, k.rows, q.cols);
    assert!(
        width % heads == 0 && k.cols == width && v.cols == width,
        "attention: widths"
    );
    let d = width / heads;
    let scale = 1.0 / (d as f64).sqrt();
    let offset = tk.saturating_sub(tq);
    let mut out = Mat::zeros(tq, width);
    let mut weights = Vec::with_capacity(heads * tq * tk);
    for h in 0..heads {
        let cols = h * d..(h + 1) * d;
        for i in 0..tq {
            let scores: Vec<f64> = (0..tk)
                .map(|j| {
                    if causal && j > offset + i {
                        f64::NEG_INFINITY
                    } else {
                        dot(&q.row(i)[cols.clone()], &k.row(j)[cols.clone()]) * scale
                    }
                })
                .collect();
            let alpha = softmax(&scores);
            for (j, &a) in alpha.iter().enumerate() {
                if a != 0.0 {
                    axpy(
                        &mut out.row_mut(i)[cols.clone()],
                        a,
                        &v.row(j)[cols.clone()],
                    );
                }
            }
            weights.extend(alpha);
        }
    }
    (out, weights)
}

/// d o [Tq, W] → (dq [Tq, W], dk [Tk, W], dv [Tk, W]) given the forward's α.
pub fn backward(
    q: &Mat,
    k: &Mat,
    v: &Mat,
    heads: usize,
    weights: &[f64],
    d_out: &Mat,
) -> (Mat, Mat, Mat) {
    let (tq, tk, width) = (q.rows, k.rows, q.cols);
    let d = width / heads;
    let scale = 1.0 / (d as f64).sqrt();
    let (mut dq, mut dk, mut dv) = (
        Mat::zeros(tq, width),
        Mat::zeros(tk, width),
        Mat::zeros(tk, width),
    );
    for h in 0..heads {
        let cols = h * d..(h + 1) * d;
        for i in 0..tq {
            let alpha = &weights[(h * tq + i) * tk..(h * tq + i + 1) * tk];
            let doi = &d_out.row(i)[cols.clone()];
            let d_alpha: Vec<f64> = (0..tk).map(|j| dot(doi, &v.row(j)[cols.clone()])).collect();
            for (j, &a) in alpha.iter().enumerate() {
                axpy(&mut dv.row_mut(j)[cols.clone()], a, doi);
            }
            let ds = softmax_backward(alpha, &d_alpha);
            for (j, &g) in ds.iter().enumerate() {
                if g != 0.0 {
                    axpy(
                        &mut dq.row_mut(i)[cols.clone()],
                        g * scale,
                        &k.row(j)[cols.clone()],
                    );
                    axpy(
                        &mut dk.row_mut(j)[cols.clone()],
                        g * scale,
                        &q.row(i)[cols.clone()],
                    );
                }
            }
        }
    }
    (dq, dk, dv)
}
