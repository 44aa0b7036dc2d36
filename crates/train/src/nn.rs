//! The five model families in candle, for training. Each computes exactly the equations of its
//! seq2seq-core twin (crates/core/src/models/*.rs) with the same PyTorch weight names and layouts,
//! so exporting is a plain save of the `VarMap` (no renaming, no transposes), and
//! `tests/parity.rs` checks that candle's logits equal core's.
//!
//! Training runs on padded batches. Sources end with EOS (as core's `decode` appends it), targets
//! are `BOS y` in and `y EOS` out. Padding never changes what a real position computes:
//! - recurrent encoders carry their state unchanged through padded steps (mask = 0), so the last
//!   state is the state at each sentence's own end, and the backward direction of the
//!   bidirectional encoder starts from zero at each sentence's real end;
//! - attention (Bahdanau and multi-head) gives padded source positions weight exactly 0;
//! - the decoder's padded steps only produce logits that the loss masks out.

use candle_core::{DType, Device, IndexOp, Result, Tensor, D};
use candle_nn::{Init, VarBuilder};
use seq2seq_core::layers::CellKind;
use seq2seq_core::models::{AttentionConfig, ModelConfig, RecurrentConfig, TransformerConfig};
use seq2seq_core::ops::Activation;

/// A padded batch. Shapes: src [B, S] (u32), src_mask [B, S] (f32, 1 = real), tgt_in/tgt_out [B, T]
/// (u32), tgt_mask [B, T] (f32).
#[derive(Clone, Debug)]
pub struct Batch {
    pub src: Tensor,
    pub src_mask: Tensor,
    pub tgt_in: Tensor,
    pub tgt_out: Tensor,
    pub tgt_mask: Tensor,
}

impl Batch {
    /// Pads `pairs` of (source ids ending with EOS, target ids without BOS/EOS).
    pub fn new(pairs: &[(&[u32], &[u32])], dev: &Device) -> Result<Self> {
        use seq2seq_core::tokenizer::{BOS, EOS, PAD};
        let b = pairs.len();
        let s = pairs.iter().map(|p| p.0.len()).max().unwrap_or(1);
        let t = pairs.iter().map(|p| p.1.len() + 1).max().unwrap_or(1);
        let (mut src, mut src_mask) = (vec![PAD; b * s], vec![0f32; b * s]);
        let (mut tin, mut tout, mut tmask) =
            (vec![PAD; b * t], vec![PAD; b * t], vec![0f32; b * t]);
        for (i, (x, y)) in pairs.iter().enumerate() {
            for (j, &id) in x.iter().enumerate() {
                src[i * s + j] = id;
                src_mask[i * s + j] = 1.0;
            }
            for j in 0..=y.len() {
                tin[i * t + j] = if j == 0 { BOS } else { y[j - 1] };
                tout[i * t + j] = if j == y.len() { EOS } else { y[j] };
                tmask[i * t + j] = 1.0;
            }
        }
        Ok(Self {
            src: Tensor::from_vec(src, (b, s), dev)?,
            src_mask: Tensor::from_vec(src_mask, (b, s), dev)?,
            tgt_in: Tensor::from_vec(tin, (b, t), dev)?,
            tgt_out: Tensor::from_vec(tout, (b, t), dev)?,
            tgt_mask: Tensor::from_vec(tmask, (b, t), dev)?,
        })
    }

    pub fn target_tokens(&self) -> Result<f32> {
        self.tgt_mask.sum_all()?.to_scalar::<f32>()
    }
}

/// x [.., in] · Wᵀ (+ b), W [out, in] (PyTorch `nn.Linear`).
#[derive(Clone, Debug)]
pub struct Lin {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
}

