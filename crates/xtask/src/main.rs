//! `cargo xtask`: every set-up and automation step of the project, in one place.
//!
//! - `cargo xtask serve`: set up, build the app (`trunk build --release`), serve `dist/`.
//! - `cargo xtask test`: set up, then fmt, clippy (native and wasm32), every crate's tests,
//!   the release build and the browser tests, stopping at the first failure.
//!
//! The other subcommands are the pieces of those two.

mod budget;
mod csp;
mod deny;
mod e2e;
mod e2e_memory;
mod server;
mod setup;
mod subpath;
mod test;
mod util;
mod worker_hash;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Set-up and automation for the Seq2Seq Playground"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing: wasm32 target, trunk, wasm-bindgen-cli, npm packages, Debian packages.
    Setup,
    /// Set up, then `trunk build --release` into dist/.
    Build,
    /// Set up, build, and serve dist/ on a local static server.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Serve the existing dist/ without set-up or build.
        #[arg(long)]
        no_build: bool,
        /// URL prefix to serve dist/ under, as a static host serving a sub-path would
        /// (e.g. /playground/).
        #[arg(long, default_value = "/")]
        base: String,
    },
    /// Set up, then run every check: fmt, clippy (native + wasm32), tests, release build, browser tests.
    Test {
        /// Stages to skip, comma-separated (for local iteration; CI runs them all).
        #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(test::STAGE_KEYS))]
        skip: Vec<String>,
    },
    /// Browser tests only, against the existing dist/ (headless Chromium, with and without WebGPU).
    E2e,
    /// Size budgets of the existing dist/ and www/models/ (wasm, first load, models).
    Budget,
    /// `cargo deny`: licenses, bans, sources and advisories (policy: deny.toml).
    Deny,
    /// The browser test against the existing dist/ served under /playground/.
    Subpath,
    /// Post-build hook run by trunk: content-hashed names for the inference worker's files,
    /// then the sha256 of each inline script in the page's CSP. One command, one step after the
    /// other: both rewrite index.html, and trunk runs the hooks of a stage concurrently.
    #[command(hide = true)]
    PostBuild {
        /// Folder holding index.html and the worker [default: $TRUNK_STAGING_DIR, else dist].
        dir: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = util::prepare_environment().and_then(|()| match cli.command {
        Command::Setup => setup::run(),
        Command::Build => setup::run().and_then(|()| test::trunk_build()),
        Command::Serve {
            port,
            host,
            no_build,
            base,
        } => {
            if !no_build {
                setup::run().and_then(|()| test::trunk_build())?;
            }
            server::serve_forever(&util::repo_root().join("dist"), &host, port, &base)
        }
        Command::Test { skip } => test::run(&skip),
        Command::E2e => e2e::run(),
        Command::Budget => budget::run(),
        Command::Deny => deny::run(),
        Command::Subpath => subpath::run(),
        Command::PostBuild { dir } => {
            let dir = dir
                .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(Into::into))
                .unwrap_or_else(|| util::repo_root().join("dist"));
            worker_hash::run(&dir).and_then(|()| csp::run(&dir))
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
