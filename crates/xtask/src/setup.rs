//! `cargo xtask setup`: install what is missing, fast when everything is present.
//!
//! The verified recipe (see ../shared/GUIDE.md): the wasm32 target; trunk 0.21.14; wasm-bindgen-cli
//! at exactly Cargo.lock's `wasm-bindgen` version (installed without `--locked`); the npm packages
//! of package-lock.json (playwright-core, puppeteer-core for Firefox, axe-core, binaryen 132 for
//! wasm-opt); Debian's chromium, firefox-esr, mesa-vulkan-drivers, libvulkan1 (and a CJK font for
//! readable screenshots); cargo-deny and,
//! where GitHub is reachable, the RustSec advisory database it checks against.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::util::{self, cmd, probe, repo_root};

pub const TRUNK_VERSION: &str = "0.21.14";
/// Builds with rustc 1.95 (measured: `cargo install` took 6 min 39 s on 2 busy cores).
pub const CARGO_DENY_VERSION: &str = "0.20.2";
pub const WASM_OPT_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Chromium and Firefox ESR for the browser tests, lavapipe (Vulkan on the CPU) for GPU tests
/// without a GPU, and a small CJK font so screenshots show the Chinese text instead of empty boxes.
const APT_PACKAGES: [&str; 5] = [
    "chromium",
    "firefox-esr",
    "mesa-vulkan-drivers",
    "libvulkan1",
    "fonts-wqy-microhei",
];

/// The browser the tests drive: `$CHROMIUM`, else Debian's.
pub fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// The Firefox the tests drive: `$FIREFOX`, else Debian's ESR (puppeteer-core over WebDriver
/// BiDi, which the stock build speaks; Playwright's Firefox would need Mozilla's patched build).
pub fn firefox_path() -> String {
    std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".to_owned())
}

pub fn run() -> Result<()> {
    println!("setup: checking tools (installs only what is missing)");
    let start = Instant::now();
    rust_target()?;
    apt_packages()?;
    node()?;
    npm_packages()?;
    trunk()?;
    wasm_bindgen()?;
    cargo_deny()?;
    advisory_db();
    println!(
        "setup: everything present ({})",
        util::seconds(start.elapsed())
    );
    Ok(())
}

fn ok(what: &str) {
    println!("  ✓ {what}");
}

fn installing(what: &str, note: &str) {
    println!("  … installing {what} {note}");
}

fn rust_target() -> Result<()> {
    if probe("rustup", &["--version"]).is_none() {
        // Without rustup, the toolchain must already have the target.
        let libdir = probe(
            "rustc",
            &["--print", "target-libdir", "--target", WASM_TARGET],
        )
        .context("neither rustup nor rustc found: install Rust from https://rustup.rs")?;
        if !Path::new(&libdir).exists() {
            bail!("rustc has no {WASM_TARGET} standard library and rustup is missing: install Rust with rustup (https://rustup.rs)");
        }
        ok(&format!("{WASM_TARGET} target (no rustup)"));
        return Ok(());
    }
    let installed = util::cmd("rustup", &["target", "list", "--installed"])
        .output()
        .context("cannot run `rustup target list`")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        ok(&format!("rustup target {WASM_TARGET}"));
    } else {
        installing(WASM_TARGET, "(rustup)");
        util::run(&mut cmd("rustup", &["target", "add", WASM_TARGET]))
            .context("cannot add the wasm32 target with rustup")?;
    }
    let components = util::cmd("rustup", &["component", "list", "--installed"])
        .output()
        .context("cannot run `rustup component list`")?;
    let components = String::from_utf8_lossy(&components.stdout);
    for component in ["rustfmt", "clippy"] {
        if components.lines().any(|line| line.starts_with(component)) {
            ok(&format!("rustup component {component}"));
        } else {
            installing(component, "(rustup)");
            util::run(&mut cmd("rustup", &["component", "add", component]))?;
        }
    }
    Ok(())
}

fn dpkg_installed(package: &str) -> bool {
    probe("dpkg-query", &["-W", "-f=${Status}", package])
        .is_some_and(|status| status.ends_with("install ok installed"))
}

