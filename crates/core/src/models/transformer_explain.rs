//! One encoder self-attention of a [`TransformerModel`], taken apart for the Q/K/V explorer:
//! for a layer `l` and a query position `i`, per head h (d = D / heads):
//!
//!   x      = the input of layer l (emb·√D + PE, then layers 0..l)          [S, D]
//!   n      = LN1(x)                                   (pre-norm)            [S, D]
//!   Q, K, V = n W_qᵀ + b_q, n W_kᵀ + b_k, n W_vᵀ + b_v                       [S, D]
//!   q = Q[i, h·d..(h+1)·d],  k_j = K[j, h·d..], v_j = V[j, h·d..]          [d]
//!   score_j  = q · k_j
//!   scaled_j = score_j / √d            (+ mask: −∞ where j > i when causal; the encoder has none)
//!   w        = softmax(scaled)                                              [S]
//!   output   = Σ_j w_j v_j                                                  [d]
//!
//! The decoder's masked self-attention is taken apart the same way
//! ([`TransformerModel::explain_decoder_self_attention`]): x is the decoder's input at layer l
//! for the target positions fed so far (BOS and the tokens produced), and positions j > i are
//! masked, as the decoder's KV cache never holds them when it predicts token i + 1.
//!
//! The layer then concatenates the heads' outputs, applies `out_proj` and adds the residual.
//! These are the numbers the model itself computes: the same layers produce x, n, Q, K and V, and
//! the per-head arithmetic is `ops::scaled_dot_product_attention`'s, one row at a time (tested
//! against the model's own trace below).

use serde::{Deserialize, Serialize};

use super::transformer::TransformerModel;
use crate::backend::Backend;
use crate::layers::layer_norm::LayerNorm;
use crate::layers::multi_head_attention::MultiHeadAttention;
use crate::layers::transformer_layers::KvCache;
use crate::ops::softmax_in_place;
use crate::seq2seq::Seq2Seq;
use crate::{Error, Result};

/// One head's part of the attention of one query position.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeadExplain {
    /// q_i: [d]
    pub q: Vec<f32>,
    /// k_j for every position j: [S][d]
    pub k: Vec<Vec<f32>>,
    /// v_j for every position j: [S][d]
    pub v: Vec<Vec<f32>>,
    /// q·k_j: [S]
    pub scores: Vec<f32>,
    /// q·k_j / √d, with −∞ where the mask hides j: [S]
    pub scaled: Vec<f32>,
    /// softmax(scaled): [S], sums to 1; exactly 0 where masked.
    pub weights: Vec<f32>,
    /// Σ_j weights_j v_j: [d]
    pub output: Vec<f32>,
}

/// The attention of query position `query` in layer `layer` (of the encoder, or of the decoder's
/// masked self-attention), every head.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AttentionExplain {
    pub layer: usize,
    pub query: usize,
    /// Number of layers of the stack explained (encoder or decoder).
    pub layers: usize,
    /// d = D / heads.
    pub head_dim: usize,
    /// 1/√d.
    pub scale: f32,
    /// Whether future positions (j > query) were masked (false for the encoder).
    pub causal: bool,
    pub heads: Vec<HeadExplain>,
}

impl<B: Backend> TransformerModel<B> {
    /// Encoder self-attention of source position `query` in layer `layer`, taken apart per head.
    /// `src`: source ids as the model encodes them (EOS included).
    pub async fn explain_encoder_attention(
        &self,
        src: &[u32],
        layer: usize,
        query: usize,
    ) -> Result<AttentionExplain> {
        let layers = self.encoder.len();
        check_position("encoder", layer, layers, query, src.len())?;
        let b = &self.b;
        let mut x = self.embed(&self.src_embed, src, 0)?; // [S, D]
        for l in &self.encoder[..layer] {
            x = l.forward(b, &x, false).0;
        }
        let at = &self.encoder[layer];
        self.explain_layer(&at.norm1, &at.self_attn, &x, (layer, layers), query, false)
            .await
    }

