//! A keep-alive load generator for `scripts/bench-emulator.sh` (not a test):
//! CONNS threads, each on one HTTP/1.1 connection, send create_room,
//! get_room_info and destroy_room for fresh room IDs until TOTAL requests
//! are answered; prints requests/s and how many answers were not ErrorCode 0.
//! Std only, plus livectl's own UserSig minting with the demo key.
//!
//! With `keep` after PREFIX, only create_room: every request keeps a new room.
//!
//! Usage: bench_client URL CONNS TOTAL [PREFIX [keep]]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .expect("usage: bench_client URL CONNS TOTAL [PREFIX]");
    let conns: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let total: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let prefix = args.get(4).cloned().unwrap_or_else(|| "b".into());
    let keep = args.get(5).is_some_and(|a| a == "keep");
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let sig = livectl::usersig::generate(
        1_400_000_000,
        &livectl::secret::Secret::new(KEY),
        "administrator",
        86_400,
        now,
    );
    let query = format!(
        "sdkappid=1400000000&identifier=administrator&usersig={}&random=1&contenttype=json",
        sig.expose()
    );
    let failures = AtomicU64::new(0);
    let per = total / conns;
    let started = Instant::now();
    std::thread::scope(|s| {
        for c in 0..conns {
            let (host, query, prefix, failures) = (&host, &query, &prefix, &failures);
            s.spawn(move || {
                let stream = TcpStream::connect(host).expect("connect");
                stream.set_nodelay(true).unwrap();
                let mut out = stream.try_clone().unwrap();
                let mut input = BufReader::new(stream);
                for i in 0..per {
                    let (room, step) = if keep { (format!("{prefix}-{c}-{i}"), 0) } else { (format!("{prefix}-{c}-{}", i / 3), i % 3) };
                    let (cmd, body) = match step {
                        0 => (
                            "create_room",
                            format!(
                                "{{\"RoomInfo\":{{\"RoomId\":\"{room}\",\"RoomType\":\"Live\",\"SeatTemplate\":\"VideoDynamicGrid9Seats\"}}}}"
                            ),
                        ),
                        1 => ("get_room_info", format!("{{\"RoomId\":\"{room}\"}}")),
                        _ => ("destroy_room", format!("{{\"RoomId\":\"{room}\"}}")),
                    };
                    write!(
                        out,
                        "POST /v4/live_engine_http_srv/{cmd}?{query} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .unwrap();
                    let answer = read_answer(&mut input);
                    if !answer.contains("\"ErrorCode\":0,") {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let done = per * conns;
    println!(
        "{done} requests on {conns} keep-alive connections in {secs:.2} s: {:.0} req/s, {} not ErrorCode 0",
        done as f64 / secs,
        failures.load(Ordering::Relaxed)
    );
}

fn read_answer(input: &mut BufReader<TcpStream>) -> String {
    let mut len = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).unwrap() == 0 {
            panic!("connection closed");
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}