/// `apt-get` as root, through sudo otherwise (a clear error when neither works).
fn apt_get(args: &[&str]) -> Result<()> {
    let is_root = probe("id", &["-u"]).as_deref() == Some("0");
    let mut command = if is_root {
        cmd("apt-get", args)
    } else if probe("sudo", &["-n", "true"]).is_some() {
        let mut command = cmd("sudo", &["-n", "apt-get"]);
        command.args(args);
        command
    } else {
        bail!(
            "need root to run `apt-get {}`: run it yourself with sudo, then re-run this command",
            args.join(" ")
        );
    };
    command.env("DEBIAN_FRONTEND", "noninteractive");
    util::run(&mut command)
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let mut args = vec!["install", "-y"];
    args.extend_from_slice(packages);
    if apt_get(&args).is_err() {
        println!("  … apt-get install failed; refreshing the package lists and retrying");
        apt_get(&["update"])?;
        apt_get(&args).with_context(|| {
            format!("cannot install the Debian packages {}", packages.join(", "))
        })?;
    }
    Ok(())
}

fn apt_packages() -> Result<()> {
    if probe("dpkg-query", &["--version"]).is_none() {
        // Not Debian: we cannot install, but the tests only need the two browsers' binaries.
        let chromium = chromium_path();
        if !Path::new(&chromium).exists() {
            bail!(
                "not a Debian system and no Chromium at {chromium}: install Chromium and set \
                 CHROMIUM=/path/to/chromium (mesa Vulkan drivers are needed for GPU tests without a GPU)"
            );
        }
        let firefox = firefox_path();
        if !Path::new(&firefox).exists() {
            bail!(
                "not a Debian system and no Firefox at {firefox}: install Firefox (ESR 140 is \
                 tested) and set FIREFOX=/path/to/firefox"
            );
        }
        ok(&format!(
            "chromium at {chromium}, firefox at {firefox} (not Debian: Vulkan drivers not checked)"
        ));
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .into_iter()
        .filter(|package| !dpkg_installed(package))
        .collect();
    for package in APT_PACKAGES.iter().filter(|p| !missing.contains(p)) {
        ok(&format!("Debian package {package}"));
    }
    if !missing.is_empty() {
        installing(&missing.join(" "), "(apt-get, a few minutes)");
        apt_install(&missing)?;
    }
    Ok(())
}

fn node() -> Result<()> {
    let version = match probe("node", &["--version"]) {
        Some(version) => version,
        None if probe("dpkg-query", &["--version"]).is_some() => {
            installing("nodejs npm", "(apt-get)");
            apt_install(&["nodejs", "npm"])?;
            probe("node", &["--version"]).context("node still missing after installing nodejs")?
        }
        None => bail!("Node.js (≥ 18) with npm is needed: install it from https://nodejs.org"),
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        bail!("Node.js {version} is too old: playwright-core needs Node.js ≥ 18");
    }
    if probe("npm", &["--version"]).is_none() {
        bail!("npm is missing (Node.js {version} is present): install npm");
    }
    ok(&format!("node {version}"));
    Ok(())
}

/// Every package of package-lock.json is installed at its locked version.
fn npm_packages_match() -> Result<bool> {
    let root = repo_root();
    let lock_text = std::fs::read_to_string(root.join("package-lock.json"))
        .context("package-lock.json is missing from the repository")?;
    let lock: serde_json::Value =
        serde_json::from_str(&lock_text).context("package-lock.json is not valid JSON")?;
    let Some(packages) = lock["packages"].as_object() else {
        bail!("package-lock.json has no \"packages\" (lockfileVersion ≥ 2 expected)");
    };
    for (path, entry) in packages.iter().filter(|(path, _)| !path.is_empty()) {
        let Some(locked) = entry["version"].as_str() else {
            continue;
        };
        let installed = std::fs::read_to_string(root.join(path).join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|json| json["version"].as_str().map(str::to_owned));
        if installed.as_deref() != Some(locked) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn npm_packages() -> Result<()> {
    if npm_packages_match()? {
        ok("npm packages of package-lock.json");
    } else {
        installing("npm packages", "(npm ci)");
        util::run(&mut cmd("npm", &["ci", "--no-audit", "--no-fund"]))
            .context("`npm ci` failed: is the registry reachable?")?;
    }
    let version = probe("wasm-opt", &["--version"]).unwrap_or_default();
    if !version.contains(&format!("version {WASM_OPT_VERSION}")) {
        bail!(
            "wasm-opt {WASM_OPT_VERSION} expected from node_modules/.bin (npm package binaryen), found {:?}",
            version
        );
    }
    ok(&format!("wasm-opt {WASM_OPT_VERSION} (npm binaryen)"));
    Ok(())
}

fn trunk() -> Result<()> {
    let expected = format!("trunk {TRUNK_VERSION}");
    match probe("trunk", &["--version"]) {
        Some(version) if version == expected => {
            ok(&expected);
            return Ok(());
        }
        Some(other) => installing(
            &expected,
            &format!("(found {other}; cargo install, ~7 min)"),
        ),
        None => installing(&expected, "(cargo install, ~7 min)"),
    }
    util::run(&mut cmd(
        "cargo",
        &[
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ],
    ))
    .context("cannot install trunk")
}

/// The `wasm-bindgen` version Cargo.lock resolved; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let root = repo_root();
    let lock_path = root.join("Cargo.lock");
    if !lock_path.exists() {
        util::run(&mut cmd("cargo", &["generate-lockfile"]))?;
    }
    let lock = std::fs::read_to_string(&lock_path).context("cannot read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package (the app crate depends on it through yew)")
}

fn wasm_bindgen() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let trunk_toml =
        std::fs::read_to_string(repo_root().join("Trunk.toml")).context("Trunk.toml is missing")?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        bail!(
            "Trunk.toml's [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen {version}: \
             set `wasm_bindgen = \"{version}\"` in Trunk.toml"
        );
    }
    let expected = format!("wasm-bindgen {version}");
    match probe("wasm-bindgen", &["--version"]) {
        Some(found) if found == expected => {
            ok(&expected);
            return Ok(());
        }
        Some(other) => installing(
            &expected,
            &format!("(found {other}; cargo install, ~2 min)"),
        ),
        None => installing(&expected, "(cargo install, ~2 min)"),
    }
    // No --locked: one of wasm-bindgen-cli's locked dependencies is not in the registry.
    util::run(&mut cmd(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ],
    ))
    .context("cannot install wasm-bindgen-cli")
}

