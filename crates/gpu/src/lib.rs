//! seq2seq-gpu
