// attention_rebuild.wgsl: rebuild the attention weights a flash kernel never stored, from the row
// statistics it saved: α[b,h,i,j] = exp(scale·q_i·k_j − m_i) / l_i, 0 where causal masks j. Only
// for display (one head's map is small); the cost is one more Q·Kᵀ, the memory is what is shown.
//
// Layout: q [B, Tq, H·d], k [B, Tk, H·d], stats [B, H, Tq, 2] = (m, l) from flash_attention.wgsl,
// alpha [B, H, Tq, Tk].
// Bindings (group 0):
//   0 p      uniform             Params (the same struct as flash_attention.wgsl)
//   1 q      storage, read
//   2 k      storage, read
//   3 stats  storage, read
//   4 alpha  storage, read_write
// Dispatch: workgroup (16,16,1); grid (ceil(Tk/16), ceil(Tq/16), B·H), thread (j, i).

struct Params {
    batch: u32,
    heads: u32,
    tq: u32,
    tk: u32,
    d: u32,
    causal: u32,
    offset: u32,
    scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> alpha: array<f32>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    let i = gid.y;
    let bh = gid.z;
    if (i >= p.tq || j >= p.tk) {
        return;
    }
    let b = bh / p.heads;
    let h = bh % p.heads;
    let width = p.heads * p.d;
    var a = 0.0;
    if (p.causal == 0u || j <= p.offset + i) {
        let qb = (b * p.tq + i) * width + h * p.d;
        let kb = (b * p.tk + j) * width + h * p.d;
        var s = 0.0;
        for (var c = 0u; c < p.d; c++) {
            s += (q[qb + c] * p.scale) * k[kb + c];
        }
        let sb = (bh * p.tq + i) * 2u;
        let l = stats[sb + 1u];
        if (l > 0.0) {
            a = exp(s - stats[sb]) / l;
        }
    }
    alpha[(bh * p.tq + i) * p.tk + j] = a;
}
