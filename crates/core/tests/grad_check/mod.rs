//! Shared by the finite-difference tests of core's backward pass (`grad_ops.rs`,
//! `grad_recurrent.rs`): random tensors, central differences over every coordinate, and a check
//! that prints the largest difference and where it is.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seq2seq_core::grad::check::{central_difference, compare};
use seq2seq_core::grad::linear::Linear;
use seq2seq_core::grad::mat::Mat;
use seq2seq_core::grad::Grads;

pub const H: f64 = 1e-5;
pub const TOL: f64 = 1e-6;

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub fn rand_vec(r: &mut StdRng, n: usize, scale: f64) -> Vec<f64> {
    (0..n).map(|_| r.random_range(-scale..scale)).collect()
}

pub fn rand_mat(r: &mut StdRng, rows: usize, cols: usize, scale: f64) -> Mat {
    Mat::new(rows, cols, rand_vec(r, rows * cols, scale))
}

/// ∂f/∂v_i for every i by central differences.
pub fn fd(values: &[f64], f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            central_difference(H, |d| {
                let mut v = values.to_vec();
                v[i] += d;
                f(&v)
            })
        })
        .collect()
}

/// Asserts the analytic gradient matches the numeric one and prints both's distance.
pub fn assert_close(what: &str, analytic: &[f64], numeric: &[f64]) {
    let c = compare(analytic, numeric);
    println!("{what}: {c}");
    assert!(
        c.scale > 0.0,
        "{what}: the numeric gradient is all zeros (nothing tested)"
    );
    assert!(c.within(TOL), "{what}: {c}");
}

pub fn grad<'a>(g: &'a Grads, name: &str) -> &'a [f64] {
    &g.get(name)
        .unwrap_or_else(|| panic!("no gradient for `{name}`"))
        .data
}

pub fn linear(r: &mut StdRng, name: &str, input: usize, output: usize, bias: bool) -> Linear {
    Linear {
        name: name.into(),
        weight: rand_mat(r, output, input, 0.6),
        bias: bias.then(|| rand_vec(r, output, 0.3)),
    }
}
