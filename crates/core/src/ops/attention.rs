//! Attention, the two kinds of the article: scaled dot-product (Q/K/V, multi-head, optional causal
//! mask) and additive (Bahdanau). Both return the attention weights α for the traces.

use super::softmax::softmax_in_place;
use crate::tensor::Tensor;

pub struct AttentionOutput {
    /// [Tq, heads·d]: each head's Σ_j α_ij v_j, heads side by side.
    pub output: Tensor,
    /// [heads, Tq, Tk]: the attention weights; masked positions are exactly 0.
    pub weights: Tensor,
}

/// softmax(Q Kᵀ / √d + mask) V per head. q [Tq, heads·d], k and v [Tk, heads·d].
/// With `causal`, query i sits at absolute position `Tk - Tq + i` (so a decoder step with a
/// KV cache of Tk-1 earlier keys sees all of them) and cannot see later keys.
pub fn scaled_dot_product_attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    heads: usize,
    causal: bool,
) -> AttentionOutput {
    let (tq, width) = q.dims2();
    let (tk, kw) = k.dims2();
    assert_eq!(kw, width, "attention: q and k widths differ");
    assert_eq!(v.dims2(), (tk, width), "attention: v shape differs from k");
    assert!(
        heads > 0 && width % heads == 0,
        "attention: width {width} not divisible by {heads} heads"
    );
    assert!(
        tq <= tk || !causal,
        "attention: causal with more queries than keys"
    );
    let d = width / heads;
    let scale = 1.0 / (d as f32).sqrt();
    let offset = tk.saturating_sub(tq);
    let (qd, kd, vd) = (q.data(), k.data(), v.data());
    let mut out = vec![0.0f32; tq * width];
    let mut weights = vec![0.0f32; heads * tq * tk];
    for h in 0..heads {
        for i in 0..tq {
            let row = &mut weights[(h * tq + i) * tk..(h * tq + i + 1) * tk];
            let qi = &qd[i * width + h * d..i * width + (h + 1) * d];
            for (j, s) in row.iter_mut().enumerate() {
                *s = if causal && j > offset + i {
                    f32::NEG_INFINITY
                } else {
                    let kj = &kd[j * width + h * d..j * width + (h + 1) * d];
                    qi.iter().zip(kj).map(|(a, b)| a * b).sum::<f32>() * scale
                };
            }
            softmax_in_place(row);
            let oi = &mut out[i * width + h * d..i * width + (h + 1) * d];
            for (j, &a) in row.iter().enumerate() {
                if a != 0.0 {
                    let vj = &vd[j * width + h * d..j * width + (h + 1) * d];
                    for (o, x) in oi.iter_mut().zip(vj) {
                        *o += a * x;
                    }
                }
            }
        }
    }
    AttentionOutput {
        output: Tensor::new([tq, width], out),
        weights: Tensor::new([heads, tq, tk], weights),
    }
}

/// Bahdanau attention for one decoder state:
/// e_j = vᵀ tanh(W_q s + W_k h_j), α = softmax(e), c = Σ_j α_j h_j.
/// `query_proj` [1, A] = W_q s; `keys_proj` [S, A] = W_k h (+ b); `v` [1, A]; `values` [S, D] = h.
/// Returns (context [1, D], α [1, S]).
pub fn additive_attention(
    query_proj: &Tensor,
    keys_proj: &Tensor,
    v: &Tensor,
    values: &Tensor,
) -> (Tensor, Tensor) {
    let (s, a) = keys_proj.dims2();
    assert_eq!(
        query_proj.dims2(),
        (1, a),
        "additive_attention: query shape"
    );
    assert_eq!(v.len(), a, "additive_attention: v length");
    let (s2, dim) = values.dims2();
    assert_eq!(s, s2, "additive_attention: keys and values lengths differ");
    let mut alpha: Vec<f32> = (0..s)
        .map(|j| {
            keys_proj
                .row_slice(j)
                .iter()
                .zip(query_proj.data())
                .zip(v.data())
                .map(|((kj, qj), vj)| vj * (kj + qj).tanh())
                .sum()
        })
        .collect();
    softmax_in_place(&mut alpha);
    let mut context = vec![0.0f32; dim];
    for (j, &a) in alpha.iter().enumerate() {
        for (c, h) in context.iter_mut().zip(values.row_slice(j)) {
            *c += a * h;
        }
    }
    (Tensor::row(context), Tensor::row(alpha))
}
