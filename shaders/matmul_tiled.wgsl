// matmul_tiled.wgsl: tiled matrix multiplication with a fused epilogue.
//
//   C[M,N] = act(A[M,K] · B + bias[N])   B is [K,N], or [N,K] (a PyTorch Linear weight) when p.trans_b = 1
//
// Each workgroup computes a 64×64 tile of C; its 256 threads (16×16) each keep a 4×4 block of
// outputs in registers. Per step of 16 along K, the threads stage a 64×16 slab of A and a 16×64
// slab of B in workgroup memory (one vec4 load per thread per operand) and every thread does
// 16 × 4 × 4 multiply-adds from it. Edges of any M, N, K are zero-filled on load and masked on store.
// vec4 loads from global memory are used when the rows are 16-byte aligned (p.vec_a: K % 4 == 0;
// p.vec_b: N % 4 == 0, or K % 4 == 0 when transposed); otherwise four scalar loads.
//
// Bindings (group 0):
//   0 p     uniform            Params
//   1 a     storage, read      A as f32            [M,K] row-major
//   2 a4    storage, read      the same buffer as vec4<f32>
//   3 b     storage, read      B as f32            [K,N] or [N,K] row-major
//   4 b4    storage, read      the same buffer as vec4<f32>
//   5 bias  storage, read      [N] (any buffer when p.has_bias = 0)
//   6 c     storage, read_write C [M,N] row-major
// Activation codes: 0 none, 1 tanh, 2 sigmoid, 3 relu, 4 GELU (tanh approximation).
// Dispatch: workgroup (16,16,1); grid (ceil(N/64), ceil(M/64), 1).

struct Params {
    m: u32,
    n: u32,
    k: u32,
    trans_b: u32,
    vec_a: u32,
    vec_b: u32,
    has_bias: u32,
    act: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> b4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> c: array<f32>;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

// As[k * 16 + r4] holds rows 4·r4 … 4·r4+3 of the A slab at depth k; Bs likewise for columns.
var<workgroup> As: array<vec4<f32>, 256>;
var<workgroup> Bs: array<vec4<f32>, 256>;

fn tanh_safe(x: f32) -> f32 {
    let e = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - e) / (1.0 + e);
}

fn activate(x: f32, act: u32) -> f32 {
    switch act {
        case 1u: { return tanh_safe(x); }
        case 2u: { return 1.0 / (1.0 + exp(-x)); }
        case 3u: { return max(x, 0.0); }
        case 4u: { return 0.5 * x * (1.0 + tanh_safe(0.7978846 * (x + 0.044715 * x * x * x))); }
        default: { return x; }
    }
}

// A[row, k0 .. k0+4], zero outside the matrix.
fn load_a(row: u32, k0: u32) -> vec4<f32> {
    var v = vec4<f32>(0.0);
    if (row >= p.m || k0 >= p.k) {
        return v;
    }
    if (p.vec_a != 0u) {
        return a4[(row * p.k + k0) / 4u];
    }
    for (var i = 0u; i < 4u; i++) {
        if (k0 + i < p.k) {
            v[i] = a[row * p.k + k0 + i];
        }
    }
    return v;
}

// Transposed B ([N,K]): B[col, k0 .. k0+4].
fn load_bt(col: u32, k0: u32) -> vec4<f32> {
    var v = vec4<f32>(0.0);
    if (col >= p.n || k0 >= p.k) {
        return v;
    }
    if (p.vec_b != 0u) {
        return b4[(col * p.k + k0) / 4u];
    }
    for (var i = 0u; i < 4u; i++) {
        if (k0 + i < p.k) {
            v[i] = b[col * p.k + k0 + i];
        }
    }
    return v;
}

// B ([K,N]): B[k, n0 .. n0+4].
fn load_b(k: u32, n0: u32) -> vec4<f32> {
    var v = vec4<f32>(0.0);
    if (k >= p.k || n0 >= p.n) {
        return v;
    }
    if (p.vec_b != 0u) {
        return b4[(k * p.n + n0) / 4u];
    }
    for (var i = 0u; i < 4u; i++) {
        if (n0 + i < p.n) {
            v[i] = b[k * p.n + n0 + i];
        }
    }
    return v;
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let tid = lid.y * 16u + lid.x;
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    let tiles = (p.k + BK - 1u) / BK;
    for (var t = 0u; t < tiles; t++) {
        let kt = t * BK;
        // A slab: thread loads row r, depths kq .. kq+4.
        let r = tid / 4u;
        let kq = (tid % 4u) * 4u;
        let av = load_a(row0 + r, kt + kq);
        for (var i = 0u; i < 4u; i++) {
            As[(kq + i) * 16u + r / 4u][r % 4u] = av[i];
        }
        if (p.trans_b != 0u) {
            let bv = load_bt(col0 + r, kt + kq);
            for (var i = 0u; i < 4u; i++) {
                Bs[(kq + i) * 16u + r / 4u][r % 4u] = bv[i];
            }
        } else {
            let kk = tid / 16u;
            let nq = (tid % 16u) * 4u;
            Bs[kk * 16u + nq / 4u] = load_b(kt + kk, col0 + nq);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            let x = As[kk * 16u + lid.y];
            let y = Bs[kk * 16u + lid.x];
            acc0 += x.x * y;
            acc1 += x.y * y;
            acc2 += x.z * y;
            acc3 += x.w * y;
        }
        workgroupBarrier();
    }
    let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var i = 0u; i < 4u; i++) {
        let row = row0 + lid.y * 4u + i;
        if (row >= p.m) {
            break;
        }
        for (var j = 0u; j < 4u; j++) {
            let col = col0 + lid.x * 4u + j;
            if (col < p.n) {
                var v = accs[i][j];
                if (p.has_bias != 0u) {
                    v += bias[col];
                }
                c[row * p.n + col] = activate(v, p.act);
            }
        }
    }
}
