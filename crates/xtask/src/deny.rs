//! `cargo deny` over the whole dependency tree, with the policy in `deny.toml`: licenses, bans
//! (duplicates are warnings), sources (crates.io only) and security advisories.
//!
//! The advisory database (RustSec) lives in a git repository on GitHub. `cargo xtask setup`
//! fetches it into `$CARGO_HOME/advisory-dbs/`; this stage checks against that copy without
//! touching the network. Where the database could not be fetched (a machine that reaches only
//! the package registries), the advisory check cannot run: the stage then says so in a loud
//! warning, or fails when `SEQ2SEQ_REQUIRE_ADVISORIES=1` (set in the GitHub workflows, which
//! reach GitHub).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::util::{self, cmd};

/// Makes a missing advisory database an error instead of a warning.
pub const REQUIRE_ENV: &str = "SEQ2SEQ_REQUIRE_ADVISORIES";

/// `$CARGO_HOME/advisory-dbs`, where cargo-deny keeps its databases.
pub fn db_root() -> Option<PathBuf> {
    util::cargo_bin_dir().and_then(|bin| bin.parent().map(|home| home.join("advisory-dbs")))
}

/// A fetched database: a folder `advisory-db-*` with a git checkout inside.
pub fn fetched_db() -> Option<PathBuf> {
    let root = db_root()?;
    std::fs::read_dir(root)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("advisory-db"))
                && path.join(".git").exists()
                && path.join("crates").is_dir()
        })
}

/// The date of the database's last commit, for the log.
fn db_date(db: &std::path::Path) -> String {
    let dir = db.to_string_lossy();
    util::probe("git", &["-C", &dir, "log", "-1", "--format=%cs"])
        .unwrap_or_else(|| "unknown date".to_owned())
}

pub fn run() -> Result<()> {
    util::run(&mut cmd(
        "cargo",
        &[
            "deny",
            "check",
            "--hide-inclusion-graph",
            "licenses",
            "bans",
            "sources",
        ],
    ))
    .context("cargo deny: a license, ban or source check failed (policy: deny.toml)")?;

    match fetched_db() {
        Some(db) => {
            println!(
                "advisory database: {} (last commit {})",
                db.display(),
                db_date(&db)
            );
            util::run(&mut cmd(
                "cargo",
                &[
                    "deny",
                    "--offline",
                    "check",
                    "--hide-inclusion-graph",
                    "advisories",
                ],
            ))
            .context(
                "cargo deny: a dependency has a security advisory (see above; policy: deny.toml)",
            )
        }
        None if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") => bail!(
            "the RustSec advisory database is missing from {}: `cargo xtask setup` could not \
             fetch it (github.com unreachable?), and {REQUIRE_ENV}=1 requires the advisory check",
            db_root().map_or_else(
                || "$CARGO_HOME/advisory-dbs".to_owned(),
                |p| p.display().to_string()
            )
        ),
        None => {
            let line = "!".repeat(78);
            println!(
                "{line}\n! ADVISORIES NOT CHECKED: the RustSec advisory database is not on this \
                 machine\n! (`cargo xtask setup` fetches it from github.com, which this machine \
                 cannot reach).\n! Licenses, bans and sources were checked. Set {REQUIRE_ENV}=1 \
                 to make this an error.\n{line}"
            );
            Ok(())
        }
    }
}
