//! The transport: accepts connections on the listener bound by `mod.rs`,
//! one thread per connection up to `--max-connections` (one more is
//! answered 503 and closed, so threads and memory never grow past the
//! limit), reads requests with `http::Conn` within `http::Limits`, asks the
//! `Service`, waits `--latency`, answers, and logs one line per request:
//! never the URL (it holds the UserSig), and client text escaped.
//! `Running::stop` ends it in bounded time whatever the clients do.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::http::{self, Conn, End, Limits};
use super::service::{Request, Service};
use crate::output;

/// Connections served at once unless `--max-connections` says otherwise.
pub const DEFAULT_CONNECTIONS: usize = 256;
/// Characters of one client-sent value shown in a log line at most.
const LOGGED_MAX: usize = 120;

/// Where request logs go.
pub struct Logs {
    /// `--log FILE`: one JSON line per request.
    pub file: Option<Mutex<BufWriter<File>>>,
}

struct Shared {
    svc: Arc<Service>,
    logs: Logs,
    limits: Limits,
    max_connections: usize,
    /// Connections being served (each has a thread).
    open: AtomicUsize,
    /// A handle on each served connection, to shut it down on stop.
    streams: Mutex<HashMap<u64, TcpStream>>,
    stop: AtomicBool,
}

/// A served connection's place: given back (count and handle) when its
/// thread ends, however it ends.
struct Slot {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        lock(&self.shared.streams).remove(&self.id);
        self.shared.open.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The server, running: stop it with [`Running::stop`].
pub struct Running {
    shared: Arc<Shared>,
    /// Where a connection wakes the accepting thread.
    wake: SocketAddr,
}

/// Starts accepting on `listener` (already bound) in a thread of its own.
pub fn start(
    listener: TcpListener,
    svc: Arc<Service>,
    logs: Logs,
    limits: Limits,
    max_connections: usize,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let wake = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    };
    let shared = Arc::new(Shared {
        svc,
        logs,
        limits,
        max_connections,
        open: AtomicUsize::new(0),
        streams: Mutex::new(HashMap::new()),
        stop: AtomicBool::new(false),
    });
    let s = shared.clone();
    std::thread::Builder::new()
        .name("emulator-accept".into())
        .spawn(move || accept(s, listener))?;
    Ok(Running { shared, wake })
}

impl Running {
    /// Stops accepting, lets requests being answered finish, and closes
    /// every connection: reads end at once, answers still being written get
    /// half of `grace`, and after `grace` the stop goes on regardless.
    pub fn stop(self, grace: Duration) {
        let s = &self.shared;
        s.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.wake, Duration::from_secs(1));
        let shut = |how| {
            for stream in lock(&s.streams).values() {
                let _ = stream.shutdown(how);
            }
        };
        let wait = |d: Duration| {
            let until = Instant::now() + d;
            while s.open.load(Ordering::SeqCst) > 0 && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        shut(Shutdown::Read);
        wait(grace / 2);
        shut(Shutdown::Both);
        wait(grace / 2);
    }
}

fn accept(shared: Arc<Shared>, listener: TcpListener) {
    let mut id = 0u64;
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else {
            // Out of descriptors, or a connection reset before accept:
            // wait a little rather than spin.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if shared.open.load(Ordering::SeqCst) >= shared.max_connections {
            refuse_connection(&shared, stream);
            continue;
        }
        shared.open.fetch_add(1, Ordering::SeqCst);
        id += 1;
        if let Ok(handle) = stream.try_clone() {
            lock(&shared.streams).insert(id, handle);
        }
        let slot = Slot {
            shared: shared.clone(),
            id,
        };
        // A failed spawn drops the closure and with it the slot.
        let _ = std::thread::Builder::new()
            .name("emulator-conn".into())
            .stack_size(512 * 1024)
            .spawn(move || connection(slot, stream));
    }
}

