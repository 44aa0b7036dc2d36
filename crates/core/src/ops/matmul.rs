//! Matrix multiplication, blocked so that the inner loops are contiguous, independent lanes that
//! LLVM turns into SIMD (x86 SSE/AVX natively, simd128 in wasm). The textbook triple loop is kept
//! as `matmul_naive`, the baseline and the test oracle.

use crate::tensor::Tensor;

/// Width of the independent accumulators in `dot`: two wasm f32x4 vectors.
const LANES: usize = 8;
/// Rows of `a` processed together so each row of `b` is loaded once per block.
const ROW_BLOCK: usize = 4;
/// Depth of a k-block: keeps a strip of `b` in cache while the row block sweeps it.
const K_BLOCK: usize = 256;

/// C[m,n] = A[m,k] · B[k,n], the textbook loop. Reference only.
pub fn matmul_naive(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = a.dims2();
    let (k2, n) = b.dims2();
    assert_eq!(k, k2, "matmul: inner dimensions {k} and {k2} differ");
    let (ad, bd) = (a.data(), b.data());
    let mut c = vec![0.0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0;
            for p in 0..k {
                s += ad[i * k + p] * bd[p * n + j];
            }
            c[i * n + j] = s;
        }
    }
    Tensor::new([m, n], c)
}

/// C[m,n] = A[m,k] · B[k,n], blocked over rows of A and over k; the innermost loop is an axpy
/// over a contiguous row of B and C.
pub fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = a.dims2();
    let (k2, n) = b.dims2();
    assert_eq!(k, k2, "matmul: inner dimensions {k} and {k2} differ");
    let (ad, bd) = (a.data(), b.data());
    let mut c = vec![0.0f32; m * n];
    for k0 in (0..k).step_by(K_BLOCK) {
        let k1 = (k0 + K_BLOCK).min(k);
        for i0 in (0..m).step_by(ROW_BLOCK) {
            let i1 = (i0 + ROW_BLOCK).min(m);
            for p in k0..k1 {
                let b_row = &bd[p * n..(p + 1) * n];
                for i in i0..i1 {
                    let aip = ad[i * k + p];
                    let c_row = &mut c[i * n..(i + 1) * n];
                    for (cv, bv) in c_row.iter_mut().zip(b_row) {
                        *cv += aip * bv;
                    }
                }
            }
        }
    }
    Tensor::new([m, n], c)
}

/// Dot product with `LANES` independent partial sums (vectorisable without fast-math).
#[inline]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let xc = x.chunks_exact(LANES);
    let yc = y.chunks_exact(LANES);
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (xs, ys) in xc.zip(yc) {
        for l in 0..LANES {
            acc[l] += xs[l] * ys[l];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (a, b) in xr.iter().zip(yr) {
        s += a * b;
    }
    s
}

/// C[m,n] = A[m,k] · B[n,k]ᵀ: every output is a dot product of two contiguous rows. This is the
/// shape of a PyTorch `Linear` (weight stored [out, in]).
pub fn matmul_bt(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = a.dims2();
    let (n, k2) = b.dims2();
    assert_eq!(k, k2, "matmul_bt: inner dimensions {k} and {k2} differ");
    let (ad, bd) = (a.data(), b.data());
    let mut c = vec![0.0f32; m * n];
    for i in 0..m {
        let a_row = &ad[i * k..(i + 1) * k];
        for (j, cv) in c[i * n..(i + 1) * n].iter_mut().enumerate() {
            *cv = dot(a_row, &bd[j * k..(j + 1) * k]);
        }
    }
    Tensor::new([m, n], c)
}

/// y[m,n] = x[m,k] · W[n,k]ᵀ + b[n] (PyTorch `nn.Linear`).
pub fn linear(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Tensor {
    let y = matmul_bt(x, weight);
    match bias {
        Some(b) => super::add_row(&y, b),
        None => y,
    }
}
