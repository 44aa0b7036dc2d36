//! The tile animation (step through flash attention's key tiles with the running m, l and o) and
//! α rebuilt from the saved (m, l). Both computed on the CPU by seq2seq-core's twin of the kernel
//! (`ops::flash_trace`) on a small seeded example, so they work without WebGPU.

use std::rc::Rc;

use seq2seq_core::fixtures::{max_diff, uniform};
use seq2seq_core::ops::flash_trace::{online_softmax_trace, rebuild_weights, FlashTrace};
use seq2seq_core::ops::scaled_dot_product_attention;
use seq2seq_core::tensor::Tensor;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{fmt_ms, LAB_HEADS};
use crate::components::palette::{ACCENT, HIGHLIGHT, LABEL, PAPER};
use crate::components::Heatmap;
use crate::context::use_app;
use crate::i18n::{tr, tr_owned};
use crate::route::UiLang;

/// The example: 4 query rows, 12 keys in tiles of 4, head dim 4.
pub const EX_ROWS: usize = 4;
pub const EX_KEYS: usize = 12;
pub const EX_TILE: usize = 4;
pub const EX_DIM: usize = 4;
const SEED: u64 = 2024;

/// The example and everything the view shows of it.
#[derive(PartialEq)]
pub struct Example {
    pub q: Tensor,
    pub k: Tensor,
    pub v: Tensor,
    pub trace: FlashTrace,
    /// softmax(QKᵀ/√d)V and α from seq2seq-core's naive attention.
    pub naive_out: Tensor,
    pub naive_alpha: Tensor,
    /// α from the saved (m, l).
    pub rebuilt: Tensor,
}

impl Example {
    pub fn new() -> Self {
        let q = uniform(SEED, &[EX_ROWS, EX_DIM], 2.0);
        let k = uniform(SEED + 1, &[EX_KEYS, EX_DIM], 2.0);
        let v = uniform(SEED + 2, &[EX_KEYS, EX_DIM], 1.0);
        let trace = online_softmax_trace(&q, &k, &v, EX_TILE);
        let naive = scaled_dot_product_attention(&q, &k, &v, 1, false);
        let rebuilt = rebuild_weights(&q, &k, &trace.m, &trace.l);
        Self {
            naive_alpha: naive.weights.reshape([EX_ROWS, EX_KEYS]),
            naive_out: naive.output,
            rebuilt,
            trace,
            q,
            k,
            v,
        }
    }

    /// Steps: 0 = before the first tile, 1..=T after tile t, T + 1 = o / l.
    pub fn last_step(&self) -> usize {
        self.trace.tiles.len() + 1
    }
}

impl Default for Example {
    fn default() -> Self {
        Self::new()
    }
}

fn num(x: f32) -> String {
    if x == f32::NEG_INFINITY {
        "−∞".into()
    } else {
        format!("{x:.3}").replace('-', "−")
    }
}

fn vec_text(v: &[f32]) -> String {
    format!(
        "[{}]",
        v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
    )
}

