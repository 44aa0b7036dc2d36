// matvec.wgsl: the small-batch path for decoding. y[b,n] = act(Σ_k x[b,k] · W[n,k] + bias[n]) for
// batch ≤ 8, W in PyTorch Linear layout [N,K]. A workgroup of 64 threads computes 4 outputs n, 16
// threads per n: they stride along K (coalesced reads of a row of W, vec4 when K % 4 == 0), keep
// one partial sum per batch row, and reduce them in workgroup memory (4 barrier steps). At batch 1
// a tiled matmul would waste 63 of every 64 rows of its tile; this reads W exactly once.
//
// Bindings (group 0):
//   0 p     uniform             Params
//   1 x     storage, read       [B,K]
//   2 x4    storage, read       the same buffer as vec4<f32>
//   3 w     storage, read       [N,K]
//   4 w4    storage, read       the same buffer as vec4<f32>
//   5 bias  storage, read       [N] (any buffer when p.has_bias = 0)
//   6 y     storage, read_write [B,N]
// Activation codes as in matmul_tiled.wgsl.
// Dispatch: workgroup (64,1,1); ceil(N/4) workgroups folded into a 2-D grid (x = min(count, 65535),
// y = ceil(count / x)); workgroup w = id.x + id.y · num_workgroups.x computes n = 4w … 4w+3.

struct Params {
    n: u32,
    k: u32,
    batch: u32,
    has_bias: u32,
    act: u32,
    vec4_ok: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> w4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
const LANES: u32 = 16u;
const ROWS: u32 = 4u;
const MAX_B: u32 = 8u;
var<workgroup> red: array<f32, 512>; // MAX_B × WG: red[(b · ROWS + row) · LANES + lane]

fn tanh_safe(v: f32) -> f32 {
    let e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
}

fn activate(v: f32, act: u32) -> f32 {
    switch act {
        case 1u: { return tanh_safe(v); }
        case 2u: { return 1.0 / (1.0 + exp(-v)); }
        case 3u: { return max(v, 0.0); }
        case 4u: { return 0.5 * v * (1.0 + tanh_safe(0.7978846 * (v + 0.044715 * v * v * v))); }
        default: { return v; }
    }
}

@compute @workgroup_size(64, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) tid: u32,
) {
    let row = tid / LANES;
    let lane = tid % LANES;
    let n = (wid.x + wid.y * nwg.x) * ROWS + row;
    var acc: array<f32, 8>;
    if (n < p.n) {
        if (p.vec4_ok != 0u) {
            let k4 = p.k / 4u;
            for (var i = lane; i < k4; i += LANES) {
                let wv = w4[n * k4 + i];
                for (var bi = 0u; bi < p.batch; bi++) {
                    acc[bi] += dot(x4[bi * k4 + i], wv);
                }
            }
        } else {
            for (var i = lane; i < p.k; i += LANES) {
                let wv = w[n * p.k + i];
                for (var bi = 0u; bi < p.batch; bi++) {
                    acc[bi] += x[bi * p.k + i] * wv;
                }
            }
        }
    }
    for (var bi = 0u; bi < p.batch; bi++) {
        red[(bi * ROWS + row) * LANES + lane] = acc[bi];
    }
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s >>= 1u) {
        if (lane < s) {
            for (var bi = 0u; bi < p.batch; bi++) {
                let r = (bi * ROWS + row) * LANES + lane;
                red[r] += red[r + s];
            }
        }
        workgroupBarrier();
    }
    if (n < p.n && lane < p.batch) {
        var v = red[(lane * ROWS + row) * LANES];
        if (p.has_bias != 0u) {
            v += bias[n];
        }
        y[lane * p.n + n] = activate(v, p.act);
    }
}
