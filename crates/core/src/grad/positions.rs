//! The Transformer's input: x_j = √D · e_j + PE(j), with e_j = table[ids_j] and PE the sinusoidal
//! positions (core's `layers::positions::sinusoidal`). PE is a constant, so it has no gradient and
//! passes nothing back; the only derivative is the scale: ∂L/∂e_j = √D · ∂L/∂x_j.

use super::embedding::Embedding;
use super::grads::Grads;
use super::mat::Mat;
use crate::layers::positions::sinusoidal;

/// ids placed at positions start.. → (x [n, D], e [n, D]).
pub fn embed(table: &Embedding, ids: &[u32], start: usize) -> (Mat, Mat) {
    let dim = table.table.cols;
    let e = table.forward(ids);
    let pe = Mat::from_tensor(&sinusoidal(start, ids.len(), dim));
    let scale = (dim as f64).sqrt();
    let mut x = pe;
    for (xv, ev) in x.data.iter_mut().zip(&e.data) {
        *xv += scale * ev;
    }
    (x, e)
}

/// dx [n, D] → ∂L/∂e [n, D]; adds the table's gradient.
pub fn embed_backward(table: &Embedding, ids: &[u32], dx: &Mat, grads: &mut Grads) -> Mat {
    let scale = (table.table.cols as f64).sqrt();
    let de = Mat::new(
        dx.rows,
        dx.cols,
        dx.data.iter().map(|v| v * scale).collect(),
    );
    table.backward(ids, &de.to_rows(), grads);
    de
}
