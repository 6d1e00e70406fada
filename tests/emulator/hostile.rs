//! The emulator holds up like a server (issue 18 §4): batches at any
//! concurrency run at the rate, answers are not held back by delayed ACKs,
//! and hostile clients (stalled bodies, huge heads, too many connections)
//! neither freeze it nor make it grow; SIGTERM stops it in bounded time
//! whatever the clients do. Loopback only; generous bounds, no exact timing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use super::common::rooms_csv;
use super::harness::{Emu, code};

fn raw(emu: &Emu) -> TcpStream {
    let s = TcpStream::connect(emu.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

/// Everything the server sends until it closes (or 30 s pass).
fn read_answer(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    String::from_utf8_lossy(&got).into_owned()
}

fn create_body(id: &str) -> String {
    json!({"RoomInfo": {"RoomId": id, "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats"}})
        .to_string()
}

#[test]
fn batches_at_any_concurrency_finish_near_the_rate() {
    for conc in ["1", "16", "64"] {
        // With --state: every create is journaled on the way.
        let emu = Emu::start(&["--listen", ":0", "--state", "s.json"]);
        let csv = emu.write("rooms.csv", &rooms_csv(600));
        let started = Instant::now();
        emu.client()
            .args(["create", "--from-csv"])
            .arg(&csv)
            .args(["--rate", "1000"])
            .args(["--concurrency", conc, "--timeout", "10"])
            .assert()
            .code(0);
        // 600 rows at 1,000/s is 0.6 s; a stalled answer costs seconds.
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "600 rows at concurrency {conc} took {took:?}"
        );
    }
}

#[test]
fn answers_are_not_held_back_by_delayed_acks() {
    let emu = Emu::start(&["--listen", ":0"]);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        serde_json::from_str(&create_body("r")).unwrap(),
    );
    assert_eq!(code(&made), 0, "{made}");
    let users: Vec<String> = (0..100).map(|i| format!("member-number-{i:04}")).collect();
    let joined = emu.post(
        "livectl_emulator/join_room",
        json!({"RoomId": "r", "MemberList_Account": users}),
    );
    assert_eq!(code(&joined), 0, "{joined}");
    let started = Instant::now();
    for _ in 0..200 {
        let page = emu.post(
            "live_engine_http_srv/get_member_list",
            json!({"RoomId": "r", "Next": ""}),
        );
        assert_eq!(
            page["Response"]["MemberList"].as_array().unwrap().len(),
            100
        );
    }
    // A header and body in two writes wait 40 ms each for the ACK: 8 s.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "200 pages took {took:?}");
}

#[test]
fn stalled_requests_hold_up_no_one_and_end_with_408() {
    let emu = Emu::start(&["--listen", ":0"]);
    let q = emu.query();
    let mut stalled: Vec<TcpStream> = (0..12)
        .map(|_| {
            let mut s = raw(&emu);
            write!(
                s,
                "POST /v4/live_engine_http_srv/get_room_list?{q} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{{\"Next\""
            )
            .unwrap();
            s
        })
        .collect();
    let mut half = raw(&emu);
    half.write_all(b"POST /v4/live_engine_http_srv/get_room_list HTTP/1.1\r\nHost:")
        .unwrap();
    stalled.push(half);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for i in 0..20 {
        let a: serde_json::Value = client
            .post(format!(
                "{}/v4/live_engine_http_srv/create_room?{q}",
                emu.url
            ))
            .body(create_body(&format!("r{i}")))
            .send()
            .expect("answered while other connections stall")
            .json()
            .unwrap();
        assert_eq!(code(&a), 0, "{a}");
    }
    for mut s in stalled {
        let got = read_answer(&mut s);
        assert!(
            got.starts_with("HTTP/1.1 408 "),
            "a stalled request ends with 408 and a close: {got:?}"
        );
    }
}

