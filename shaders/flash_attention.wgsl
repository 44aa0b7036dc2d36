// flash_attention.wgsl: attention without the N×N matrix (FlashAttention, Dao et al. 2022/2023).
// Each workgroup owns 64 query rows of one (batch, head), one row per thread, and walks the keys in
// tiles of 16 that the workgroup stages in workgroup memory. A thread keeps its q row, its output
// accumulator o, and the running statistics of its row: m (max score so far) and l (Σ exp(s − m)).
// For each tile: m' = max(m, max_j s_j); o ← o·e^(m−m') + Σ_j e^(s_j−m') v_j; l ← l·e^(m−m') + Σ_j e^(s_j−m').
// At the end o/l is the output, and (m, l) are written out so that α_ij = e^(s_ij − m_i) / l_i can
// be rebuilt for display (attention_rebuild.wgsl). Memory: O(N·d), never O(N²).
// Causal: query i sits at absolute position offset + i (offset = Tk − Tq) and sees keys j ≤ offset + i;
// tiles past a workgroup's last visible key are skipped.
//
// Rows are held as vec4s and the 16 keys of a tile are unrolled (four vec4 score groups), so a
// thread runs about d/2 + 2 loop iterations per key tile instead of 2·16·d: fewer instructions on
// a GPU, and it stays under llvmpipe/lavapipe's cap of 65 535 loop iterations per invocation
// (≈ N/16 · (d/2 + 2): N = 16384 at d = 64, N ≈ 14000 at d = 128).
//
// Layout: q [B, Tq, H·d], k and v [B, Tk, H·d], o [B, Tq, H·d], stats [B, H, Tq, 2] = (m, l),
// with m in units of scale·q·k. Head dim d ≤ 128 (any d; the last vec4 is zero-padded).
// Bindings (group 0):
//   0 p      uniform             Params (the same struct as attention_naive.wgsl)
//   1 q      storage, read
//   2 k      storage, read
//   3 v      storage, read
//   4 o      storage, read_write
//   5 stats  storage, read_write
// Dispatch: workgroup (64,1,1); grid (ceil(Tq/64), B·H, 1).

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
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;

const BR: u32 = 64u;
const BC: u32 = 16u;
const D4_MAX: u32 = 32u; // 128 / 4
const LOWEST: f32 = -0x1.fffffep+127f;

// key jj of the tile, vec4 c4 of its row: ks[jj * D4_MAX + c4]
var<workgroup> ks: array<vec4<f32>, 512>;
var<workgroup> vs: array<vec4<f32>, 512>;

// Elements c0 .. c0+4 of a row starting at `base` with `len` floats (zero past the end); unrolled.
fn load4_k(base: u32, c0: u32, len: u32) -> vec4<f32> {
    var r = vec4<f32>(0.0);
    if (c0 < len) { r.x = k[base + c0]; }
    if (c0 + 1u < len) { r.y = k[base + c0 + 1u]; }
    if (c0 + 2u < len) { r.z = k[base + c0 + 2u]; }
    if (c0 + 3u < len) { r.w = k[base + c0 + 3u]; }
    return r;
}

fn load4_v(base: u32, c0: u32, len: u32) -> vec4<f32> {
    var r = vec4<f32>(0.0);
    if (c0 < len) { r.x = v[base + c0]; }
    if (c0 + 1u < len) { r.y = v[base + c0 + 1u]; }
    if (c0 + 2u < len) { r.z = v[base + c0 + 2u]; }
    if (c0 + 3u < len) { r.w = v[base + c0 + 3u]; }
    return r;
}

fn q4(qb: u32, c0: u32) -> vec4<f32> {
    var r = vec4<f32>(0.0);
    if (c0 < p.d) { r.x = q[qb + c0]; }
    if (c0 + 1u < p.d) { r.y = q[qb + c0 + 1u]; }
    if (c0 + 2u < p.d) { r.z = q[qb + c0 + 2u]; }
    if (c0 + 3u < p.d) { r.w = q[qb + c0 + 3u]; }
    return r * p.scale;
}

