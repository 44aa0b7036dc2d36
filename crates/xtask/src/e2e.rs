//! Browser tests: headless Chromium (Debian's, driven by playwright-core) loads the built page
//! and must show, for every model family, exactly the tokens that seq2seq-core computes natively.
//!
//! xtask writes the native expectations to artifacts/e2e/expected.json, serves dist/ on a free
//! local port and runs tests/e2e/smoke.mjs twice: with WebGPU (SwiftShader) and without it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::demo::{self, DemoOutput};
use crate::server::StaticServer;
use crate::util::{self, cmd, repo_root};

/// Must equal the app's `translate::{SEED, MAX_LEN}`; the page shows them and the test compares.
pub const SEED: u64 = 42;
pub const MAX_LEN: usize = 12;

/// The article's example sentences the test types in.
const TEXTS: [&str; 3] = [
    "I like eating apple",
    "The Apple is a great company",
    "A magazine is stuck in the gun.",
];

#[derive(Serialize)]
struct Case {
    family: String,
    text: String,
    expected: DemoOutput,
}

#[derive(Serialize)]
struct Expected {
    seed: u64,
    max_len: usize,
    title: &'static str,
    cases: Vec<Case>,
    /// Inputs the page must refuse with a visible error.
    bad_inputs: Vec<&'static str>,
}

/// Every family on the first sentence, and one family per further sentence.
fn expected() -> Result<Expected> {
    let mut cases = Vec::new();
    let mut push = |family: &str, text: &str| -> Result<()> {
        let expected = demo::random_translation(family, text, SEED, MAX_LEN)
            .map_err(|err| anyhow::anyhow!("{err}"))
            .with_context(|| format!("native {family} translation of {text:?} failed"))?;
        cases.push(Case {
            family: family.to_owned(),
            text: text.to_owned(),
            expected,
        });
        Ok(())
    };
    for family in demo::FAMILIES {
        push(family, TEXTS[0])?;
    }
    for (i, text) in TEXTS.iter().enumerate().skip(1) {
        push(demo::FAMILIES[(i * 2) % demo::FAMILIES.len()], text)?;
    }
    Ok(Expected {
        seed: SEED,
        max_len: MAX_LEN,
        title: "从RNN到Attention · Seq2Seq Playground",
        cases,
        bad_inputs: vec!["", "   "],
    })
}

/// A served dist/ and the expectations file, shared by both browser runs.
pub struct Fixture {
    server: StaticServer,
    expected: PathBuf,
    artifacts: PathBuf,
}

pub fn prepare() -> Result<Fixture> {
    let root = repo_root();
    let artifacts = root.join("artifacts").join("e2e");
    std::fs::create_dir_all(&artifacts)
        .with_context(|| format!("cannot create {}", artifacts.display()))?;
    let expected_path = artifacts.join("expected.json");
    let json = serde_json::to_string_pretty(&expected()?)?;
    std::fs::write(&expected_path, json)
        .with_context(|| format!("cannot write {}", expected_path.display()))?;
    let server = StaticServer::start(&root.join("dist"), "127.0.0.1", 0, false)?;
    println!("serving dist/ at {} for the browser tests", server.url);
    Ok(Fixture {
        server,
        expected: expected_path,
        artifacts,
    })
}

/// One browser run: `mode` is "webgpu" (SwiftShader adapter expected) or "cpu" (no adapter).
pub fn run_mode(fixture: &Fixture, mode: &str) -> Result<()> {
    let mut command = cmd("node", &["tests/e2e/smoke.mjs"]);
    command
        .env("E2E_URL", &fixture.server.url)
        .env("E2E_MODE", mode)
        .env("E2E_EXPECTED", &fixture.expected)
        .env("E2E_ARTIFACTS", &fixture.artifacts)
        .env("CHROMIUM", crate::setup::chromium_path());
    util::run(&mut command).with_context(|| {
        format!(
            "browser test ({mode}) failed; see the log above and {}",
            fixture.artifacts.display()
        )
    })
}

/// `cargo xtask e2e`: both browser runs against the existing dist/.
pub fn run() -> Result<()> {
    let fixture = prepare()?;
    for mode in ["webgpu", "cpu"] {
        util::banner(&format!("browser test ({mode})"));
        run_mode(&fixture, mode)?;
    }
    Ok(())
}
