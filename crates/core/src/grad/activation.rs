//! Derivatives of the activations, written in terms of what the forward pass already has:
//!   tanh:    y = tanh x,  dy/dx = 1 − y²
//!   sigmoid: y = σ(x),    dy/dx = y (1 − y)
//!   relu:    dy/dx = [x > 0]
//!   gelu (tanh approximation, as core and candle): y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³),
//!            dy/dx = ½(1 + tanh u) + ½x (1 − tanh²u) √(2/π)(1 + 3·0.044715x²)

use crate::ops::Activation;

const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

pub fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)).tanh())
}

/// act(x) in f64.
pub fn apply(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => sigmoid(x),
        Activation::Relu => x.max(0.0),
        Activation::Gelu => gelu(x),
    }
}

/// d act(x) / dx at the pre-activation x.
pub fn derivative(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Tanh => 1.0 - x.tanh().powi(2),
        Activation::Sigmoid => {
            let y = sigmoid(x);
            y * (1.0 - y)
        }
        Activation::Relu => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Gelu => {
            let t = (SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)).tanh();
            0.5 * (1.0 + t)
                + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * 0.044_715 * x * x)
        }
    }
}
