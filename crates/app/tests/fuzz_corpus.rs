//! Replays the committed `url_state` fuzz inputs through the fuzz target's own check
//! (`fuzz/src/url_state.rs`: `UrlState::from_query` never panics and round-trips), so a change to
//! `route.rs` that breaks a fuzz find fails `cargo test` without nightly.

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/url_state.rs"]
mod url_state;

#[test]
fn url_state_inputs_round_trip() {
    replay::replay("url_state", url_state::check);
}
