// additive_attention.wgsl: Bahdanau attention for one decoder state, in one workgroup:
//   e_j = Σ_a v_a · tanh(q_a + K[j,a]),  α = softmax(e),  ctx = Σ_j α_j · values[j, :]
// Scores, the stable softmax and the weighted sum in one dispatch; each thread owns the positions
// j ≡ tid (mod 256), so α needs a storage barrier only before the weighted sum.
//
// Layout: qp [A] (= W_q s), kp [S, A] (= W_k h + b), v [A], values [S, D]; ctx [D], alpha [S].
// Bindings (group 0):
//   0 p       uniform             Params
//   1 qp      storage, read
//   2 kp      storage, read
//   3 v       storage, read
//   4 values  storage, read
//   5 ctx     storage, read_write
//   6 alpha   storage, read_write
// Dispatch: workgroup (256,1,1); grid (1,1,1).

struct Params {
    s: u32,
    a: u32,
    dim: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qp: array<f32>;
@group(0) @binding(2) var<storage, read> kp: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> values: array<f32>;
@group(0) @binding(5) var<storage, read_write> ctx: array<f32>;
@group(0) @binding(6) var<storage, read_write> alpha: array<f32>;

const WG: u32 = 256u;
const LOWEST: f32 = -0x1.fffffep+127f;
var<workgroup> red: array<f32, 256>;

fn tanh_safe(x: f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) tid: u32) {
    var m = LOWEST;
    for (var j = tid; j < p.s; j += WG) {
        var e = 0.0;
        for (var c = 0u; c < p.a; c++) {
            e += v[c] * tanh_safe(qp[c] + kp[j * p.a + c]);
        }
        alpha[j] = e;
        m = max(m, e);
    }
    red[tid] = m;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (tid < s) {
            red[tid] = max(red[tid], red[tid + s]);
        }
        workgroupBarrier();
    }
    m = red[0];
    workgroupBarrier();
    var sum = 0.0;
    for (var j = tid; j < p.s; j += WG) {
        let e = exp(alpha[j] - m);
        alpha[j] = e;
        sum += e;
    }
    red[tid] = sum;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (tid < s) {
            red[tid] += red[tid + s];
        }
        workgroupBarrier();
    }
    let inv = 1.0 / red[0];
    for (var j = tid; j < p.s; j += WG) {
        alpha[j] = alpha[j] * inv;
    }
    storageBarrier();
    for (var c = tid; c < p.dim; c += WG) {
        var acc = 0.0;
        for (var j = 0u; j < p.s; j++) {
            acc += alpha[j] * values[j * p.dim + c];
        }
        ctx[c] = acc;
    }
}
