//! Browser smoke test of seq2seq-gpu (built for wasm32 by `web-smoke/run.sh`, run in headless
//! Chromium through WebGPU, once in the page and once in a dedicated worker): creates the context
//! from `navigator.gpu`, runs kernels and whole models with async read-back (no blocking poll), and
//! compares everything with the CPU reference. Natively this example is an empty library.

#[cfg(target_arch = "wasm32")]
mod web {
    use seq2seq_core::backend::CpuBackend;
    use seq2seq_core::decoding::DecodeOptions;
    use seq2seq_core::demo::{random_translator, FAMILIES};
    use seq2seq_core::ops;
    use seq2seq_core::tensor::Tensor;
    use seq2seq_core::translator::Translator;
    use seq2seq_core::weights::Weights;
    use seq2seq_gpu::kernels::{self, AttentionShape};
    use seq2seq_gpu::{Gpu, GpuBackend, GpuContext};
    use wasm_bindgen::prelude::*;

    fn data(seed: u32, shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        let mut s = seed.wrapping_mul(2654435761).wrapping_add(1);
        Tensor::new(
            shape,
            (0..n)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 17;
                    s ^= s << 5;
                    (s % 2000) as f32 / 1000.0 - 1.0
                })
                .collect(),
        )
    }

    async fn run() -> Result<String, String> {
        let ctx = GpuContext::new().await.map_err(|e| e.to_string())?;
        let mut report = vec![format!("adapter: {}", ctx.describe())];
        let g = Gpu::new(ctx.clone());
        let up = |t: &Tensor| {
            g.upload("smoke", t.shape().to_vec(), t.data())
                .map_err(|e| e.to_string())
        };
        // tiled matmul, ragged
        let (a, b) = (data(1, &[67, 65]), data(2, &[65, 33]));
        let c = kernels::matmul_tiled(&g, &up(&a)?, &up(&b)?, false, None, None)
            .map_err(|e| e.to_string())?;
        let got = Tensor::new([67, 33], g.read(&c).await.map_err(|e| e.to_string())?);
        let (max, bad) = got.max_abs_diff(&ops::matmul(&a, &b), 1e-4);
        if bad.is_some() {
            return Err(format!("matmul_tiled differs from CPU: {max}"));
        }
        report.push(format!("matmul_tiled 67×65·65×33 ok (max diff {max:.1e})"));
        // flash attention, causal, rebuilt α
        let s = AttentionShape {
            batch: 1,
            heads: 2,
            tq: 100,
            tk: 100,
            d: 32,
            causal: true,
        };
        let (q, k, v) = (
            data(3, &[100, 64]),
            data(4, &[100, 64]),
            data(5, &[100, 64]),
        );
        let (gq, gk, gv) = (up(&q)?, up(&k)?, up(&v)?);
        let (o, stats) =
            kernels::flash_attention(&g, &gq, &gk, &gv, s).map_err(|e| e.to_string())?;
        let alpha =
            kernels::attention_rebuild(&g, &gq, &gk, &stats, s).map_err(|e| e.to_string())?;
        let r = g
            .read_many(&[&o, &alpha])
            .await
            .map_err(|e| e.to_string())?;
        let want = ops::scaled_dot_product_attention(&q, &k, &v, 2, true);
        let (m1, b1) = Tensor::new([100, 64], r[0].clone()).max_abs_diff(&want.output, 1e-4);
        let (m2, b2) = Tensor::new([2, 100, 100], r[1].clone()).max_abs_diff(&want.weights, 1e-4);
        if b1.is_some() || b2.is_some() {
            return Err(format!(
                "flash attention differs from CPU: output {m1}, α {m2}"
            ));
        }
        report.push(format!(
            "flash attention + rebuilt α ok (max diff {:.1e})",
            m1.max(m2)
        ));
        // every model family, GPU backend vs CPU backend
        let backend = GpuBackend::from_context(ctx);
        for family in FAMILIES {
            let cpu: Translator<CpuBackend> =
                random_translator(family, 7).map_err(|e| e.to_string())?;
            let gpu = Translator::new(
                &backend,
                cpu.config.clone(),
                Weights::random(7),
                cpu.source.clone(),
                cpu.target.clone(),
            )
            .map_err(|e| e.to_string())?;
            let opts = DecodeOptions {
                max_len: 8,
                ..DecodeOptions::default()
            };
            let text = "I like eating apple";
            let a = cpu
                .translate(text, &opts, &mut |_| {})
                .await
                .map_err(|e| e.to_string())?;
            let b = gpu
                .translate(text, &opts, &mut |_| {})
                .await
                .map_err(|e| e.to_string())?;
            if a.translation.tokens != b.translation.tokens {
                return Err(format!(
                    "{family}: GPU tokens {:?} != CPU {:?}",
                    b.translation.tokens, a.translation.tokens
                ));
            }
            report.push(format!(
                "{family}: same {} tokens on GPU and CPU",
                a.translation.tokens.len()
            ));
        }
        Ok(report.join("\n"))
    }

    /// The benchmark suite (`BenchConfig::browser`) on this tab's WebGPU adapter: the same code as
    /// the native `bench` binary, timed with WebGPU timestamp queries where the browser has them.
    /// Markdown tables, or "FAIL: …".
    #[wasm_bindgen]
    pub async fn bench() -> String {
        let run = async {
            let ctx = GpuContext::new().await.map_err(|e| e.to_string())?;
            let bench = seq2seq_gpu::bench::Bench::new(
                Gpu::new(ctx),
                seq2seq_gpu::bench::BenchConfig::browser(),
            );
            bench.run().await.map_err(|e| e.to_string())
        };
        match run.await {
            Ok(report) => report.to_markdown(),
            Err(e) => format!("FAIL: {e}"),
        }
    }

    /// "PASS\n…" or "FAIL: …".
    #[wasm_bindgen]
    pub async fn smoke() -> String {
        match run().await {
            Ok(r) => format!("PASS\n{r}"),
            Err(e) => format!("FAIL: {e}"),
        }
    }
}
