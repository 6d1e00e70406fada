//! The emulator's live webhook: the seven `live_config` commands with
//! their codes, and events POSTed to a loopback receiver, signed when a
//! token is enabled (`Sign = sha256(Token + RequestTime)`, live-api.md §18.2).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::harness::{DEMO_APP, Emu, code};

const TOKEN: &str = "hook-Token-77c1e0b9";

/// A receiver on loopback: every request's target and body, answered OK.
fn receiver() -> (String, Receiver<(String, Value)>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/cb", l.local_addr().unwrap());
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut len = 0;
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            let ok = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;
            let mut w = s;
            let _ = write!(
                w,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                ok.len()
            );
            let _ = w.write_all(ok);
            if tx
                .send((target, serde_json::from_slice(&body).unwrap()))
                .is_err()
            {
                return;
            }
        }
    });
    (url, rx)
}

fn query(target: &str) -> Vec<(String, String)> {
    let q = target.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn next(rx: &Receiver<(String, Value)>) -> (Vec<(String, String)>, Value, String) {
    let (target, body) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a webhook arrived");
    (query(&target), body, target)
}

#[test]
fn the_config_commands_answer_the_documented_codes() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let cfg = |cmd: &str, body: Value| emu.post(&format!("live_config/{cmd}"), body);
    assert_eq!(code(&cfg("get_callback", json!({}))), 100301);
    assert_eq!(
        code(&cfg(
            "update_callback",
            json!({"Url": "http://127.0.0.1:1/", "CallbackCommandList": []})
        )),
        100301
    );
    let set = json!({"Url": "http://127.0.0.1:1/", "CallbackCommandList": ["Live.CallbackAfterCreateRoom"]});
    assert_eq!(code(&cfg("set_callback", set.clone())), 0);
    assert_eq!(code(&cfg("set_callback", set)), 100300);
    assert_eq!(
        code(&cfg(
            "set_callback",
            json!({"Url": "ftp://x", "CallbackCommandList": []})
        )),
        100002
    );
    let got = cfg("get_callback", json!({}));
    assert_eq!(got["Response"]["Url"], "http://127.0.0.1:1/");
    assert_eq!(code(&cfg("get_callback_token", json!({}))), 100302);
    let long = "t".repeat(129);
    assert_eq!(
        code(&cfg(
            "set_callback_token",
            json!({"Token": long, "IsTokenEnable": true})
        )),
        100002
    );
    assert_eq!(
        code(&cfg(
            "set_callback_token",
            json!({"Token": "", "IsTokenEnable": true})
        )),
        100002
    );
    assert_eq!(
        code(&cfg(
            "set_callback_token",
            json!({"Token": "abc", "IsTokenEnable": true})
        )),
        0
    );
    assert_eq!(
        code(&cfg("set_callback_token", json!({"IsTokenEnable": false}))),
        0
    );
    let t = cfg("get_callback_token", json!({}));
    assert_eq!(
        t["Response"],
        json!({"Token": "abc", "IsTokenEnable": false})
    );
    assert_eq!(code(&cfg("delete_callback_token", json!({}))), 0);
    assert_eq!(code(&cfg("get_callback_token", json!({}))), 100302);
    assert_eq!(code(&cfg("delete_callback", json!({}))), 0);
    assert_eq!(code(&cfg("get_callback", json!({}))), 100301);
    // The client's commands against it.
    emu.client()
        .args(["webhook", "get"])
        .assert()
        .code(0)
        .stdout("no webhook configured\n");
}