fn cargo_deny() -> Result<()> {
    let expected = format!("cargo-deny {CARGO_DENY_VERSION}");
    match probe("cargo-deny", &["--version"]) {
        Some(version) if version == expected => {
            ok(&expected);
            return Ok(());
        }
        Some(other) => installing(
            &expected,
            &format!("(found {other}; cargo install, ~7 min)"),
        ),
        None => installing(&expected, "(cargo install, ~7 min)"),
    }
    util::run(&mut cmd(
        "cargo",
        &[
            "install",
            "cargo-deny",
            "--version",
            CARGO_DENY_VERSION,
            "--locked",
            "--force",
        ],
    ))
    .context("cannot install cargo-deny")
}

/// The RustSec advisory database for `cargo deny check advisories`: fetched when missing or
/// older than a day. It is a git repository on GitHub, so a machine that reaches only the
/// package registries cannot fetch it; that is not a set-up failure (the deny stage reports it).
fn advisory_db() {
    const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    if let Some(db) = crate::deny::fetched_db() {
        let fresh = std::fs::metadata(db.join(".git").join("FETCH_HEAD"))
            .or_else(|_| std::fs::metadata(db.join(".git").join("HEAD")))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age < MAX_AGE);
        if fresh {
            ok("RustSec advisory database (fetched less than a day ago)");
            return;
        }
    }
    installing("the RustSec advisory database", "(cargo deny fetch db)");
    let fetched = cmd("cargo", &["deny", "fetch", "db"])
        .stdin(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if fetched && crate::deny::fetched_db().is_some() {
        ok("RustSec advisory database");
    } else {
        println!(
            "  ! the RustSec advisory database could not be fetched (github.com unreachable?): \
             `cargo xtask test` will check licenses, bans and sources, but not advisories"
        );
    }
}
