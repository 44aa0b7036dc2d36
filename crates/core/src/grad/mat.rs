//! A plain f64 matrix for the backward pass, row-major [rows, cols].
//!
//! The forward pass of the models computes in f32 on a `Backend`; the backward pass computes in
//! f64 on the host, so that central finite differences (error ~h² with h = 1e-5) can check every
//! derivative to ~1e-8 and the gradient norms the playground draws are not f32 round-off.

use crate::tensor::Tensor;

#[derive(Clone, Debug, PartialEq)]
pub struct Mat {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Mat {
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "Mat: {} values for [{rows}, {cols}]",
            data.len()
        );
        Self { rows, cols, data }
    }

    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self::new(rows, cols, vec![0.0; rows * cols])
    }

    /// A 1-row matrix [1, n].
    pub fn row_vec(v: &[f64]) -> Self {
        Self::new(1, v.len(), v.to_vec())
    }

    /// Rows of equal length stacked: [rows.len(), n].
    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let cols = rows.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(rows.len() * cols);
        for r in rows {
            assert_eq!(r.len(), cols, "Mat::from_rows: ragged rows");
            data.extend_from_slice(r);
        }
        Self::new(rows.len(), cols, data)
    }

    /// A core tensor widened to f64: [r, c] stays [r, c], a vector [n] becomes [1, n].
    pub fn from_tensor(t: &Tensor) -> Self {
        let data: Vec<f64> = t.data().iter().map(|&v| f64::from(v)).collect();
        match *t.shape() {
            [r, c] => Self::new(r, c, data),
            [n] => Self::new(1, n, data),
            ref s => panic!("Mat::from_tensor: expected 1-D or 2-D, got {s:?}"),
        }
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        (0..self.rows).map(|i| self.row(i).to_vec()).collect()
    }

    /// self += other (same shape).
    pub fn add_assign(&mut self, other: &Mat) {
        assert_eq!(
            (self.rows, self.cols),
            (other.rows, other.cols),
            "Mat::add_assign: shapes"
        );
        add_into(&mut self.data, &other.data);
    }

    /// self + other
    pub fn add(&self, other: &Mat) -> Mat {
        let mut out = self.clone();
        out.add_assign(other);
        out
    }

    /// W x for a vector x [cols] → [rows] (a Linear layer on one row).
    pub fn mul_vec(&self, x: &[f64]) -> Vec<f64> {
        assert_eq!(
            x.len(),
            self.cols,
            "Mat::mul_vec: x has {} values, W [{}, {}]",
            x.len(),
            self.rows,
            self.cols
        );
        (0..self.rows).map(|i| dot(self.row(i), x)).collect()
    }

    /// Wᵀ y for a vector y [rows] → [cols] (the backward of `mul_vec` to its input).
    pub fn t_mul_vec(&self, y: &[f64]) -> Vec<f64> {
        assert_eq!(
            y.len(),
            self.rows,
            "Mat::t_mul_vec: y has {} values, W [{}, {}]",
            y.len(),
            self.rows,
            self.cols
        );
        let mut out = vec![0.0; self.cols];
        for (i, &yi) in y.iter().enumerate() {
            if yi != 0.0 {
                axpy(&mut out, yi, self.row(i));
            }
        }
        out
    }
}

/// x Wᵀ: x [m, k], w [n, k] → [m, n] (`nn.Linear` without bias).
pub fn matmul_bt(x: &Mat, w: &Mat) -> Mat {
    assert_eq!(
        x.cols, w.cols,
        "matmul_bt: [{}, {}]·[{}, {}]ᵀ",
        x.rows, x.cols, w.rows, w.cols
    );
    let mut out = Mat::zeros(x.rows, w.rows);
    for i in 0..x.rows {
        for j in 0..w.rows {
            out.data[i * w.rows + j] = dot(x.row(i), w.row(j));
        }
    }
    out
}

/// a b: a [m, k], b [k, n] → [m, n] (dx = dy W).
pub fn matmul(a: &Mat, b: &Mat) -> Mat {
    assert_eq!(
        a.cols, b.rows,
        "matmul: [{}, {}]·[{}, {}]",
        a.rows, a.cols, b.rows, b.cols
    );
    let mut out = Mat::zeros(a.rows, b.cols);
    for i in 0..a.rows {
        for k in 0..a.cols {
            let aik = a.data[i * a.cols + k];
            if aik != 0.0 {
                axpy(&mut out.data[i * b.cols..(i + 1) * b.cols], aik, b.row(k));
            }
        }
    }
    out
}

/// aᵀ b: a [m, n], b [m, k] → [n, k] (dW = dyᵀ x).
pub fn matmul_at(a: &Mat, b: &Mat) -> Mat {
    assert_eq!(
        a.rows, b.rows,
        "matmul_at: [{}, {}]ᵀ·[{}, {}]",
        a.rows, a.cols, b.rows, b.cols
    );
    let mut out = Mat::zeros(a.cols, b.cols);
    for m in 0..a.rows {
        for (i, &ami) in a.row(m).iter().enumerate() {
            if ami != 0.0 {
                axpy(&mut out.data[i * b.cols..(i + 1) * b.cols], ami, b.row(m));
            }
        }
    }
    out
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y += a·x
pub fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    debug_assert_eq!(y.len(), x.len());
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// y += x
pub fn add_into(y: &mut [f64], x: &[f64]) {
    assert_eq!(y.len(), x.len(), "add_into: lengths differ");
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += xi;
    }
}

/// The Euclidean norm ‖v‖.
pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// [a ; b]: two vectors end to end.
pub fn concat(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    out
}

/// A core tensor widened to an f64 vector (any shape, flattened).
pub fn vec_from_tensor(t: &Tensor) -> Vec<f64> {
    t.data().iter().map(|&v| f64::from(v)).collect()
}
