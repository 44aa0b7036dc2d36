//! Size budgets of what a reader downloads, checked after `trunk build --release`:
//!
//! | what | budget |
//! |---|---|
//! | each `*.wasm` in dist/ (the app, the inference worker, …), gzipped | ≤ 1.5 MB |
//! | each model, `www/models/<id>/model.safetensors` | ≤ 4 MB |
//! | all models together | ≤ 30 MB |
//! | the first load: every file of dist/ outside dist/models/, gzipped | ≤ 2 MB |
//!
//! MB = 1,000,000 bytes (as in the model cards and seq2seq-train's tests); gzip at level 9, what
//! a static host serving compressed files sends.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub const MB: u64 = 1_000_000;
pub const WASM_GZIP_MAX: u64 = 1_500_000;
pub const MODEL_MAX: u64 = 4 * MB;
pub const MODELS_TOTAL_MAX: u64 = 30 * MB;
pub const FIRST_LOAD_GZIP_MAX: u64 = 2 * MB;

pub fn gzipped_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::read::GzEncoder::new(bytes, flate2::Compression::best());
    let mut out = Vec::new();
    encoder.read_to_end(&mut out)?;
    Ok(out.len() as u64)
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub what: String,
    pub raw: u64,
    /// `None` where the budget is on raw bytes (models: safetensors hardly compress).
    pub gzip: Option<u64>,
    pub budget: Option<u64>,
}

impl Row {
    /// The size the budget applies to.
    fn measured(&self) -> u64 {
        self.gzip.unwrap_or(self.raw)
    }

    pub fn over(&self) -> bool {
        self.budget.is_some_and(|max| self.measured() > max)
    }
}

/// Every file under `dir`, recursively, sorted; `skip` is left out with all it holds.
fn files(dir: &Path, skip: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)
            .with_context(|| format!("cannot read {}", current.display()))?
        {
            let path = entry?.path();
            // Hidden entries are not served content (trunk's `.stage/` during a build).
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if Some(path.as_path()) == skip || hidden {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Measures `dist` (the built page) and `models` (www/models): the table, budgets attached.
pub fn measure(dist: &Path, models: &Path) -> Result<Vec<Row>> {
    if !dist.join("index.html").is_file() {
        bail!("{} has no index.html: run the build first", dist.display());
    }
    let mut rows = Vec::new();
    let mut first_load = (0, 0);
    let mut wasm_total = (0, 0);
    let mut wasm_count = 0;
    for path in files(dist, Some(&dist.join("models")))? {
        let bytes = std::fs::read(&path)?;
        let (raw, gzip) = (bytes.len() as u64, gzipped_len(&bytes)?);
        first_load = (first_load.0 + raw, first_load.1 + gzip);
        if path.extension().is_some_and(|ext| ext == "wasm") {
            wasm_count += 1;
            wasm_total = (wasm_total.0 + raw, wasm_total.1 + gzip);
            rows.push(Row {
                what: format!("wasm  {}", relative(&path, dist)),
                raw,
                gzip: Some(gzip),
                budget: Some(WASM_GZIP_MAX),
            });
        }
    }
    if wasm_count == 0 {
        bail!(
            "no .wasm file in {}: the build is incomplete",
            dist.display()
        );
    }
    rows.push(Row {
        what: format!("wasm  all {wasm_count} file(s)"),
        raw: wasm_total.0,
        gzip: Some(wasm_total.1),
        budget: None,
    });
    rows.push(Row {
        what: "first load (dist/ without models/)".to_owned(),
        raw: first_load.0,
        gzip: Some(first_load.1),
        budget: Some(FIRST_LOAD_GZIP_MAX),
    });

    let mut model_total = 0;
    let mut model_count = 0;
    if models.is_dir() {
        for path in files(models, None)? {
            if path.file_name().is_some_and(|n| n == "model.safetensors") {
                let raw = std::fs::metadata(&path)?.len();
                model_total += raw;
                model_count += 1;
                let id = path
                    .parent()
                    .map_or_else(|| relative(&path, models), |dir| relative(dir, models));
                rows.push(Row {
                    what: format!("model {id}"),
                    raw,
                    gzip: None,
                    budget: Some(MODEL_MAX),
                });
            }
        }
    }
    rows.push(Row {
        what: format!("models all {model_count}"),
        raw: model_total,
        gzip: None,
        budget: Some(MODELS_TOTAL_MAX),
    });
    Ok(rows)
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / MB as f64)
}

pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<44} {:>12} {:>12} {:>10} {:>9}  {}\n",
        "what", "raw bytes", "gzip bytes", "budget", "used", "verdict"
    );
    for row in rows {
        let gzip = row.gzip.map_or_else(|| "-".to_owned(), |g| g.to_string());
        let (budget, used, verdict) = match row.budget {
            Some(max) => (
                mb(max),
                format!("{:.0}%", 100.0 * row.measured() as f64 / max as f64),
                if row.over() { "OVER" } else { "ok" },
            ),
            None => ("-".to_owned(), "-".to_owned(), ""),
        };
        out.push_str(&format!(
            "{:<44} {:>12} {:>12} {:>10} {:>9}  {}\n",
            row.what, row.raw, gzip, budget, used, verdict
        ));
    }
    out
}

