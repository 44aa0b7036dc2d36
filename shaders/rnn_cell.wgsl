// rnn_cell.wgsl: one fused step of the vanilla (Elman) RNN, PyTorch nn.RNN (tanh) layout:
//   h'[b,k] = tanh(W_ih[k,:]·x[b,:] + b_ih[k] + W_hh[k,:]·h[b,:] + b_hh[k])
// Both matrix–vector products, the biases and the nonlinearity in one kernel: one thread per (b, k).
// Threads of a workgroup share k and differ in b first, so at batch ≥ 2 they read the same weights.
//
// Layout: x [B, I], h [B, H], w_ih [H, I], w_hh [H, H], b_ih, b_hh [H]; out plane 0 = h' [B, H].
// Bindings (group 0):
//   0 p     uniform             Params
//   1 x     storage, read
//   2 h     storage, read
//   3 w_ih  storage, read
//   4 w_hh  storage, read
//   5 b_ih  storage, read
//   6 b_hh  storage, read
//   7 out   storage, read_write planes of p.plane floats
// Dispatch: workgroup (64,1,1); ceil(B·H/64) workgroups folded into a 2-D grid
// (x = min(count, 65535), y = ceil(count / x)); t = (id.x + id.y · num_workgroups.x) · 64 + local,
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
    let k = t / p.batch;
    let bi = t % p.batch;
    var s = b_ih[k] + b_hh[k];
    for (var i = 0u; i < p.input; i++) {
        s += w_ih[k * p.input + i] * x[bi * p.input + i];
    }
    for (var i = 0u; i < p.hidden; i++) {
        s += w_hh[k * p.hidden + i] * h[bi * p.hidden + i];
    }
    out[bi * p.hidden + k] = tanh_safe(s);
}
