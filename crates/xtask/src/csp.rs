//! Post-build hook: allow trunk's inline loader script by hash, not by 'unsafe-inline'.
//!
//! trunk injects `<script type="module">import init … </script>` into index.html. The page's
//! Content-Security-Policy (a meta tag in index.html) allows scripts from 'self' only; this adds
//! `'sha256-…'` of every inline script to its `script-src`, so the policy stays strict.

use std::path::Path;

use anyhow::{bail, Context, Result};
use base64::Engine;
use sha2::{Digest, Sha256};

pub fn run(dir: &Path) -> Result<()> {
    let path = dir.join("index.html");
    let html = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let patched = add_script_hashes(&html)?;
    std::fs::write(&path, patched).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "csp-hash: script hashes added to the CSP of {}",
        path.display()
    );
    Ok(())
}

/// The text of every `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> Result<Vec<&str>> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let open_end = after.find('>').context("unterminated <script> tag")?;
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let close = body
            .find("</script>")
            .context("<script> without </script>")?;
        if !tag.contains(" src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    Ok(scripts)
}

fn hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// `html` with the hash of each inline script added to the CSP meta tag's `script-src`.
pub fn add_script_hashes(html: &str) -> Result<String> {
    let hashes: Vec<String> = inline_scripts(html)?.into_iter().map(hash).collect();
    let marker = "http-equiv=\"Content-Security-Policy\"";
    let meta_start = html
        .find(marker)
        .context("index.html has no Content-Security-Policy meta tag")?;
    let content_start = html[meta_start..]
        .find("content=\"")
        .map(|offset| meta_start + offset + "content=\"".len())
        .context("the CSP meta tag has no content=\"…\"")?;
    let content_end = html[content_start..]
        .find('"')
        .map(|offset| content_start + offset)
        .context("unterminated CSP content")?;
    let policy = &html[content_start..content_end];
    let mut directives: Vec<String> = policy
        .split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .collect();
    let Some(script_src) = directives
        .iter_mut()
        .find(|d| d.split(' ').next() == Some("script-src"))
    else {
        bail!("the CSP has no script-src directive");
    };
    if script_src.contains("'unsafe-inline'") || script_src.contains("'unsafe-eval'") {
        bail!("the CSP's script-src must not allow 'unsafe-inline' or 'unsafe-eval'");
    }
    for hash in hashes {
        if !script_src.split(' ').any(|source| source == hash) {
            script_src.push(' ');
            script_src.push_str(&hash);
        }
    }
    let policy = directives.join("; ");
    Ok(format!(
        "{}{}{}",
        &html[..content_start],
        policy,
        &html[content_end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'" />
      <script src="./x.js"></script></head><body><script type="module">alert(1)</script></body></html>"#;

    #[test]
    fn adds_the_inline_script_hash_once() {
        let once = add_script_hashes(PAGE).unwrap();
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        let expected = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='";
        assert!(
            once.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {expected}; style-src 'self'"
            )),
            "{once}"
        );
        assert_eq!(add_script_hashes(&once).unwrap(), once);
    }

    #[test]
    fn refuses_unsafe_sources() {
        let page = PAGE.replace("'wasm-unsafe-eval'", "'unsafe-eval'");
        assert!(add_script_hashes(&page).is_err());
    }
}
