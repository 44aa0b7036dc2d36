//! Small helpers: the repository root, PATH, running commands with a clear error.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The workspace root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask lies two levels below the workspace root")
        .to_path_buf()
}

/// `$CARGO_HOME/bin`, where `cargo install` puts trunk and wasm-bindgen.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin"))
}

/// Run from the repository root, with `node_modules/.bin` (wasm-opt, playwright) and cargo's
/// bin folder (trunk, wasm-bindgen) first on PATH, for this process and every child.
pub fn prepare_environment() -> Result<()> {
    let root = repo_root();
    std::env::set_current_dir(&root)
        .with_context(|| format!("cannot enter the repository root {}", root.display()))?;
    let mut paths = vec![root.join("node_modules").join(".bin")];
    paths.extend(cargo_bin_dir());
    if let Some(path) = std::env::var_os("PATH") {
        let first = paths.clone();
        paths.extend(std::env::split_paths(&path).filter(|p| !first.contains(p)));
    }
    let joined = std::env::join_paths(paths).context("PATH holds an invalid entry")?;
    std::env::set_var("PATH", joined);
    Ok(())
}

/// A command run from the repository root.
pub fn cmd(program: impl AsRef<OsStr>, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(repo_root());
    command
}

pub fn display(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Run with inherited output; an error names the command and its exit status.
pub fn run(command: &mut Command) -> Result<()> {
    let text = display(command);
    println!("$ {text}");
    let status = command
        .status()
        .with_context(|| format!("cannot start `{text}` (is it installed and on PATH?)"))?;
    if !status.success() {
        bail!("`{text}` failed ({status})");
    }
    Ok(())
}

/// First line of `program args` on stdout when it runs and succeeds; `None` otherwise.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = cmd(program, args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_owned())
}

/// A loud header for each stage so a failure is easy to place in a long log.
pub fn banner(title: &str) {
    let line = "═".repeat(78);
    println!("\n{line}\n▶ {title}\n{line}");
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> Result<T>) -> (Result<T>, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}
