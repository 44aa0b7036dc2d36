//! The building blocks the families share, in candle: linear maps, embeddings, dropout (seeded
//! by training, see `seed_dropout`), the batched RNN/GRU/LSTM cell and its state.

use candle_core::{DType, Device, IndexOp, Result, Tensor};
use candle_nn::{Init, VarBuilder};
use seq2seq_core::layers::CellKind;

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
pub(crate) fn linear(x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Result<Tensor> {
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

pub(crate) fn embedding(
    vb: &VarBuilder,
    name: &str,
    vocab: usize,
    dim: usize,
    std: f64,
) -> Result<Tensor> {
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
pub(crate) fn embed(table: &Tensor, ids: &Tensor) -> Result<Tensor> {
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
pub(crate) fn dropout(x: &Tensor, p: f32, train: bool) -> Result<Tensor> {
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

pub(crate) fn sigmoid(x: &Tensor) -> Result<Tensor> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

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
