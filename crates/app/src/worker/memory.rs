//! The memory view's numbers for one model: core's `grad::memory_report` (tokenise, greedy
//! translation, ‖∂c/∂e_j‖ per source position, ‖∂L/∂h_t‖ per encoder step), on the CPU: the
//! backward pass exists in core only (f64, no GPU kernels), so the page's badge says CPU.
//! Each phase is announced with `Response::Progress` before it starts.

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::grad::{memory_report, GradModel, MemoryPhase, MemoryQuery};
use seq2seq_core::Error;
use seq2seq_gpu::measure::now_ms;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, MemoryRequest, Response};

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: MemoryRequest) {
    match compute(hosting, reply, &request).await {
        Ok(report) => reply.send(Response::Memory(Box::new(report))),
        Err(failure) => reply.fail(failure),
    }
}

async fn compute(
    hosting: &Rc<RefCell<Hosting>>,
    reply: &Reply,
    request: &MemoryRequest,
) -> Result<seq2seq_core::grad::MemoryReport, Failure> {
    let t = Hosting::cpu_model(hosting, &request.model_id, reply).await?;
    let grad = GradModel::from_model(&t.model);
    let query = MemoryQuery {
        text: &request.text,
        step: request.step,
        reference: Some(request.reference.as_str()).filter(|r| !r.trim().is_empty()),
    };
    let clock = now_ms;
    let mut on_phase = |phase: MemoryPhase| {
        let (done, label) = match phase {
            MemoryPhase::Translating => (0, "translate".to_owned()),
            MemoryPhase::Sensitivity { passes } => (1, format!("dc/de: {passes} backward passes")),
            MemoryPhase::LossGradients => (2, "dL/dh".to_owned()),
        };
        reply.send(Response::Progress {
            done,
            total: 3,
            label,
        });
    };
    memory_report(&t, &grad, &query, &clock, &mut on_phase)
        .await
        .map_err(|e| Failure {
            kind: match e {
                Error::InvalidInput(_) | Error::Tokenizer(_) => FailureKind::Input,
                _ => FailureKind::Internal,
            },
            message: e.to_string(),
        })
}
