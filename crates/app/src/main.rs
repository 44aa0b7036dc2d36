//! The page's entry point: the Yew app (see `seq2seq_app`). Inference runs in the worker
//! (src/bin/worker.rs), so nothing here ever blocks the page.

fn main() {
    seq2seq_app::start_page();
}
