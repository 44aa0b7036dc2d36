//! seq2seq-train as a library: the pieces of the `seq2seq-train` command, public so that the
//! integration tests (parity with seq2seq-core, sacreBLEU cross-check, export/load) can use them.
//!
//! One module per subcommand (`prepare`, `train`, `average`, `export`, `evaluate`, `translate`,
//! `memory`, `report`, `rescore`); shared
//! pieces: `data` (reading, cleaning, grouping, splitting), `vocab` (tokenizer training), `nn`
//! (the five families in candle), `io` (weights between candle, core and files), `metrics`
//! (BLEU and chrF), `ladder` (inputs of 1–4 joined sentences), `dictionary` and `distill`
//! (extra or replaced training targets), `progress` (bars).

pub mod average;
pub mod data;
pub mod dictionary;
pub mod distill;
pub mod evaluate;
pub mod export;
pub mod index;
pub mod io;
pub mod ladder;
pub mod length_penalty;
pub mod memory;
pub mod metrics;
pub mod near_copies;
pub mod nn;
pub mod perplexity;
pub mod prepare;
pub mod progress;
pub mod report;
pub mod rescore;
pub mod train;
pub mod translate;
pub mod vocab;
