//! How the playground measures, in one place for the benchmarks, the worker and the page: a
//! millisecond clock that works natively, in a page and in a worker, and byte counts in binary
//! units (GPU limits are powers of two).

/// Milliseconds from an arbitrary origin: `performance.now()` on the web (page or worker;
/// sub-millisecond), else `Date.now()`; natively the time since the first call.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let global = js_sys::global();
        js_sys::Reflect::get(&global, &"performance".into())
            .ok()
            .filter(|perf| perf.is_object())
            .and_then(|perf| {
                let now = js_sys::Reflect::get(&perf, &"now".into()).ok()?;
                js_sys::Function::from(now).call0(&perf).ok()?.as_f64()
            })
            .unwrap_or_else(js_sys::Date::now)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
}

/// "512.0 KiB", "1.5 MiB", "2.00 GiB".
pub fn fmt_bytes(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64)
    } else if b >= 1 << 20 {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", b as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_binary_units() {
        assert_eq!(fmt_bytes(512 * 1024), "512.0 KiB");
        assert_eq!(fmt_bytes(3 << 19), "1.5 MiB");
        assert_eq!(fmt_bytes(2 << 30), "2.00 GiB");
    }

    #[test]
    fn the_clock_moves_forward() {
        let a = now_ms();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(now_ms() - a >= 1.0);
    }
}
