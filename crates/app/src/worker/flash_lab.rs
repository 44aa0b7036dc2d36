//! The FlashAttention lab's GPU runs (to be written: issue 5, view 5).

use std::cell::RefCell;
use std::rc::Rc;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, FlashLabRequest};

pub async fn run(_hosting: &Rc<RefCell<Hosting>>, reply: &Reply, _request: FlashLabRequest) {
    reply.fail(Failure {
        kind: FailureKind::Internal,
        message: "the FlashAttention lab is not built yet".into(),
    });
}
