// layer_norm.wgsl: y = (x − mean) / sqrt(var + eps) · w + b over each row (PyTorch nn.LayerNorm,
// biased variance). One workgroup of 256 threads per row, two passes (mean, then variance) for
// accuracy.
//
// Bindings (group 0):
//   0 p  uniform             Params
//   1 x  storage, read       [rows, cols]
//   2 w  storage, read       [cols]
//   3 b  storage, read       [cols]
//   4 y  storage, read_write [rows, cols]
// Dispatch: workgroup (256,1,1); `rows` workgroups folded into a 2-D grid as in softmax.wgsl.

struct Params {
    rows: u32,
    cols: u32,
    eps: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const WG: u32 = 256u;
var<workgroup> red: array<f32, 256>;

fn reduce_sum(tid: u32, v: f32) -> f32 {
    red[tid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (tid < s) {
            red[tid] += red[tid + s];
        }
        workgroupBarrier();
    }
    let total = red[0];
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(256, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) tid: u32,
) {
    let row = wid.x + wid.y * nwg.x;
    if (row >= p.rows) {
        return;
    }
    let base = row * p.cols;
    var s = 0.0;
    for (var j = tid; j < p.cols; j += WG) {
        s += x[base + j];
    }
    let mean = reduce_sum(tid, s) / f32(p.cols);
    var q = 0.0;
    for (var j = tid; j < p.cols; j += WG) {
        let d = x[base + j] - mean;
        q += d * d;
    }
    let variance = reduce_sum(tid, q) / f32(p.cols);
    let inv = 1.0 / sqrt(variance + p.eps);
    for (var j = tid; j < p.cols; j += WG) {
        y[base + j] = (x[base + j] - mean) * inv * w[j] + b[j];
    }
}
