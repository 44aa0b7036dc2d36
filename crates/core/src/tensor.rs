//! A host tensor: f32, row-major, shape-checked. The CPU backend computes on it directly and
//! every other backend reads its results back into one.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    shape: Vec<usize>,
    data: Vec<f32>,
}

impl Tensor {
    /// A tensor over `data` with `shape`. Panics if the element count does not match: callers
    /// that take shapes from files check them first (see `weights`).
    pub fn new(shape: impl Into<Vec<usize>>, data: Vec<f32>) -> Self {
        let shape = shape.into();
        assert_eq!(
            shape.iter().product::<usize>(),
            data.len(),
            "tensor data length {} does not match shape {shape:?}",
            data.len()
        );
        Self { shape, data }
    }

    pub fn zeros(shape: impl Into<Vec<usize>>) -> Self {
        let shape = shape.into();
        let n = shape.iter().product();
        Self::new(shape, vec![0.0; n])
    }

    /// A 1-row matrix [1, n] from a vector.
    pub fn row(data: Vec<f32>) -> Self {
        Self::new([1, data.len()], data)
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    pub fn into_data(self) -> Vec<f32> {
        self.data
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Rows and columns of a 2-D tensor.
    pub fn dims2(&self) -> (usize, usize) {
        assert_eq!(
            self.shape.len(),
            2,
            "expected a 2-D tensor, got shape {:?}",
            self.shape
        );
        (self.shape[0], self.shape[1])
    }

    /// Same data, new shape (element counts must agree).
    pub fn reshape(self, shape: impl Into<Vec<usize>>) -> Self {
        Self::new(shape, self.data)
    }

    /// Row `i` of a 2-D tensor.
    pub fn row_slice(&self, i: usize) -> &[f32] {
        let (_, cols) = self.dims2();
        &self.data[i * cols..(i + 1) * cols]
    }

    /// Rows of a 2-D tensor as vectors (for traces).
    pub fn to_rows(&self) -> Vec<Vec<f32>> {
        let (rows, _) = self.dims2();
        (0..rows).map(|i| self.row_slice(i).to_vec()).collect()
    }

    /// Largest absolute elementwise difference, and the first index where it exceeds `tol`.
    pub fn max_abs_diff(&self, other: &Tensor, tol: f32) -> (f32, Option<usize>) {
        assert_eq!(
            self.shape, other.shape,
            "comparing tensors of different shapes"
        );
        let mut max = 0.0f32;
        let mut first_bad = None;
        for (i, (a, b)) in self.data.iter().zip(&other.data).enumerate() {
            let d = (a - b).abs();
            if (d > tol || d.is_nan()) && first_bad.is_none() {
                first_bad = Some(i);
            }
            // f32::max drops NaN; a NaN difference must be the one reported.
            if d.is_nan() || d > max {
                max = d;
            }
        }
        (max, first_bad)
    }
}
