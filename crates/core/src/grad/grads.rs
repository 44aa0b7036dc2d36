//! Parameter gradients, keyed by the PyTorch weight names the loader uses
//! (`encoder.rnn.weight_ih_l0`, `decoder.out.bias`, …), so they line up with a weight file and
//! with candle's `VarMap` of the same model. Each entry has its weight's shape: a matrix [r, c]
//! as [r, c], a vector [n] as [1, n].

use std::collections::BTreeMap;

use super::mat::{axpy, Mat};

#[derive(Clone, Debug, Default)]
pub struct Grads {
    /// Off: every `add` is skipped (a sensitivity ∂c/∂e needs no weight gradients).
    discard: bool,
    map: BTreeMap<String, Mat>,
}

impl Grads {
    /// Collects every parameter gradient.
    pub fn new() -> Self {
        Self::default()
    }

    /// Collects nothing: for backward passes that only want gradients of inputs.
    pub fn discard() -> Self {
        Self {
            discard: true,
            map: BTreeMap::new(),
        }
    }

    pub fn is_collecting(&self) -> bool {
        !self.discard
    }

    /// The accumulator of `name`, created as zeros [rows, cols] on first use.
    fn entry(&mut self, name: &str, rows: usize, cols: usize) -> &mut Mat {
        let m = self
            .map
            .entry(name.to_string())
            .or_insert_with(|| Mat::zeros(rows, cols));
        assert_eq!(
            (m.rows, m.cols),
            (rows, cols),
            "gradient `{name}` changed shape"
        );
        m
    }

    /// grad[name] += g
    pub fn add(&mut self, name: &str, g: &Mat) {
        if !self.discard {
            self.entry(name, g.rows, g.cols).add_assign(g);
        }
    }

    /// grad[name] (a vector [1, n]) += v
    pub fn add_vec(&mut self, name: &str, v: &[f64]) {
        if !self.discard {
            axpy(&mut self.entry(name, 1, v.len()).data, 1.0, v);
        }
    }

    /// grad[name] [rows, cols] += dy xᵀ (a weight used on one vector: y = W x).
    pub fn add_outer(&mut self, name: &str, dy: &[f64], x: &[f64]) {
        if !self.discard {
            let m = self.entry(name, dy.len(), x.len());
            for (i, &d) in dy.iter().enumerate() {
                if d != 0.0 {
                    axpy(m.row_mut(i), d, x);
                }
            }
        }
    }

    /// grad[name] [rows, cols], row `row` += v (an embedding table).
    pub fn add_row(&mut self, name: &str, rows: usize, row: usize, v: &[f64]) {
        if !self.discard {
            axpy(self.entry(name, rows, v.len()).row_mut(row), 1.0, v);
        }
    }

    pub fn get(&self, name: &str) -> Option<&Mat> {
        self.map.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Mat)> {
        self.map.iter()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Every parameter of a model as (PyTorch name, values), mutable: for finite-difference checks
/// and for an optimiser that updates the weights in place.
pub type ParamsMut<'a> = Vec<(String, &'a mut [f64])>;
