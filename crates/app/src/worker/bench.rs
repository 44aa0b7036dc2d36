//! The kernel benchmark suite of seq2seq-gpu (`Bench`, the browser-sized config unless `quick`
//! is false) in this browser: tiled vs naive matmul, flash vs naive attention, GPU vs CPU.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_gpu::bench::{Bench, BenchConfig};

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, Response};

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, quick: bool) {
    let gpu = match Hosting::gpu(hosting).await {
        Ok(gpu) => gpu,
        Err(why) => {
            return reply.fail(Failure {
                kind: FailureKind::Gpu,
                message: format!("the benchmark needs WebGPU: {why}"),
            })
        }
    };
    let config = if quick {
        BenchConfig::browser()
    } else {
        BenchConfig::quick()
    };
    let device = gpu.gpu().context().describe();
    match Bench::new(gpu.gpu().clone(), config).run().await {
        Ok(report) => reply.send(Response::BenchReport {
            device,
            markdown: report.to_markdown(),
        }),
        Err(e) => reply.fail(Failure {
            kind: FailureKind::Gpu,
            message: e.to_string(),
        }),
    }
}
