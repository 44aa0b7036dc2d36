//! Sequential vs parallel encoders (the `?view=parallel` page and the native bench's last table):
//! each family's real encoder (seq2seq-core's models, random weights at the shipped widths or
//! doubled) over T = 8 … 1024 source tokens, timed on one backend — wall clock of encode + a
//! one-row read-back (which waits for all the work before it), median of the samples — beside
//! its dependent steps and operations (`seq2seq_core::sequential`, counted without arithmetic).
//! Generic over the backend: the page runs it on WebGPU and on the CPU, the bench on both.

use serde::{Deserialize, Serialize};

use seq2seq_core::backend::Backend;
use seq2seq_core::family::Family;
use seq2seq_core::models::{AnyModel, ModelConfig};
use seq2seq_core::sequential::{count_encoder, doubled, source_ids, EncoderCount};
use seq2seq_core::weights::Weights;
use seq2seq_core::Result;

use super::timing::Timing;
use crate::measure::now_ms;

/// One encoder at one length on one backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SequentialRow {
    pub family: Family,
    /// Every width doubled (false: the shipped widths).
    pub doubled: bool,
    /// Hidden size (recurrent encoders) or model dimension (Transformer).
    pub width: usize,
    pub count: EncoderCount,
    pub time: Timing,
}

/// How long to sample each (encoder, T): samples until `samples` or `budget_ms`, at least 2.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub samples: usize,
    pub budget_ms: f64,
}

/// The width a reader compares: hidden size or model dimension.
pub fn width(config: &ModelConfig) -> usize {
    match config {
        ModelConfig::Rnn(r) | ModelConfig::Gru(r) | ModelConfig::Lstm(r) => r.hidden_dim,
        ModelConfig::GruAttn(a) => a.hidden_dim,
        ModelConfig::Transformer(t) => t.dim,
    }
}

/// One encode of `src` and a read of one row of its last output: on a GPU the read waits for
/// every dispatch recorded before it, so this is the whole pass.
async fn encode_once<B: Backend>(b: &B, model: &AnyModel<B>, src: &[u32]) -> Result<()> {
    let memory = model.encode_memory(src).await?;
    if let Some(last) = memory.last() {
        b.read(&b.slice_rows(last, 0, 1)).await?;
    }
    Ok(())
}

/// Wall time of one encoder pass: one warm-up (pipelines, buffers), then samples.
pub async fn time_encoder<B: Backend>(
    b: &B,
    model: &AnyModel<B>,
    src: &[u32],
    sampling: Sampling,
) -> Result<Timing> {
    encode_once(b, model, src).await?;
    let mut ms = Vec::new();
    let start = now_ms();
    while ms.len() < 2 || (ms.len() < sampling.samples && now_ms() - start < sampling.budget_ms) {
        let t0 = now_ms();
        encode_once(b, model, src).await?;
        ms.push(now_ms() - t0);
    }
    Ok(Timing::from_samples(ms))
}

/// The encoder of `shipped` (or its doubled widths) on `b` at each of `lengths`; `on_row` sees
/// each row as it is measured and returns false to stop early (the page's cancel button).
pub async fn sweep<B: Backend>(
    b: &B,
    shipped: &ModelConfig,
    double: bool,
    lengths: &[usize],
    sampling: Sampling,
    on_row: &mut dyn FnMut(&SequentialRow) -> bool,
) -> Result<Vec<SequentialRow>> {
    let config = if double {
        doubled(shipped)
    } else {
        shipped.clone()
    };
    let counts = count_encoder(&config, lengths)?;
    let model = AnyModel::new(b, &config, Weights::random(7))?;
    let (src_vocab, _) = config.vocab_sizes();
    let mut rows = Vec::with_capacity(lengths.len());
    for count in counts {
        let src = source_ids(src_vocab, count.tokens);
        let row = SequentialRow {
            family: config.family(),
            doubled: double,
            width: width(&config),
            count,
            time: time_encoder(b, &model, &src, sampling).await?,
        };
        let go_on = on_row(&row);
        rows.push(row);
        if !go_on {
            break;
        }
    }
    Ok(rows)
}
