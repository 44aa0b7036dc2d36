//! `cargo xtask test`: every check in order, stopping at the first failure.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::util::{self, cmd, repo_root};

/// Records each stage's time and prints a summary, also when a stage fails.
#[derive(Default)]
struct Stages {
    done: Vec<(String, Duration, String)>,
}

impl Stages {
    fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        util::banner(name);
        let (result, elapsed) = util::timed(f);
        let status = if result.is_ok() { "ok" } else { "FAILED" };
        self.done
            .push((name.to_owned(), elapsed, status.to_owned()));
        match result {
            Ok(value) => {
                println!("✓ {name} ({})", util::seconds(elapsed));
                Ok(value)
            }
            Err(err) => {
                let line = "✗".repeat(39);
                eprintln!(
                    "\n{line}\n✗ stage failed: {name} ({})\n{line}",
                    util::seconds(elapsed)
                );
                self.summary();
                Err(err.context(format!("stage `{name}` failed")))
            }
        }
    }

    fn summary(&self) {
        println!("\nstage timings:");
        for (name, elapsed, status) in &self.done {
            println!("  {status:>6}  {:>8}  {name}", util::seconds(*elapsed));
        }
    }
}

/// Stage keys for `cargo xtask test --skip …`, in the order the stages run.
pub const STAGE_KEYS: [&str; 10] = [
    "setup",
    "fmt",
    "deny",
    "clippy",
    "clippy-wasm",
    "unit",
    "build",
    "budget",
    "e2e",
    "subpath",
];

pub fn run(skip: &[String]) -> Result<()> {
    let mut stages = Stages::default();
    let on = |key: &str| {
        let run = !skip.iter().any(|s| s == key);
        if !run {
            println!("(skipping stage `{key}`)");
        }
        run
    };
    if on("setup") {
        stages.run("setup", crate::setup::run)?;
    }
    if on("fmt") {
        stages.run("cargo fmt --all -- --check", || {
            util::run(&mut cmd("cargo", &["fmt", "--all", "--", "--check"]))
                .context("formatting differs: run `cargo fmt --all`")
        })?;
    }
    if on("deny") {
        stages.run(
            "cargo deny (licenses, bans, sources, advisories)",
            crate::deny::run,
        )?;
    }
    if on("clippy") {
        stages.run("clippy (native, all targets)", || {
            util::run(&mut cmd(
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))
        })?;
    }
    if on("clippy-wasm") {
        stages.run("clippy (wasm32: core, gpu, app)", || {
            util::run(&mut cmd(
                "cargo",
                &[
                    "clippy",
                    "-p",
                    "seq2seq-core",
                    "-p",
                    "seq2seq-gpu",
                    "-p",
                    "seq2seq-app",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))
        })?;
    }
    let counts = if on("unit") {
        Some(stages.run("cargo test --workspace", run_workspace_tests)?)
    } else {
        None
    };
    if on("build") {
        stages.run("trunk build --release", trunk_build)?;
    }
    if on("budget") {
        stages.run(
            "size budgets (wasm, first load, models)",
            crate::budget::run,
        )?;
    }
    if on("e2e") {
        let runs = crate::e2e::selected_runs()?;
        let fixture = stages.run(
            "browser test: expectations + static server",
            crate::e2e::prepare,
        )?;
        for run in runs {
            stages.run(run.title, || crate::e2e::run_browser(&fixture, run))?;
        }
    }
    if on("subpath") {
        stages.run(
            &format!(
                "browser test under a sub-path ({}, CPU)",
                crate::subpath::PREFIX
            ),
            crate::subpath::run,
        )?;
    }

    if skip.is_empty() {
        util::banner("all checks passed");
    } else {
        util::banner(&format!("checks passed (skipped: {})", skip.join(", ")));
    }
    if let Some(counts) = &counts {
        print_counts(counts);
    }
    stages.summary();
    Ok(())
}

/// `trunk build --release` into dist/, then the size of what a reader downloads.
pub fn trunk_build() -> Result<()> {
    util::run(&mut cmd("trunk", &["build", "--release"]))
        .context("`trunk build --release` failed (setup: `cargo xtask setup`)")?;
    report_sizes(&repo_root().join("dist"))
}

fn report_sizes(dist: &Path) -> Result<()> {
    let mut total = (0, 0);
    println!("dist/ (first load, without models/):");
    let mut entries: Vec<_> = std::fs::read_dir(dist)
        .context("dist/ is missing after the build")?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let bytes = std::fs::read(entry.path())?;
        let gz = crate::budget::gzipped_len(&bytes)?;
        total = (total.0 + bytes.len(), total.1 + gz);
        println!(
            "  {:>10} B raw  {:>10} B gzip  {}",
            bytes.len(),
            gz,
            entry.file_name().to_string_lossy()
        );
    }
    println!("  {:>10} B raw  {:>10} B gzip  total", total.0, total.1);
    Ok(())
}

