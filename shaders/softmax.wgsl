// softmax.wgsl: numerically stable softmax over each row of a [rows, cols] matrix.
// One workgroup of 256 threads per row: a max-reduction, then Σ exp(x − max), then the division.
// A row whose values are all −∞ (or the masking sentinel −f32::MAX) becomes all zeros, as in core.
//
// Bindings (group 0):
//   0 p  uniform             Params
//   1 x  storage, read       [rows, cols]
//   2 y  storage, read_write [rows, cols]
// Dispatch: workgroup (256,1,1); `rows` workgroups folded into a 2-D grid
// (x = min(rows, 65535), y = ceil(rows / x)); workgroup w = id.x + id.y · num_workgroups.x.

struct Params {
    rows: u32,
    cols: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

const WG: u32 = 256u;
const LOWEST: f32 = -0x1.fffffep+127f;
var<workgroup> red: array<f32, 256>;

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
    var m = LOWEST;
    for (var j = tid; j < p.cols; j += WG) {
        m = max(m, x[base + j]);
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
    for (var j = tid; j < p.cols; j += WG) {
        let v = x[base + j];
        if (v > LOWEST) {
            sum += exp(v - m);
        }
    }
    red[tid] = sum;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (tid < s) {
            red[tid] += red[tid + s];
        }
        workgroupBarrier();
    }
    let total = red[0];
    for (var j = tid; j < p.cols; j += WG) {
        let v = x[base + j];
        var o = 0.0;
        if (total > 0.0 && v > LOWEST) {
            o = exp(v - m) / total;
        }
        y[base + j] = o;
    }
}
