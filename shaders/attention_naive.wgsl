// attention_naive.wgsl: standard attention that materialises the scores, the baseline for flash.
//   S[b,h,i,j] = scale · q_i · k_j   (−f32::MAX where causal masks j > offset + i, offset = Tk − Tq)
//   P = softmax_rows(S)              (softmax.wgsl over B·H·Tq rows of Tk)
//   O[b,i,h·d + c] = Σ_j P[b,h,i,j] · v[b,j,h·d + c]
// The B·H·Tq·Tk score matrix must fit one storage binding; the host refuses larger problems.
//
// Layout: q [B, Tq, H·d], k and v [B, Tk, H·d], heads side by side (as core's attention);
// s [B, H, Tq, Tk]; o [B, Tq, H·d].
// Bindings (group 0), entry point `scores`: 0 p, 1 q, 2 k, 4 s.  Entry point `apply`: 0 p, 3 v, 4 s, 5 o.
//   0 p  uniform  Params;  1 q, 2 k, 3 v  storage, read;  4 s  storage, read_write;  5 o  storage, read_write
// Dispatch: workgroup (16,16,1).
//   scores: grid (ceil(Tk/16), ceil(Tq/16), B·H), thread (j, i).
//   apply:  grid (ceil(d/16),  ceil(Tq/16), B·H), thread (c, i).

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
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> s: array<f32>;
@group(0) @binding(5) var<storage, read_write> o: array<f32>;

const MASKED: f32 = -0x1.fffffep+127f;

@compute @workgroup_size(16, 16, 1)
fn scores(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    let i = gid.y;
    let bh = gid.z;
    if (i >= p.tq || j >= p.tk) {
        return;
    }
    let b = bh / p.heads;
    let h = bh % p.heads;
    let width = p.heads * p.d;
    var out = MASKED;
    if (p.causal == 0u || j <= p.offset + i) {
        let qb = (b * p.tq + i) * width + h * p.d;
        let kb = (b * p.tk + j) * width + h * p.d;
        var acc = 0.0;
        for (var c = 0u; c < p.d; c++) {
            acc += q[qb + c] * k[kb + c];
        }
        out = acc * p.scale;
    }
    s[(bh * p.tq + i) * p.tk + j] = out;
}

@compute @workgroup_size(16, 16, 1)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>) {
    let c = gid.x;
    let i = gid.y;
    let bh = gid.z;
    if (i >= p.tq || c >= p.d) {
        return;
    }
    let b = bh / p.heads;
    let h = bh % p.heads;
    let width = p.heads * p.d;
    let sb = (bh * p.tq + i) * p.tk;
    var acc = 0.0;
    for (var j = 0u; j < p.tk; j++) {
        acc += s[sb + j] * v[(b * p.tk + j) * width + h * p.d + c];
    }
    o[(b * p.tq + i) * width + h * p.d + c] = acc;
}
