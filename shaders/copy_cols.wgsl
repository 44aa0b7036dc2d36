// copy_cols.wgsl: copy a [rows, cols] block between two row-major matrices of different widths;
// concat_cols is one dispatch per part.
//   dst[r, dst_col0 + c] = src[r, src_col0 + c]   for r < rows, c < cols
//
// Bindings (group 0):
//   0 p    uniform             Params
//   1 src  storage, read       [rows, src_stride]
//   2 dst  storage, read_write [rows, dst_stride]
// Dispatch: workgroup (256,1,1); ceil(rows·cols/256) workgroups folded into a 2-D grid as in
// elementwise.wgsl; one thread per copied element.

struct Params {
    rows: u32,
    cols: u32,
    src_stride: u32,
    dst_stride: u32,
    src_col0: u32,
    dst_col0: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = (wid.x + wid.y * nwg.x) * 256u + lid;
    if (i >= p.rows * p.cols) {
        return;
    }
    let r = i / p.cols;
    let c = i % p.cols;
    dst[r * p.dst_stride + p.dst_col0 + c] = src[r * p.src_stride + p.src_col0 + c];
}
