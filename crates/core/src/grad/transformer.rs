//! Backward pass of the pre-norm Transformer (core `models/transformer.rs`):
//!
//!   encoder  x = √D·e + PE;  x = EncoderLayer(x) per layer;  memory = LN(x)
//!   decoder  y = √D·emb(y_in) + PE;  y = DecoderLayer(y, memory) per layer;  z = W_out LN(y) + b
//!
//! Backward: through the output and the decoder layers from last to first, each cross-attention
//! adding its ∂L/∂memory; then the encoder's final norm and its layers; ∂L/∂e = √D·∂L/∂x.
//! The "context" of decoder step i is the last decoder layer's cross-attention output at i
//! (after out_proj): the Transformer's c_i = Σ_j α_ij v_j, heads joined.

use super::embedding::Embedding;
use super::grads::{Grads, ParamsMut};
use super::layer_norm::LayerNorm;
use super::linear::Linear;
use super::loss::mean_cross_entropy;
use super::mat::Mat;
use super::memory::{
    check_source, jacobian_norms, teacher_forcing, unit, ContextSensitivity, LossGradients,
    SourceGrads,
};
use super::positions::{embed, embed_backward};
use super::transformer_layers::{DecoderLayer, DecoderLayerPass, EncoderLayer, EncoderLayerPass};
use crate::backend::CpuBackend;
use crate::models::TransformerModel;
use crate::Result;

#[derive(Clone, Debug)]
pub struct TransformerGrad {
    pub src_embed: Embedding,
    pub encoder: Vec<EncoderLayer>,
    pub encoder_norm: LayerNorm,
    pub tgt_embed: Embedding,
    pub decoder: Vec<DecoderLayer>,
    pub decoder_norm: LayerNorm,
    pub out: Linear,
}

/// Everything the forward pass keeps for the backward.
#[derive(Clone, Debug)]
pub struct TransformerPass {
    pub src: Vec<u32>,
    pub tgt_in: Vec<u32>,
    pub encoder: Vec<EncoderLayerPass>,
    /// the encoder's last residual stream [S, D] (input of its final norm)
    pub encoded: Mat,
    /// LN(encoded) [S, D]
    pub memory: Mat,
    pub decoder: Vec<DecoderLayerPass>,
    /// the decoder's last residual stream [T, D]
    pub decoded: Mat,
    /// LN(decoded) [T, D]
    pub hidden: Mat,
    /// [T, Vt]
    pub logits: Mat,
}

impl TransformerGrad {
    pub fn from_model(m: &TransformerModel<CpuBackend>) -> Self {
        Self {
            src_embed: Embedding::from_layer(&m.src_embed, "encoder.embedding"),
            encoder: m
                .encoder
                .iter()
                .enumerate()
                .map(|(l, layer)| EncoderLayer::from_layer(layer, &format!("encoder.layers.{l}")))
                .collect(),
            encoder_norm: LayerNorm::from_layer(&m.encoder_norm, "encoder.norm"),
            tgt_embed: Embedding::from_layer(&m.tgt_embed, "decoder.embedding"),
            decoder: m
                .decoder
                .iter()
                .enumerate()
                .map(|(l, layer)| DecoderLayer::from_layer(layer, &format!("decoder.layers.{l}")))
                .collect(),
            decoder_norm: LayerNorm::from_layer(&m.decoder_norm, "decoder.norm"),
            out: Linear::from_layer(&m.out, "decoder.out"),
        }
    }

    /// Encoder over `src` (ending with EOS), decoder over all of `tgt_in` (BOS first) at once.
    pub fn forward(&self, src: &[u32], tgt_in: &[u32]) -> Result<TransformerPass> {
        check_source(src)?;
        self.src_embed.check(src)?;
        self.tgt_embed.check(tgt_in)?;
        let (mut x, _) = embed(&self.src_embed, src, 0);
        let mut encoder = Vec::with_capacity(self.encoder.len());
        for layer in &self.encoder {
            let p = layer.forward(&x);
            x = p.out.clone();
            encoder.push(p);
        }
        let memory = self.encoder_norm.forward(&x);
        let (mut y, _) = embed(&self.tgt_embed, tgt_in, 0);
        let mut decoder = Vec::with_capacity(self.decoder.len());
        for layer in &self.decoder {
            let p = layer.forward(&y, &memory);
            y = p.out.clone();
            decoder.push(p);
        }
        let hidden = self.decoder_norm.forward(&y);
        let logits = self.out.forward(&hidden);
        Ok(TransformerPass {
            src: src.to_vec(),
            tgt_in: tgt_in.to_vec(),
            encoder,
            encoded: x,
            memory,
            decoder,
            decoded: y,
            hidden,
            logits,
        })
    }

