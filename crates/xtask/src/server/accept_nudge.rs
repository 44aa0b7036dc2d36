//! Keeps tiny_http from leaving a new connection unread.
//!
//! tiny_http 0.12 reads each connection in a task of its `TaskPool`, and a task keeps its thread
//! for as long as the browser keeps the connection alive. `TaskPool::spawn` queues a new task
//! instead of starting a thread when it counts an idle thread; but that count still includes a
//! thread that was just woken for the previous task. In a burst of new connections (the embed
//! example: ten frames opening at once) a task can thus wait in the queue while every thread
//! serves a kept-alive connection, and the browser's request on that connection gets no answer
//! until some connection closes: a frame stayed on its loading screen (issue 16), while a fresh
//! `curl` was answered at once. Seen in Chromium's net log: the request sent on a new socket,
//! no response headers for 40 s.
//!
//! The fix: every 100 ms, open a connection to the server and close it. Its task either starts a
//! new thread, which then takes the queued tasks, or wakes an idle one, which takes the oldest
//! queued task first; either way no connection waits in the queue for longer than that.

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const PERIOD: Duration = Duration::from_millis(100);

/// The nudging thread; dropping it stops the thread.
pub struct AcceptNudge {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl AcceptNudge {
    pub fn start(addr: SocketAddr) -> AcceptNudge {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    // Connected and at once closed: tiny_http reads an empty connection.
                    drop(TcpStream::connect_timeout(&addr, PERIOD));
                    std::thread::sleep(PERIOD);
                }
            })
        };
        AcceptNudge {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for AcceptNudge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