    /// Decoder self-attention (causal) of target position `query` in decoder layer `layer`,
    /// taken apart per head. `src`: source ids (EOS included); `inputs`: the decoder's inputs,
    /// BOS then the tokens produced so far (position t predicts token t + 1). The decoder runs
    /// position by position with its KV cache, exactly as in translation.
    pub async fn explain_decoder_self_attention(
        &self,
        src: &[u32],
        inputs: &[u32],
        layer: usize,
        query: usize,
    ) -> Result<AttentionExplain> {
        let layers = self.decoder.len();
        check_position("decoder", layer, layers, query, inputs.len())?;
        let b = &self.b;
        let memory = self.encode(src, false).await?.memory;
        // The input of layer `layer` at every position, [1, D] each, stacked to [T, D].
        let mut caches: Vec<Option<KvCache<B::Tensor>>> = vec![None; layer];
        let mut rows: Option<B::Tensor> = None;
        for (position, &id) in inputs.iter().enumerate() {
            let mut x = self.embed(&self.tgt_embed, &[id], position)?; // [1, D]
            for (l, decoder_layer) in self.decoder[..layer].iter().enumerate() {
                let out = decoder_layer.step(b, &x, caches[l].as_ref(), &memory.cross[l], false);
                x = out.x;
                caches[l] = Some(out.cache);
            }
            rows = Some(match rows {
                Some(r) => b.concat_rows(&r, &x),
                None => x,
            });
        }
        let x = rows.ok_or_else(|| Error::Config("the decoder has no inputs".into()))?;
        let at = &self.decoder[layer];
        self.explain_layer(&at.norm1, &at.self_attn, &x, (layer, layers), query, true)
            .await
    }

    /// The self-attention of one pre-norm layer on its input `x` [T, D], taken apart per head for
    /// row `query`; `causal` masks the positions after it. `(layer, layers)` only label the result.
    async fn explain_layer(
        &self,
        norm: &LayerNorm<B>,
        attn: &MultiHeadAttention<B>,
        x: &B::Tensor,
        (layer, layers): (usize, usize),
        query: usize,
        causal: bool,
    ) -> Result<AttentionExplain> {
        let b = &self.b;
        let n = norm.forward(b, x); // [T, D]
        let q = attn.q_proj.forward(b, &n);
        let (k, v) = attn.keys_values(b, &n);
        let read = b.read_many(&[&q, &k, &v]).await?;
        let (q, k, v) = (&read[0], &read[1], &read[2]);
        let heads = attn.heads;
        let head_dim = q.dims2().1 / heads;
        Ok(AttentionExplain {
            layer,
            query,
            layers,
            head_dim,
            scale: 1.0 / (head_dim as f32).sqrt(),
            causal,
            heads: explain_heads(
                q.row_slice(query),
                &k.to_rows(),
                &v.to_rows(),
                heads,
                causal.then_some(query),
            ),
        })
    }
}

/// A clear error when `layer` or `query` is outside the `stack` ("encoder" or "decoder").
fn check_position(
    stack: &str,
    layer: usize,
    layers: usize,
    query: usize,
    len: usize,
) -> Result<()> {
    if layer >= layers {
        return Err(Error::Config(format!(
            "layer {layer} does not exist: the {stack} has {layers} layers"
        )));
    }
    if query >= len {
        return Err(Error::Config(format!(
            "position {query} does not exist: the {stack} has {len} positions"
        )));
    }
    Ok(())
}

