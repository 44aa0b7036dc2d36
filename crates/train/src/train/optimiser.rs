//! AdamW with global-norm clipping, and the learning-rate schedule (warm-up, cosine decay).

use anyhow::Result;
use candle_core::{Tensor, Var};

use super::config::TrainConfig;

/// AdamW (decoupled weight decay on matrices) with global-norm clipping.
pub struct AdamW {
    pub vars: Vec<(String, Var)>,
    pub m: Vec<Tensor>,
    pub v: Vec<Tensor>,
    pub t: usize,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
}

impl AdamW {
    pub fn new(vars: Vec<(String, Var)>) -> Result<Self> {
        let zeros = |v: &Var| v.as_tensor().zeros_like();
        Ok(Self {
            m: vars
                .iter()
                .map(|(_, v)| zeros(v))
                .collect::<candle_core::Result<_>>()?,
            v: vars
                .iter()
                .map(|(_, v)| zeros(v))
                .collect::<candle_core::Result<_>>()?,
            vars,
            t: 0,
            beta1: 0.9,
            beta2: 0.98,
            eps: 1e-9,
        })
    }

    /// One update; returns the gradient norm before clipping.
    pub fn step(
        &mut self,
        grads: &candle_core::backprop::GradStore,
        lr: f64,
        weight_decay: f64,
        clip: f64,
    ) -> Result<f64> {
        let mut sq = 0f64;
        for (_, var) in &self.vars {
            if let Some(g) = grads.get(var.as_tensor()) {
                sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
            }
        }
        let norm = sq.sqrt();
        let scale = if clip > 0.0 && norm > clip {
            clip / (norm + 1e-6)
        } else {
            1.0
        };
        self.t += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let c1 = 1.0 - b1.powi(self.t as i32);
        let c2 = 1.0 - b2.powi(self.t as i32);
        for (i, (_, var)) in self.vars.iter().enumerate() {
            let Some(g) = grads.get(var.as_tensor()) else {
                continue;
            };
            let g = (g * scale)?;
            self.m[i] = ((&self.m[i] * b1)? + (&g * (1.0 - b1))?)?;
            self.v[i] = ((&self.v[i] * b2)? + (g.sqr()? * (1.0 - b2))?)?;
            let mhat = (&self.m[i] / c1)?;
            let vhat = (&self.v[i] / c2)?;
            let update = (mhat / (vhat.sqrt()? + self.eps)?)?;
            let theta = var.as_tensor();
            let decayed = if theta.rank() >= 2 && weight_decay > 0.0 {
                (theta * (1.0 - lr * weight_decay))?
            } else {
                theta.clone()
            };
            var.set(&(decayed - (update * lr)?)?)?;
        }
        Ok(norm)
    }
}

/// Linear warm-up to `lr`, then cosine decay to `lr × final_ratio` at `total` steps (or when
/// `train_secs` reaches the time budget, whichever comes first).
pub fn learning_rate(c: &TrainConfig, step: usize, total: usize, train_secs: f64) -> f64 {
    let warm = c.warmup_steps.max(1);
    if step < warm {
        return c.lr * (step + 1) as f64 / warm as f64;
    }
    let mut progress = ((step - warm) as f64 / (total.saturating_sub(warm)).max(1) as f64).min(1.0);
    if c.time_budget_minutes > 0.0 {
        progress = progress.max((train_secs / (c.time_budget_minutes * 60.0)).min(1.0));
    }
    let cos = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
    c.lr * (c.final_lr_ratio + (1.0 - c.final_lr_ratio) * cos)
}