#[test]
fn events_are_posted_with_the_documented_query_body_and_sign() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let (url, rx) = receiver();
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            &url,
            "--events",
            "Live.CallbackAfterCreateRoom,Live.CallbackAfterDestroyRoom,Live.CallbackAfterMemberStateChanged",
        ])
        .assert()
        .code(0);
    emu.client()
        .args(["webhook", "token", "set", "--token-stdin"])
        .write_stdin(format!("{TOKEN}\n"))
        .assert()
        .code(0);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "show", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    let (q, body, target) = next(&rx);
    assert!(target.starts_with("/cb?"), "{target}");
    assert_eq!(param(&q, "SdkAppid"), Some(DEMO_APP.to_string().as_str()));
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterCreateRoom")
    );
    assert_eq!(param(&q, "contenttype"), Some("json"));
    assert_eq!(param(&q, "ClientIP"), Some("127.0.0.1"));
    assert_eq!(param(&q, "OptPlatform"), Some("RESTAPI"));
    let rt = param(&q, "RequestTime").expect("signed");
    let want: String = Sha256::digest(format!("{TOKEN}{rt}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(param(&q, "Sign"), Some(want.as_str()));
    assert_eq!(body["CallbackCommand"], "Live.CallbackAfterCreateRoom");
    assert_eq!(body["Operator_Account"], "administrator");
    assert_eq!(body["RoomInfo"]["RoomId"], "show");
    assert_eq!(body["RoomInfo"]["Owner_Account"], "host");
    assert_eq!(body["RoomInfo"]["RoomType"], "Live");

    emu.client()
        .args(["emulator", "join", "show", "u1", "u2"])
        .assert()
        .code(0);
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterMemberStateChanged")
    );
    assert_eq!(body["RoomId"], "show");
    assert_eq!(body["EventType"], "Online");
    assert_eq!(body["EventCause"], "Enter");
    assert_eq!(
        body["MemberList"],
        json!([{"Member_Account": "u1"}, {"Member_Account": "u2"}])
    );
    assert!(body["EventTime"].is_u64(), "{body}");
    emu.client()
        .args(["emulator", "leave", "show", "u1"])
        .assert()
        .code(0);
    let (_, body, _) = next(&rx);
    assert_eq!(
        (&body["EventType"], &body["EventCause"]),
        (&json!("Offline"), &json!("Leave"))
    );
    assert_eq!(body["MemberList"], json!([{"Member_Account": "u1"}]));
    emu.client()
        .args(["member", "ban", "show", "u2", "--for", "1h"])
        .assert()
        .code(0);
    let (_, body, _) = next(&rx);
    assert_eq!(
        (&body["EventType"], &body["EventCause"]),
        (&json!("Offline"), &json!("Kicked"))
    );
    assert_eq!(body["MemberList"], json!([{"Member_Account": "u2"}]));

    // Token disabled: unsigned.
    emu.client()
        .args(["webhook", "token", "set", "--token-stdin", "--disable"])
        .write_stdin(TOKEN)
        .assert()
        .code(0);
    emu.client()
        .args(["destroy", "show", "--yes"])
        .assert()
        .code(0);
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterDestroyRoom")
    );
    assert_eq!(param(&q, "Sign"), None);
    assert_eq!(param(&q, "RequestTime"), None);
    assert_eq!(body["RoomId"], "show");
    assert_eq!(body["EventType"], "DestroyByUser");
    assert!(body["Statistic"]["TotalViewers"].is_u64(), "{body}");
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing more"
    );
}

#[test]
fn only_listed_events_go_and_a_remote_url_is_refused_without_slowing_requests() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let (url, rx) = receiver();
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            &url,
            "--events",
            "Live.CallbackAfterDestroyRoom",
        ])
        .assert()
        .code(0);
    let create = |id: &str| {
        emu.post(
            "live_engine_http_srv/create_room",
            json!({"RoomInfo": {"RoomId": id, "RoomType": "Live",
                                "SeatTemplate": "VideoDynamicGrid9Seats"}}),
        )
    };
    assert_eq!(code(&create("a")), 0);
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "create is not listed"
    );
    // A host that is not this machine: refused by the sender, answers stay fast.
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            "http://192.0.2.1:9/cb",
            "--events",
            "Live.CallbackAfterCreateRoom",
        ])
        .assert()
        .code(0);
    let t = std::time::Instant::now();
    for i in 0..5 {
        assert_eq!(code(&create(&format!("r{i}"))), 0);
    }
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let (_, err) = emu.stop();
    assert!(err.contains("loopback only"), "{err}");
}

/// `livectl webhook listen` as a child: its address (from stderr) and its
/// stdout lines.
struct Listener {
    child: std::process::Child,
    url: String,
    lines: Receiver<String>,
}

