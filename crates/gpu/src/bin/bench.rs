//! `cargo run -p seq2seq-gpu --release --bin bench -- [--quick] [--peak-gflops X] [--out FILE]`
//!
//! Runs the benchmark suite of `seq2seq_gpu::bench` on the default adapter and prints Markdown
//! (also written to FILE with --out). `--quick` is the size set for software adapters.

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
    use seq2seq_gpu::bench::{Bench, BenchConfig};
    use seq2seq_gpu::{Gpu, GpuContext};

    pub fn main() -> Result<()> {
        let mut args = std::env::args().skip(1);
        let mut config = BenchConfig::full();
        let mut quick = false;
        let mut out = None;
        let mut peak = None;
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
                "-h" | "--help" => {
                    println!("bench [--quick] [--peak-gflops X] [--out FILE]");
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
        let report = pollster::block_on(Bench::new(Gpu::new(ctx), config).run())
            .context("running the benchmarks")?;
        let md = format!(
            "Command: `cargo run -p seq2seq-gpu --release --bin bench --{}`\n\n{}\nTotal run time: {:.0} s\n",
            if quick { " --quick" } else { "" },
            report.to_markdown(),
            start.elapsed().as_secs_f64()
        );
        println!("{md}");
        if let Some(path) = out {
            std::fs::write(&path, &md).with_context(|| format!("writing {path}"))?;
        }
        if !report.failures.is_empty() {
            bail!(
                "{} result(s) did not match the CPU reference",
                report.failures.len()
            );
        }
        Ok(())
    }
}
