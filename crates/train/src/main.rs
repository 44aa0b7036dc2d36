//! seq2seq-train
fn main() {}
