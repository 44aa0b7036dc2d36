//! Pre-norm Transformer (core `models/transformer.rs`): layer norm, multi-head attention, FFN.

use candle_core::{Device, Result, Tensor, D};
use candle_nn::{Init, VarBuilder};
use seq2seq_core::models::TransformerConfig;
use seq2seq_core::ops::Activation;

use super::layers::*;
use super::Batch;

/// PyTorch `nn.LayerNorm` (eps 1e-5), written with differentiable ops.
#[derive(Clone, Debug)]
pub struct Norm {
    pub weight: Tensor,
    pub bias: Tensor,
}

impl Norm {
    fn new(vb: &VarBuilder, name: &str, dim: usize) -> Result<Self> {
        let vb = vb.pp(name);
        Ok(Self {
            weight: vb.get_with_hints(dim, "weight", Init::Const(1.0))?,
            bias: vb.get_with_hints(dim, "bias", Init::Const(0.0))?,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(D::Minus1)?;
        xc.broadcast_div(&(var + seq2seq_core::layers::layer_norm::LAYER_NORM_EPS as f64)?.sqrt()?)?
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Mha {
    q: Lin,
    k: Lin,
    v: Lin,
    o: Lin,
    heads: usize,
}

impl Mha {
    fn new(vb: &VarBuilder, name: &str, dim: usize, heads: usize) -> Result<Self> {
        let vb = vb.pp(name);
        Ok(Self {
            q: Lin::new(&vb, "q_proj", dim, dim, true)?,
            k: Lin::new(&vb, "k_proj", dim, dim, true)?,
            v: Lin::new(&vb, "v_proj", dim, dim, true)?,
            o: Lin::new(&vb, "out_proj", dim, dim, true)?,
            heads,
        })
    }

    /// x [B, Tq, D] attends over m [B, Tk, D]; `mask` broadcasts to [B, heads, Tq, Tk] (0 or −1e9).
    fn forward(&self, x: &Tensor, m: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, tq, d) = x.dims3()?;
        let tk = m.dim(1)?;
        let hd = d / self.heads;
        let split = |t: Tensor, len: usize| -> Result<Tensor> {
            t.reshape((b, len, self.heads, hd))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(self.q.forward(x)?, tq)?;
        let k = split(self.k.forward(m)?, tk)?;
        let v = split(self.v.forward(m)?, tk)?;
        let scores = (q.matmul(&k.t()?)? * (1.0 / (hd as f64).sqrt()))?.broadcast_add(mask)?;
        let att = candle_nn::ops::softmax(&scores, D::Minus1)?.matmul(&v)?; // [B, h, Tq, hd]
        let att = att.transpose(1, 2)?.contiguous()?.reshape((b, tq, d))?;
        self.o.forward(&att)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Ffn {
    fc1: Lin,
    fc2: Lin,
    activation: Activation,
}

impl Ffn {
    fn new(vb: &VarBuilder, dim: usize, ffn: usize, activation: Activation) -> Result<Self> {
        let vb = vb.pp("ffn");
        Ok(Self {
            fc1: Lin::new(&vb, "fc1", dim, ffn, true)?,
            fc2: Lin::new(&vb, "fc2", ffn, dim, true)?,
            activation,
        })
    }

    fn forward(&self, x: &Tensor, p: f32, train: bool) -> Result<Tensor> {
        let h = self.fc1.forward(x)?;
        let h = match self.activation {
            Activation::Tanh => h.tanh()?,
            Activation::Sigmoid => sigmoid(&h)?,
            Activation::Relu => h.relu()?,
            Activation::Gelu => h.gelu()?,
        };
        self.fc2.forward(&dropout(&h, p, train)?)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Layer {
    norm1: Norm,
    self_attn: Mha,
    norm2: Norm,
    cross: Option<(Mha, Norm)>,
    ffn: Ffn,
}

/// Pre-norm Transformer (core `transformer.rs`).
#[derive(Debug)]
pub struct Transformer {
    pub config: TransformerConfig,
    pub dropout: f32,
    src_embed: Tensor,
    tgt_embed: Tensor,
    encoder: Vec<Layer>,
    decoder: Vec<Layer>,
    encoder_norm: Norm,
    decoder_norm: Norm,
    out: Lin,
}

/// PE [len, dim], the same formula and f32 arithmetic as core's `sinusoidal`.
pub(crate) fn positions(len: usize, dim: usize, dev: &Device) -> Result<Tensor> {
    let pe = seq2seq_core::layers::positions::sinusoidal(0, len, dim);
    Tensor::from_vec(pe.data().to_vec(), (len, dim), dev)
}

impl Transformer {
    pub fn new(vb: &VarBuilder, c: &TransformerConfig, dropout: f32) -> Result<Self> {
        let std = 1.0 / (c.dim as f64).sqrt();
        let layer = |prefix: String, cross: bool| -> Result<Layer> {
            let vb = vb.pp(prefix);
            Ok(Layer {
                norm1: Norm::new(&vb, "norm1", c.dim)?,
                self_attn: Mha::new(&vb, "self_attn", c.dim, c.heads)?,
                norm2: Norm::new(&vb, "norm2", c.dim)?,
                cross: if cross {
                    Some((
                        Mha::new(&vb, "cross_attn", c.dim, c.heads)?,
                        Norm::new(&vb, "norm3", c.dim)?,
                    ))
                } else {
                    None
                },
                ffn: Ffn::new(&vb, c.dim, c.ffn_dim, c.activation)?,
            })
        };
        Ok(Self {
            config: c.clone(),
            dropout,
            src_embed: embedding(vb, "encoder.embedding", c.src_vocab, c.dim, std)?,
            tgt_embed: embedding(vb, "decoder.embedding", c.tgt_vocab, c.dim, std)?,
            encoder: (0..c.encoder_layers)
                .map(|l| layer(format!("encoder.layers.{l}"), false))
                .collect::<Result<_>>()?,
            decoder: (0..c.decoder_layers)
                .map(|l| layer(format!("decoder.layers.{l}"), true))
                .collect::<Result<_>>()?,
            encoder_norm: Norm::new(vb, "encoder.norm", c.dim)?,
            decoder_norm: Norm::new(vb, "decoder.norm", c.dim)?,
            out: Lin::new(vb, "decoder.out", c.dim, c.tgt_vocab, true)?,
        })
    }

    fn embed(&self, table: &Tensor, ids: &Tensor, train: bool) -> Result<Tensor> {
        let t = ids.dim(1)?;
        let d = self.config.dim;
        let x = (embed(table, ids)? * (d as f32).sqrt() as f64)?.broadcast_add(&positions(
            t,
            d,
            ids.device(),
        )?)?;
        dropout(&x, self.dropout, train)
    }

    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let dev = batch.src.device();
        let (b, s) = batch.src.dims2()?;
        let t = batch.tgt_in.dim(1)?;
        let p = self.dropout;
        // Key padding mask [B, 1, 1, S].
        let src_mask = ((&batch.src_mask - 1.0)? * 1e9)?.reshape((b, 1, 1, s))?;
        let mut x = self.embed(&self.src_embed, &batch.src, train)?;
        for l in &self.encoder {
            let n = l.norm1.forward(&x)?;
            x = (&x + dropout(&l.self_attn.forward(&n, &n, &src_mask)?, p, train)?)?;
            let n = l.norm2.forward(&x)?;
            x = (&x + dropout(&l.ffn.forward(&n, p, train)?, p, train)?)?;
        }
        let memory = self.encoder_norm.forward(&x)?;
        let causal: Vec<f32> = (0..t * t)
            .map(|k| if k % t > k / t { -1e9 } else { 0.0 })
            .collect();
        let causal = Tensor::from_vec(causal, (1, 1, t, t), dev)?;
        let mut y = self.embed(&self.tgt_embed, &batch.tgt_in, train)?;
        for l in &self.decoder {
            let n = l.norm1.forward(&y)?;
            y = (&y + dropout(&l.self_attn.forward(&n, &n, &causal)?, p, train)?)?;
            let (cross, norm3) = l
                .cross
                .as_ref()
                .expect("decoder layers have cross-attention");
            let n = l.norm2.forward(&y)?;
            y = (&y + dropout(&cross.forward(&n, &memory, &src_mask)?, p, train)?)?;
            let n = norm3.forward(&y)?;
            y = (&y + dropout(&l.ffn.forward(&n, p, train)?, p, train)?)?;
        }
        self.out.forward(&self.decoder_norm.forward(&y)?)
    }
}
