// elementwise.wgsl: one thread per element of a flat array of n values.
//   op 0 tanh(a)   1 sigmoid(a)   2 relu(a)   3 GELU(a) (tanh approximation)
//   op 4 a + b     5 a ⊙ b        6 s · a     7 a[i] + b[i mod cols] (add a row to every row)
// tanh and sigmoid are written to stay finite for large |x| (no inf/inf).
//
// Bindings (group 0):
//   0 p  uniform             Params
//   1 a  storage, read       [n]
//   2 b  storage, read       [n] (ops 4, 5), [cols] (op 7), any buffer otherwise
//   3 y  storage, read_write [n]
// Dispatch: workgroup (256,1,1); ceil(n/256) workgroups folded into a 2-D grid
// (x = min(count, 65535), y = ceil(count / x)); i = (id.x + id.y · num_workgroups.x) · 256 + local.

struct Params {
    n: u32,
    op: u32,
    s: f32,
    cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

fn tanh_safe(x: f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
}

fn sigmoid_safe(x: f32) -> f32 {
    let e = exp(-abs(x));
    if (x >= 0.0) {
        return 1.0 / (1.0 + e);
    }
    return e / (1.0 + e);
}

@compute @workgroup_size(256, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = (wid.x + wid.y * nwg.x) * 256u + lid;
    if (i >= p.n) {
        return;
    }
    let x = a[i];
    var v = 0.0;
    switch p.op {
        case 0u: { v = tanh_safe(x); }
        case 1u: { v = sigmoid_safe(x); }
        case 2u: { v = max(x, 0.0); }
        case 3u: { v = 0.5 * x * (1.0 + tanh_safe(0.7978846 * (x + 0.044715 * x * x * x))); }
        case 4u: { v = x + b[i]; }
        case 5u: { v = x * b[i]; }
        case 6u: { v = p.s * x; }
        case 7u: { v = x + b[i % p.cols]; }
        default: { v = x; }
    }
    y[i] = v;
}
