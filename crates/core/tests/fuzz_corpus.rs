//! Replays the committed fuzz inputs through the fuzz targets' own checks, in the normal test
//! suite (no nightly, no libFuzzer): fuzz/corpus/<target>/ (the minimised corpus),
//! fuzz/seeds/<target>/ and fuzz/regressions/<target>/ (the inputs that once failed), for the
//! `model_loader` and `tokenizer` targets. A panic here is a regression of a fuzz find.

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
use replay::replay;

#[path = "../../../fuzz/src/split.rs"]
mod split;
use split::{join2, split2};

#[path = "../../../fuzz/src/model_loader.rs"]
mod model_loader;
#[path = "../../../fuzz/src/tokenizer.rs"]
mod tokenizer;

#[test]
fn model_loader_inputs_never_panic() {
    replay("model_loader", model_loader::check);
}

#[test]
fn tokenizer_inputs_keep_their_invariants() {
    replay("tokenizer", tokenizer::check);
}

#[test]
fn the_seed_format_round_trips() {
    let input = model_loader::join(true, "{}", b"weights");
    let (swap, config, weights) = model_loader::split(&input);
    assert!(swap);
    assert_eq!((config.as_str(), weights), ("{}", &b"weights"[..]));
    assert_eq!(split2(&[5, 0, b'a']), (&b"a"[..], &b""[..]));
    assert_eq!(split2(&[1]), (&[1u8][..], &b""[..]));
}
