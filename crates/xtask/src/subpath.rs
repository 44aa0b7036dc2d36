//! The page served under a sub-path, as a static host serves a project site
//! (`https://user.github.io/playground/`): every URL in dist/ must be relative.
//!
//! Two checks: a static scan of dist/'s HTML and CSS for root-absolute or external URLs, then the
//! browser test in CPU mode against `http://127.0.0.1:PORT/playground/`, where the server answers
//! 404 to anything outside the prefix (so a root-absolute request fails the browser test).

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::server::StaticServer;
use crate::util::{self, cmd, repo_root};

/// The prefix the stage serves dist/ under.
pub const PREFIX: &str = "/playground/";

/// The browser test runner, the first that exists: every view's checks (tests/e2e/run.mjs), or
/// the older single smoke test. Each reads the page URL from `E2E_URL`.
pub const RUNNERS: [&str; 2] = ["tests/e2e/run.mjs", "tests/e2e/smoke.mjs"];

/// URL-bearing attributes and CSS `url(` with a value that is root-absolute (`/x`),
/// protocol-relative (`//host/x`) or external (`http:`/`https:`): `(file, excerpt)` for each.
pub fn absolute_urls(name: &str, text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let lower = text.to_ascii_lowercase();
    for marker in [
        "src=\"",
        "src='",
        "href=\"",
        "href='",
        "action=\"",
        "url(\"",
        "url('",
        "url(",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(marker) {
            let start = from + at + marker.len();
            let value = &lower[start..];
            let bad =
                value.starts_with('/') || value.starts_with("http:") || value.starts_with("https:");
            if bad {
                let excerpt: String = text[start..]
                    .chars()
                    .take_while(|&c| !matches!(c, '"' | '\'' | ')' | '\n'))
                    .take(80)
                    .collect();
                found.push((name.to_owned(), excerpt));
            }
            from = start;
        }
    }
    found
}

/// Scans dist/'s `.html` and `.css` files (models aside).
pub fn scan(dist: &Path) -> Result<()> {
    let mut found = Vec::new();
    let mut stack = vec![dist.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                if path != dist.join("models") {
                    stack.push(path);
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "html" | "css") {
                let text = std::fs::read_to_string(&path)?;
                let name = path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                found.extend(absolute_urls(&name, &text));
            }
        }
    }
    if !found.is_empty() {
        let lines: Vec<String> = found.iter().map(|(f, u)| format!("{f}: {u}")).collect();
        bail!(
            "dist/ has URLs that break under a sub-path or leave the origin (use relative URLs):\n  {}",
            lines.join("\n  ")
        );
    }
    println!("dist/: every URL in the HTML and CSS is relative");
    Ok(())
}

/// `cargo xtask test`'s stage: the scan, then the browser test(s) under [`PREFIX`] (CPU mode).
pub fn run() -> Result<()> {
    let root = repo_root();
    let dist = root.join("dist");
    scan(&dist)?;
    // The expectations the browser runner reads (artifacts/e2e/expected.json), as for the
    // e2e stage; the server `prepare` starts at "/" is not used and stops at once.
    drop(crate::e2e::prepare()?);
    let expected = root.join("artifacts").join("e2e").join("expected.json");
    let artifacts = root.join("artifacts").join("e2e").join("subpath");
    std::fs::create_dir_all(&artifacts)
        .with_context(|| format!("cannot create {}", artifacts.display()))?;
    let runner = RUNNERS
        .into_iter()
        .find(|path| root.join(path).is_file())
        .with_context(|| format!("no browser test runner: none of {RUNNERS:?} exists"))?;
    let server = StaticServer::start_at(&dist, "127.0.0.1", 0, false, PREFIX)?;
    println!("serving dist/ at {} (404 outside {PREFIX})", server.url);
    let mut command = cmd("node", &[runner]);
    command
        .env("E2E_URL", &server.url)
        .env("E2E_MODE", "cpu")
        // The six views (the embed page, seven pages at once, is tested at the root).
        .env("E2E_VIEWS", "translate,step,context,qkv,flash,bench")
        .env("E2E_EXPECTED", &expected)
        .env("E2E_ARTIFACTS", &artifacts)
        .env("CHROMIUM", crate::setup::chromium_path());
    util::run(&mut command).with_context(|| {
        format!(
            "{runner} failed under {PREFIX}; see the log above and {}",
            artifacts.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_absolute_and_external_urls_only() {
        let html = r#"<link href="./styles.css"><script src="app.js"></script>
            <img src="/logo.png"><a href='https://example.com/x'>x</a>
            <link href="//cdn.example/x.css"><iframe src="index.html?view=step&embed=1"></iframe>"#;
        let found: Vec<String> = absolute_urls("index.html", html)
            .into_iter()
            .map(|(_, url)| url)
            .collect();
        assert_eq!(
            found,
            ["/logo.png", "//cdn.example/x.css", "https://example.com/x"]
        );
        let css = "a { background: url(/bg.png) } b { background: url(\"img/x.svg\") }";
        let found = absolute_urls("styles.css", css);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "/bg.png");
    }
}