fn refuse_connection(shared: &Shared, mut stream: TcpStream) {
    let n = shared.max_connections;
    output::log(
        1,
        format!("refused a connection: {n} are open, the most --max-connections allows"),
    );
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(&http::refusal(
        "503 Service Unavailable",
        &format!(
            "the emulator serves at most {n} connections at once (--max-connections); retry later"
        ),
    ));
}

fn connection(slot: Slot, stream: TcpStream) {
    let shared = &slot.shared;
    // Answers go out in one write, and at once: no Nagle wait for the ACK
    // of a previous segment.
    let _ = stream.set_nodelay(true);
    // A client that does not read its answers cannot hold a thread for ever.
    let _ = stream.set_write_timeout(Some(shared.limits.request_timeout));
    let mut conn = Conn::new(stream);
    while !shared.stop.load(Ordering::SeqCst) {
        match conn.next(&shared.limits) {
            Ok(req) => {
                let close = req.close || shared.stop.load(Ordering::SeqCst);
                let bytes = serve(shared, &req, close);
                if conn.write(&bytes).is_err() || close {
                    break;
                }
            }
            Err(End::Quiet) => break,
            Err(End::Refuse(status, reason)) => {
                output::log(1, format!("refused a request: {status}: {reason}"));
                let _ = conn.write(&http::refusal(status, &reason));
                break;
            }
        }
    }
}

fn serve(shared: &Shared, req: &http::Request, close: bool) -> Vec<u8> {
    let started = Instant::now();
    let svc = &shared.svc;
    let mut answered = svc.handle(&Request {
        method: &req.method,
        url: &req.url,
        body: &req.body,
        too_long: req.too_long,
    });
    let body = std::mem::take(&mut answered.body);
    let us = started.elapsed().as_micros();
    if output::verbosity() > 0 {
        output::log(
            1,
            format!(
                "{} {} room={} -> {} {} ({:.1} ms)",
                visible(&req.method),
                visible(&answered.command),
                answered.room_id.as_deref().map_or("-".into(), visible),
                answered.code,
                answered.request_id,
                us as f64 / 1000.0
            ),
        );
    }
    if let Some(f) = &shared.logs.file {
        // JSON escapes control characters: one line whatever was sent.
        let line = json!({
            "time_ms": svc.clock.now_ms(),
            "method": req.method,
            "command": answered.command,
            "room_id": answered.room_id,
            "error_code": answered.code,
            "request_id": answered.request_id,
            "micros": us as u64,
        });
        let mut w = lock(f);
        let _ = writeln!(w, "{line}").and_then(|_| w.flush());
    }
    // Logged before the answer leaves, so the log is in answer order.
    if !svc.faults.latency.is_zero() {
        std::thread::sleep(svc.faults.latency);
    }
    http::answer(&body, close, req.head)
}

/// Client text as it may meet a terminal: control characters shown as
/// escapes (`\e`, `\n`, `\u{9b}` …), so a request cannot recolour the
/// operator's terminal or forge a log line; cut after `LOGGED_MAX`
/// characters. Only for display: the service sees the text as sent.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(LOGGED_MAX + 8));
    for (i, c) in s.chars().enumerate() {
        if i == LOGGED_MAX {
            out.push('…');
            break;
        }
        match c {
            '\x1b' => out.push_str("\\e"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_debug()),
            // Line and paragraph separators; bidirectional overrides and
            // isolates, which reorder what follows.
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.extend(c.escape_unicode())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn client_text_is_shown_escaped_on_one_line() {
        assert_eq!(visible("room-1"), "room-1");
        assert_eq!(
            visible("a\x1b[2Jb\nc\rd\te\u{7}\\"),
            "a\\e[2Jb\\nc\\rd\\te\\u{7}\\\\"
        );
        assert_eq!(visible("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        let long = "x".repeat(500);
        assert_eq!(visible(&long).chars().count(), 121);
        assert!(!visible("a\nb\u{2028}c").contains(['\n', '\u{2028}']));
    }
}
