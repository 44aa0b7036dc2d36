//! seq2seq-train: the project's native command-line tool.
//!
//! ```text
//! cargo run --release -p seq2seq-train -- prepare      # data splits, tokenizers, data card
//! cargo run --release -p seq2seq-train -- train --family transformer --direction en-zh
//! cargo run --release -p seq2seq-train -- average --run runs/transformer-en-zh --last 5
//! cargo run --release -p seq2seq-train -- export --run runs/transformer-en-zh
//! cargo run --release -p seq2seq-train -- eval --model transformer-en-zh --split test
//! cargo run --release -p seq2seq-train -- eval --model transformer-en-zh --split dev --ladder
//! cargo run --release -p seq2seq-train -- rescore --model gru-en-zh
//! echo "I like eating apples." | cargo run --release -p seq2seq-train -- translate --model transformer-en-zh
//! echo "I like eating apples." | cargo run --release -p seq2seq-train -- memory --model rnn-en-zh
//! ```
//!
//! Run it from the repository root: default paths (`data/...`, `artifacts/...`) are
//! relative to it. The subcommands live in the library (`src/lib.rs`), one module each.

use clap::{Parser, Subcommand};

use seq2seq_train::{
    average, evaluate, export, memory, prepare, report, rescore, train, translate,
};

#[derive(Parser, Debug)]
#[command(
    name = "seq2seq-train",
    version,
    about = "Prepare data for, train, export and evaluate the Seq2Seq Playground models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read the Tatoeba pairs, convert Chinese to Simplified, normalise, deduplicate, split
    /// train/dev/test by sentence group, build the tokenizers and write a data card.
    Prepare(prepare::Args),
    /// Train one model (family, direction, sizes) with candle on the CPU; checkpoints and --resume.
    Train(Box<train::Args>),
    /// Checkpoint averaging: the mean of the weights of a run's last K snapshots.
    Average(average::Args),
    /// Write www/models/<id>/ (f16 safetensors, config, tokenizers, card) and update index.json.
    Export(export::Args),
    /// BLEU/chrF (sacreBLEU definitions) of an exported model on dev or test, by source length.
    Eval(evaluate::Args),
    /// Translate stdin lines with an exported model (seq2seq-core, the browser's code).
    Translate(translate::Args),
    /// The memory view's numbers (‖∂c/∂e_j‖, ‖∂L/∂h_t‖) for stdin lines, one JSON line each.
    Memory(memory::Args),
    /// README tables from www/models/index.json: test BLEU by source length and the share of
    /// short-sentence BLEU each model keeps on longer sources.
    Report(report::Args),
    /// Score exported models on the length ladder (dev and test) and write the numbers into
    /// index.json and their cards, without retraining.
    Rescore(rescore::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Prepare(args) => prepare::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Average(args) => average::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Eval(args) => evaluate::run(&args),
        Command::Translate(args) => translate::run(&args),
        Command::Memory(args) => memory::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Rescore(args) => rescore::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn prepare_defaults() {
        let cli = Cli::parse_from(["seq2seq-train", "prepare"]);
        let Command::Prepare(args) = cli.command else {
            panic!("not prepare");
        };
        assert!(args.input.ends_with("cmn-train.txt.gz"));
        assert_eq!(args.out.to_str(), Some("artifacts/data"));
        // The shipped models were trained on a 2000-piece English vocabulary.
        assert_eq!(args.en_vocab, 2000);
    }
}
