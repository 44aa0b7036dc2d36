//! Tables 1 and 2: square matmul (tiled vs naive vs CPU) and the models' Linear shapes (the path
//! `GpuBackend::linear` picks vs tiled vs naive vs CPU).

use seq2seq_core::ops;

use super::table::{LinearPath, LinearRow, MatmulRow, Table};
use super::timing::data;
use super::Bench;
use crate::error::GpuResult;
use crate::kernels;

/// Tolerance of a K-long fp32 reduction.
fn tol(k: usize) -> f32 {
    1e-5 + 2e-6 * k as f32
}

impl Bench {
    pub(super) async fn matmul(&mut self) -> GpuResult<Table> {
        let mut rows = Vec::new();
        for n in self.config.square.clone() {
            let (a, b) = (data(1, &[n, n]), data(2, &[n, n]));
            let (ga, gb) = (self.up(&a)?, self.up(&b)?);
            let gpu = self.gpu.clone();
            let (tiled, out) = self
                .time_gpu(|| {
                    Ok(vec![kernels::matmul_tiled(
                        &gpu, &ga, &gb, false, None, None,
                    )?])
                })
                .await?;
            let (naive, out_n) = self
                .time_gpu(|| Ok(vec![kernels::matmul_naive(&gpu, &ga, &gb, false)?]))
                .await?;
            let (cpu, want) = self.time_cpu(|| ops::matmul(&a, &b));
            let tiled_check = self
                .check(&format!("matmul_tiled {n}"), &out[0], &want, tol(n))
                .await?;
            let naive_check = self
                .check(&format!("matmul_naive {n}"), &out_n[0], &want, tol(n))
                .await?;
            rows.push(MatmulRow {
                n,
                tiled,
                naive,
                cpu,
                tiled_check,
                naive_check,
            });
        }
        Ok(Table::Matmul {
            peak_gflops: self.config.peak_gflops,
            rows,
        })
    }

    pub(super) async fn linear(&mut self) -> GpuResult<Table> {
        let mut rows = Vec::new();
        for (label, m, n, k) in self.config.linear.clone() {
            let (x, w, b) = (data(3, &[m, k]), data(4, &[n, k]), data(5, &[n]));
            let (gx, gw, gb) = (self.up(&x)?, self.up(&w)?, self.up(&b)?);
            let gpu = self.gpu.clone();
            let path = if m <= kernels::MATVEC_MAX_BATCH {
                LinearPath::Matvec
            } else {
                LinearPath::Tiled
            };
            let (path_time, out) = self
                .time_gpu(|| {
                    Ok(vec![match path {
                        LinearPath::Matvec => kernels::matvec(&gpu, &gx, &gw, Some(&gb), None)?,
                        LinearPath::Tiled => {
                            kernels::matmul_tiled(&gpu, &gx, &gw, true, Some(&gb), None)?
                        }
                    }])
                })
                .await?;
            let (tiled, _) = self
                .time_gpu(|| {
                    Ok(vec![kernels::matmul_tiled(
                        &gpu,
                        &gx,
                        &gw,
                        true,
                        Some(&gb),
                        None,
                    )?])
                })
                .await?;
            let (naive, out_n) = self
                .time_gpu(|| Ok(vec![kernels::matmul_naive(&gpu, &gx, &gw, true)?]))
                .await?;
            let (cpu, want) = self.time_cpu(|| ops::linear(&x, &w, Some(&b)));
            let path_check = self
                .check(&format!("linear {label}"), &out[0], &want, tol(k))
                .await?;
            let want_nb = ops::linear(&x, &w, None);
            let naive_check = self
                .check(
                    &format!("linear naive {label}"),
                    &out_n[0],
                    &want_nb,
                    tol(k),
                )
                .await?;
            rows.push(LinearRow {
                label: label.into(),
                m,
                n,
                k,
                path,
                path_time,
                tiled,
                naive,
                cpu,
                path_check,
                naive_check,
            });
        }
        Ok(Table::Linear { rows })
    }
}
