//! A loopback stand-in for the service, for the benchmark scripts in
//! `scripts/` (not a test):
//! answers every POST with a create_room success after a fixed delay, over
//! HTTP/1.1 keep-alive, one thread per connection. Std only.
//!
//! Usage: stub_server [DELAY_MS [ARRIVALS]]   (prints "PORT <n>" on stdout,
//! then serves on 127.0.0.1 until killed). With ARRIVALS, the arrival time
//! of each request (microseconds since the stub started, when its request
//! line was read) is appended to that file, one per line, as it comes: what
//! the service's one-second rate window would count.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static ARRIVALS: Mutex<Option<std::fs::File>> = Mutex::new(None);

fn arrived(at: Duration) {
    if let Some(f) = ARRIVALS.lock().unwrap().as_mut() {
        let _ = writeln!(f, "{}", at.as_micros());
    }
}

fn serve(stream: TcpStream, delay: Duration, t0: Instant) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        arrived(t0.elapsed());
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        reader.read_exact(&mut body)?;
        let text = String::from_utf8_lossy(&body);
        // Echo the RoomId without a JSON parser: good enough for a stub.
        let room = text
            .split("\"RoomId\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("room")
            .to_string();
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let n = REQUESTS.fetch_add(1, Ordering::Relaxed) + 1;
        let json = format!(
            "{{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0,\"RequestId\":\"Id-stub-{n}\",\"RoomId\":\"{room}\"}}"
        );
        write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
            json.len()
        )?;
        out.flush()?;
    }
}

fn main() {
    let delay_ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    if let Some(path) = std::env::args().nth(2) {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("open the arrivals file");
        *ARRIVALS.lock().unwrap() = Some(f);
    }
    let t0 = Instant::now();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    println!("PORT {}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().ok();
    let delay = Duration::from_millis(delay_ms);
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = serve(stream, delay, t0);
        });
    }
}
