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
// Layout: q [B, Tq, H·d], k and v [B, Tk, H·d], o [B, Tq, H·d], stats [B, H, Tq, 2] = (m, l),
// with m in units of scale·q·k. Head dim d ≤ 128.
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
const D_MAX: u32 = 128u;
const LOWEST: f32 = -3.4028235e38;

var<workgroup> ks: array<f32, 2048>; // BC × D_MAX
var<workgroup> vs: array<f32, 2048>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
    let bh = wid.y;
    let b = bh / p.heads;
    let h = bh % p.heads;
    let width = p.heads * p.d;
    let i = wid.x * BR + tid;
    let valid = i < p.tq;

    var qr: array<f32, 128>;
    var acc: array<f32, 128>;
    if (valid) {
        let qb = (b * p.tq + i) * width + h * p.d;
        for (var c = 0u; c < p.d; c++) {
            qr[c] = q[qb + c] * p.scale;
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
    for (var j0 = 0u; j0 < kend; j0 += BC) {
        for (var t = tid; t < BC * p.d; t += BR) {
            let jj = t / p.d;
            let c = t % p.d;
            let j = j0 + jj;
            var kv = 0.0;
            var vv = 0.0;
            if (j < p.tk) {
                let kb = (b * p.tk + j) * width + h * p.d + c;
                kv = k[kb];
                vv = v[kb];
            }
            ks[jj * D_MAX + c] = kv;
            vs[jj * D_MAX + c] = vv;
        }
        workgroupBarrier();
        if (valid) {
            var s: array<f32, 16>;
            var tile_max = LOWEST;
            for (var jj = 0u; jj < BC; jj++) {
                let j = j0 + jj;
                if (j < p.tk && j <= visible) {
                    var dot_qk = 0.0;
                    for (var c = 0u; c < p.d; c++) {
                        dot_qk += qr[c] * ks[jj * D_MAX + c];
                    }
                    s[jj] = dot_qk;
                    tile_max = max(tile_max, dot_qk);
                }
            }
            if (j0 <= visible) {
                let m_new = max(m, tile_max);
                let corr = exp(m - m_new);
                l *= corr;
                for (var c = 0u; c < p.d; c++) {
                    acc[c] *= corr;
                }
                for (var jj = 0u; jj < BC; jj++) {
                    let j = j0 + jj;
                    if (j < p.tk && j <= visible) {
                        let pj = exp(s[jj] - m_new);
                        l += pj;
                        for (var c = 0u; c < p.d; c++) {
                            acc[c] += pj * vs[jj * D_MAX + c];
                        }
                    }
                }
                m = m_new;
            }
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
            o[ob + c] = acc[c] * inv;
        }
        let sb = (bh * p.tq + i) * 2u;
        stats[sb] = m;
        stats[sb + 1u] = l;
    }
}
