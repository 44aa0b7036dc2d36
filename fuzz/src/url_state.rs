//! Fuzz check: `UrlState::from_query` on any string never panics, and the state it gives
//! round-trips: `from_query(to_query(s)) == s.without_warnings()`.

/// `seq2seq_app::route`, compiled from its source file: pure Rust (std, `form_urlencoded`,
/// serde derives), so the fuzz build does not pull the app's wgpu and yew dependencies.
#[path = "../../crates/app/src/route.rs"]
#[allow(dead_code)]
pub mod route;

use route::UrlState;

pub fn check(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let state = UrlState::from_query(&query);
    let written = state.to_query();
    let back = UrlState::from_query(&written);
    assert_eq!(
        back,
        state.without_warnings(),
        "round trip failed: {query:?} → {written:?}"
    );
    assert_eq!(back.to_query(), written, "to_query is not stable");
}
