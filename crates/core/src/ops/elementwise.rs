//! Elementwise arithmetic, broadcasting a row, gathering embedding rows, slicing and concatenating.

use crate::tensor::Tensor;

fn zip_with(a: &Tensor, b: &Tensor, f: impl Fn(f32, f32) -> f32) -> Tensor {
    assert_eq!(
        a.shape(),
        b.shape(),
        "elementwise op on shapes {:?} and {:?}",
        a.shape(),
        b.shape()
    );
    Tensor::new(
        a.shape(),
        a.data()
            .iter()
            .zip(b.data())
            .map(|(&x, &y)| f(x, y))
            .collect(),
    )
}

pub fn add(a: &Tensor, b: &Tensor) -> Tensor {
    zip_with(a, b, |x, y| x + y)
}

pub fn mul(a: &Tensor, b: &Tensor) -> Tensor {
    zip_with(a, b, |x, y| x * y)
}

pub fn scale(a: &Tensor, s: f32) -> Tensor {
    Tensor::new(a.shape(), a.data().iter().map(|v| v * s).collect())
}

/// x[m,n] + row[n], broadcast over rows.
pub fn add_row(x: &Tensor, row: &Tensor) -> Tensor {
    let (_, n) = x.dims2();
    assert_eq!(
        row.len(),
        n,
        "add_row: row of {} elements for {n} columns",
        row.len()
    );
    let mut out = x.clone();
    for r in out.data_mut().chunks_mut(n) {
        for (v, b) in r.iter_mut().zip(row.data()) {
            *v += b;
        }
    }
    out
}

/// Rows `ids` of `table` [vocab, dim] → [ids.len(), dim]. Ids are checked by the caller
/// (the tokenizer only produces ids below the vocabulary size).
pub fn embedding(table: &Tensor, ids: &[u32]) -> Tensor {
    let (vocab, dim) = table.dims2();
    let mut out = Vec::with_capacity(ids.len() * dim);
    for &id in ids {
        let id = id as usize;
        assert!(
            id < vocab,
            "embedding: id {id} outside a vocabulary of {vocab}"
        );
        out.extend_from_slice(table.row_slice(id));
    }
    Tensor::new([ids.len(), dim], out)
}

/// Columns [start, start+len) of a 2-D tensor.
pub fn slice_cols(x: &Tensor, start: usize, len: usize) -> Tensor {
    let (m, n) = x.dims2();
    assert!(
        start + len <= n,
        "slice_cols: {start}+{len} beyond {n} columns"
    );
    let mut out = Vec::with_capacity(m * len);
    for i in 0..m {
        out.extend_from_slice(&x.row_slice(i)[start..start + len]);
    }
    Tensor::new([m, len], out)
}

/// Rows [start, start+len) of a 2-D tensor.
pub fn slice_rows(x: &Tensor, start: usize, len: usize) -> Tensor {
    let (m, n) = x.dims2();
    assert!(
        start + len <= m,
        "slice_rows: {start}+{len} beyond {m} rows"
    );
    Tensor::new([len, n], x.data()[start * n..(start + len) * n].to_vec())
}

/// [a | b | …] along columns; all parts have the same number of rows.
pub fn concat_cols(parts: &[&Tensor]) -> Tensor {
    assert!(!parts.is_empty(), "concat_cols of nothing");
    let m = parts[0].dims2().0;
    let n: usize = parts.iter().map(|p| p.dims2().1).sum();
    let mut out = Vec::with_capacity(m * n);
    for i in 0..m {
        for p in parts {
            assert_eq!(
                p.dims2().0,
                m,
                "concat_cols: parts have different row counts"
            );
            out.extend_from_slice(p.row_slice(i));
        }
    }
    Tensor::new([m, n], out)
}
