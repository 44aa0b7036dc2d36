//! The inference worker's entry point (a dedicated Web Worker; see `seq2seq_app::worker`).

fn main() {
    seq2seq_app::worker::start();
}
