//! `cargo run -p seq2seq-gpu --release --bin bench -- [--quick] [--sequential-only] [--only TABLES]
//! [--cells H:T:B] [--peak-gflops X] [--out FILE]`
//!
//! Runs the benchmark suite of `seq2seq_gpu::bench` on the default adapter, then the
//! sequential-vs-parallel table (each shipped en→zh encoder, `www/models/<id>/config.json`, and
//! its doubled widths, on the GPU and the CPU), and prints Markdown (also written to FILE with
//! --out). `--quick` is the size set for software adapters (T up to 256 instead of 1024).

#[cfg(target_arch = "wasm32")]
fn main() {
    // The browser runs `seq2seq_gpu::bench` from the app's worker; this binary is native only.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> anyhow::Result<()> {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use anyhow::{bail, Context, Result};
    use seq2seq_core::backend::CpuBackend;
    use seq2seq_core::family::Family;
    use seq2seq_core::models::ModelConfig;
    use seq2seq_core::sequential::LENGTHS;
    use seq2seq_core::translator::TranslatorConfig;
    use seq2seq_gpu::bench::sequential::{sweep, Sampling, SequentialRow};
    use seq2seq_gpu::bench::{sequential_markdown, Bench, BenchConfig, Report, Step};
    use seq2seq_gpu::{Gpu, GpuBackend, GpuContext};

    /// The shipped en→zh model of `family`'s architecture (vocabularies included).
    fn shipped_config(family: Family) -> Result<ModelConfig> {
        // From the repository root when run there (a copied binary on another machine), else
        // from the source tree this binary was built in.
        let root = if std::path::Path::new("www/models").is_dir() {
            std::path::PathBuf::from("www/models")
        } else {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/models")
        };
        let path = root.join(family.model_id("en-zh")).join("config.json");
        let json = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(TranslatorConfig::from_json(&json)
            .with_context(|| format!("{} is not a model config", path.display()))?
            .model)
    }

    /// Every family, shipped and doubled widths, on the GPU and the CPU: (GPU rows, CPU rows).
    fn sequential(
        ctx: &GpuContext,
        quick: bool,
    ) -> Result<(Vec<SequentialRow>, Vec<SequentialRow>)> {
        let lengths: Vec<usize> = LENGTHS
            .into_iter()
            .filter(|&t| !quick || t <= 256)
            .collect();
        let sampling = Sampling {
            samples: 5,
            budget_ms: 2000.0,
        };
        let gpu = GpuBackend::from_context(ctx.clone());
        let (mut on_gpu, mut on_cpu) = (Vec::new(), Vec::new());
        for family in Family::ALL {
            let config = shipped_config(family)?;
            for double in [false, true] {
                let mut log = |r: &SequentialRow| {
                    eprintln!(
                        "{} {} T={}: {} dependent steps, {:.2} ms",
                        family.slug(),
                        r.width,
                        r.count.tokens,
                        r.count.dependent_steps,
                        r.time.median_ms
                    );
                    true
                };
                on_gpu.extend(pollster::block_on(sweep(
                    &gpu, &config, double, &lengths, sampling, &mut log,
                ))?);
                on_cpu.extend(pollster::block_on(sweep(
                    &CpuBackend,
                    &config,
                    double,
                    &lengths,
                    sampling,
                    &mut log,
                ))?);
            }
        }
        Ok((on_gpu, on_cpu))
    }

    /// The table a `--only` name picks.
    fn step_named(name: &str) -> Result<Step> {
        Ok(match name {
            "matmul" => Step::Matmul,
            "linear" => Step::Linear,
            "attention" => Step::Attention,
            "causal" => Step::CausalAttention,
            "cells" => Step::Cells,
            other => bail!("--only {other}: expected matmul, linear, attention, causal or cells"),
        })
    }

    pub fn main() -> Result<()> {
        let mut args = std::env::args().skip(1);
        let mut config = BenchConfig::full();
        let mut quick = false;
        let mut out = None;
        let mut peak = None;
        let mut sequential_only = false;
        let mut only: Option<Vec<Step>> = None;
        let mut cells = None;
        while let Some(a) = args.next() {
            match a.as_str() {
                "--quick" => quick = true,
                "--peak-gflops" => {
                    peak = Some(
                        args.next()
                            .context("--peak-gflops needs a value")?
                            .parse::<f64>()?,
                    )
                }
                "--out" => out = Some(args.next().context("--out needs a file")?),
                "--sequential-only" => sequential_only = true,
                "--only" => {
                    let names = args.next().context("--only needs table names")?;
                    only = Some(names.split(',').map(step_named).collect::<Result<_>>()?);
                }
                "--cells" => {
                    // H:T:B, one recurrent-cell shape (a short run on a borrowed GPU).
                    let spec = args.next().context("--cells needs H:T:B")?;
                    let dims: Vec<usize> = spec
                        .split(':')
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .with_context(|| format!("--cells {spec}: expected H:T:B"))?;
                    let [h, t, b] = dims[..] else {
                        bail!("--cells {spec}: expected H:T:B");
                    };
                    cells = Some((h, t, b));
                }
                "-h" | "--help" => {
                    println!(
                        "bench [--quick] [--sequential-only] [--only matmul,linear,attention,causal,cells] \
                         [--cells H:T:B] [--peak-gflops X] [--out FILE]"
                    );
                    return Ok(());
                }
                other => bail!("unknown argument {other}"),
            }
        }
        if quick {
            config = BenchConfig::quick();
        }
        config.peak_gflops = peak;
        if let Some((h, t, b)) = cells {
            (config.cell_hidden, config.cell_steps, config.cell_batch) =
                (vec![h], vec![t], vec![b]);
        }
        let ctx = pollster::block_on(GpuContext::new()).context("creating the GPU context")?;
        eprintln!("device: {}", ctx.describe());
        let start = std::time::Instant::now();
        let flags: String = std::env::args().skip(1).map(|a| format!(" {a}")).collect();
        let mut md =
            format!("Command: `cargo run -p seq2seq-gpu --release --bin bench --{flags}`\n\n");
        let mut failures = 0;
        if sequential_only {
            md += &format!("Device: {}\n\n", ctx.describe());
        } else {
            // Table by table, each printed as it finishes: a run cut short keeps what it measured.
            let mut bench = Bench::new(Gpu::new(ctx.clone()), config);
            let bench_start = std::time::Instant::now();
            let mut tables = Vec::new();
            for &step in only.as_deref().unwrap_or(&Step::ALL) {
                let table = pollster::block_on(bench.table(step))
                    .with_context(|| format!("running the {} benchmarks", step.label()))?;
                eprintln!("{}", table.to_markdown());
                tables.push(table);
            }
            let report = Report {
                device: ctx.describe(),
                timer: bench.timer(),
                tables,
                failures: bench.failures().to_vec(),
                cpu_only: false,
                stopped: false,
                millis: bench_start.elapsed().as_secs_f64() * 1e3,
            };
            md += &report.to_markdown();
            failures = report.failures.len();
        }
        // `--only` names GPU tables alone; otherwise the sequential-vs-parallel table follows.
        if only.is_none() {
            let (on_gpu, on_cpu) = sequential(&ctx, quick)?;
            md += &format!("\n{}", sequential_markdown(&on_gpu, &on_cpu));
        }
        md += &format!("\nTotal run time: {:.0} s\n", start.elapsed().as_secs_f64());
        println!("{md}");
        if let Some(path) = out {
            std::fs::write(&path, &md).with_context(|| format!("writing {path}"))?;
        }
        if failures > 0 {
            bail!("{failures} result(s) did not match the CPU reference");
        }
        Ok(())
    }
}
