//! The repository's training text (`data/tatoeba-cmn-eng/cmn-train.txt.gz`, gunzipped), for the
//! tests that run on every sentence of it (`tokenizer.rs`, `reader_text.rs`).

use std::io::Read;
use std::path::PathBuf;

pub fn training_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/tatoeba-cmn-eng/cmn-train.txt.gz");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("the training text {}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text
}
