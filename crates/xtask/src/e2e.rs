//! Browser tests: headless Chromium (Debian's, driven by playwright-core) loads the built page and
//! runs every view's checks (tests/e2e/views/*.mjs, through tests/e2e/run.mjs), once with WebGPU
//! (SwiftShader) and once without it (CPU fallback, plus the accessibility checks,
//! tests/e2e/a11y.mjs); then Debian's Firefox ESR (puppeteer-core over WebDriver BiDi) runs the
//! Translate and Step through views on the CPU. `E2E_BROWSERS=chromium` or `=firefox` narrows.
//!
//! The translations the page must show come from the translate CLI (`seq2seq-train translate`,
//! the same seq2seq-core code, natively) for every case in tests/e2e/cases.json and each model's
//! 2-sentence ladder example in www/models/index.json; xtask writes
//! them to artifacts/e2e/expected.json before the browser starts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::server::StaticServer;
use crate::util::{self, cmd, repo_root};

/// The browser test runner.
pub const RUNNER: &str = "tests/e2e/run.mjs";

#[derive(Clone, Debug, Deserialize, Serialize)]
struct Case {
    model: String,
    beam: usize,
    text: String,
    /// The CLI's translation (filled in by xtask).
    #[serde(default)]
    output: String,
    /// The CLI's perplexity of that translation (filled in by xtask).
    #[serde(default)]
    perplexity: f64,
}

#[derive(Serialize)]
struct Expected {
    cases: Vec<Case>,
    /// The memory view's numbers from `seq2seq-train memory` (crate::e2e_memory).
    memory: Vec<crate::e2e_memory::MemoryCase>,
}

/// The Fixed c vs attention view offers each model's ladder examples (www/models/index.json);
/// its test clicks the 2-sentence one with greedy decoding, for every model.
fn ladder_cases(root: &std::path::Path) -> Result<Vec<Case>> {
    let path = root.join("www/models/index.json");
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?,
    )?;
    let mut cases = Vec::new();
    for model in index["models"].as_array().into_iter().flatten() {
        let examples = model["ladder"]["examples"].as_array().into_iter().flatten();
        for example in examples {
            if example[0].as_u64() == Some(2) {
                cases.push(Case {
                    model: model["id"].as_str().unwrap_or_default().to_owned(),
                    beam: 1,
                    text: example[1].as_str().unwrap_or_default().to_owned(),
                    output: String::new(),
                    perplexity: 0.0,
                });
            }
        }
    }
    Ok(cases)
}

/// Run the translate CLI once per (model, beam) with all that pair's texts on stdin.
fn expected() -> Result<Expected> {
    let root = repo_root();
    let path = root.join("tests/e2e/cases.json");
    let mut cases: Vec<Case> = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not a list of {{model, beam, text}}", path.display()))?;
    cases.extend(ladder_cases(&root)?);
    util::run(&mut cmd("cargo", &["build", "-j2", "-p", "seq2seq-train"]))
        .context("cannot build the translate CLI")?;
    // Where cargo put it (CARGO_TARGET_DIR may point elsewhere than target/).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cli = target.join("debug").join("seq2seq-train");
    let mut groups: BTreeMap<(String, usize), Vec<usize>> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        if case.text.contains('\n') {
            bail!("case {i}: texts are one line each");
        }
        groups
            .entry((case.model.clone(), case.beam))
            .or_default()
            .push(i);
    }
    for ((model, beam), indices) in groups {
        let mut child = std::process::Command::new(&cli)
            .args(["translate", "--perplexity", "--model", &model])
            .args(["--beam", &beam.to_string()])
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", cli.display()))?;
        let mut input = String::new();
        for &i in &indices {
            input += &cases[i].text;
            input.push('\n');
        }
        child
            .stdin
            .take()
            .context("no stdin")?
            .write_all(input.as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!("translate --model {model} --beam {beam} failed");
        }
        let text = String::from_utf8(output.stdout)?;
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() != indices.len() {
            bail!(
                "translate --model {model}: {} lines for {} inputs",
                lines.len(),
                indices.len()
            );
        }
        for (&i, line) in indices.iter().zip(lines) {
            let (output, perplexity) = line
                .rsplit_once('\t')
                .with_context(|| format!("translate --perplexity printed {line:?}"))?;
            cases[i].output = output.to_owned();
            cases[i].perplexity = perplexity
                .parse()
                .with_context(|| format!("perplexity {perplexity:?}"))?;
        }
        println!("expected: {model} beam {beam}: {} sentences", indices.len());
    }
    let memory = crate::e2e_memory::expected(&root, &cli)?;
    Ok(Expected { cases, memory })
}

