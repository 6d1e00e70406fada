//! The transport: a tiny_http server on a listener bound by `mod.rs`,
//! worker threads that read each request (body capped), ask the `Service`,
//! wait `--latency`, answer, and log one line per request (never the URL,
//! which holds the UserSig).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde_json::json;

use super::service::{Request, Service};
use crate::output;

/// Bytes of a request body read at most (the answer to more is 80002).
pub const BODY_MAX: u64 = 1024 * 1024;

/// Where request logs go.
pub struct Logs {
    /// `--log FILE`: one JSON line per request.
    pub file: Option<Mutex<BufWriter<File>>>,
}

/// Serves until `stop` is set and the worker is unblocked.
pub fn worker(server: &tiny_http::Server, svc: &Service, logs: &Logs, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match server.recv() {
            Ok(req) => serve(req, svc, logs),
            Err(_) if stop.load(Ordering::Relaxed) => break,
            Err(_) => continue,
        }
    }
}

fn serve(mut req: tiny_http::Request, svc: &Service, logs: &Logs) {
    let started = Instant::now();
    let mut body = Vec::new();
    let read = req.as_reader().take(BODY_MAX + 1).read_to_end(&mut body);
    let too_long = body.len() as u64 > BODY_MAX;
    if read.is_err() {
        body.clear();
    }
    let method = req.method().as_str().to_string();
    let mut answered = svc.handle(&Request {
        method: &method,
        url: req.url(),
        body: &body,
        too_long,
    });
    let body = std::mem::take(&mut answered.body);
    let us = started.elapsed().as_micros();
    if output::verbosity() > 0 {
        output::log(
            1,
            format!(
                "{method} {} room={} -> {} {} ({:.1} ms)",
                answered.command,
                answered.room_id.as_deref().unwrap_or("-"),
                answered.code,
                answered.request_id,
                us as f64 / 1000.0
            ),
        );
    }
    if let Some(f) = &logs.file {
        let line = json!({
            "time_ms": svc.clock.now_ms(),
            "method": method,
            "command": answered.command,
            "room_id": answered.room_id,
            "error_code": answered.code,
            "request_id": answered.request_id,
            "micros": us as u64,
        });
        let mut w = f.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(w, "{line}").and_then(|_| w.flush());
    }
    // Logged before the answer leaves, so the log is in answer order.
    if !svc.faults.latency.is_zero() {
        std::thread::sleep(svc.faults.latency);
    }
    let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
        .expect("a valid header");
    let response = tiny_http::Response::from_data(body).with_header(header);
    let _ = req.respond(response);
}