fn sub(i: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    i.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// Does the reader ask for less motion? (`matchMedia` through JS: no extra web-sys feature.)
fn reduced_motion() -> bool {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| {
            f.call1(&global, &"(prefers-reduced-motion: reduce)".into())
                .ok()
        })
        .and_then(|mql| js_sys::Reflect::get(&mql, &"matches".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

#[hook]
fn use_example() -> Rc<Example> {
    use_memo((), |_| Example::new())
}

#[function_component]
pub fn TileAnimation() -> Html {
    let app = use_app();
    let lang = app.lang();
    let ex = use_example();
    let last = ex.last_step();
    let step = app.url().step.min(last);
    let playing = use_state(|| false);

    let go = {
        let app = app.clone();
        move |to: usize| {
            let to = to.min(last);
            app.update_url(false, |u| u.step = to);
        }
    };
    // Play: one timeout per step; stops at the end.
    {
        let playing = playing.clone();
        let go = go.clone();
        use_effect_with((*playing, step), move |&(on, step)| {
            let mut handle = None;
            if on && step >= last {
                playing.set(false);
            } else if on {
                let delay = if reduced_motion() { 2500 } else { 1200 };
                let tick = Closure::once_into_js(move || go(step + 1));
                handle = web_sys::window().and_then(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        tick.unchecked_ref(),
                        delay,
                    )
                    .ok()
                });
            }
            move || {
                if let (Some(h), Some(w)) = (handle, web_sys::window()) {
                    w.clear_timeout_with_handle(h);
                }
            }
        });
    }
    let prev = {
        let go = go.clone();
        let playing = playing.clone();
        Callback::from(move |_| {
            playing.set(false);
            go(step.saturating_sub(1));
        })
    };
    let next = {
        let go = go.clone();
        let playing = playing.clone();
        Callback::from(move |_| {
            playing.set(false);
            go(step + 1);
        })
    };
    let toggle = {
        let go = go.clone();
        let playing = playing.clone();
        Callback::from(move |_| {
            if !*playing && step >= last {
                go(0);
            }
            playing.set(!*playing);
        })
    };
    let onkeydown = {
        let go = go.clone();
        let playing = playing.clone();
        Callback::from(move |e: KeyboardEvent| {
            let to = match e.key().as_str() {
                "ArrowLeft" => step.saturating_sub(1),
                "ArrowRight" => step + 1,
                "Home" => 0,
                "End" => last,
                _ => return,
            };
            e.prevent_default();
            playing.set(false);
            go(to);
        })
    };

    let tiles = ex.trace.tiles.len();
    let status = if step == 0 {
        tr_owned(
            lang,
            "开始：m = −∞，l = 0，o = 0".into(),
            "Start: m = −∞, l = 0, o = 0".into(),
        )
    } else if step <= tiles {
        let t = &ex.trace.tiles[step - 1];
        tr_owned(
            lang,
            format!(
                "第 {step}/{tiles} 块：键 k{}…k{}",
                sub(t.start + 1),
                sub(t.end)
            ),
            format!(
                "Tile {step}/{tiles}: keys k{}…k{}",
                sub(t.start + 1),
                sub(t.end)
            ),
        )
    } else {
        tr_owned(
            lang,
            "最后：输出 = o / l".into(),
            "Finally: output = o / l".into(),
        )
    };

    html! {
        <section class="card flash-anim" id="flash-anim" data-step={step.to_string()} data-last={last.to_string()}>
            <h3>{ tr(lang, "逐块看在线 softmax", "The online softmax, tile by tile") }</h3>
            <p class="muted small">{ tr_owned(lang,
                format!("一个小例子（随机但固定的种子）：{EX_ROWS} 个查询行、{EX_KEYS} 个键、每块 {EX_TILE} 个键、d = {EX_DIM}。每读一块，就更新每行的 m、l、o；之前累加的部分乘以 exp(m_old − m_new) 重新缩放。"),
                format!("A small example (random, fixed seed): {EX_ROWS} query rows, {EX_KEYS} keys in tiles of {EX_TILE}, d = {EX_DIM}. Each tile updates every row's m, l and o; what was summed before is rescaled by exp(m_old − m_new).")) }</p>
            <div class="row flash-stepper" role="group" aria-label={tr(lang, "逐块控制", "Tile controls")}>
                <button id="flash-prev" onclick={prev} disabled={step == 0} aria-label={tr(lang, "上一步", "Previous step")}>{ "◀" }</button>
                <button id="flash-play" onclick={toggle} aria-pressed={(*playing).to_string()}>
                    { if *playing { tr(lang, "⏸ 暂停", "⏸ Pause") } else { tr(lang, "▶ 播放", "▶ Play") } }
                </button>
                <button id="flash-next" onclick={next} disabled={step >= last} aria-label={tr(lang, "下一步", "Next step")}>{ "▶" }</button>
                <span class="flash-status" aria-live="polite"><strong>{ status }</strong></span>
            </div>
            <div class="flash-figure" tabindex="0" {onkeydown}
                 aria-label={tr(lang, "分块示意图：用 ← → 键逐步查看", "Tile diagram: use ← and → to step")}>
                { tile_grid(lang, &ex, step) }
            </div>
            <p class="muted small">{ tr(lang,
                "格子里是分数 s_ij；颜色深浅 = 到目前为止的 softmax 权重 exp(s_ij − m)/l；虚线框是当前块；灰色的块还没读到。焦点在图上时可用 ← → Home End。",
                "Cells hold the scores s_ij; shade = the softmax weight so far, exp(s_ij − m)/l; the outlined tile is the current one; grey tiles are not read yet. With the figure focused: ← → Home End.") }</p>
            <div class="flash-columns">
                <div class="scroll-x">{ state_table(lang, &ex, step) }</div>
                { formulas(lang, &ex, step) }
            </div>
        </section>
    }
}

/// The score grid: rows q_i, columns k_j, a gap between tiles.
fn tile_grid(lang: UiLang, ex: &Example, step: usize) -> Html {
    let (cw, ch, gap, left, top) = (46.0, 28.0, 8.0, 34.0, 22.0);
    let tiles = &ex.trace.tiles;
    let x_of = |j: usize| left + j as f64 * cw + (j / EX_TILE) as f64 * gap;
    let width = x_of(EX_KEYS - 1) + cw + 4.0;
    let height = top + EX_ROWS as f64 * ch + 4.0;
    let mut cells = Vec::new();
    for i in 0..EX_ROWS {
        for j in 0..EX_KEYS {
            let t = j / EX_TILE;
            let seen = step > t;
            let (x, y) = (x_of(j), top + i as f64 * ch);
            let s = tiles[t].scores[i][j - tiles[t].start];
            // the weight as the kernel knows it now (after min(step, T) tiles)
            let now = &tiles[step.clamp(1, tiles.len()) - 1];
            let w = if seen {
                (s - now.m_new[i]).exp() / now.l[i]
            } else {
                0.0
            };
            cells.push(html! {
                <g class={classes!("tile-cell", seen.then_some("seen"))} data-row={i.to_string()} data-col={j.to_string()}>
                    <rect x={x.to_string()} y={y.to_string()} width={(cw - 2.0).to_string()} height={(ch - 2.0).to_string()} rx="3"
                          fill={if seen { ACCENT } else { LABEL }}
                          fill-opacity={if seen { format!("{:.3}", 0.08 + 0.8 * w.clamp(0.0, 1.0).powf(0.7)) } else { "0.10".into() }} />
                    <text x={(x + cw / 2.0 - 1.0).to_string()} y={(y + ch / 2.0 + 3.0).to_string()} text-anchor="middle" font-size="10.5"
                          fill={if seen && w > 0.45 { PAPER } else { LABEL }}>
                        { if seen { format!("{s:.2}").replace('-', "−") } else { "·".into() } }
                    </text>
                    <title>{ if seen { format!("s = {s:.4}, weight so far {w:.4}") } else { tr(lang, "还没读到", "not read yet").to_owned() } }</title>
                </g>
            });
        }
    }
    let row_labels = (0..EX_ROWS).map(|i| {
        html! { <text x={(left - 8.0).to_string()} y={(top + i as f64 * ch + ch / 2.0 + 3.0).to_string()} text-anchor="end" font-size="11" fill={LABEL}>{ format!("q{}", sub(i + 1)) }</text> }
    });
    let col_labels = (0..EX_KEYS).map(|j| {
        html! { <text x={(x_of(j) + cw / 2.0 - 1.0).to_string()} y={(top - 7.0).to_string()} text-anchor="middle" font-size="11" fill={LABEL}>{ format!("k{}", sub(j + 1)) }</text> }
    });
    let current = (1..=tiles.len()).contains(&step).then(|| {
        let t = &tiles[step - 1];
        let x = x_of(t.start) - 3.0;
        let w = x_of(t.end - 1) + cw - x + 1.0;
        html! { <rect class="current-tile" x={x.to_string()} y={(top - 3.0).to_string()} width={w.to_string()}
                      height={(EX_ROWS as f64 * ch + 4.0).to_string()} fill="none" stroke={HIGHLIGHT} stroke-width="2.5" stroke-dasharray="6 3" rx="5" /> }
    });
    html! {
        <div class="scroll-x">
            <svg id="flash-tiles" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" role="img"
                 aria-label={tr(lang, "分数矩阵按块读取", "The score matrix, read tile by tile")}
                 width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}>
                { for cells }{ for row_labels }{ for col_labels }{ for current }
            </svg>
        </div>
    }
}

