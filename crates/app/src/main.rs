//! seq2seq-app
fn main() {}
