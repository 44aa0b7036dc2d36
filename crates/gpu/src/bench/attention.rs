//! Tables 3 and 4: attention, flash vs naive vs CPU, not causal and causal, batch 1 and 8, 8 heads
//! of d = 64. Naive attention is refused where its N×N scores exceed the binding limit; flash runs
//! on (O(N) memory). Above `attention_cpu_max` only the last 16 query rows are checked.

use seq2seq_core::ops;
use seq2seq_core::tensor::Tensor;

use super::table::{AttentionRow, NaiveAttention, Table, ATTENTION_HEADS, ATTENTION_HEAD_DIM};
use super::timing::data;
use super::Bench;
use crate::error::{GpuError, GpuResult};
use crate::kernels::{self, naive_scores_bytes, AttentionShape};

impl Bench {
    pub(super) async fn attention(&mut self, causal: bool) -> GpuResult<Table> {
        let (heads, d) = (ATTENTION_HEADS, ATTENTION_HEAD_DIM);
        let mut cases: Vec<(usize, usize)> =
            self.config.attention_n.iter().map(|&n| (1, n)).collect();
        let b8 = self.config.attention_batch8_max_n;
        cases.extend(
            self.config
                .attention_n
                .iter()
                .filter(|&&n| n <= b8)
                .map(|&n| (8, n)),
        );
        let mut rows = Vec::new();
        for (batch, n) in cases {
            let shape = AttentionShape {
                batch,
                heads,
                tq: n,
                tk: n,
                d,
                causal,
            };
            let (q, k, v) = (
                data(6, &[batch * n, heads * d]),
                data(7, &[batch * n, heads * d]),
                data(8, &[batch * n, heads * d]),
            );
            // CPU reference over every batch (core's function is one sequence at a time)
            let cpu_ref = |q: &Tensor, first_row: usize, rows: usize, b: usize| {
                let kb = ops::slice_rows(&k, b * n, n);
                let vb = ops::slice_rows(&v, b * n, n);
                let qb = ops::slice_rows(q, b * n + first_row, rows);
                ops::scaled_dot_product_attention(&qb, &kb, &vb, heads, causal).output
            };
            let (gq, gk, gv) = (self.up(&q)?, self.up(&k)?, self.up(&v)?);
            let gpu = self.gpu.clone();
            let io = 4 * (batch * n * heads * d) as u64 * 4;
            let (flash, fo) = self
                .time_gpu(|| {
                    let (o, stats) = kernels::flash_attention(&gpu, &gq, &gk, &gv, shape)?;
                    Ok(vec![o, stats])
                })
                .await?;
            let naive = match kernels::attention_naive(&gpu, &gq, &gk, &gv, shape) {
                Err(GpuError::Limit { .. }) => None,
                Err(e) => return Err(e),
                Ok(_) => Some(
                    self.time_gpu(|| {
                        Ok(vec![
                            kernels::attention_naive(&gpu, &gq, &gk, &gv, shape)?.0,
                        ])
                    })
                    .await?,
                ),
            };
            let tol = 2e-5 + 1e-8 * n as f32;
            let what = |method: &str| format!("{method} attention B={batch} N={n} causal={causal}");
            let full_cpu = n <= self.config.attention_cpu_max;
            let (cpu, flash_check, naive_check, checked_rows) = if full_cpu {
                let (cpu, want) = self.time_cpu(|| {
                    let mut out = Vec::with_capacity(batch * n * heads * d);
                    for b in 0..batch {
                        out.extend_from_slice(cpu_ref(&q, 0, n, b).data());
                    }
                    Tensor::new([batch * n, heads * d], out)
                });
                let flash_check = self.check(&what("flash"), &fo[0], &want, tol).await?;
                let naive_check = match &naive {
                    Some((_, no)) => Some(self.check(&what("naive"), &no[0], &want, tol).await?),
                    None => None,
                };
                (Some(cpu), flash_check, naive_check, None)
            } else {
                // the last 16 query rows of the last sequence (query i at absolute position
                // N − 16 + i, as core's causal mask puts it)
                let rows = 16.min(n);
                let want = cpu_ref(&q, n - rows, rows, batch - 1);
                let got = self.gpu.read(&fo[0]).await?;
                let w = heads * d;
                let flash_check = self.check_host(
                    &format!("{} (last {rows} rows)", what("flash")),
                    &got[(batch * n - rows) * w..],
                    want.data(),
                    tol,
                );
                (None, flash_check, None, Some(rows))
            };
            rows.push(AttentionRow {
                batch,
                n,
                flash,
                flash_bytes: io + (batch * heads * n * 2 * 4) as u64,
                naive_bytes: io + 2 * naive_scores_bytes(&shape),
                naive: match naive {
                    Some((time, _)) => NaiveAttention::Ran {
                        time,
                        check: naive_check,
                    },
                    None => NaiveAttention::Refused {
                        scores_bytes: naive_scores_bytes(&shape),
                    },
                },
                cpu,
                flash_check,
                checked_rows,
            });
            self.gpu.clear_pool();
        }
        Ok(Table::Attention {
            causal,
            binding_limit: self.gpu.context().max_binding_bytes(),
            cpu_max_n: self.config.attention_cpu_max,
            rows,
        })
    }
}
