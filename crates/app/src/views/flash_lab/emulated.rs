//! Why flash's lead over naive shrinks with N on a software adapter, written from the reader's
//! own rows: how much each kernel's time grew between the smallest and the largest N.

use yew::prelude::*;

use crate::i18n::tr_owned;
use crate::protocol::FlashLabRow;
use crate::route::UiLang;

/// naive / flash at the smallest and the largest N where both ran, with the two rows.
fn ratio_span(rows: &[FlashLabRow]) -> Option<(&FlashLabRow, &FlashLabRow, f64, f64)> {
    let both: Vec<(&FlashLabRow, f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((r, r.naive_ms?, r.flash_ms?)))
        .filter(|(_, naive, flash)| *naive > 0.0 && *flash > 0.0)
        .collect();
    let (first, last) = (both.first()?, both.last()?);
    (first.0.n < last.0.n).then(|| (first.0, last.0, first.1 / first.2, last.1 / last.2))
}

/// The note, on a software adapter when the ratio fell from the smallest to the largest N.
pub fn shrinking_ratio_note(lang: UiLang, rows: &[FlashLabRow], software: bool) -> Option<Html> {
    let (first, last, ratio_first, ratio_last) = ratio_span(rows)?;
    if !software || ratio_last >= ratio_first {
        return None;
    }
    let (naive_first, flash_first) = (first.naive_ms?, first.flash_ms?);
    let (naive_last, flash_last) = (last.naive_ms?, last.flash_ms?);
    let work = (last.n as f64 / first.n as f64).powi(2);
    let naive_grew = naive_last / naive_first;
    let flash_grew = flash_last / flash_first;
    let (a, b) = (first.n, last.n);
    let text = tr_owned(
        lang,
        format!(
            "为什么倍数随 N 变小：从 N = {a} 到 {b}，计算量（N²）增大 {work:.0} 倍，朴素的时间只增大了 {naive_grew:.1} 倍，Flash 增大了 {flash_grew:.1} 倍，所以朴素 / Flash 从 {ratio_first:.1}× 降到 {ratio_last:.1}×。\
             朴素要三次派发（分数、softmax、乘 V）并分配两个 N×N 缓冲区，这些固定开销在小 N 时占了它的大部分时间；\
             而你的 WebGPU 是在 CPU 上模拟的，“显存”就是 CPU 的内存和缓存，Flash 省下的 N×N 读写在这里几乎不省时间。\
             真 GPU 上，Flash 的优势正来自省下的显存读写，不能用这里的倍数去推断。"
        ),
        format!(
            "Why the ratio shrinks with N: from N = {a} to {b} the work (N²) grew {work:.0}×, naive's time only {naive_grew:.1}× and flash's {flash_grew:.1}×, so naive / flash fell from {ratio_first:.1}× to {ratio_last:.1}×. \
             Naive makes three dispatches (scores, softmax, times V) and allocates two N×N buffers, fixed costs that are most of its time at small N; \
             and your WebGPU is emulated on the CPU, where \"GPU memory\" is the CPU's RAM and caches, so the N×N reads and writes flash avoids cost little here. \
             On a real GPU flash's lead comes from exactly that saved memory traffic: these ratios do not carry over."
        ),
    );
    Some(html! { <p class="hint small" id="flash-emulated-ratio">{ text }</p> })
}

#[cfg(test)]
mod tests {
    use super::ratio_span;
    use crate::protocol::FlashLabRow;

    fn row(n: usize, naive_ms: Option<f64>, flash_ms: Option<f64>) -> FlashLabRow {
        FlashLabRow {
            n,
            naive_ms,
            flash_ms,
            ..FlashLabRow::default()
        }
    }

    #[test]
    fn the_span_skips_rows_where_naive_could_not_run() {
        let rows = [
            row(128, Some(100.0), Some(10.0)),
            row(256, Some(200.0), Some(40.0)),
            row(512, None, Some(160.0)),
        ];
        let (first, last, r0, r1) = ratio_span(&rows).unwrap();
        assert_eq!((first.n, last.n), (128, 256));
        assert!((r0 - 10.0).abs() < 1e-9 && (r1 - 5.0).abs() < 1e-9);
        assert!(ratio_span(&rows[..1]).is_none());
    }
}
