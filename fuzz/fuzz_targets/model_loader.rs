#![no_main]
//! See `seq2seq_fuzz::model_loader`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| seq2seq_fuzz::model_loader::check(data));
