// gru_cell.wgsl: one fused GRU step, PyTorch nn.GRU gate order r | z | n:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)
//   z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h
// Six matrix–vector rows, the gates and the blend in one kernel: one thread per (b, k).
//
// Layout: x [B, I], h [B, H], w_ih [3H, I], w_hh [3H, H], b_ih, b_hh [3H].
// out: four planes of p.plane floats (p.plane ≥ B·H, a multiple of 64 so every plane starts at a
// 256-byte boundary and can be bound on its own): 0 h', 1 r, 2 z, 3 n, each [B, H].
// Bindings (group 0): 0 p uniform; 1 x, 2 h, 3 w_ih, 4 w_hh, 5 b_ih, 6 b_hh storage read;
// 7 out storage read_write.
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
@group(0) @binding(3) var<storage, read> w_ih: array<f32>;
@group(0) @binding(4) var<storage, read> w_hh: array<f32>;
@group(0) @binding(5) var<storage, read> b_ih: array<f32>;
@group(0) @binding(6) var<storage, read> b_hh: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;

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

fn dot_ih(row: u32, bi: u32) -> f32 {
    var s = 0.0;
    for (var i = 0u; i < p.input; i++) {
        s += w_ih[row * p.input + i] * x[bi * p.input + i];
    }
    return s + b_ih[row];
}

fn dot_hh(row: u32, bi: u32) -> f32 {
    var s = 0.0;
    for (var i = 0u; i < p.hidden; i++) {
        s += w_hh[row * p.hidden + i] * h[bi * p.hidden + i];
    }
    return s + b_hh[row];
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
    let r = sigmoid_safe(dot_ih(k, bi) + dot_hh(k, bi));
    let z = sigmoid_safe(dot_ih(hid + k, bi) + dot_hh(hid + k, bi));
    let n = tanh_safe(dot_ih(2u * hid + k, bi) + r * dot_hh(2u * hid + k, bi));
    let o = bi * hid + k;
    out[o] = (1.0 - z) * n + z * h[o];
    out[p.plane + o] = r;
    out[2u * p.plane + o] = z;
    out[3u * p.plane + o] = n;
}
