// topk.wgsl: the k largest values of each row and their column indices, largest first; ties go to
// the lower index (the order of core's decoding::top_k). argmax is k = 1. One workgroup of 256 threads
// per row makes k passes; pass r finds the best element strictly after the one chosen in pass r−1 in
// the order (value descending, index ascending), so nothing needs to be marked or copied.
//
// Bindings (group 0):
//   0 p     uniform             Params
//   1 x     storage, read       [rows, cols]
//   2 idx   storage, read_write [rows, k] u32
//   3 val   storage, read_write [rows, k] f32
// Dispatch: workgroup (256,1,1); `rows` workgroups folded into a 2-D grid as in softmax.wgsl.

struct Params {
    rows: u32,
    cols: u32,
    k: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> val: array<f32>;

const WG: u32 = 256u;
const NONE: u32 = 0xffffffffu;
var<workgroup> red_v: array<f32, 256>;
var<workgroup> red_i: array<u32, 256>;

// Does (va, ia) come before (vb, ib)? NONE comes after everything.
fn before(va: f32, ia: u32, vb: f32, ib: u32) -> bool {
    if (ia == NONE) {
        return false;
    }
    if (ib == NONE) {
        return true;
    }
    return va > vb || (va == vb && ia < ib);
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
    var last_v = 0.0;
    var last_i = NONE;
    for (var r = 0u; r < p.k; r++) {
        var best_v = 0.0;
        var best_i = NONE;
        for (var j = tid; j < p.cols; j += WG) {
            let v = x[base + j];
            // candidates come strictly after the last chosen one
            if (last_i == NONE || before(last_v, last_i, v, j)) {
                if (before(v, j, best_v, best_i)) {
                    best_v = v;
                    best_i = j;
                }
            }
        }
        red_v[tid] = best_v;
        red_i[tid] = best_i;
        workgroupBarrier();
        for (var s = WG / 2u; s > 0u; s >>= 1u) {
            if (tid < s && before(red_v[tid + s], red_i[tid + s], red_v[tid], red_i[tid])) {
                red_v[tid] = red_v[tid + s];
                red_i[tid] = red_i[tid + s];
            }
            workgroupBarrier();
        }
        last_v = red_v[0];
        last_i = red_i[0];
        workgroupBarrier();
        if (tid == 0u) {
            idx[row * p.k + r] = last_i;
            val[row * p.k + r] = last_v;
        }
    }
}
