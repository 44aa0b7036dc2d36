//! Pre-norm Transformer layers: x = x + Attn(LN(x)); x = x + FFN(LN(x)).
//! FFN(x) = fc2(act(fc1(x))), fc1 [F, D], fc2 [D, F].

use super::layer_norm::LayerNorm;
use super::linear::Linear;
use super::multi_head_attention::MultiHeadAttention;
use crate::backend::Backend;
use crate::ops::Activation;
use crate::weights::Weights;
use crate::Result;

#[derive(Clone)]
pub struct FeedForward<B: Backend> {
    pub fc1: Linear<B>,
    pub fc2: Linear<B>,
    pub activation: Activation,
}

impl<B: Backend> FeedForward<B> {
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        dim: usize,
        ffn: usize,
        activation: Activation,
    ) -> Result<Self> {
        Ok(Self {
            fc1: Linear::new(b, w, &format!("{prefix}.fc1"), dim, ffn, true)?,
            fc2: Linear::new(b, w, &format!("{prefix}.fc2"), ffn, dim, true)?,
            activation,
        })
    }

    pub fn forward(&self, b: &B, x: &B::Tensor) -> B::Tensor {
        let h = b.activation(&self.fc1.forward(b, x), self.activation);
        self.fc2.forward(b, &h)
    }
}

/// `encoder.layers.{i}`: norm1, self_attn, norm2, ffn.
#[derive(Clone)]
pub struct TransformerEncoderLayer<B: Backend> {
    pub norm1: LayerNorm<B>,
    pub self_attn: MultiHeadAttention<B>,
    pub norm2: LayerNorm<B>,
    pub ffn: FeedForward<B>,
}

impl<B: Backend> TransformerEncoderLayer<B> {
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        dim: usize,
        heads: usize,
        ffn: usize,
        act: Activation,
    ) -> Result<Self> {
        Ok(Self {
            norm1: LayerNorm::new(b, w, &format!("{prefix}.norm1"), dim)?,
            self_attn: MultiHeadAttention::new(b, w, &format!("{prefix}.self_attn"), dim, heads)?,
            norm2: LayerNorm::new(b, w, &format!("{prefix}.norm2"), dim)?,
            ffn: FeedForward::new(b, w, &format!("{prefix}.ffn"), dim, ffn, act)?,
        })
    }

    /// x [S, D] → ([S, D], self-attention weights [heads, S, S] when asked).
    pub fn forward(
        &self,
        b: &B,
        x: &B::Tensor,
        want_weights: bool,
    ) -> (B::Tensor, Option<B::Tensor>) {
        let n = self.norm1.forward(b, x);
        let (k, v) = self.self_attn.keys_values(b, &n);
        let att = self.self_attn.attend(b, &n, &k, &v, false, want_weights);
        let x = b.add(x, &att.output);
        let y = self.ffn.forward(b, &self.norm2.forward(b, &x));
        (b.add(&x, &y), att.weights)
    }
}

/// `decoder.layers.{i}`: norm1, self_attn (causal), norm2, cross_attn, norm3, ffn.
#[derive(Clone)]
pub struct TransformerDecoderLayer<B: Backend> {
    pub norm1: LayerNorm<B>,
    pub self_attn: MultiHeadAttention<B>,
    pub norm2: LayerNorm<B>,
    pub cross_attn: MultiHeadAttention<B>,
    pub norm3: LayerNorm<B>,
    pub ffn: FeedForward<B>,
}

/// The keys and values of earlier target positions, one entry per layer: [t, D] each.
#[derive(Clone)]
pub struct KvCache<T> {
    pub keys: T,
    pub values: T,
}

/// One decoder layer's step output.
pub struct DecoderLayerStep<T> {
    pub x: T,
    pub cache: KvCache<T>,
    /// [heads, 1, t+1]
    pub self_weights: Option<T>,
    /// [heads, 1, S]
    pub cross_weights: Option<T>,
}

impl<B: Backend> TransformerDecoderLayer<B> {
    pub fn new(
        b: &B,
        w: &mut Weights,
        prefix: &str,
        dim: usize,
        heads: usize,
        ffn: usize,
        act: Activation,
    ) -> Result<Self> {
        Ok(Self {
            norm1: LayerNorm::new(b, w, &format!("{prefix}.norm1"), dim)?,
            self_attn: MultiHeadAttention::new(b, w, &format!("{prefix}.self_attn"), dim, heads)?,
            norm2: LayerNorm::new(b, w, &format!("{prefix}.norm2"), dim)?,
            cross_attn: MultiHeadAttention::new(b, w, &format!("{prefix}.cross_attn"), dim, heads)?,
            norm3: LayerNorm::new(b, w, &format!("{prefix}.norm3"), dim)?,
            ffn: FeedForward::new(b, w, &format!("{prefix}.ffn"), dim, ffn, act)?,
        })
    }

    /// One new target position x [1, D], given the cache of earlier positions (None at t = 0)
    /// and the cross-attention keys/values of the encoder memory ([S, D] each).
    pub fn step(
        &self,
        b: &B,
        x: &B::Tensor,
        cache: Option<&KvCache<B::Tensor>>,
        memory_kv: &KvCache<B::Tensor>,
        want_weights: bool,
    ) -> DecoderLayerStep<B::Tensor> {
        let n = self.norm1.forward(b, x);
        let (k_new, v_new) = self.self_attn.keys_values(b, &n);
        let cache = match cache {
            Some(c) => KvCache {
                keys: b.concat_rows(&c.keys, &k_new),
                values: b.concat_rows(&c.values, &v_new),
            },
            None => KvCache {
                keys: k_new,
                values: v_new,
            },
        };
        let sa = self
            .self_attn
            .attend(b, &n, &cache.keys, &cache.values, true, want_weights);
        let x = b.add(x, &sa.output);
        let n = self.norm2.forward(b, &x);
        let ca = self.cross_attn.attend(
            b,
            &n,
            &memory_kv.keys,
            &memory_kv.values,
            false,
            want_weights,
        );
        let x = b.add(&x, &ca.output);
        let y = self.ffn.forward(b, &self.norm3.forward(b, &x));
        DecoderLayerStep {
            x: b.add(&x, &y),
            cache,
            self_weights: sa.weights,
            cross_weights: ca.weights,
        }
    }
}