// Scores of the query row against keys 4g .. 4g+3 of the tile, for one vec4 c4 of the row.
fn part(qv: vec4<f32>, g: u32, c4: u32) -> vec4<f32> {
    return vec4<f32>(
        dot(qv, ks[(4u * g) * D4_MAX + c4]),
        dot(qv, ks[(4u * g + 1u) * D4_MAX + c4]),
        dot(qv, ks[(4u * g + 2u) * D4_MAX + c4]),
        dot(qv, ks[(4u * g + 3u) * D4_MAX + c4]),
    );
}

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
    let bh = wid.y;
    let b = bh / p.heads;
    let h = bh % p.heads;
    let width = p.heads * p.d;
    let d4 = (p.d + 3u) / 4u;
    let i = wid.x * BR + tid;
    let valid = i < p.tq;

    var qr: array<vec4<f32>, 32>;
    var acc: array<vec4<f32>, 32>;
    if (valid) {
        let qb = (b * p.tq + i) * width + h * p.d;
        for (var c4 = 0u; c4 < d4; c4++) {
            qr[c4] = q4(qb, 4u * c4);
        }
    }
    // last key this row may see, and the last key any row of this workgroup may see
    var visible = p.tk - 1u;
    var kend = p.tk;
    if (p.causal != 0u) {
        visible = p.offset + i;
        let last_row = min(wid.x * BR + BR - 1u, p.tq - 1u);
        kend = min(p.tk, p.offset + last_row + 1u);
    }
    var m = LOWEST;
    var l = 0.0;
    let lanes = vec4<u32>(0u, 1u, 2u, 3u);
    for (var j0 = 0u; j0 < kend; j0 += BC) {
        for (var t = tid; t < BC * d4; t += BR) {
            let jj = t / d4;
            let c4 = t % d4;
            let j = j0 + jj;
            var kv = vec4<f32>(0.0);
            var vv = vec4<f32>(0.0);
            if (j < p.tk) {
                let base = (b * p.tk + j) * width + h * p.d;
                kv = load4_k(base, 4u * c4, p.d);
                vv = load4_v(base, 4u * c4, p.d);
            }
            ks[jj * D4_MAX + c4] = kv;
            vs[jj * D4_MAX + c4] = vv;
        }
        workgroupBarrier();
        if (valid && j0 <= visible) {
            let lim = min(visible, p.tk - 1u);
            var r0 = vec4<f32>(0.0);
            var r1 = vec4<f32>(0.0);
            var r2 = vec4<f32>(0.0);
            var r3 = vec4<f32>(0.0);
            for (var c4 = 0u; c4 < d4; c4++) {
                let qv = qr[c4];
                r0 += part(qv, 0u, c4);
                r1 += part(qv, 1u, c4);
                r2 += part(qv, 2u, c4);
                r3 += part(qv, 3u, c4);
            }
            let low = vec4<f32>(LOWEST);
            let s0 = select(low, r0, vec4<u32>(j0) + lanes <= vec4<u32>(lim));
            let s1 = select(low, r1, vec4<u32>(j0 + 4u) + lanes <= vec4<u32>(lim));
            let s2 = select(low, r2, vec4<u32>(j0 + 8u) + lanes <= vec4<u32>(lim));
            let s3 = select(low, r3, vec4<u32>(j0 + 12u) + lanes <= vec4<u32>(lim));
            let mx = max(max(s0, s1), max(s2, s3));
            let m_new = max(m, max(max(mx.x, mx.y), max(mx.z, mx.w)));
            let corr = exp(m - m_new);
            let p0 = exp(s0 - vec4<f32>(m_new));
            let p1 = exp(s1 - vec4<f32>(m_new));
            let p2 = exp(s2 - vec4<f32>(m_new));
            let p3 = exp(s3 - vec4<f32>(m_new));
            let ones = vec4<f32>(1.0);
            l = l * corr + dot(p0, ones) + dot(p1, ones) + dot(p2, ones) + dot(p3, ones);
            for (var c4 = 0u; c4 < d4; c4++) {
                var a = acc[c4] * corr;
                a += p0.x * vs[0u * D4_MAX + c4] + p0.y * vs[1u * D4_MAX + c4];
                a += p0.z * vs[2u * D4_MAX + c4] + p0.w * vs[3u * D4_MAX + c4];
                a += p1.x * vs[4u * D4_MAX + c4] + p1.y * vs[5u * D4_MAX + c4];
                a += p1.z * vs[6u * D4_MAX + c4] + p1.w * vs[7u * D4_MAX + c4];
                a += p2.x * vs[8u * D4_MAX + c4] + p2.y * vs[9u * D4_MAX + c4];
                a += p2.z * vs[10u * D4_MAX + c4] + p2.w * vs[11u * D4_MAX + c4];
                a += p3.x * vs[12u * D4_MAX + c4] + p3.y * vs[13u * D4_MAX + c4];
                a += p3.z * vs[14u * D4_MAX + c4] + p3.w * vs[15u * D4_MAX + c4];
                acc[c4] = a;
            }
            m = m_new;
        }
        workgroupBarrier();
    }
    if (valid) {
        let ob = (b * p.tq + i) * width + h * p.d;
        var inv = 0.0;
        if (l > 0.0) {
            inv = 1.0 / l;
        }
        for (var c = 0u; c < p.d; c++) {
            o[ob + c] = acc[c / 4u][c % 4u] * inv;
        }
        let sb = (bh * p.tq + i) * 2u;
        stats[sb] = m;
        stats[sb + 1u] = l;
    }
}
