//! Training pairs as token ids, and the batches of an epoch (a pure function of seed and epoch).

use anyhow::Result;
use candle_core::Device;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use seq2seq_core::tokenizer::{Tokenizer, EOS};

use crate::nn::Batch;

/// Tokenised training pairs: (source ids + EOS, target ids).
pub type Pairs = Vec<(Vec<u32>, Vec<u32>)>;

pub fn tokenize_pairs(
    pairs: &[(String, String)],
    src: &Tokenizer,
    tgt: &Tokenizer,
    max_tokens: usize,
) -> Result<Pairs> {
    let mut out = Vec::with_capacity(pairs.len());
    for (s, t) in pairs {
        let mut x = src.encode(s)?.ids;
        let y = tgt.encode(t)?.ids;
        if x.is_empty() || x.len() > max_tokens || y.len() > max_tokens {
            continue;
        }
        x.push(EOS);
        out.push((x, y));
    }
    Ok(out)
}

/// The batches of one epoch (indices into the pairs): a pure function of (seed, epoch). Pairs are
/// shuffled, sorted by length within windows of 50 batches (little padding), cut into batches,
/// and the batches shuffled.
pub fn epoch_batches(pairs: &Pairs, batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ epoch as u64);
    let mut idx: Vec<usize> = (0..pairs.len()).collect();
    idx.shuffle(&mut rng);
    let mut batches = Vec::new();
    for window in idx.chunks(batch_size * 50) {
        let mut w = window.to_vec();
        w.sort_by_key(|&i| (pairs[i].0.len(), pairs[i].1.len()));
        batches.extend(w.chunks(batch_size).map(<[usize]>::to_vec));
    }
    batches.shuffle(&mut rng);
    batches
}

pub fn make_batch(pairs: &Pairs, idx: &[usize], dev: &Device) -> Result<Batch> {
    let refs: Vec<(&[u32], &[u32])> = idx
        .iter()
        .map(|&i| (pairs[i].0.as_slice(), pairs[i].1.as_slice()))
        .collect();
    Ok(Batch::new(&refs, dev)?)
}
