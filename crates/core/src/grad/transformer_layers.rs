//! Pre-norm Transformer layers backward. Both add their blocks to a residual stream, so each
//! block's backward adds its input gradient to the stream's:
//!   encoder  x₁ = x + SelfAttn(LN1 x);  y = x₁ + FFN(LN2 x₁)
//!            dx₁ = dy + LN2ᵀ(FFNᵀ dy);  dx = dx₁ + LN1ᵀ(SelfAttnᵀ dx₁)
//!   decoder  y₁ = y + CausalSelfAttn(LN1 y);  y₂ = y₁ + CrossAttn(LN2 y₁, memory);  out = y₂ + FFN(LN3 y₂)
//!            the same, and CrossAttnᵀ also returns ∂L/∂memory.
//! The decoder runs over all target positions at once with a causal mask: the same values as
//! core's step-by-step decoding with a KV cache.

use super::feed_forward::{FeedForward, FfnPass};
use super::grads::{Grads, ParamsMut};
use super::layer_norm::LayerNorm;
use super::mat::Mat;
use super::multi_head_attention::{MhaPass, MultiHeadAttention};
use crate::backend::CpuBackend;
use crate::layers;

#[derive(Clone, Debug)]
pub struct EncoderLayer {
    pub norm1: LayerNorm,
    pub self_attn: MultiHeadAttention,
    pub norm2: LayerNorm,
    pub ffn: FeedForward,
}

#[derive(Clone, Debug)]
pub struct EncoderLayerPass {
    pub x: Mat,
    pub n1: Mat,
    pub attn: MhaPass,
    pub x1: Mat,
    pub n2: Mat,
    pub ffn: FfnPass,
    pub out: Mat,
}

impl EncoderLayer {
    pub fn from_layer(l: &layers::TransformerEncoderLayer<CpuBackend>, prefix: &str) -> Self {
        Self {
            norm1: LayerNorm::from_layer(&l.norm1, &format!("{prefix}.norm1")),
            self_attn: MultiHeadAttention::from_layer(&l.self_attn, &format!("{prefix}.self_attn")),
            norm2: LayerNorm::from_layer(&l.norm2, &format!("{prefix}.norm2")),
            ffn: FeedForward::from_layer(&l.ffn, &format!("{prefix}.ffn")),
        }
    }

    /// x [S, D] → [S, D]
    pub fn forward(&self, x: &Mat) -> EncoderLayerPass {
        let n1 = self.norm1.forward(x);
        let attn = self.self_attn.forward(&n1, &n1, false);
        let x1 = x.add(&attn.out);
        let n2 = self.norm2.forward(&x1);
        let ffn = self.ffn.forward(&n2);
        let out = x1.add(&ffn.out);
        EncoderLayerPass {
            x: x.clone(),
            n1,
            attn,
            x1,
            n2,
            ffn,
            out,
        }
    }

    /// dy [S, D] → dx [S, D]
    pub fn backward(&self, p: &EncoderLayerPass, dy: &Mat, grads: &mut Grads) -> Mat {
        let dn2 = self.ffn.backward(&p.n2, &p.ffn, dy, grads);
        let dx1 = dy.add(&self.norm2.backward(&p.x1, &dn2, grads));
        let (dq, dkv) = self.self_attn.backward(&p.n1, &p.n1, &p.attn, &dx1, grads);
        dx1.add(&self.norm1.backward(&p.x, &dq.add(&dkv), grads))
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.norm1.params_mut(out);
        self.self_attn.params_mut(out);
        self.norm2.params_mut(out);
        self.ffn.params_mut(out);
    }
}

#[derive(Clone, Debug)]
pub struct DecoderLayer {
    pub norm1: LayerNorm,
    pub self_attn: MultiHeadAttention,
    pub norm2: LayerNorm,
    pub cross_attn: MultiHeadAttention,
    pub norm3: LayerNorm,
    pub ffn: FeedForward,
}

#[derive(Clone, Debug)]
pub struct DecoderLayerPass {
    pub y: Mat,
    pub n1: Mat,
    pub self_attn: MhaPass,
    pub y1: Mat,
    pub n2: Mat,
    /// the cross-attention: `.out` [T, D] is the decoder's context from the source at each step
    pub cross: MhaPass,
    pub y2: Mat,
    pub n3: Mat,
    pub ffn: FfnPass,
    pub out: Mat,
}

impl DecoderLayer {
    pub fn from_layer(l: &layers::TransformerDecoderLayer<CpuBackend>, prefix: &str) -> Self {
        Self {
            norm1: LayerNorm::from_layer(&l.norm1, &format!("{prefix}.norm1")),
            self_attn: MultiHeadAttention::from_layer(&l.self_attn, &format!("{prefix}.self_attn")),
            norm2: LayerNorm::from_layer(&l.norm2, &format!("{prefix}.norm2")),
            cross_attn: MultiHeadAttention::from_layer(
                &l.cross_attn,
                &format!("{prefix}.cross_attn"),
            ),
            norm3: LayerNorm::from_layer(&l.norm3, &format!("{prefix}.norm3")),
            ffn: FeedForward::from_layer(&l.ffn, &format!("{prefix}.ffn")),
        }
    }

    /// y [T, D] (all target positions), memory [S, D] → [T, D]
    pub fn forward(&self, y: &Mat, memory: &Mat) -> DecoderLayerPass {
        let n1 = self.norm1.forward(y);
        let self_attn = self.self_attn.forward(&n1, &n1, true);
        let y1 = y.add(&self_attn.out);
        let n2 = self.norm2.forward(&y1);
        let cross = self.cross_attn.forward(&n2, memory, false);
        let y2 = y1.add(&cross.out);
        let n3 = self.norm3.forward(&y2);
        let ffn = self.ffn.forward(&n3);
        let out = y2.add(&ffn.out);
        DecoderLayerPass {
            y: y.clone(),
            n1,
            self_attn,
            y1,
            n2,
            cross,
            y2,
            n3,
            ffn,
            out,
        }
    }

    /// d out [T, D], plus an optional cotangent on the cross-attention's output [T, D] (a seed for
    /// ∂c/∂e) → (dy [T, D], d memory [S, D]).
    pub fn backward(
        &self,
        p: &DecoderLayerPass,
        memory: &Mat,
        d_out: &Mat,
        d_cross: Option<&Mat>,
        grads: &mut Grads,
    ) -> (Mat, Mat) {
        let dn3 = self.ffn.backward(&p.n3, &p.ffn, d_out, grads);
        let dy2 = d_out.add(&self.norm3.backward(&p.y2, &dn3, grads));
        let d_cross_out = match d_cross {
            Some(extra) => dy2.add(extra),
            None => dy2.clone(),
        };
        let (dn2, d_memory) =
            self.cross_attn
                .backward(&p.n2, memory, &p.cross, &d_cross_out, grads);
        let dy1 = dy2.add(&self.norm2.backward(&p.y1, &dn2, grads));
        let (dq, dkv) = self
            .self_attn
            .backward(&p.n1, &p.n1, &p.self_attn, &dy1, grads);
        let dy = dy1.add(&self.norm1.backward(&p.y, &dq.add(&dkv), grads));
        (dy, d_memory)
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        self.norm1.params_mut(out);
        self.self_attn.params_mut(out);
        self.norm2.params_mut(out);
        self.cross_attn.params_mut(out);
        self.norm3.params_mut(out);
        self.ffn.params_mut(out);
    }
}
