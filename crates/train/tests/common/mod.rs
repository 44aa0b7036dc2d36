//! Shared by the candle-vs-core tests (`parity.rs`, `grad_vs_candle.rs`): one tiny architecture
//! per family, built by the CLI's own `TrainConfig::model_config`.

use seq2seq_core::models::ModelConfig;
use seq2seq_train::train::TrainConfig;

/// `family` ("rnn" … "transformer") with vocabularies 40 → 30: recurrent E 12, H 16, attention 10;
/// Transformer d 16, 4 heads, FFN 24, 2 + 2 layers, GELU.
pub fn tiny_config(family: &str) -> ModelConfig {
    let c = TrainConfig {
        family: family.parse().unwrap(),
        embed_dim: 12,
        hidden_dim: 16,
        attn_dim: 10,
        dim: 16,
        heads: 4,
        ffn_dim: 24,
        encoder_layers: 2,
        decoder_layers: 2,
        ..cli_defaults()
    };
    c.model_config(40, 30).expect("valid config")
}

/// `train`'s defaults, as the CLI parses them.
fn cli_defaults() -> TrainConfig {
    use clap::Parser;
    #[derive(Parser)]
    struct P {
        #[command(flatten)]
        c: TrainConfig,
    }
    P::parse_from(["p"]).c
}