/// Prints the table; an error lists every row over its budget.
pub fn check(dist: &Path, models: &Path) -> Result<()> {
    let rows = measure(dist, models)?;
    println!("size budgets (MB = 10^6 bytes; wasm and first load gzipped at level 9, models raw):");
    print!("{}", table(&rows));
    let over: Vec<String> = rows
        .iter()
        .filter(|row| row.over())
        .map(|row| {
            format!(
                "{}: {} bytes{} > budget {} bytes",
                row.what,
                row.measured(),
                if row.gzip.is_some() { " gzipped" } else { "" },
                row.budget.unwrap_or_default()
            )
        })
        .collect();
    if !over.is_empty() {
        bail!("over the size budget:\n  {}", over.join("\n  "));
    }
    Ok(())
}

/// `cargo xtask test`'s stage: dist/ and www/models/ of the repository.
pub fn run() -> Result<()> {
    let root = crate::util::repo_root();
    check(&root.join("dist"), &root.join("www").join("models"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("xtask-budget-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn write(&self, path: &str, bytes: &[u8]) {
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Bytes that gzip cannot shrink (a simple xorshift stream).
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn within_budget_passes_and_counts_every_wasm() {
        let s = Scratch::new("ok");
        s.write("dist/index.html", b"<html></html>");
        s.write("dist/app_bg.wasm", &vec![0; 3_000_000]);
        s.write("dist/worker_bg.wasm", &noise(1000));
        s.write("dist/models/x/model.safetensors", &noise(50_000));
        s.write("dist/.stage/partial_bg.wasm", &noise(10));
        s.write("models/a/model.safetensors", &noise(1000));
        s.write("models/a/config.json", b"{}");
        let rows = measure(&s.0.join("dist"), &s.0.join("models")).unwrap();
        let whats: Vec<&str> = rows.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "wasm  app_bg.wasm",
                "wasm  worker_bg.wasm",
                "wasm  all 2 file(s)",
                "first load (dist/ without models/)",
                "model a",
                "models all 1"
            ]
        );
        // dist/models/ is not part of the first load.
        assert!(rows[3].raw < 3_100_000);
        assert!(!rows.iter().any(Row::over));
        check(&s.0.join("dist"), &s.0.join("models")).unwrap();
    }

    #[test]
    fn over_budget_fails_naming_the_file() {
        let s = Scratch::new("over");
        s.write("dist/index.html", b"<html></html>");
        s.write("dist/big_bg.wasm", &noise(1_600_000));
        s.write("models/huge/model.safetensors", &vec![0; 4_000_001]);
        let err = check(&s.0.join("dist"), &s.0.join("models"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("wasm  big_bg.wasm"), "{err}");
        assert!(
            err.contains("model huge: 4000001 bytes > budget 4000000"),
            "{err}"
        );
        assert!(!err.contains("first load"), "{err}");
    }

    #[test]
    fn a_build_without_wasm_is_an_error() {
        let s = Scratch::new("nowasm");
        s.write("dist/index.html", b"<html></html>");
        let err = measure(&s.0.join("dist"), &s.0.join("models")).unwrap_err();
        assert!(err.to_string().contains("no .wasm file"), "{err}");
    }
}