#[derive(Default, Clone, Copy)]
struct Count {
    passed: u64,
    failed: u64,
    ignored: u64,
}

/// Names the package of each test binary and doc-test run of the workspace.
#[derive(Default)]
struct Targets {
    /// Test executable file name (`seq2seq_core-0123abcd`) → package.
    executables: HashMap<String, String>,
    /// Library target name (`seq2seq_core`) → package, for `Doc-tests <lib>` lines.
    libraries: HashMap<String, String>,
    packages: Vec<String>,
}

impl Targets {
    /// Builds every test binary (`cargo test --no-run`, diagnostics shown as usual) and records
    /// which package each executable belongs to, from cargo's JSON artifact messages.
    fn build() -> Result<Self> {
        let output = cmd("cargo", &["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .context("cannot run `cargo metadata`")?;
        if !output.status.success() {
            bail!(
                "`cargo metadata` failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let mut targets = Self::default();
        let mut by_manifest = HashMap::new();
        for package in metadata["packages"].as_array().into_iter().flatten() {
            let name = package["name"].as_str().unwrap_or("?").to_owned();
            for target in package["targets"].as_array().into_iter().flatten() {
                let is_lib = target["kind"].as_array().is_some_and(|kinds| {
                    kinds
                        .iter()
                        .any(|k| k.as_str().is_some_and(|k| k.ends_with("lib")))
                });
                if is_lib {
                    let lib = target["name"].as_str().unwrap_or("").replace('-', "_");
                    targets.libraries.insert(lib, name.clone());
                }
            }
            by_manifest.insert(
                package["manifest_path"].as_str().unwrap_or("").to_owned(),
                name.clone(),
            );
            targets.packages.push(name);
        }

        let mut command = cmd(
            "cargo",
            &[
                "test",
                "--workspace",
                "--no-run",
                "--message-format=json-render-diagnostics",
            ],
        );
        println!("$ {}", util::display(&command));
        let output = command
            .stderr(Stdio::inherit())
            .output()
            .context("cannot start `cargo test --no-run`")?;
        if !output.status.success() {
            bail!("the tests do not compile ({})", output.status);
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let (Some(executable), Some(manifest)) = (
                message["executable"].as_str(),
                message["manifest_path"].as_str(),
            ) else {
                continue;
            };
            if let (Some(file), Some(package)) =
                (Path::new(executable).file_name(), by_manifest.get(manifest))
            {
                targets
                    .executables
                    .insert(file.to_string_lossy().into_owned(), package.clone());
            }
        }
        Ok(targets)
    }
}

/// `     Running unittests src/lib.rs (target/debug/deps/seq2seq_core-0123abcd)` → package.
fn running_package(line: &str, targets: &Targets) -> Option<String> {
    let rest = line.trim().strip_prefix("Running ")?;
    let (_, exe) = rest.rsplit_once(" (")?;
    let file = Path::new(exe.trim_end_matches(')'))
        .file_name()?
        .to_string_lossy();
    Some(
        targets
            .executables
            .get(file.as_ref())
            .cloned()
            .unwrap_or_else(|| format!("? ({file})")),
    )
}

/// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; …`
fn parse_result(line: &str) -> Option<Count> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let mut count = Count::default();
    for part in rest.split([';', '.']) {
        let mut words = part.split_whitespace();
        let (Some(number), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse::<u64>() else {
            continue;
        };
        match kind {
            "passed" => count.passed = number,
            "failed" => count.failed = number,
            "ignored" => count.ignored = number,
            _ => {}
        }
    }
    Some(count)
}

/// `cargo test --workspace`, echoing its output and counting the tests of each package.
fn run_workspace_tests() -> Result<BTreeMap<String, Count>> {
    let targets = Targets::build()?;
    let mut counts: BTreeMap<String, Count> = targets
        .packages
        .iter()
        .map(|name| (name.clone(), Count::default()))
        .collect();
    let (reader, writer) = std::io::pipe().context("cannot create a pipe")?;
    let mut child = {
        let mut command = cmd("cargo", &["test", "--workspace"]);
        // setup installed lavapipe (mesa-vulkan-drivers): the GPU tests must run, never skip,
        // even when the caller's shell allows it (crates/gpu/tests/common/mod.rs).
        command.env_remove("SEQ2SEQ_ALLOW_NO_GPU");
        command.stdout(writer.try_clone()?).stderr(writer);
        println!("$ {}", util::display(&command));
        command.spawn().context("cannot start `cargo test`")?
    };
    let mut current = String::from("?");
    for line in BufReader::new(reader).lines() {
        let line = line?;
        println!("{line}");
        if let Some(package) = running_package(&line, &targets) {
            current = package;
        } else if let Some(lib) = line.trim().strip_prefix("Doc-tests ") {
            current = targets
                .libraries
                .get(lib.trim())
                .cloned()
                .unwrap_or_else(|| format!("? ({lib})"));
        } else if let Some(count) = parse_result(&line) {
            let entry = counts.entry(current.clone()).or_default();
            entry.passed += count.passed;
            entry.failed += count.failed;
            entry.ignored += count.ignored;
        }
    }
    let status = child.wait()?;
    print_counts(&counts);
    if !status.success() {
        bail!("`cargo test --workspace` failed ({status})");
    }
    Ok(counts)
}

fn print_counts(counts: &BTreeMap<String, Count>) {
    println!("\ntests per crate:");
    let mut total = Count::default();
    for (package, count) in counts {
        println!(
            "  {:<16} {:>5} passed  {:>3} failed  {:>3} ignored",
            package, count.passed, count.failed, count.ignored
        );
        total.passed += count.passed;
        total.failed += count.failed;
        total.ignored += count.ignored;
    }
    println!(
        "  {:<16} {:>5} passed  {:>3} failed  {:>3} ignored",
        "total", total.passed, total.failed, total.ignored
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_test_result_line() {
        let count = parse_result(
            "test result: ok. 12 passed; 1 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        )
        .unwrap();
        assert_eq!((count.passed, count.failed, count.ignored), (12, 1, 3));
        assert!(parse_result("running 12 tests").is_none());
    }

    #[test]
    fn names_the_package_of_a_test_binary() {
        let mut targets = Targets::default();
        targets
            .executables
            .insert("golden-99aa".into(), "seq2seq-gpu".into());
        let line = "     Running tests/golden.rs (target/debug/deps/golden-99aa)";
        assert_eq!(running_package(line, &targets).unwrap(), "seq2seq-gpu");
        let line = "     Running unittests src/lib.rs (target/debug/deps/other-11bb)";
        assert_eq!(running_package(line, &targets).unwrap(), "? (other-11bb)");
        assert!(running_package("   Compiling x v0.1.0", &targets).is_none());
    }
}