/// A served dist/ and the expectations file, shared by both browser runs.
pub struct Fixture {
    pub server: StaticServer,
    pub expected: PathBuf,
    pub artifacts: PathBuf,
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
    let server = StaticServer::start_with_faults(&root.join("dist"))?;
    println!("serving dist/ at {} for the browser tests", server.url);
    Ok(Fixture {
        server,
        expected: expected_path,
        artifacts,
    })
}

/// One run of the suite: a browser (run.mjs's `E2E_BROWSER`) with or without WebGPU (`E2E_MODE`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BrowserRun {
    pub browser: &'static str,
    pub mode: &'static str,
    pub title: &'static str,
}

/// Every run, in order. Firefox ESR has no WebGPU on Linux: the CPU path only, and run.mjs
/// limits it to the views that claim it (FIREFOX_VIEWS).
pub const BROWSER_RUNS: [BrowserRun; 3] = [
    BrowserRun {
        browser: "chromium",
        mode: "webgpu",
        title: "browser test (Chromium, WebGPU: --enable-unsafe-webgpu)",
    },
    BrowserRun {
        browser: "chromium",
        mode: "cpu",
        title: "browser test (Chromium, CPU fallback: no WebGPU; axe + keyboard)",
    },
    BrowserRun {
        browser: "firefox",
        mode: "cpu",
        title: "browser test (Firefox ESR, CPU: translate, step)",
    },
];

/// The runs `E2E_BROWSERS` (comma-separated: chromium, firefox) selects; all when unset.
pub fn selected_runs() -> Result<Vec<BrowserRun>> {
    let wanted = std::env::var("E2E_BROWSERS").unwrap_or_default();
    select_runs(&wanted)
}

fn select_runs(wanted: &str) -> Result<Vec<BrowserRun>> {
    let names: Vec<&str> = wanted
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(unknown) = names
        .iter()
        .find(|name| !BROWSER_RUNS.iter().any(|run| run.browser == **name))
    {
        bail!("E2E_BROWSERS names {unknown:?}: the browsers are chromium and firefox");
    }
    Ok(BROWSER_RUNS
        .into_iter()
        .filter(|run| names.is_empty() || names.contains(&run.browser))
        .collect())
}

/// One browser run against the fixture's server.
pub fn run_browser(fixture: &Fixture, run: BrowserRun) -> Result<()> {
    run_runner(
        &fixture.server.url,
        run,
        &fixture.expected,
        &fixture.artifacts,
    )
}

/// Run tests/e2e/run.mjs against `url` (E2E_VIEWS in the environment narrows the views).
pub fn run_runner(
    url: &str,
    run: BrowserRun,
    expected: &std::path::Path,
    artifacts: &std::path::Path,
) -> Result<()> {
    let mode = run.mode;
    let mut command = cmd("node", &[RUNNER]);
    command
        .env("E2E_URL", url)
        .env("E2E_MODE", mode)
        .env("E2E_BROWSER", run.browser)
        .env("E2E_EXPECTED", expected)
        .env("E2E_ARTIFACTS", artifacts)
        .env("CHROMIUM", crate::setup::chromium_path())
        .env("FIREFOX", crate::setup::firefox_path());
    // The same dist/ behind a broken host, and with a GPU below the kernels' limits (only the
    // fixture's server has them).
    if let Some(origin) = url
        .strip_suffix('/')
        .filter(|u| u.matches('/').count() == 2)
    {
        command.env(
            "E2E_FAULTS_URL",
            format!("{origin}{}", crate::server::FAULTS_PREFIX),
        );
        command.env(
            "E2E_SMALL_GPU_URL",
            format!("{origin}{}", crate::server::SMALL_GPU_PREFIX),
        );
    }
    util::run(&mut command).with_context(|| {
        format!(
            "browser test ({} {mode}) failed; see the log above and {}",
            run.browser,
            artifacts.display()
        )
    })
}

/// `cargo xtask e2e`: the browser runs against the existing dist/, each timed.
pub fn run() -> Result<()> {
    let runs = selected_runs()?;
    let fixture = prepare()?;
    let mut times = Vec::new();
    for run in runs {
        util::banner(run.title);
        let (result, elapsed) = util::timed(|| run_browser(&fixture, run));
        times.push(format!("  {:>8}  {}", util::seconds(elapsed), run.title));
        result?;
    }
    println!("\nbrowser runs:\n{}", times.join("\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e2e_browsers_narrows_the_runs() {
        assert_eq!(select_runs("").unwrap().len(), 3);
        let firefox = select_runs("firefox").unwrap();
        assert_eq!(firefox.len(), 1);
        assert_eq!((firefox[0].browser, firefox[0].mode), ("firefox", "cpu"));
        assert_eq!(select_runs(" chromium ,").unwrap().len(), 2);
        assert!(select_runs("safari").is_err());
    }
}
