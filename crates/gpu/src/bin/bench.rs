//! `cargo run -p seq2seq-gpu --release --bin bench -- [--quick] [--sequential-only] [--peak-gflops X] [--out FILE]`
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
    use seq2seq_gpu::bench::{sequential_markdown, Bench, BenchConfig};
    use seq2seq_gpu::{Gpu, GpuBackend, GpuContext};

    /// The shipped en→zh model of `family`'s architecture (vocabularies included).
    fn shipped_config(family: Family) -> Result<ModelConfig> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../www/models")
            .join(family.model_id("en-zh"))
            .join("config.json");
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

    pub fn main() -> Result<()> {
        let mut args = std::env::args().skip(1);
        let mut config = BenchConfig::full();
        let mut quick = false;
        let mut out = None;
        let mut peak = None;
        let mut sequential_only = false;
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
                "-h" | "--help" => {
                    println!("bench [--quick] [--sequential-only] [--peak-gflops X] [--out FILE]");
                    return Ok(());
                }
                other => bail!("unknown argument {other}"),
            }
        }
        if quick {
            config = BenchConfig::quick();
        }
        config.peak_gflops = peak;
        let ctx = pollster::block_on(GpuContext::new()).context("creating the GPU context")?;
        eprintln!("device: {}", ctx.describe());
        let start = std::time::Instant::now();
        let flags = format!(
            "{}{}",
            if quick { " --quick" } else { "" },
            if sequential_only {
                " --sequential-only"
            } else {
                ""
            }
        );
        let mut md = format!(
            "Command: `cargo run -p seq2seq-gpu --release --bin bench --{flags}`\n\nDevice: {}\n\n",
            ctx.describe()
        );
        let mut failures = 0;
        if !sequential_only {
            let report = pollster::block_on(Bench::new(Gpu::new(ctx.clone()), config).run())
                .context("running the benchmarks")?;
            md += &report.to_markdown();
            failures = report.failures.len();
        }
        let (on_gpu, on_cpu) = sequential(&ctx, quick)?;
        md += &format!(
            "\n{}\nTotal run time: {:.0} s\n",
            sequential_markdown(&on_gpu, &on_cpu),
            start.elapsed().as_secs_f64()
        );
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
