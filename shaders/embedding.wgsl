// embedding.wgsl: gather rows of an embedding table. out[t, :] = table[ids[t], :]; an id outside the
// vocabulary gives a zero row (the host refuses such ids before recording).
//
// Bindings (group 0):
//   0 p      uniform             Params
//   1 table  storage, read       [vocab, dim]
//   2 ids    storage, read       [count] u32
//   3 out    storage, read_write [count, dim]
// Dispatch: workgroup (256,1,1); ceil(count·dim/256) workgroups folded into a 2-D grid as in
// elementwise.wgsl; one thread per output element.

struct Params {
    count: u32,
    dim: u32,
    vocab: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256, 1, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = (wid.x + wid.y * nwg.x) * 256u + lid;
    if (i >= p.count * p.dim) {
        return;
    }
    let t = i / p.dim;
    let c = i % p.dim;
    let id = ids[t];
    var v = 0.0;
    if (id < p.vocab) {
        v = table[id * p.dim + c];
    }
    out[i] = v;
}