#[test]
fn a_huge_head_or_url_is_refused_and_memory_stays_flat() {
    let emu = Emu::start(&["--listen", ":0"]);
    let before = emu.proc_status("VmRSS");
    let mut s = raw(&emu);
    let mut w = s.try_clone().unwrap();
    // Up to 64 MB of one header, sent while the answer is read.
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(b"POST /v4/live_engine_http_srv/get_room_list HTTP/1.1\r\nX-Big: ");
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..1024 {
            if w.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let got = read_answer(&mut s);
    assert!(got.starts_with("HTTP/1.1 431 "), "{got:?}");
    drop(s);
    writer.join().unwrap();
    let grew = emu.proc_status("VmRSS").saturating_sub(before);
    assert!(grew < 16 * 1024, "RSS grew by {grew} kB");

    let mut s = raw(&emu);
    let path = "a".repeat(9000);
    write!(s, "POST /v4/{path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let got = read_answer(&mut s);
    assert!(got.starts_with("HTTP/1.1 414 "), "{got:?}");
}

/// Reads one answer (head and Content-Length body) from a keep-alive connection.
fn read_one(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "closed mid-head: {got:?}");
        got.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&got).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

#[test]
fn bodies_over_the_cap_answer_80002_and_100_continue_is_honoured() {
    let emu = Emu::start(&["--listen", ":0"]);
    let q = emu.query();
    let mut s = raw(&emu);
    let path = format!("/v4/live_engine_http_srv/get_room_list?{q}");
    // 1.5 MiB: over the 1 MiB cap, read and dropped; the connection goes on.
    let big = "x".repeat(1536 * 1024);
    write!(
        s,
        "POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    )
    .unwrap();
    let a = read_one(&mut s);
    assert!(a.contains("\"ErrorCode\":80002"), "{a}");
    // Expect: 100-continue: the body is asked for, then answered.
    let body = r#"{"Next":"","Count":1}"#;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let mut cont = [0u8; 25];
    s.read_exact(&mut cont).unwrap();
    assert_eq!(&cont, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(body.as_bytes()).unwrap();
    let a = read_one(&mut s);
    assert!(a.contains("\"ErrorCode\":0"), "{a}");
    // Over 8 MiB is not read: 80002 at once, and the connection closes.
    write!(
        s,
        "POST {path} HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n"
    )
    .unwrap();
    let a = read_answer(&mut s);
    assert!(
        a.contains("Connection: close") && a.contains("\"ErrorCode\":80002"),
        "{a}"
    );
}

#[test]
fn connections_beyond_the_limit_are_refused_and_threads_stay_bounded() {
    let emu = Emu::start(&["--listen", ":0", "--max-connections", "8"]);
    let idle: Vec<TcpStream> = (0..8).map(|_| raw(&emu)).collect();
    for _ in 0..50 {
        let mut extra = raw(&emu);
        let got = read_answer(&mut extra);
        assert!(got.starts_with("HTTP/1.1 503 "), "{got:?}");
        assert!(got.contains("--max-connections"), "{got:?}");
    }
    let threads = emu.proc_status("Threads");
    assert!(threads <= 8 + 6, "{threads} threads for 8 connections");
    drop(idle);
    // The slots come back: a request is served again.
    let until = Instant::now() + Duration::from_secs(20);
    let q = emu.query();
    loop {
        let r = reqwest::blocking::Client::new()
            .post(format!(
                "{}/v4/live_engine_http_srv/create_room?{q}",
                emu.url
            ))
            .body(create_body("after"))
            .send();
        if r.as_ref().is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(Instant::now() < until, "no slot came back: {r:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_stops_it_within_seconds_whatever_the_clients_do() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(
        dir.path(),
        &["--listen", ":0", "--state", "s.json", "--latency", "30s"],
        &[],
    );
    let q = emu.query();
    let mut held = Vec::new();
    for _ in 0..10 {
        let mut s = raw(&emu);
        write!(
            s,
            "POST /v4/live_engine_http_srv/get_room_list?{q} HTTP/1.1\r\nContent-Length: 500\r\n\r\n{{"
        )
        .unwrap();
        held.push(s);
        held.push(raw(&emu));
    }
    // A create being answered: changed and journaled, then 30 s of latency.
    let mut busy = raw(&emu);
    let body = create_body("in-flight");
    write!(
        busy,
        "POST /v4/live_engine_http_srv/create_room?{q} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let (status, err) = emu.stop_within("-TERM", Duration::from_secs(8));
    let status = status.unwrap_or_else(|| panic!("still running 8 s after SIGTERM:\n{err}"));
    assert!(status.success(), "{err}");
    assert!(err.contains("state saved to s.json"), "{err}");
    let again = Emu::start_in(dir.path(), &["--listen", ":0", "--state", "s.json"], &[]);
    let got = again.post(
        "live_engine_http_srv/get_room_info",
        json!({"RoomId": "in-flight"}),
    );
    assert_eq!(code(&got), 0, "{got}");
}
