//! Post-build hook: give the inference worker's files content-hashed names, as trunk gives the
//! page's own.
//!
//! trunk writes a worker as `worker.js`, `worker_bg.wasm` and `worker_loader.js`, names without a
//! hash. After a release a browser may then keep a cached `worker.js` from the previous version
//! and run it against a new page: a different wire protocol, and every answer unreadable. This
//! renames the three to `worker-<hash>.js`, `worker-<hash>_bg.wasm` and `worker-<hash>_loader.js`
//! (the hash covers the script and the wasm) and names the stem in index.html as
//! `<meta name="seq2seq-worker" content="worker-<hash>">`, which the page reads to start it.

use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

/// The meta tag's name; `crate::worker_link` in the app reads the same name.
pub const META_NAME: &str = "seq2seq-worker";

pub fn run(dir: &Path) -> Result<()> {
    let stem = hash_worker(dir)?;
    println!(
        "worker-hash: the worker is {stem}_loader.js in {}",
        dir.display()
    );
    Ok(())
}

/// Rename the worker's files in `dir` and name them in `dir/index.html`; returns the new stem.
pub fn hash_worker(dir: &Path) -> Result<String> {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .with_context(|| format!("cannot read {name} in {}", dir.display()))
    };
    let script = read("worker.js")?;
    let wasm = read("worker_bg.wasm")?;
    let loader =
        String::from_utf8(read("worker_loader.js")?).context("worker_loader.js is not UTF-8")?;
    let html = String::from_utf8(read("index.html")?).context("index.html is not UTF-8")?;

    let mut digest = Sha256::new();
    digest.update(&script);
    digest.update(&wasm);
    let hex: String = digest.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stem = format!("worker-{hex}");

    let loader = rename_in_loader(&loader, &stem)?;
    let html = name_in_html(&html, &stem)?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).with_context(|| format!("cannot write {name}"))
    };
    write(&format!("{stem}.js"), &script)?;
    write(&format!("{stem}_bg.wasm"), &wasm)?;
    write(&format!("{stem}_loader.js"), loader.as_bytes())?;
    write("index.html", html.as_bytes())?;
    for old in ["worker.js", "worker_bg.wasm", "worker_loader.js"] {
        std::fs::remove_file(dir.join(old)).with_context(|| format!("cannot remove {old}"))?;
    }
    Ok(stem)
}

/// The loader for the new names. It does what trunk's shim
/// (`importScripts("./worker.js");wasm_bindgen("./worker_bg.wasm");`) does, passing the wasm in
/// the object form that wasm-bindgen no longer warns about; an error if trunk ever writes its
/// shim differently (then this hook needs a look).
fn rename_in_loader(loader: &str, stem: &str) -> Result<String> {
    let trunk_shim = "importScripts(\"./worker.js\");wasm_bindgen(\"./worker_bg.wasm\");";
    if loader.trim() != trunk_shim {
        bail!("trunk's worker_loader.js is no longer `{trunk_shim}`: {loader}");
    }
    Ok(format!(
        "importScripts(\"./{stem}.js\");wasm_bindgen({{ module_or_path: \"./{stem}_bg.wasm\" }});"
    ))
}

/// `html` with `<meta name="seq2seq-worker" content="<stem>">` after its charset meta tag.
fn name_in_html(html: &str, stem: &str) -> Result<String> {
    if html.contains(&format!("name=\"{META_NAME}\"")) {
        bail!("index.html already names a worker (was the hook run twice?)");
    }
    let charset = html
        .find("<meta charset=")
        .context("index.html has no <meta charset=…>")?;
    let end = charset
        + html[charset..]
            .find('>')
            .context("unterminated <meta charset=…>")?
        + 1;
    Ok(format!(
        "{}\n    <meta name=\"{META_NAME}\" content=\"{stem}\" />{}",
        &html[..end],
        &html[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const LOADER: &str = "importScripts(\"./worker.js\");wasm_bindgen(\"./worker_bg.wasm\");";
    const HTML: &str =
        "<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\" />\n  </head>\n</html>\n";

    fn scratch(name: &str, wasm: &[u8]) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("xtask-worker-hash-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("worker.js"), "let wasm_bindgen;").unwrap();
        std::fs::write(dir.join("worker_bg.wasm"), wasm).unwrap();
        std::fs::write(dir.join("worker_loader.js"), LOADER).unwrap();
        std::fs::write(dir.join("index.html"), HTML).unwrap();
        dir
    }

    #[test]
    fn renames_the_three_files_and_names_the_stem_in_the_page() {
        let dir = scratch("rename", b"\0asm one");
        let stem = hash_worker(&dir).unwrap();
        assert!(
            stem.starts_with("worker-") && stem.len() == "worker-".len() + 16,
            "{stem}"
        );
        for old in ["worker.js", "worker_bg.wasm", "worker_loader.js"] {
            assert!(!dir.join(old).exists(), "{old} is left behind");
        }
        assert_eq!(
            std::fs::read(dir.join(format!("{stem}_bg.wasm"))).unwrap(),
            b"\0asm one"
        );
        let loader = std::fs::read_to_string(dir.join(format!("{stem}_loader.js"))).unwrap();
        assert_eq!(
            loader,
            format!(
                "importScripts(\"./{stem}.js\");wasm_bindgen({{ module_or_path: \"./{stem}_bg.wasm\" }});"
            )
        );
        let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(
            html.contains(&format!(
                "<meta name=\"seq2seq-worker\" content=\"{stem}\" />"
            )),
            "{html}"
        );
        // Run twice on the same folder: the worker is gone, and the error says so.
        assert!(hash_worker(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_name_changes_with_the_wasm() {
        let (a, b) = (scratch("a", b"\0asm one"), scratch("b", b"\0asm two"));
        let (stem_a, stem_b) = (hash_worker(&a).unwrap(), hash_worker(&b).unwrap());
        assert_ne!(stem_a, stem_b);
        for dir in [a, b] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn an_unknown_loader_shim_is_an_error() {
        let err = rename_in_loader("import(\"./worker.mjs\")", "worker-00").unwrap_err();
        assert!(err.to_string().contains("is no longer"), "{err}");
    }
}
