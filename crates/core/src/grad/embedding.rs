//! `nn.Embedding` backward. Forward e_j = table[ids_j]; the gradient of the table is a
//! scatter-add: d table[ids_j] += de_j (a token that occurs twice collects both rows).
//! de_j itself, ∂/∂e_j, is what the memory view draws per source token.

use super::grads::{Grads, ParamsMut};
use super::mat::Mat;
use crate::backend::CpuBackend;
use crate::layers;
use crate::{Error, Result};

#[derive(Clone, Debug)]
pub struct Embedding {
    /// `{name}.weight`
    pub name: String,
    /// [vocab, dim]
    pub table: Mat,
}

impl Embedding {
    pub fn from_layer(l: &layers::Embedding<CpuBackend>, name: &str) -> Self {
        Self {
            name: name.to_string(),
            table: Mat::from_tensor(&l.table),
        }
    }

    /// An id outside the vocabulary is an error, as in the forward layer.
    pub fn check(&self, ids: &[u32]) -> Result<()> {
        match ids.iter().find(|&&id| id as usize >= self.table.rows) {
            Some(bad) => Err(Error::InvalidInput(format!(
                "token id {bad} is outside the model's vocabulary of {}",
                self.table.rows
            ))),
            None => Ok(()),
        }
    }

    /// ids → [ids.len(), dim] (ids checked by `check`).
    pub fn forward(&self, ids: &[u32]) -> Mat {
        let rows: Vec<Vec<f64>> = ids
            .iter()
            .map(|&id| self.table.row(id as usize).to_vec())
            .collect();
        let mut m = Mat::from_rows(&rows);
        m.cols = self.table.cols; // also right when ids is empty
        m
    }

    /// de [ids.len(), dim] → d table (scatter-add into `grads`).
    pub fn backward(&self, ids: &[u32], de: &[Vec<f64>], grads: &mut Grads) {
        let name = format!("{}.weight", self.name);
        for (&id, d) in ids.iter().zip(de) {
            grads.add_row(&name, self.table.rows, id as usize, d);
        }
    }

    pub fn params_mut<'a>(&'a mut self, out: &mut ParamsMut<'a>) {
        out.push((format!("{}.weight", self.name), &mut self.table.data));
    }
}
