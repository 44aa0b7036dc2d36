//! The CPU twin of FlashAttention's inner loop, one key tile at a time, keeping every
//! intermediate state so the UI can animate it (the FlashAttention lab).
//!
//! For each query row i the kernel keeps three running values while it walks over the key tiles
//! T_1, T_2, …:
//!
//! ```text
//! s_ij   = q_i · k_j / √d                         (scores of the tile only)
//! m_new  = max(m_old, max_{j∈T} s_ij)             (running maximum)
//! c      = exp(m_old − m_new)                     (rescales what was summed under m_old)
//! l_new  = c · l_old + Σ_{j∈T} exp(s_ij − m_new)  (running sum)
//! o_new  = c · o_old + Σ_{j∈T} exp(s_ij − m_new) v_j   (running, unnormalised output)
//! ```
//!
//! and at the end output_i = o_i / l_i = softmax(q_i Kᵀ/√d) V. The N×N weights α are never
//! stored; [`rebuild_weights`] recomputes them from the saved (m, l): α_ij = exp(s_ij − m_i)/l_i,
//! which needs the scores again (one more pass over K), as `attention_rebuild.wgsl` does.
//! One head, no mask: q [Tq, d], k and v [Tk, d].

use crate::tensor::Tensor;

/// The state after one key tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TileState {
    /// Keys of this tile: `start..end`.
    pub start: usize,
    pub end: usize,
    /// [Tq][end − start]: s_ij = q_i·k_j/√d for the tile's keys.
    pub scores: Vec<Vec<f32>>,
    /// [Tq]: the running maximum before and after this tile (before the first: −∞).
    pub m_old: Vec<f32>,
    pub m_new: Vec<f32>,
    /// [Tq]: exp(m_old − m_new), the factor applied to l and o (0 before the first tile).
    pub correction: Vec<f32>,
    /// [Tq]: the running sum after this tile.
    pub l: Vec<f32>,
    /// [Tq][d]: the running, unnormalised output after this tile.
    pub o: Vec<Vec<f32>>,
}

