//! Replaying committed fuzz inputs through a check, for the normal test suites (no nightly, no
//! libFuzzer): fuzz/corpus/<target>/ (the minimised corpus), fuzz/seeds/<target>/ and
//! fuzz/regressions/<target>/ (inputs that once failed). Included with `#[path]` by
//! `crates/core/tests/fuzz_corpus.rs` and `crates/app/tests/fuzz_corpus.rs`; not part of the fuzz
//! crate's own build.

use std::path::{Path, PathBuf};

pub fn fuzz_dir() -> PathBuf {
    // Both including crates live at crates/<name>/.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Every input of `target`, with its path.
pub fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in ["corpus", "seeds", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

pub fn replay(target: &str, check: fn(&[u8])) {
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