/// The per-head arithmetic of scaled dot-product attention for one query row `q` [heads·d] over
/// keys and values [S][heads·d]; `visible`: with a causal mask, positions 0..=visible only.
pub fn explain_heads(
    q: &[f32],
    k: &[Vec<f32>],
    v: &[Vec<f32>],
    heads: usize,
    visible: Option<usize>,
) -> Vec<HeadExplain> {
    let d = q.len() / heads;
    let scale = 1.0 / (d as f32).sqrt();
    (0..heads)
        .map(|h| {
            let cols = h * d..(h + 1) * d;
            let q = q[cols.clone()].to_vec();
            let k: Vec<Vec<f32>> = k.iter().map(|r| r[cols.clone()].to_vec()).collect();
            let v: Vec<Vec<f32>> = v.iter().map(|r| r[cols.clone()].to_vec()).collect();
            let scores: Vec<f32> = k
                .iter()
                .map(|kj| q.iter().zip(kj).map(|(a, b)| a * b).sum::<f32>())
                .collect();
            let scaled: Vec<f32> = scores
                .iter()
                .enumerate()
                .map(|(j, s)| match visible {
                    Some(last) if j > last => f32::NEG_INFINITY,
                    _ => s * scale,
                })
                .collect();
            let mut weights = scaled.clone();
            softmax_in_place(&mut weights);
            let mut output = vec![0.0f32; d];
            for (w, vj) in weights.iter().zip(&v) {
                if *w != 0.0 {
                    for (o, x) in output.iter_mut().zip(vj) {
                        *o += w * x;
                    }
                }
            }
            HeadExplain {
                q,
                k,
                v,
                scores,
                scaled,
                weights,
                output,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::CpuBackend;
    use crate::demo::random_translator;
    use crate::fixtures::max_diff;
    use crate::models::{AnyModel, Seq2Seq};
    use crate::tokenizer::EOS;

    #[test]
    fn explain_matches_the_models_own_encoder_attention() {
        let t = random_translator("transformer", 7).unwrap();
        let AnyModel::Transformer(m) = &t.model else {
            panic!("not a transformer")
        };
        let mut src = t.source.encode("the cat sat on the mat").unwrap().ids;
        src.push(EOS);
        let s = src.len();
        let encoded = pollster::block_on(m.encode(&src, true)).unwrap();
        let traced = &encoded.trace.self_attention; // [L][heads][S][S]
        let b = CpuBackend;
        for layer in 0..m.config.encoder_layers {
            // The layer's own output, row by row: out_proj(attention(LN1 x)) for every query.
            let mut x = m.embed(&m.src_embed, &src, 0).unwrap();
            for l in &m.encoder[..layer] {
                x = l.forward(&b, &x, false).0;
            }
            let enc = &m.encoder[layer];
            let n = enc.norm1.forward(&b, &x);
            let (k, v) = enc.self_attn.keys_values(&b, &n);
            let own = enc.self_attn.attend(&b, &n, &k, &v, false, false).output; // [S, D]
            for i in 0..s {
                let e = pollster::block_on(m.explain_encoder_attention(&src, layer, i)).unwrap();
                assert_eq!(e.heads.len(), m.config.heads);
                assert_eq!(e.head_dim, m.config.dim / m.config.heads);
                let mut concat = Vec::new();
                for (h, head) in e.heads.iter().enumerate() {
                    let d = max_diff(&head.weights, &traced[layer][h][i]);
                    assert!(
                        d <= 1e-5,
                        "layer {layer} head {h} row {i}: weights differ by {d}"
                    );
                    let sum: f32 = head.weights.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-5, "weights sum to {sum}");
                    for (sc, s) in head.scaled.iter().zip(&head.scores) {
                        assert!((sc - s * e.scale).abs() <= 1e-6);
                    }
                    concat.extend_from_slice(&head.output);
                }
                // out_proj of the concatenated head outputs is the layer's attention output.
                let projected = enc
                    .self_attn
                    .out_proj
                    .forward(&b, &crate::tensor::Tensor::row(concat));
                let d = max_diff(projected.data(), own.row_slice(i));
                assert!(d <= 1e-5, "layer {layer} row {i}: output differs by {d}");
            }
        }
        assert!(pollster::block_on(m.explain_encoder_attention(&src, 9, 0)).is_err());
        assert!(pollster::block_on(m.explain_encoder_attention(&src, 0, s)).is_err());
    }

    #[test]
    fn explain_matches_the_decoders_own_masked_self_attention() {
        let t = random_translator("transformer", 11).unwrap();
        let AnyModel::Transformer(m) = &t.model else {
            panic!("not a transformer")
        };
        let mut src = t.source.encode("where is the station").unwrap().ids;
        src.push(EOS);
        let inputs: Vec<u32> = vec![crate::tokenizer::BOS, 7, 12, 5, 30];
        // The model's own step trace: self_attention[layer][head] = weights over 0..=t.
        let encoded = pollster::block_on(m.encode(&src, false)).unwrap();
        let mut state = encoded.state;
        for (t_pos, &id) in inputs.iter().enumerate() {
            let step = pollster::block_on(m.step(&encoded.memory, &state, id, true)).unwrap();
            for layer in 0..m.config.decoder_layers {
                let e = pollster::block_on(
                    m.explain_decoder_self_attention(&src, &inputs, layer, t_pos),
                )
                .unwrap();
                assert!(e.causal);
                assert_eq!(e.layers, m.config.decoder_layers);
                for (h, head) in e.heads.iter().enumerate() {
                    let own = &step.trace.self_attention[layer][h];
                    assert_eq!(own.len(), t_pos + 1);
                    let d = max_diff(&head.weights[..=t_pos], own);
                    assert!(d <= 1e-5, "layer {layer} head {h} position {t_pos}: {d}");
                    assert!(head.weights[t_pos + 1..].iter().all(|&w| w == 0.0));
                    assert!(head.scaled[t_pos + 1..].iter().all(|s| s.is_infinite()));
                    let sum: f32 = head.weights.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-5, "weights sum to {sum}");
                }
            }
            state = step.state;
        }
        let layers = m.config.decoder_layers;
        assert!(
            pollster::block_on(m.explain_decoder_self_attention(&src, &inputs, layers, 0)).is_err()
        );
        assert!(pollster::block_on(m.explain_decoder_self_attention(&src, &inputs, 0, 5)).is_err());
    }

    #[test]
    fn a_layer_or_position_outside_the_model_is_a_clear_error() {
        let t = random_translator("transformer", 11).unwrap();
        let AnyModel::Transformer(m) = &t.model else {
            panic!("not a transformer")
        };
        let src = [5, 6, EOS];
        let layers = m.config.encoder_layers;
        let message = |r: Result<AttentionExplain>| r.unwrap_err().to_string();
        let e = message(pollster::block_on(
            m.explain_encoder_attention(&src, layers, 0),
        ));
        assert!(
            e.contains(&format!("layer {layers} does not exist: the encoder has")),
            "{e}"
        );
        let e = message(pollster::block_on(m.explain_encoder_attention(&src, 0, 3)));
        assert!(
            e.contains("position 3 does not exist: the encoder has 3 positions"),
            "{e}"
        );
        let inputs = [crate::tokenizer::BOS, 7];
        let e = message(pollster::block_on(
            m.explain_decoder_self_attention(&src, &inputs, 0, 2),
        ));
        assert!(
            e.contains("position 2 does not exist: the decoder has 2 positions"),
            "{e}"
        );
    }

    #[test]
    fn a_causal_mask_hides_the_future() {
        let q = vec![1.0, 0.5, -0.5, 2.0];
        let k = vec![vec![1.0, 0.0, 0.0, 1.0]; 3];
        let v = vec![vec![1.0, 2.0, 3.0, 4.0]; 3];
        let heads = explain_heads(&q, &k, &v, 2, Some(1));
        for h in &heads {
            assert_eq!(h.weights[2], 0.0);
            assert!(h.scaled[2].is_infinite());
            assert!((h.weights[0] + h.weights[1] - 1.0).abs() < 1e-6);
        }
    }
}
