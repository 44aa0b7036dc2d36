//! The Q/K/V explorer's numbers (to be written: issue 5, view 4).

use std::cell::RefCell;
use std::rc::Rc;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, QkvRequest};

pub async fn run(_hosting: &Rc<RefCell<Hosting>>, reply: &Reply, _request: QkvRequest) {
    reply.fail(Failure {
        kind: FailureKind::Internal,
        message: "the Q/K/V explorer is not built yet".into(),
    });
}
