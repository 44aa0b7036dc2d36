//! A backend that runs a model's code without doing any arithmetic: each tensor is only its
//! shape and the length of the longest chain of operations it depends on (its *depth*). After an
//! encoder pass, the depth of its output is the number of steps that must happen one after
//! another, however many processors there are — the article's "an RNN computes step by step,
//! hard to parallelise": h_t needs h_{t−1}, so an RNN's depth grows with T, while self-attention
//! handles every position in the same operation and its depth does not.
//!
//! The models are written once against [`Backend`], so what this backend counts is what the CPU
//! and GPU backends execute (the same calls, in the same order).

use std::cell::Cell;
use std::rc::Rc;

use super::{Attention, Backend, CellWeights, GruStep, LstmStep};
use crate::ops::Activation;
use crate::tensor::Tensor;
use crate::Result;

/// A tensor's shape and its dependency depth (0 for uploaded weights and inputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub shape: Vec<usize>,
    pub depth: usize,
}

/// Counts operations and tracks each tensor's depth; shares its counter between clones.
#[derive(Clone, Debug, Default)]
pub struct DepthBackend {
    ops: Rc<Cell<usize>>,
}

impl DepthBackend {
    /// Operations issued since creation (or the last [`reset`](Self::reset)).
    pub fn ops(&self) -> usize {
        self.ops.get()
    }

    pub fn reset(&self) {
        self.ops.set(0);
    }

    /// One operation reading `inputs`, producing `shape`.
    fn op(&self, inputs: &[&Node], shape: Vec<usize>) -> Node {
        self.ops.set(self.ops.get() + 1);
        let depth = 1 + inputs.iter().map(|n| n.depth).max().unwrap_or(0);
        Node { shape, depth }
    }

    fn cell_inputs<'a>(x: &'a Node, h: &'a Node, w: &'a CellWeights<Node>) -> [&'a Node; 6] {
        [x, h, &w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh]
    }
}

/// `shape` with its last dimension replaced by `last`.
fn with_last(shape: &[usize], last: usize) -> Vec<usize> {
    let mut s = shape.to_vec();
    match s.last_mut() {
        Some(d) => *d = last,
        None => s.push(last),
    }
    s
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

impl Backend for DepthBackend {
    type Tensor = Node;

    fn name(&self) -> String {
        "dependency depth (no arithmetic)".into()
    }

    fn upload(&self, t: &Tensor) -> Node {
        Node {
            shape: t.shape().to_vec(),
            depth: 0,
        }
    }

    fn shape(&self, t: &Node) -> Vec<usize> {
        t.shape.clone()
    }

    /// Zeros of the tensor's shape: this backend knows shapes, not values.
    async fn read(&self, t: &Node) -> Result<Tensor> {
        Ok(Tensor::zeros(t.shape.clone()))
    }

    fn linear(&self, x: &Node, w: &Node, b: Option<&Node>) -> Node {
        let shape = with_last(&x.shape, w.shape[0]);
        match b {
            Some(b) => self.op(&[x, w, b], shape),
            None => self.op(&[x, w], shape),
        }
    }

    fn matmul(&self, a: &Node, b: &Node) -> Node {
        let shape = with_last(&a.shape, *b.shape.last().unwrap_or(&1));
        self.op(&[a, b], shape)
    }

    /// Broadcasting (a bias row onto a matrix): the larger operand's shape.
    fn add(&self, a: &Node, b: &Node) -> Node {
        let shape = if numel(&a.shape) >= numel(&b.shape) {
            a.shape.clone()
        } else {
            b.shape.clone()
        };
        self.op(&[a, b], shape)
    }

    fn mul(&self, a: &Node, b: &Node) -> Node {
        self.add(a, b)
    }

    fn scale(&self, a: &Node, _s: f32) -> Node {
        self.op(&[a], a.shape.clone())
    }

    fn activation(&self, x: &Node, _act: Activation) -> Node {
        self.op(&[x], x.shape.clone())
    }

    fn softmax_rows(&self, x: &Node) -> Node {
        self.op(&[x], x.shape.clone())
    }

    fn layer_norm(&self, x: &Node, w: &Node, b: &Node, _eps: f32) -> Node {
        self.op(&[x, w, b], x.shape.clone())
    }

    fn embedding(&self, table: &Node, ids: &[u32]) -> Node {
        self.op(&[table], vec![ids.len(), *table.shape.last().unwrap_or(&1)])
    }

    fn concat_cols(&self, parts: &[&Node]) -> Node {
        let rows = parts.first().map_or(0, |p| p.shape[0]);
        let cols = parts.iter().map(|p| *p.shape.last().unwrap_or(&1)).sum();
        self.op(parts, vec![rows, cols])
    }

    fn concat_rows(&self, a: &Node, b: &Node) -> Node {
        let mut shape = a.shape.clone();
        shape[0] += b.shape[0];
        self.op(&[a, b], shape)
    }

    fn slice_rows(&self, x: &Node, _start: usize, len: usize) -> Node {
        let mut shape = x.shape.clone();
        shape[0] = len;
        self.op(&[x], shape)
    }

    fn attention(
        &self,
        q: &Node,
        k: &Node,
        v: &Node,
        heads: usize,
        _causal: bool,
        want_weights: bool,
    ) -> Attention<Node> {
        let output = self.op(&[q, k, v], vec![q.shape[0], *v.shape.last().unwrap_or(&1)]);
        let weights = want_weights.then(|| Node {
            shape: vec![heads, q.shape[0], k.shape[0]],
            depth: output.depth,
        });
        Attention { output, weights }
    }

    fn additive_attention(
        &self,
        query_proj: &Node,
        keys_proj: &Node,
        v: &Node,
        values: &Node,
    ) -> (Node, Node) {
        let context = self.op(
            &[query_proj, keys_proj, v, values],
            vec![1, *values.shape.last().unwrap_or(&1)],
        );
        let alpha = Node {
            shape: vec![1, keys_proj.shape[0]],
            depth: context.depth,
        };
        (context, alpha)
    }

    fn rnn_cell(&self, x: &Node, h: &Node, w: &CellWeights<Node>) -> Node {
        self.op(&Self::cell_inputs(x, h, w), h.shape.clone())
    }

    fn gru_cell(&self, x: &Node, h: &Node, w: &CellWeights<Node>) -> GruStep<Node> {
        let out = self.op(&Self::cell_inputs(x, h, w), h.shape.clone());
        GruStep {
            h: out.clone(),
            r: out.clone(),
            z: out.clone(),
            n: out,
        }
    }

    fn lstm_cell(&self, x: &Node, h: &Node, c: &Node, w: &CellWeights<Node>) -> LstmStep<Node> {
        let [x, h, w_ih, w_hh, b_ih, b_hh] = Self::cell_inputs(x, h, w);
        let out = self.op(&[x, h, c, w_ih, w_hh, b_ih, b_hh], h.shape.clone());
        LstmStep {
            h: out.clone(),
            c: out.clone(),
            i: out.clone(),
            f: out.clone(),
            g: out.clone(),
            o: out,
        }
    }
}