    /// Cotangents on the logits [T, Vt] (None: none) and on the last decoder layer's
    /// cross-attention output [T, D] → gradients of the source embeddings and ∂/∂memory rows.
    pub fn backward(
        &self,
        pass: &TransformerPass,
        d_logits: Option<&Mat>,
        d_context: Option<&Mat>,
        grads: &mut Grads,
    ) -> SourceGrads {
        let dim = pass.memory.cols;
        let mut dy = match d_logits {
            Some(dz) => {
                let dh = self.out.backward(&pass.hidden, dz, grads);
                self.decoder_norm.backward(&pass.decoded, &dh, grads)
            }
            None => Mat::zeros(pass.tgt_in.len(), dim),
        };
        let mut d_memory = Mat::zeros(pass.memory.rows, dim);
        let last = self.decoder.len() - 1;
        for (l, layer) in self.decoder.iter().enumerate().rev() {
            let seed = if l == last { d_context } else { None };
            let (d_in, dm) = layer.backward(&pass.decoder[l], &pass.memory, &dy, seed, grads);
            dy = d_in;
            d_memory.add_assign(&dm);
        }
        embed_backward(&self.tgt_embed, &pass.tgt_in, &dy, grads);
        let mut dx = self.encoder_norm.backward(&pass.encoded, &d_memory, grads);
        for (l, layer) in self.encoder.iter().enumerate().rev() {
            dx = layer.backward(&pass.encoder[l], &dx, grads);
        }
        let de = embed_backward(&self.src_embed, &pass.src, &dx, grads);
        SourceGrads {
            embeddings: de.to_rows(),
            hidden: d_memory.to_rows(),
        }
    }

    /// ‖∂c_i/∂e_j‖ for the decoder step i = prefix.len() (inputs BOS, prefix…), c_i the last
    /// decoder layer's cross-attention output at i [D]. One backward pass per component.
    pub fn context_sensitivity(&self, src: &[u32], prefix: &[u32]) -> Result<ContextSensitivity> {
        let (tgt_in, _) = teacher_forcing(prefix);
        let pass = self.forward(src, &tgt_in)?;
        let i = tgt_in.len() - 1;
        let last = &pass.decoder[pass.decoder.len() - 1].cross;
        let dim = last.out.cols;
        let norms = jacobian_norms(dim, src.len(), |k| {
            let mut seed = Mat::zeros(tgt_in.len(), dim);
            seed.row_mut(i).copy_from_slice(&unit(dim, k));
            self.backward(&pass, None, Some(&seed), &mut Grads::discard())
                .embeddings
        });
        // α of step i, averaged over heads ([heads][T][S] row-major).
        let (t, s) = (tgt_in.len(), src.len());
        let heads = last.weights.len() / (t * s);
        let attention = (0..s)
            .map(|j| {
                (0..heads)
                    .map(|h| last.weights[(h * t + i) * s + j])
                    .sum::<f64>()
                    / heads as f64
            })
            .collect();
        Ok(ContextSensitivity {
            norms,
            context: last.out.row(i).to_vec(),
            attention,
        })
    }

    /// Teacher-forced loss of (src, tgt) and its gradients; h_t is row t of the encoder's output
    /// (the memory every cross-attention reads).
    pub fn loss_gradients(&self, src: &[u32], tgt: &[u32]) -> Result<LossGradients> {
        let (tgt_in, tgt_out) = teacher_forcing(tgt);
        let pass = self.forward(src, &tgt_in)?;
        let (loss, nll, d_logits) = mean_cross_entropy(&pass.logits.to_rows(), &tgt_out);
        let mut grads = Grads::new();
        let source = self.backward(&pass, Some(&Mat::from_rows(&d_logits)), None, &mut grads);
        Ok(LossGradients::new(loss, nll, &source, grads))
    }

    /// The teacher-forced loss alone (for finite differences).
    pub fn loss(&self, src: &[u32], tgt: &[u32]) -> Result<f64> {
        let (tgt_in, tgt_out) = teacher_forcing(tgt);
        let pass = self.forward(src, &tgt_in)?;
        Ok(mean_cross_entropy(&pass.logits.to_rows(), &tgt_out).0)
    }

    /// Every weight by PyTorch name.
    pub fn params_mut(&mut self) -> ParamsMut<'_> {
        let mut out = Vec::new();
        self.src_embed.params_mut(&mut out);
        for l in &mut self.encoder {
            l.params_mut(&mut out);
        }
        self.encoder_norm.params_mut(&mut out);
        self.tgt_embed.params_mut(&mut out);
        for l in &mut self.decoder {
            l.params_mut(&mut out);
        }
        self.decoder_norm.params_mut(&mut out);
        self.out.params_mut(&mut out);
        out
    }
}
