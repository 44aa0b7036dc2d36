// lstm_cell.wgsl: one fused LSTM step, PyTorch nn.LSTM gate order i | f | g | o:
//   i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
//   g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
//   c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
// Eight matrix–vector rows, the gates and both states in one kernel: one thread per (b, k).
//
// Layout: x [B, I], h and c [B, H], w_ih [4H, I], w_hh [4H, H], b_ih, b_hh [4H].
// out: six planes of p.plane floats (p.plane ≥ B·H, a multiple of 64): 0 h', 1 c', 2 i, 3 f, 4 g, 5 o.
// Bindings (group 0): 0 p uniform; 1 x, 2 h, 3 c, 4 w_ih, 5 w_hh, 6 b_ih, 7 b_hh storage read;
// 8 out storage read_write (eight storage buffers: the WebGPU default limit).
// Dispatch: as rnn_cell.wgsl: workgroup (64,1,1), ceil(B·H/64) workgroups folded into 2-D,
// k = t / B, b = t % B.

struct Params {
    batch: u32,
    input: u32,
    hidden: u32,
    plane: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read> w_ih: array<f32>;
@group(0) @binding(5) var<storage, read> w_hh: array<f32>;
@group(0) @binding(6) var<storage, read> b_ih: array<f32>;
@group(0) @binding(7) var<storage, read> b_hh: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;

fn tanh_safe(v: f32) -> f32 {
    let e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
}

fn sigmoid_safe(v: f32) -> f32 {
    let e = exp(-abs(v));
    if (v >= 0.0) {
        return 1.0 / (1.0 + e);
    }
    return e / (1.0 + e);
}

fn gate(row: u32, bi: u32) -> f32 {
    var s = b_ih[row] + b_hh[row];
    for (var i = 0u; i < p.input; i++) {
        s += w_ih[row * p.input + i] * x[bi * p.input + i];
    }
    for (var i = 0u; i < p.hidden; i++) {
        s += w_hh[row * p.hidden + i] * h[bi * p.hidden + i];
    }
    return s;
}

@compute @workgroup_size(64, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = (wid.x + wid.y * nwg.x) * 64u + lid;
    if (t >= p.batch * p.hidden) {
        return;
    }
    let hid = p.hidden;
    let k = t / p.batch;
    let bi = t % p.batch;
    let ig = sigmoid_safe(gate(k, bi));
    let fg = sigmoid_safe(gate(hid + k, bi));
    let gg = tanh_safe(gate(2u * hid + k, bi));
    let og = sigmoid_safe(gate(3u * hid + k, bi));
    let o = bi * hid + k;
    let c_new = fg * c[o] + ig * gg;
    out[o] = og * tanh_safe(c_new);
    out[p.plane + o] = c_new;
    out[2u * p.plane + o] = ig;
    out[3u * p.plane + o] = fg;
    out[4u * p.plane + o] = gg;
    out[5u * p.plane + o] = og;
}