/// Per row: the running statistics at this step (or the final comparison).
fn state_table(lang: UiLang, ex: &Example, step: usize) -> Html {
    let tiles = &ex.trace.tiles;
    if step > tiles.len() {
        let flash = ex.trace.output.to_rows();
        let naive = ex.naive_out.to_rows();
        let diff = max_diff(ex.trace.output.data(), ex.naive_out.data());
        let rows = (0..EX_ROWS).map(|i| {
            html! {
                <tr>
                    <th scope="row">{ format!("q{}", sub(i + 1)) }</th>
                    <td>{ num(ex.trace.m[i]) }</td>
                    <td>{ num(ex.trace.l[i]) }</td>
                    <td class="vec">{ vec_text(&flash[i]) }</td>
                    <td class="vec">{ vec_text(&naive[i]) }</td>
                </tr>
            }
        });
        return html! {
            <>
                <table class="flash-state" id="flash-final">
                    <thead><tr>
                        <th scope="col">{ tr(lang, "查询", "query") }</th><th scope="col">{ "m" }</th><th scope="col">{ "l" }</th>
                        <th scope="col">{ tr(lang, "flash：o / l", "flash: o / l") }</th>
                        <th scope="col">{ tr(lang, "朴素：softmax(QKᵀ/√d)V", "naive: softmax(QKᵀ/√d)V") }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="flash-result" id="flash-anim-diff" data-value={diff.to_string()}>
                    { tr(lang, "最大差异 max |o/l − 朴素| = ", "max |o/l − naive| = ") }<strong>{ format!("{diff:.2e}") }</strong>
                    { tr(lang, "（只是浮点舍入）", " (float rounding only)") }
                </p>
            </>
        };
    }
    let rows = (0..EX_ROWS).map(|i| {
        if step == 0 {
            return html! {
                <tr><th scope="row">{ format!("q{}", sub(i + 1)) }</th><td>{ "—" }</td><td>{ "−∞" }</td><td>{ "—" }</td><td>{ "0" }</td><td class="vec">{ vec_text(&[0.0; EX_DIM]) }</td></tr>
            };
        }
        let t = &tiles[step - 1];
        let l_old = if step >= 2 { tiles[step - 2].l[i] } else { 0.0 };
        let tile_max = t.scores[i].iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let moved = t.m_new[i] > t.m_old[i] && step > 1;
        html! {
            <tr class={classes!(moved.then_some("m-moved"))}>
                <th scope="row">{ format!("q{}", sub(i + 1)) }</th>
                <td>{ num(tile_max) }</td>
                <td>{ format!("{} → {}", num(t.m_old[i]), num(t.m_new[i])) }</td>
                <td>{ num(t.correction[i]) }</td>
                <td>{ format!("{} → {}", num(l_old), num(t.l[i])) }</td>
                <td class="vec">{ vec_text(&t.o[i]) }</td>
            </tr>
        }
    });
    html! {
        <table class="flash-state" id="flash-state">
            <thead><tr>
                <th scope="col">{ tr(lang, "查询", "query") }</th>
                <th scope="col">{ tr(lang, "本块最大分数", "tile max") }</th>
                <th scope="col">{ "m_old → m_new" }</th>
                <th scope="col">{ "exp(m_old − m_new)" }</th>
                <th scope="col">{ "l_old → l_new" }</th>
                <th scope="col">{ tr(lang, "o（未归一化）", "o (unnormalised)") }</th>
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The update rule, with row q₁'s numbers at this step.
fn formulas(lang: UiLang, ex: &Example, step: usize) -> Html {
    let tiles = &ex.trace.tiles;
    let worked = if (1..=tiles.len()).contains(&step) {
        let t = &tiles[step - 1];
        let l_old = if step >= 2 { tiles[step - 2].l[0] } else { 0.0 };
        let added: f32 = t.scores[0].iter().map(|s| (s - t.m_new[0]).exp()).sum();
        html! {
            <>
                <p class="small"><strong>{ tr(lang, "q₁ 的这一步：", "Row q₁ at this step:") }</strong></p>
                <pre class="flash-formula">{ format!(
                    "m₁ = max({}, {}) = {}\nc  = exp({} − {}) = {}\nl₁ = {} · {} + {} = {}",
                    num(t.m_old[0]),
                    num(t.scores[0].iter().copied().fold(f32::NEG_INFINITY, f32::max)),
                    num(t.m_new[0]),
                    num(t.m_old[0]), num(t.m_new[0]), num(t.correction[0]),
                    num(t.correction[0]), num(l_old), num(added), num(t.l[0]),
                ) }</pre>
            </>
        }
    } else {
        html! {}
    };
    html! {
        <div class="flash-formulas">
            <pre class="flash-formula">{ "s_ij  = q_i · k_j / √d\nm_new = max(m_old, max_j s_ij)\nl_new = exp(m_old − m_new) · l_old + Σ_j exp(s_ij − m_new)\no_new = exp(m_old − m_new) · o_old + Σ_j exp(s_ij − m_new) · v_j\noutput = o / l" }</pre>
            { worked }
        </div>
    }
}

/// α rebuilt from (m, l) vs naive α, on the example (CPU) and, after a lab run, on the GPU.
#[function_component]
pub fn RebuildPanel() -> Html {
    let app = use_app();
    let lang = app.lang();
    let ex = use_example();
    let labels = |prefix: char, n: usize| {
        Rc::new(
            (1..=n)
                .map(|i| format!("{prefix}{}", sub(i)))
                .collect::<Vec<_>>(),
        )
    };
    let (rows, cols) = (labels('q', EX_ROWS), labels('k', EX_KEYS));
    let naive = Rc::new(ex.naive_alpha.to_rows());
    let rebuilt = Rc::new(ex.rebuilt.to_rows());
    let diff = max_diff(ex.naive_alpha.data(), ex.rebuilt.data());
    let gpu = app.state.flash_lab.result.iter().find(|r| r.rebuild_ms.is_some()).map(|r| {
        let (ms, d) = (r.rebuild_ms.unwrap_or_default(), r.rebuild_diff.unwrap_or(f32::NAN));
        html! {
            <p id="flash-gpu-rebuild" data-n={r.n.to_string()} data-value={d.to_string()} data-ms={ms.to_string()}>
                { tr_owned(lang,
                    format!("在你的 GPU 上（N = {}，{} 个头）：attention_rebuild 用保存的 (m, l) 重建 α 额外花了 {}（flash 本身 {}），max |重建 α − 朴素 α| = {:.1e}。",
                        r.n, LAB_HEADS, fmt_ms(ms), r.flash_ms.map_or("—".into(), fmt_ms), d),
                    format!("On your GPU (N = {}, {} heads): attention_rebuild rebuilt α from the saved (m, l) in {} extra (flash itself: {}), max |rebuilt α − naive α| = {:.1e}.",
                        r.n, LAB_HEADS, fmt_ms(ms), r.flash_ms.map_or("—".into(), fmt_ms), d)) }
            </p>
        }
    });
    html! {
        <section class="card flash-rebuild" id="flash-rebuild">
            <h3>{ tr(lang, "α 不是白送的：用 (m, l) 重建", "α is not free: rebuilding it from (m, l)") }</h3>
            <p class="muted small">{ tr(lang,
                "FlashAttention 只交回输出 O 和每行的 (m, l)，从不存下 N×N 的 α。要画注意力图，就得再扫一遍 K 重新算分数：α_ij = exp(s_ij − m_i) / l_i。",
                "FlashAttention hands back only the output O and each row's (m, l); it never stores the N×N α. To draw an attention map, the scores must be computed again in one more pass over K: α_ij = exp(s_ij − m_i) / l_i.") }</p>
            <div class="flash-heatmaps">
                <div>
                    <p class="caption">{ tr(lang, "朴素 α = softmax(QKᵀ/√d)", "naive α = softmax(QKᵀ/√d)") }</p>
                    <Heatmap id="flash-alpha-naive" rows={rows.clone()} cols={cols.clone()} values={naive} cell={22.0}
                             title={tr(lang, "朴素 α", "naive α")} />
                </div>
                <div>
                    <p class="caption">{ tr(lang, "由 (m, l) 重建的 α", "α rebuilt from (m, l)") }</p>
                    <Heatmap id="flash-alpha-rebuilt" rows={rows} cols={cols} values={rebuilt} cell={22.0}
                             title={tr(lang, "重建的 α", "rebuilt α")} />
                </div>
            </div>
            <p class="flash-result" id="flash-alpha-diff" data-value={diff.to_string()}>
                { "max |α_rebuilt − α_naive| = " }<strong>{ format!("{diff:.2e}") }</strong>
            </p>
            { gpu.unwrap_or_else(|| html! {
                <p class="muted small" id="flash-gpu-rebuild-pending">{ tr(lang,
                    "运行上面的实验后，这里显示在你的 GPU 上重建 α 的额外时间和误差。",
                    "After a lab run above, the extra time and the error of rebuilding α on your GPU appear here.") }</p>
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_agrees_with_naive_attention() {
        let ex = Example::new();
        assert_eq!(ex.trace.tiles.len(), EX_KEYS / EX_TILE);
        assert!(max_diff(ex.trace.output.data(), ex.naive_out.data()) < 1e-5);
        assert!(max_diff(ex.rebuilt.data(), ex.naive_alpha.data()) < 1e-5);
        // The lesson needs a rescale: some row's maximum moves after the first tile.
        let moved = ex.trace.tiles[1..]
            .iter()
            .any(|t| t.m_new.iter().zip(&t.m_old).any(|(a, b)| a > b));
        assert!(moved, "pick a seed where m changes after the first tile");
    }
}
