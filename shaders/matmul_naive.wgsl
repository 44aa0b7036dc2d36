// matmul_naive.wgsl: the deliberately naive baseline. One thread per output element, every operand
// read straight from global memory, no reuse. Kept to measure what tiling buys.
//
//   C[M,N] = A[M,K] · B        B is [K,N], or [N,K] read transposed when p.trans_b = 1
//
// Bindings (group 0):
//   0 p  uniform  Params
//   1 a  storage, read        A, row-major [M,K]
//   2 b  storage, read        B, row-major [K,N] (or [N,K])
//   3 c  storage, read_write  C, row-major [M,N]
// Dispatch: workgroup (16,16,1); grid (ceil(N/16), ceil(M/16), 1).

struct Params {
    m: u32,
    n: u32,
    k: u32,
    trans_b: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let col = gid.x;
    let row = gid.y;
    if (row >= p.m || col >= p.n) {
        return;
    }
    var s = 0.0;
    for (var i = 0u; i < p.k; i++) {
        var bv: f32;
        if (p.trans_b != 0u) {
            bv = b[col * p.k + i];
        } else {
            bv = b[i * p.n + col];
        }
        s += a[row * p.k + i] * bv;
    }
    c[row * p.n + col] = s;
}