/// Every tile's state, and the result.
#[derive(Clone, Debug, PartialEq)]
pub struct FlashTrace {
    pub tile: usize,
    pub tiles: Vec<TileState>,
    /// [Tq, d]: o / l after the last tile.
    pub output: Tensor,
    /// [Tq]: the saved row statistics (what flash attention writes besides the output).
    pub m: Vec<f32>,
    pub l: Vec<f32>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Run online softmax attention over key tiles of `tile` keys, recording the state after each.
/// q [Tq, d], k and v [Tk, d]; Tk > 0, tile > 0.
pub fn online_softmax_trace(q: &Tensor, k: &Tensor, v: &Tensor, tile: usize) -> FlashTrace {
    let (tq, d) = q.dims2();
    let (tk, kd) = k.dims2();
    assert_eq!(kd, d, "flash trace: q and k widths differ");
    assert_eq!(v.dims2(), (tk, d), "flash trace: v shape differs from k");
    assert!(tile > 0 && tk > 0, "flash trace: empty tile or no keys");
    let scale = 1.0 / (d as f32).sqrt();
    let mut m = vec![f32::NEG_INFINITY; tq];
    let mut l = vec![0.0f32; tq];
    let mut o = vec![vec![0.0f32; d]; tq];
    let mut tiles = Vec::with_capacity(tk.div_ceil(tile));
    for start in (0..tk).step_by(tile) {
        let end = (start + tile).min(tk);
        let mut state = TileState {
            start,
            end,
            scores: Vec::with_capacity(tq),
            m_old: m.clone(),
            m_new: Vec::with_capacity(tq),
            correction: Vec::with_capacity(tq),
            l: Vec::with_capacity(tq),
            o: Vec::with_capacity(tq),
        };
        for i in 0..tq {
            let qi = q.row_slice(i);
            let s: Vec<f32> = (start..end)
                .map(|j| dot(qi, k.row_slice(j)) * scale)
                .collect();
            let m_new = s.iter().copied().fold(m[i], f32::max);
            // exp(−∞ − finite) = 0: nothing was summed before the first tile.
            let c = (m[i] - m_new).exp();
            let mut li = c * l[i];
            let oi = &mut o[i];
            for x in oi.iter_mut() {
                *x *= c;
            }
            for (sj, j) in s.iter().zip(start..end) {
                let p = (sj - m_new).exp();
                li += p;
                for (x, vj) in oi.iter_mut().zip(v.row_slice(j)) {
                    *x += p * vj;
                }
            }
            m[i] = m_new;
            l[i] = li;
            state.scores.push(s);
            state.m_new.push(m_new);
            state.correction.push(c);
            state.l.push(li);
            state.o.push(oi.clone());
        }
        tiles.push(state);
    }
    let output = o
        .iter()
        .zip(&l)
        .flat_map(|(oi, li)| oi.iter().map(move |x| x / li))
        .collect();
    FlashTrace {
        tile,
        tiles,
        output: Tensor::new([tq, d], output),
        m,
        l,
    }
}

/// α [Tq, Tk] rebuilt from the saved statistics: α_ij = exp(q_i·k_j/√d − m_i) / l_i.
pub fn rebuild_weights(q: &Tensor, k: &Tensor, m: &[f32], l: &[f32]) -> Tensor {
    let (tq, d) = q.dims2();
    let (tk, _) = k.dims2();
    assert_eq!(m.len(), tq, "rebuild: one m per query row");
    assert_eq!(l.len(), tq, "rebuild: one l per query row");
    let scale = 1.0 / (d as f32).sqrt();
    let mut alpha = Vec::with_capacity(tq * tk);
    for i in 0..tq {
        let qi = q.row_slice(i);
        for j in 0..tk {
            alpha.push((dot(qi, k.row_slice(j)) * scale - m[i]).exp() / l[i]);
        }
    }
    Tensor::new([tq, tk], alpha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{max_diff, uniform};
    use crate::ops::scaled_dot_product_attention;

    /// Uniform values in [-2, 2).
    fn data(seed: u64, rows: usize, cols: usize) -> Tensor {
        uniform(seed, &[rows, cols], 2.0)
    }

    #[test]
    fn flash_trace_matches_sdpa_for_ragged_tiles() {
        for (seed, tq, tk, d, tile) in [
            (1, 4, 12, 4, 4),
            (2, 1, 13, 8, 4),
            (3, 5, 7, 16, 3),
            (4, 3, 64, 32, 16),
            (5, 2, 5, 4, 8),
        ] {
            let (q, k, v) = (
                data(seed, tq, d),
                data(seed + 10, tk, d),
                data(seed + 20, tk, d),
            );
            let trace = online_softmax_trace(&q, &k, &v, tile);
            let want = scaled_dot_product_attention(&q, &k, &v, 1, false);
            assert_eq!(trace.tiles.len(), tk.div_ceil(tile));
            let e = max_diff(trace.output.data(), want.output.data());
            assert!(
                e <= 1e-5,
                "output differs by {e} (Tq {tq} Tk {tk} d {d} tile {tile})"
            );
            // Final (m, l): the row maximum and Σ_j exp(s_ij − m_i) of the full score row.
            let scale = 1.0 / (d as f32).sqrt();
            for i in 0..tq {
                let s: Vec<f32> = (0..tk)
                    .map(|j| dot(q.row_slice(i), k.row_slice(j)) * scale)
                    .collect();
                let m = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let l: f32 = s.iter().map(|x| (x - m).exp()).sum();
                assert_eq!(trace.m[i], m, "row {i}: m");
                assert!(
                    (trace.l[i] - l).abs() <= 1e-5 * l,
                    "row {i}: l {} vs {l}",
                    trace.l[i]
                );
                let last = trace.tiles.last().unwrap();
                assert_eq!((last.m_new[i], last.l[i]), (trace.m[i], trace.l[i]));
            }
            let alpha = rebuild_weights(&q, &k, &trace.m, &trace.l);
            let e = max_diff(alpha.data(), want.weights.data());
            assert!(e <= 1e-5, "rebuilt α differs by {e}");
        }
    }

    #[test]
    fn flash_trace_rescales_between_tiles() {
        let (q, k, v) = (data(7, 2, 4), data(8, 12, 4), data(9, 12, 4));
        let trace = online_softmax_trace(&q, &k, &v, 4);
        let first = &trace.tiles[0];
        assert!(first.m_old.iter().all(|m| *m == f32::NEG_INFINITY));
        assert!(first.correction.iter().all(|c| *c == 0.0));
        for w in trace.tiles.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert_eq!(a.m_new, b.m_old);
            for i in 0..2 {
                assert!(b.m_new[i] >= a.m_new[i]);
                let c = (b.m_old[i] - b.m_new[i]).exp();
                assert_eq!(b.correction[i], c);
                let added: f32 = b.scores[i].iter().map(|s| (s - b.m_new[i]).exp()).sum();
                assert!((b.l[i] - (c * a.l[i] + added)).abs() <= 1e-6);
            }
        }
    }
}