impl Listener {
    fn start(dir: &std::path::Path, args: &[&str]) -> Listener {
        use std::process::Stdio;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("livectl"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", dir.join("xdg"))
            .current_dir(dir)
            .args(["webhook", "listen", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        err.read_line(&mut first).unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .trim_end_matches('/')
            .to_string();
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for l in out.lines() {
                let Ok(l) = l else { return };
                if tx.send(l).is_err() {
                    return;
                }
            }
        });
        Listener { child, url, lines }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("listen printed a line")
    }

    fn interrupt(mut self) -> std::process::ExitStatus {
        let id = self.child.id().to_string();
        std::process::Command::new("sh")
            .args(["-c", "kill -INT \"$0\"", &id])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn listen_prints_a_signed_event_forwards_it_and_refuses_a_forged_one() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let token = emu.write("token.txt", &format!("{TOKEN}\n"));
    let (app, app_rx) = receiver();
    let listen = Listener::start(
        &emu.path("."),
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--forward-to",
            &app,
            "--sdkappid",
            &DEMO_APP.to_string(),
        ],
    );
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            &format!("{}/live", listen.url),
            "--events",
            "Live.CallbackAfterCreateRoom,Live.CallbackAfterMemberStateChanged",
        ])
        .assert()
        .code(0);
    emu.client()
        .args(["webhook", "token", "set", "--token-file"])
        .arg(&token)
        .assert()
        .code(0);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "show", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    let line = listen.line();
    assert!(
        line.contains("Live.CallbackAfterCreateRoom room=show owner=host operator=administrator -> forwarded: HTTP 200"),
        "{line}"
    );
    assert!(!line.contains(TOKEN), "{line}");
    // Passed on with the same query and body.
    let (q, body, target) = next(&app_rx);
    assert!(target.starts_with("/cb?"), "{target}");
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterCreateRoom")
    );
    assert!(param(&q, "Sign").is_some());
    assert_eq!(body["RoomInfo"]["RoomId"], "show");

    emu.client()
        .args(["emulator", "join", "show", "u1"])
        .assert()
        .code(0);
    let line = listen.line();
    assert!(
        line.contains("room=show type=Online cause=Enter members=u1"),
        "{line}"
    );
    let _ = next(&app_rx);

    // A forged Sign, and a stale one: 401, shown as refused, not forwarded.
    let now = super::harness::now();
    let forged = format!(
        "{}/live?SdkAppid={DEMO_APP}&CallbackCommand=Live.CallbackAfterCreateRoom&RequestTime={now}&Sign={}",
        listen.url,
        "0".repeat(64)
    );
    let client = reqwest::blocking::Client::new();
    let r = client
        .post(&forged)
        .body(r#"{"RoomId":"x"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let answer: Value = r.json().unwrap();
    assert_eq!(answer["ActionStatus"], "FAIL");
    let line = listen.line();
    assert!(line.contains("refused: Sign does not match"), "{line}");
    let old = now - 120;
    let stale_sign: String = Sha256::digest(format!("{TOKEN}{old}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stale = format!(
        "{}/live?SdkAppid={DEMO_APP}&CallbackCommand=Live.CallbackAfterCreateRoom&RequestTime={old}&Sign={stale_sign}",
        listen.url
    );
    let r = client
        .post(&stale)
        .body(r#"{"RoomId":"x"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    // 120 s old when sent; a second may tick before it is checked.
    let line = listen.line();
    assert!(
        line.contains("refused: RequestTime is 120s old")
            || line.contains("refused: RequestTime is 121s old"),
        "{line}"
    );
    assert!(
        app_rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing forwarded"
    );
    assert!(listen.interrupt().success(), "Ctrl-C exits 0");
}

#[test]
fn listen_refuses_a_remote_address_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    super::harness::bare(dir.path())
        .args(["webhook", "listen", "--listen", "0.0.0.0:0"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--allow-remote"));
}

#[test]
fn listen_prints_json_lines_of_the_contract() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let listen = Listener::start(&emu.path("."), &["-o", "json"]);
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            &listen.url,
            "--events",
            "Live.CallbackAfterCreateRoom",
        ])
        .assert()
        .code(0);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "j1", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    let line: Value = serde_json::from_str(&listen.line()).unwrap();
    livectl::cmd::nouns::check("webhook_event", &line).unwrap();
    assert_eq!(line["command"], "Live.CallbackAfterCreateRoom");
    assert_eq!(line["verified"], false);
    assert_eq!(line["body"]["RoomInfo"]["RoomId"], "j1");
    assert!(listen.interrupt().success());
}

#[test]
fn room_admin_metadata_and_seat_changes_are_sent_too() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let (url, rx) = receiver();
    emu.client()
        .args([
            "webhook",
            "set",
            "--url",
            &url,
            "--events",
            "Live.CallbackAfterUpdateRoomInfo,Live.CallbackAfterModifyAdmin,\
             Live.CallbackAfterSetMetadata,Live.CallbackAfterDelMetadata,\
             Mic.CallbackAfterSeatInfoChanged",
        ])
        .assert()
        .code(0);
    emu.client().args(["create", "show"]).assert().code(0);
    emu.client()
        .args(["update", "show", "--name", "Finals"])
        .assert()
        .code(0);
    emu.client()
        .args(["admin", "add", "show", "u2"])
        .assert()
        .code(0);
    emu.client()
        .args(["meta", "set", "show", "topic=launch"])
        .assert()
        .code(0);
    emu.client()
        .args(["meta", "delete", "show", "topic"])
        .assert()
        .code(0);
    emu.client()
        .args(["emulator", "join", "show", "u1"])
        .assert()
        .code(0);
    emu.client()
        .args(["seat", "pick", "show", "u1", "--index", "1"])
        .assert()
        .code(0);
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterUpdateRoomInfo")
    );
    assert_eq!(body["RoomInfo"]["RoomName"], "Finals");
    assert_eq!(body["Operator_Account"], "administrator");
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterModifyAdmin")
    );
    assert_eq!(
        (body["opType"].clone(), body["Admin_Account"].clone()),
        (json!("add"), json!(["u2"]))
    );
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterSetMetadata")
    );
    assert_eq!(
        body["Metadata"],
        json!([{"Key": "topic", "Value": "launch"}])
    );
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Live.CallbackAfterDelMetadata")
    );
    assert_eq!(body["Keys"], json!(["topic"]));
    let (q, body, _) = next(&rx);
    assert_eq!(
        param(&q, "CallbackCommand"),
        Some("Mic.CallbackAfterSeatInfoChanged")
    );
    assert_eq!(body["RoomId"], "show");
    assert_eq!(body["SeatList"][1]["Member_Account"], "u1");
    assert!(body["EventTime"].is_u64());
}
