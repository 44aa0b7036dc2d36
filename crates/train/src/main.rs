//! seq2seq-train: the project's native command-line tool.
//!
//! ```text
//! cargo run --release -p seq2seq-train -- prepare      # data splits, tokenizers, data card
//! ```
//!
//! Run it from the repository root: default paths (`../shared/data/...`, `artifacts/...`) are
//! relative to it. One module per subcommand (`prepare.rs`, ...); shared pieces live in their own
//! modules (`data.rs`: reading, cleaning, grouping and splitting the pairs; `vocab.rs`: training
//! the tokenizers).

use clap::{Parser, Subcommand};

mod data;
mod prepare;
mod progress;
mod vocab;

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Prepare(args) => prepare::run(&args),
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
        let Command::Prepare(args) = cli.command;
        assert!(args.input.ends_with("cmn-train.txt"));
        assert_eq!(args.out.to_str(), Some("artifacts/data"));
    }
}