impl Lin {
    pub fn new(
        vb: &VarBuilder,
        name: &str,
        input: usize,
        output: usize,
        bias: bool,
    ) -> Result<Self> {
        let k = 1.0 / (input as f64).sqrt();
        let init = Init::Uniform { lo: -k, up: k };
        let vb = vb.pp(name);
        Ok(Self {
            weight: vb.get_with_hints((output, input), "weight", init)?,
            bias: if bias {
                Some(vb.get_with_hints(output, "bias", init)?)
            } else {
                None
            },
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        linear(x, &self.weight, self.bias.as_ref())
    }
}

/// x [.., in] · wᵀ + b, flattening the leading dimensions into one matmul.
fn linear(x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Result<Tensor> {
    let dims = x.dims().to_vec();
    let input = *dims.last().expect("linear of a scalar");
    let rows: usize = dims[..dims.len() - 1].iter().product();
    let y = x.reshape((rows, input))?.matmul(&w.t()?)?;
    let y = match b {
        Some(b) => y.broadcast_add(b)?,
        None => y,
    };
    let mut out = dims;
    *out.last_mut().expect("nonempty") = w.dim(0)?;
    y.reshape(out)
}

fn embedding(vb: &VarBuilder, name: &str, vocab: usize, dim: usize, std: f64) -> Result<Tensor> {
    vb.pp(name).get_with_hints(
        (vocab, dim),
        "weight",
        Init::Randn {
            mean: 0.0,
            stdev: std,
        },
    )
}

/// ids [B, T] → [B, T, E]
fn embed(table: &Tensor, ids: &Tensor) -> Result<Tensor> {
    let (b, t) = ids.dims2()?;
    table
        .index_select(&ids.flatten_all()?, 0)?
        .reshape((b, t, table.dim(1)?))
}

thread_local! {
    /// The dropout RNG. candle 0.11's CPU device cannot be seeded (`Device::Cpu.set_seed` returns
    /// "cannot seed the CPU rng with set_seed"; `Tensor::rand` draws from `rand::rng()`), so the
    /// masks are drawn here, from a `StdRng` that `seed_dropout` resets before every step.
    static DROPOUT_RNG: std::cell::RefCell<rand::rngs::StdRng> =
        std::cell::RefCell::new(rand::SeedableRng::seed_from_u64(0));
}

/// Re-seeds the dropout masks; training calls it with a function of (config seed, step) before
/// every step, so a resumed run draws the same masks as an uninterrupted one.
pub fn seed_dropout(seed: u64) {
    DROPOUT_RNG.with(|r| *r.borrow_mut() = rand::SeedableRng::seed_from_u64(seed));
}

/// Inverted dropout: each element kept with probability 1 - p and scaled by 1 / (1 - p).
fn dropout(x: &Tensor, p: f32, train: bool) -> Result<Tensor> {
    if !(train && p > 0.0) {
        return Ok(x.clone());
    }
    if !(0.0..1.0).contains(&p) {
        candle_core::bail!("dropout probability has to be in [0, 1), got {p}")
    }
    let scale = 1.0 / (1.0 - p);
    let mask: Vec<f32> = DROPOUT_RNG.with(|r| {
        let mut r = r.borrow_mut();
        (0..x.elem_count())
            .map(|_| {
                if rand::Rng::random::<f32>(&mut *r) >= p {
                    scale
                } else {
                    0.0
                }
            })
            .collect()
    });
    let mask = Tensor::from_vec(mask, x.shape(), x.device())?.to_dtype(x.dtype())?;
    x * mask
}

fn sigmoid(x: &Tensor) -> Result<Tensor> {
    candle_nn::ops::sigmoid(x)
}

/// One recurrent layer (`{prefix}.weight_ih_{suffix}` ...), batched.
#[derive(Clone, Debug)]
pub struct Cell {
    pub kind: CellKind,
    pub hidden: usize,
    pub w_ih: Tensor,
    pub w_hh: Tensor,
    pub b_ih: Tensor,
    pub b_hh: Tensor,
}

/// h [B, H] and the LSTM's c.
#[derive(Clone, Debug)]
pub struct State {
    pub h: Tensor,
    pub c: Option<Tensor>,
}

impl Cell {
    pub fn new(
        vb: &VarBuilder,
        suffix: &str,
        kind: CellKind,
        input: usize,
        hidden: usize,
    ) -> Result<Self> {
        let rows = kind.gates() * hidden;
        let k = 1.0 / (hidden as f64).sqrt();
        let init = Init::Uniform { lo: -k, up: k };
        let get = |name: &str, shape: &[usize]| {
            vb.get_with_hints(shape, &format!("{name}_{suffix}"), init)
        };
        Ok(Self {
            kind,
            hidden,
            w_ih: get("weight_ih", &[rows, input])?,
            w_hh: get("weight_hh", &[rows, hidden])?,
            b_ih: get("bias_ih", &[rows])?,
            b_hh: get("bias_hh", &[rows])?,
        })
    }

    pub fn zero_state(&self, batch: usize, dev: &Device) -> Result<State> {
        let z = Tensor::zeros((batch, self.hidden), DType::F32, dev)?;
        Ok(State {
            c: (self.kind == CellKind::Lstm).then(|| z.clone()),
            h: z,
        })
    }

    /// W_ih x + b_ih for every step at once: [B, T, I] → [B, T, G·H].
    pub fn input_proj(&self, x: &Tensor) -> Result<Tensor> {
        linear(x, &self.w_ih, Some(&self.b_ih))
    }

    /// One step from the input projection gi [B, G·H] (see `input_proj`).
    pub fn step(&self, gi: &Tensor, s: &State) -> Result<State> {
        let h = self.hidden;
        let gh = linear(&s.h, &self.w_hh, Some(&self.b_hh))?; // [B, G·H]
        let part = |t: &Tensor, i: usize| t.narrow(1, i * h, h);
        match self.kind {
            CellKind::Rnn => Ok(State {
                h: (gi + gh)?.tanh()?,
                c: None,
            }),
            CellKind::Gru => {
                let r = sigmoid(&(part(gi, 0)? + part(&gh, 0)?)?)?;
                let z = sigmoid(&(part(gi, 1)? + part(&gh, 1)?)?)?;
                let n = (part(gi, 2)? + (r * part(&gh, 2)?)?)?.tanh()?;
                // h' = (1 − z) n + z h = n + z (h − n)
                let h_new = (&n + (z * (&s.h - &n)?)?)?;
                Ok(State { h: h_new, c: None })
            }
            CellKind::Lstm => {
                let pre = (gi + gh)?;
                let i = sigmoid(&part(&pre, 0)?)?;
                let f = sigmoid(&part(&pre, 1)?)?;
                let g = part(&pre, 2)?.tanh()?;
                let o = sigmoid(&part(&pre, 3)?)?;
                let c_prev = s.c.as_ref().expect("LSTM state has c");
                let c = ((f * c_prev)? + (i * g)?)?;
                let h = (o * c.tanh()?)?;
                Ok(State { h, c: Some(c) })
            }
        }
    }

    /// Runs over gi [B, T, G·H] with mask [B, T]; padded steps keep the state. Returns the state
    /// after each step (in time order) and the final state. `reverse` reads T-1 → 0.
    pub fn run(
        &self,
        gi: &Tensor,
        mask: &Tensor,
        init: State,
        reverse: bool,
    ) -> Result<(Vec<Tensor>, State)> {
        let t_len = gi.dim(1)?;
        let mut outs = vec![None; t_len];
        let mut s = init;
        for k in 0..t_len {
            let t = if reverse { t_len - 1 - k } else { k };
            let new = self.step(&gi.i((.., t))?, &s)?;
            let m = mask.narrow(1, t, 1)?; // [B, 1]
            let keep = |new: &Tensor, old: &Tensor| -> Result<Tensor> {
                old + new.sub(old)?.broadcast_mul(&m)?
            };
            s = State {
                h: keep(&new.h, &s.h)?,
                c: match (&new.c, &s.c) {
                    (Some(n), Some(o)) => Some(keep(n, o)?),
                    _ => None,
                },
            };
            outs[t] = Some(s.h.clone());
        }
        Ok((
            outs.into_iter()
                .map(|o| o.expect("every step ran"))
                .collect(),
            s,
        ))
    }
}

/// rnn / gru / lstm encoder–decoder with one fixed context (core `fixed_context.rs`).
#[derive(Debug)]
pub struct FixedContext {
    pub config: RecurrentConfig,
    pub dropout: f32,
    src_embed: Tensor,
    encoder: Cell,
    tgt_embed: Tensor,
    decoder: Cell,
    out: Lin,
}

impl FixedContext {
    pub fn new(vb: &VarBuilder, kind: CellKind, c: &RecurrentConfig, dropout: f32) -> Result<Self> {
        let (e, h) = (c.embed_dim, c.hidden_dim);
        Ok(Self {
            config: c.clone(),
            dropout,
            src_embed: embedding(vb, "encoder.embedding", c.src_vocab, e, 1.0)?,
            encoder: Cell::new(&vb.pp("encoder.rnn"), "l0", kind, e, h)?,
            tgt_embed: embedding(vb, "decoder.embedding", c.tgt_vocab, e, 1.0)?,
            decoder: Cell::new(&vb.pp("decoder.rnn"), "l0", kind, e + h, h)?,
            out: Lin::new(vb, "decoder.out", 2 * h, c.tgt_vocab, true)?,
        })
    }

    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let dev = batch.src.device();
        let (b, _) = batch.src.dims2()?;
        let t = batch.tgt_in.dim(1)?;
        let h = self.config.hidden_dim;
        let x = dropout(&embed(&self.src_embed, &batch.src)?, self.dropout, train)?;
        let gi = self.encoder.input_proj(&x)?;
        let (_, last) = self.encoder.run(
            &gi,
            &batch.src_mask,
            self.encoder.zero_state(b, dev)?,
            false,
        )?;
        let c = last.h.clone(); // [B, H]
        let c_seq = c.unsqueeze(1)?.broadcast_as((b, t, h))?;
        let y = dropout(&embed(&self.tgt_embed, &batch.tgt_in)?, self.dropout, train)?;
        let gi = self.decoder.input_proj(&Tensor::cat(&[&y, &c_seq], 2)?)?;
        let mut s = last;
        let mut hs = Vec::with_capacity(t);
        for i in 0..t {
            s = self.decoder.step(&gi.i((.., i))?, &s)?;
            hs.push(s.h.clone());
        }
        let hs = Tensor::stack(&hs, 1)?; // [B, T, H]
        let feats = dropout(&Tensor::cat(&[&hs, &c_seq], 2)?, self.dropout, train)?;
        self.out.forward(&feats)
    }
}

/// Bidirectional GRU encoder + GRU decoder with Bahdanau attention (core `gru_attention.rs`).
#[derive(Debug)]
pub struct GruAttention {
    pub config: AttentionConfig,
    pub dropout: f32,
    src_embed: Tensor,
    fwd: Cell,
    bwd: Cell,
    tgt_embed: Tensor,
    bridge: Lin,
    query: Lin,
    key: Lin,
    v: Tensor,
    decoder: Cell,
    out: Lin,
}

impl GruAttention {
    pub fn new(vb: &VarBuilder, c: &AttentionConfig, dropout: f32) -> Result<Self> {
        let (e, h, a) = (c.embed_dim, c.hidden_dim, c.attn_dim);
        let enc = vb.pp("encoder.rnn");
        let k = 1.0 / (a as f64).sqrt();
        Ok(Self {
            config: c.clone(),
            dropout,
            src_embed: embedding(vb, "encoder.embedding", c.src_vocab, e, 1.0)?,
            fwd: Cell::new(&enc, "l0", CellKind::Gru, e, h)?,
            bwd: Cell::new(&enc, "l0_reverse", CellKind::Gru, e, h)?,
            tgt_embed: embedding(vb, "decoder.embedding", c.tgt_vocab, e, 1.0)?,
            bridge: Lin::new(vb, "decoder.bridge", 2 * h, h, true)?,
            query: Lin::new(vb, "decoder.attention.query", h, a, false)?,
            key: Lin::new(vb, "decoder.attention.key", 2 * h, a, true)?,
            v: vb.pp("decoder.attention.v").get_with_hints(
                (1, a),
                "weight",
                Init::Uniform { lo: -k, up: k },
            )?,
            decoder: Cell::new(&vb.pp("decoder.rnn"), "l0", CellKind::Gru, e + 2 * h, h)?,
            out: Lin::new(vb, "decoder.out", 3 * h, c.tgt_vocab, true)?,
        })
    }

    /// Returns logits [B, T, Vt] and the attention weights [B, T, S].
    pub fn forward_with_attention(&self, batch: &Batch, train: bool) -> Result<(Tensor, Tensor)> {
        let dev = batch.src.device();
        let (b, _) = batch.src.dims2()?;
        let t = batch.tgt_in.dim(1)?;
        let (e, h) = (self.config.embed_dim, self.config.hidden_dim);
        let x = dropout(&embed(&self.src_embed, &batch.src)?, self.dropout, train)?;
        let (fw, fw_last) = self.fwd.run(
            &self.fwd.input_proj(&x)?,
            &batch.src_mask,
            self.fwd.zero_state(b, dev)?,
            false,
        )?;
        let (bw, bw_first) = self.bwd.run(
            &self.bwd.input_proj(&x)?,
            &batch.src_mask,
            self.bwd.zero_state(b, dev)?,
            true,
        )?;
        let annotations = Tensor::cat(&[&Tensor::stack(&fw, 1)?, &Tensor::stack(&bw, 1)?], 2)?; // [B, S, 2H]
        let keys = self.key.forward(&annotations)?; // [B, S, A]
        let s0 = self
            .bridge
            .forward(&Tensor::cat(&[&fw_last.h, &bw_first.h], 1)?)?
            .tanh()?;
        // e_ij of padded j: −1e9 (α exactly 0 after softmax).
        let neg = ((&batch.src_mask - 1.0)? * 1e9)?; // [B, S]
        let y = dropout(&embed(&self.tgt_embed, &batch.tgt_in)?, self.dropout, train)?;
        // W_ih [3H, E+2H] split into its embedding and context columns.
        let w_e = self.decoder.w_ih.narrow(1, 0, e)?.contiguous()?;
        let w_c = self.decoder.w_ih.narrow(1, e, 2 * h)?.contiguous()?;
        let gi_y = linear(&y, &w_e, Some(&self.decoder.b_ih))?; // [B, T, 3H]
        let mut s = State { h: s0, c: None };
        let (mut feats, mut alphas) = (Vec::with_capacity(t), Vec::with_capacity(t));
        for i in 0..t {
            let q = self.query.forward(&s.h)?; // [B, A]
            let energy = keys.broadcast_add(&q.unsqueeze(1)?)?.tanh()?; // [B, S, A]
            let scores = linear(&energy, &self.v, None)?.squeeze(2)?; // vᵀ tanh(..): [B, S]
            let alpha = candle_nn::ops::softmax(&(scores + &neg)?, D::Minus1)?;
            let ctx = alpha.unsqueeze(1)?.matmul(&annotations)?.squeeze(1)?; // [B, 2H]
            let gi = (gi_y.i((.., i))? + linear(&ctx, &w_c, None)?)?;
            s = self.decoder.step(&gi, &s)?;
            feats.push(Tensor::cat(&[&s.h, &ctx], 1)?);
            alphas.push(alpha);
        }
        let feats = dropout(&Tensor::stack(&feats, 1)?, self.dropout, train)?; // [B, T, 3H]
        Ok((self.out.forward(&feats)?, Tensor::stack(&alphas, 1)?))
    }
}

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
struct Mha {
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
struct Ffn {
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
struct Layer {
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
fn positions(len: usize, dim: usize, dev: &Device) -> Result<Tensor> {
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

/// Any family, built from core's `ModelConfig`.
#[derive(Debug)]
pub enum Model {
    FixedContext(FixedContext),
    GruAttn(GruAttention),
    Transformer(Transformer),
}

impl Model {
    pub fn new(vb: &VarBuilder, config: &ModelConfig, dropout: f32) -> Result<Self> {
        Ok(match config {
            ModelConfig::Rnn(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Rnn, c, dropout)?)
            }
            ModelConfig::Gru(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Gru, c, dropout)?)
            }
            ModelConfig::Lstm(c) => {
                Model::FixedContext(FixedContext::new(vb, CellKind::Lstm, c, dropout)?)
            }
            ModelConfig::GruAttn(c) => Model::GruAttn(GruAttention::new(vb, c, dropout)?),
            ModelConfig::Transformer(c) => Model::Transformer(Transformer::new(vb, c, dropout)?),
        })
    }

    /// Teacher-forced logits [B, T, Vt].
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        match self {
            Model::FixedContext(m) => m.forward(batch, train),
            Model::GruAttn(m) => Ok(m.forward_with_attention(batch, train)?.0),
            Model::Transformer(m) => m.forward(batch, train),
        }
    }
}

/// Mean over real target tokens of the label-smoothed cross-entropy:
/// (1 − ε)·(−log p(y)) + ε·mean_v(−log p(v)).
pub fn loss(logits: &Tensor, batch: &Batch, smoothing: f64) -> Result<Tensor> {
    let (b, t, v) = logits.dims3()?;
    let logp = candle_nn::ops::log_softmax(&logits.reshape((b * t, v))?, D::Minus1)?;
    let target = batch.tgt_out.reshape((b * t, 1))?;
    let nll = logp.gather(&target, 1)?.neg()?.squeeze(1)?; // [B·T]
    let per_token = if smoothing > 0.0 {
        let smooth = logp.mean(1)?.neg()?;
        ((nll * (1.0 - smoothing))? + (smooth * smoothing)?)?
    } else {
        nll
    };
    let mask = batch.tgt_mask.flatten_all()?;
    (per_token * &mask)?.sum_all()? / mask.sum_all()?.to_scalar::<f32>()? as f64
}

/// Plain (unsmoothed) summed negative log-likelihood of the real target tokens.
pub fn nll_sum(logits: &Tensor, batch: &Batch) -> Result<f32> {
    let (b, t, v) = logits.dims3()?;
    let logp = candle_nn::ops::log_softmax(&logits.reshape((b * t, v))?, D::Minus1)?;
    let nll = logp
        .gather(&batch.tgt_out.reshape((b * t, 1))?, 1)?
        .neg()?
        .squeeze(1)?;
    (nll * batch.tgt_mask.flatten_all()?)?
        .sum_all()?
        .to_scalar()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropout_masks_follow_the_seed() {
        let x = Tensor::ones((4, 64), DType::F32, &Device::Cpu).unwrap();
        let draw = |seed| {
            seed_dropout(seed);
            dropout(&x, 0.25, true)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
        };
        let (a, b, c) = (draw(7), draw(7), draw(8));
        assert_eq!(a, b, "same seed, same mask");
        assert_ne!(a, c, "another seed, another mask");
        let kept = a.iter().filter(|&&v| v > 0.0).count();
        assert!((150..235).contains(&kept), "kept {kept} of 256 at p = 0.25");
        assert!(a.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
        // Not in training mode: the identity.
        assert_eq!(
            dropout(&x, 0.25, false)
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap(),
            256.0
        );
    }
}
