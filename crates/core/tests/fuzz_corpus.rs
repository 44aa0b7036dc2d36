//! Replays the committed fuzz inputs through the fuzz targets' own checks, in the normal test
//! suite (no nightly, no libFuzzer): fuzz/corpus/<target>/ (the minimised corpus),
//! fuzz/seeds/<target>/ and fuzz/regressions/<target>/ (the inputs that once failed), for the
//! `model_loader` and `tokenizer` targets. A panic here is a regression of a fuzz find.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/src/split.rs"]
mod split;
use split::{join2, split2};

#[path = "../../../fuzz/src/model_loader.rs"]
mod model_loader;
#[path = "../../../fuzz/src/tokenizer.rs"]
mod tokenizer;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Every input of `target`, with its path.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in ["corpus", "seeds", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn replay(target: &str, check: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(
        !inputs.is_empty(),
        "no fuzz inputs for {target} under {}",
        fuzz_dir().display()
    );
    for (path, bytes) in &inputs {
        let result = std::panic::catch_unwind(|| check(bytes));
        assert!(result.is_ok(), "fuzz input {} panics", path.display());
    }
    println!("{target}: {} inputs replayed", inputs.len());
}

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
