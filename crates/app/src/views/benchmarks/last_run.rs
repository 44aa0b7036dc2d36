//! The last finished run's total time on this device, kept in localStorage (one key per size
//! set, GPU or CPU-only), shown beside the buttons: a measured hint instead of a fixed claim.

use crate::i18n::tr_owned;
use crate::route::UiLang;

fn key(quick: bool, cpu_only: bool) -> String {
    format!(
        "seq2seq-bench{}{}-last-ms",
        if cpu_only { "-cpu" } else { "" },
        if quick { "" } else { "-larger" }
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Remember a finished run (a full one: a stopped run's time says nothing about the whole).
pub fn save(quick: bool, cpu_only: bool, millis: f64) {
    if let Some(storage) = storage() {
        // A private window may refuse; the hint is then simply absent.
        let _ = storage.set_item(&key(quick, cpu_only), &format!("{millis:.0}"));
    }
}

pub fn load(quick: bool, cpu_only: bool) -> Option<f64> {
    let value = storage()?.get_item(&key(quick, cpu_only)).ok()??;
    value
        .parse()
        .ok()
        .filter(|ms: &f64| ms.is_finite() && *ms > 0.0)
}

/// "上次在本设备上用了 168 秒".
pub fn text(lang: UiLang, millis: f64) -> String {
    let s = seconds(millis);
    tr_owned(
        lang,
        format!("上次在本设备上用了 {s} 秒"),
        format!("last time on this device: {s} s"),
    )
}

/// Whole seconds, at least 1.
pub fn seconds(millis: f64) -> u64 {
    (millis / 1000.0).round().max(1.0) as u64
}
