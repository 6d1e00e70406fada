//! TestEnv: runs the real `livectl` binary in a scrubbed sandbox against an
//! httpmock server on loopback.
//!
//! - `env.cmd()`: the binary with the environment cleared (no `HOME`, no
//!   `LIVECTL_*` of the developer), a temp config dir (`XDG_CONFIG_HOME`),
//!   and credentials for the mock server in `LIVECTL_*`; retries back off
//!   1 ms (`LIVECTL_RETRY_BASE_MS`).
//! - `env.bare_cmd()`: the same sandbox without any credentials.
//! - `valid_request(req)`: the query has sdkappid, identifier, a numeric
//!   random, contenttype=json, and a UserSig that decodes and verifies.
//! - `Fake`: a loopback stand-in for the service that observes what it gets
//!   (create requests per room ID, most requests in flight at once, arrival
//!   times), with scripted answers per room (`Step`): for exactly-once,
//!   `--concurrency`, `--rate`, `--fail-fast` and stop-on-doom tests.
//!
//! Each test file uses only part of it.
#![allow(dead_code)]

use assert_cmd::Command;
use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};
use std::path::PathBuf;

pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const SDKAPPID: &str = "1400000001";
pub const IDENTIFIER: &str = "administrator";
pub const PATH_PREFIX: &str = "/v4/live_engine_http_srv/";

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub server: MockServer,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
            server: MockServer::start(),
        }
    }

    /// The sandboxed binary, with no credentials.
    pub fn bare_cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("livectl").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("LIVECTL_RETRY_BASE_MS", "1")
            .current_dir(self.dir.path());
        cmd
    }

    /// A plain `std::process::Command` for `program` (for spawning, killing
    /// and pseudo-terminals) in the same sandbox, with the credentials.
    pub fn process(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("LIVECTL_RETRY_BASE_MS", "1")
            .env("LIVECTL_SDKAPPID", SDKAPPID)
            .env("LIVECTL_IDENTIFIER", IDENTIFIER)
            .env("LIVECTL_SECRET_KEY", KEY)
            .env("LIVECTL_ENDPOINT", self.server.base_url())
            .current_dir(self.dir.path());
        cmd
    }

    /// The sandboxed binary with credentials for the mock server.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.bare_cmd();
        cmd.env("LIVECTL_SDKAPPID", SDKAPPID)
            .env("LIVECTL_IDENTIFIER", IDENTIFIER)
            .env("LIVECTL_SECRET_KEY", KEY)
            .env("LIVECTL_ENDPOINT", self.server.base_url());
        cmd
    }

    /// Writes a file in the sandbox and returns its path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    /// The default config path (`$XDG_CONFIG_HOME/livectl/config.toml`).
    pub fn default_config(&self) -> PathBuf {
        self.dir
            .path()
            .join("xdg")
            .join("livectl")
            .join("config.toml")
    }
}

pub fn path(command: &str) -> String {
    format!("{PATH_PREFIX}{command}")
}

/// A success answer; it carries a field no revision documents, which must
/// be ignored.
pub fn ok_reply(room_id: &str) -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "RequestId": "Id-ok-1", "RoomId": room_id, "Future": {"x": 1}})
}

pub fn fail_reply(code: i64, info: &str) -> Value {
    json!({"ActionStatus": "FAIL", "ErrorInfo": info, "ErrorCode": code, "RequestId": format!("Id-fail-{code}")})
}

/// Checks the query of a request: every parameter, and the UserSig.
pub fn valid_request(req: &HttpMockRequest) -> bool {
    let q = req.query_params_map();
    let random_ok = q.get("random").is_some_and(|r| r.parse::<u32>().is_ok());
    q.get("sdkappid").map(String::as_str) == Some(SDKAPPID)
        && q.get("identifier").map(String::as_str) == Some(IDENTIFIER)
        && q.get("contenttype").map(String::as_str) == Some("json")
        && random_ok
        && q.len() == 5
        && q.get("usersig").is_some_and(|s| usersig_valid(s))
}

/// Decodes a UserSig and checks its fields and its signature with KEY.
pub fn usersig_valid(sig: &str) -> bool {
    let Ok(doc) = livectl::usersig::decode(sig) else {
        return false;
    };
    let (Some(t), Some(exp)) = (doc["TLS.time"].as_u64(), doc["TLS.expire"].as_u64()) else {
        return false;
    };
    let want = livectl::usersig::sig_field(
        SDKAPPID.parse().unwrap(),
        &livectl::secret::Secret::new(KEY),
        IDENTIFIER,
        t,
        exp,
    );
    doc["TLS.identifier"] == IDENTIFIER
        && doc["TLS.sdkappid"].as_u64() == SDKAPPID.parse().ok()
        && doc["TLS.ver"] == "2.0"
        && doc["TLS.sig"] == want.as_str()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts no secret (key or any UserSig-looking token) is in `text`.
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(KEY), "secret key leaked:\n{text}");
    assert!(
        !text.contains("eJ"),
        "something like a UserSig (zlib base64 starts eJ) leaked:\n{text}"
    );
    assert!(
        !text.contains(&KEY[KEY.len() - 12..]),
        "part of the key leaked:\n{text}"
    );
}

/// A stateful stand-in for create_room/destroy_room: remembers rooms, answers
/// 100010 for a room created before, and plays scripted error codes first.
#[derive(Default)]
pub struct FakeRooms {
    /// room_id -> codes to answer (in order) before behaving normally.
    pub script: std::collections::HashMap<String, Vec<i64>>,
    /// Rooms that exist, in creation order.
    pub created: Vec<String>,
    /// Every request's room_id, in arrival order.
    pub requests: Vec<String>,
}

pub type SharedRooms = std::sync::Arc<std::sync::Mutex<FakeRooms>>;

impl FakeRooms {
    /// Mounts create_room on the server, answering after `delay`.
    pub fn mount(
        env: &TestEnv,
        script: &[(&str, &[i64])],
        delay: std::time::Duration,
    ) -> SharedRooms {
        let state: SharedRooms = Default::default();
        {
            let mut s = state.lock().unwrap();
            for (id, codes) in script {
                s.script.insert(id.to_string(), codes.to_vec());
            }
        }
        let st = state.clone();
        env.server.mock(move |when, then| {
            when.path(path("create_room")).is_true(valid_request);
            then.delay(delay).respond_with(move |req| {
                let body: Value = serde_json::from_slice(req.body_ref()).unwrap();
                let id = body["RoomInfo"]["RoomId"].as_str().unwrap().to_string();
                let mut s = st.lock().unwrap();
                s.requests.push(id.clone());
                let scripted = s.script.get_mut(&id).and_then(|v| {
                    if v.is_empty() {
                        None
                    } else {
                        Some(v.remove(0))
                    }
                });
                let reply = match scripted {
                    Some(code) => fail_reply(code, "scripted"),
                    None if s.created.contains(&id) => fail_reply(100010, "exists, yours"),
                    None => {
                        s.created.push(id.clone());
                        ok_reply(&id)
                    }
                };
                httpmock::HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(reply.to_string())
                    .build()
            });
        });
        state
    }
}

/// Reads a JSON-lines report.
pub fn read_report(p: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A CSV with `n` rows r1..rn.
pub fn rooms_csv(n: usize) -> String {
    let mut s = String::from("room_id,name\n");
    for i in 1..=n {
        s.push_str(&format!("r{i},Room {i}\n"));
    }
    s
}

/// create_room playing `codes` in order (0 = success, < 1000 = that HTTP
/// status), then succeeding; returns the UserSigs it saw.
pub fn scripted(env: &TestEnv, codes: Vec<i64>) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    let sigs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = sigs.clone();
    let queue = std::sync::Mutex::new(codes);
    env.server.mock(move |when, then| {
        when.path(path("create_room")).is_true(valid_request);
        then.respond_with(move |req| {
            seen.lock()
                .unwrap()
                .push(req.query_params_map()["usersig"].clone());
            let mut q = queue.lock().unwrap();
            let code = if q.is_empty() { 0 } else { q.remove(0) };
            let (status, body) = match code {
                0 => (200, ok_reply("r1")),
                c if c < 1000 => (c as u16, json!({"oops": true})),
                c => (200, fail_reply(c, "scripted")),
            };
            httpmock::HttpMockResponse::builder()
                .status(status)
                .body(body.to_string())
                .build()
        });
    });
    sigs
}

/// The single JSON object a command printed on stdout.
pub fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_str(stdout(out).trim()).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// room_id -> status of a report.
pub fn statuses(report: &[Value]) -> std::collections::BTreeMap<String, String> {
    report
        .iter()
        .map(|r| {
            (
                r["room_id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every line of stdout as JSON (for `-o json` and dry runs).
pub fn json_lines(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A loopback stand-in for the service that OBSERVES what it gets: create
/// requests per room ID (a double create is visible), the most requests in
/// flight at once, and every arrival time. Plain HTTP/1.1 with keep-alive,
/// one JSON answer per request, a thread per connection.
///
/// create_room makes the room (100010 when it exists), destroy_room removes
/// it (100004 when it does not), get_room_info reads it (with CreateTime).
/// A request whose UserSig does not verify with KEY is answered 70003, so a
/// wrong key is refused as the service would.
pub struct Fake {
    pub url: String,
    pub state: std::sync::Arc<std::sync::Mutex<FakeState>>,
}

/// What an answer is, before the fake's normal behaviour.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    /// Behave normally (create, destroy, read).
    Normal,
    /// This ErrorCode, nothing done.
    Code(i64),
    /// This HTTP status with a non-JSON body.
    Http(u16),
}

/// One scripted answer for a room: `apply` does the normal effect first
/// (so a lost answer still created the room); `delay` holds the answer.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub reply: Reply,
    pub apply: bool,
    pub delay: std::time::Duration,
}

impl Step {
    /// Normal behaviour (use `.after(d)` to hold it).
    pub fn normal() -> Step {
        Step {
            reply: Reply::Normal,
            apply: false,
            delay: std::time::Duration::ZERO,
        }
    }
    pub fn code(c: i64) -> Step {
        Step {
            reply: Reply::Code(c),
            apply: false,
            delay: std::time::Duration::ZERO,
        }
    }
    pub fn http(s: u16) -> Step {
        Step {
            reply: Reply::Http(s),
            apply: false,
            delay: std::time::Duration::ZERO,
        }
    }
    /// Does the work, then answers with HTTP `s` (the answer is lost).
    pub fn applied_then_http(s: u16) -> Step {
        Step {
            apply: true,
            ..Step::http(s)
        }
    }
    /// Does the work, answers normally after `d` (a timeout client-side).
    pub fn late(d: std::time::Duration) -> Step {
        Step {
            reply: Reply::Normal,
            apply: true,
            delay: d,
        }
    }
    pub fn after(self, d: std::time::Duration) -> Step {
        Step { delay: d, ..self }
    }
}

/// One request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub command: String,
    pub room_id: String,
    /// Since the fake started.
    pub at: std::time::Duration,
}

#[derive(Default)]
pub struct FakeState {
    /// room ID -> answers played first, in order.
    pub script: std::collections::HashMap<String, std::collections::VecDeque<Step>>,
    /// Every answer is held this long.
    pub delay: std::time::Duration,
    /// room ID -> CreateTime (Unix seconds).
    pub rooms: std::collections::HashMap<String, i64>,
    /// create_room requests per room ID.
    pub creates: std::collections::HashMap<String, u32>,
    /// Every request, in arrival order.
    pub hits: Vec<Hit>,
    pub in_flight: usize,
    pub max_in_flight: usize,
}

impl FakeState {
    /// Room IDs of the requests of `command`, in arrival order.
    pub fn sent(&self, command: &str) -> Vec<String> {
        self.hits
            .iter()
            .filter(|h| h.command == command)
            .map(|h| h.room_id.clone())
            .collect()
    }

    /// The most arrivals in any one-second window (`[t, t + 1 s)`).
    pub fn max_in_one_second(&self) -> usize {
        let times: Vec<_> = self.hits.iter().map(|h| h.at).collect();
        max_in_window(&times, std::time::Duration::from_secs(1))
    }

    /// Room IDs created more than once.
    pub fn doubles(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .creates
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(id, _)| id.clone())
            .collect();
        v.sort();
        v
    }
}

/// The most of `times` (sorted or not) in any window `[t, t + w)`.
pub fn max_in_window(times: &[std::time::Duration], w: std::time::Duration) -> usize {
    let mut t = times.to_vec();
    t.sort();
    let (mut best, mut lo) = (0, 0);
    for hi in 0..t.len() {
        while t[hi] - t[lo] >= w {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Fake {
    /// Starts the fake; every answer is held `delay`.
    pub fn start(delay: std::time::Duration) -> Fake {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state: std::sync::Arc<std::sync::Mutex<FakeState>> = Default::default();
        state.lock().unwrap().delay = delay;
        let st = state.clone();
        let t0 = std::time::Instant::now();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || serve(conn, &st, t0));
            }
        });
        Fake { url, state }
    }

    /// Adds scripted answers for a room.
    pub fn script(&self, room_id: &str, steps: &[Step]) -> &Fake {
        self.lock()
            .script
            .insert(room_id.to_string(), steps.iter().copied().collect());
        self
    }

    /// A room that exists already, created at `create_time`.
    pub fn existing(&self, room_id: &str, create_time: i64) -> &Fake {
        self.lock().rooms.insert(room_id.to_string(), create_time);
        self
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap()
    }

    /// `env.cmd()` pointed at this fake.
    pub fn cmd(&self, env: &TestEnv) -> Command {
        let mut c = env.cmd();
        c.env("LIVECTL_ENDPOINT", &self.url);
        c
    }

    /// `env.process(livectl)` pointed at this fake.
    pub fn process(&self, env: &TestEnv) -> std::process::Command {
        let mut c = env.process(assert_cmd::cargo::cargo_bin("livectl"));
        c.env("LIVECTL_ENDPOINT", &self.url);
        c
    }
}

fn serve(conn: std::net::TcpStream, st: &std::sync::Mutex<FakeState>, t0: std::time::Instant) {
    use std::io::{BufRead, Read, Write};
    let mut out = conn.try_clone().unwrap();
    let mut r = std::io::BufReader::new(conn);
    loop {
        let mut first = String::new();
        if r.read_line(&mut first).unwrap_or(0) == 0 {
            return;
        }
        let at = t0.elapsed();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
        let (status, text, delay) = answer(st, &target, &body, at);
        std::thread::sleep(delay);
        st.lock().unwrap().in_flight -= 1;
        let reason = if status == 200 { "OK" } else { "Error" };
        let msg = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        );
        if out.write_all(msg.as_bytes()).is_err() {
            return;
        }
    }
}

/// Decides the answer of one request (and counts it in flight).
fn answer(
    st: &std::sync::Mutex<FakeState>,
    target: &str,
    body: &[u8],
    at: std::time::Duration,
) -> (u16, String, std::time::Duration) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let command = path.strip_prefix(PATH_PREFIX).unwrap_or(path).to_string();
    let q: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let room_id = body["RoomInfo"]["RoomId"]
        .as_str()
        .or(body["RoomId"].as_str())
        .unwrap_or("")
        .to_string();
    let mut s = st.lock().unwrap();
    s.in_flight += 1;
    s.max_in_flight = s.max_in_flight.max(s.in_flight);
    s.hits.push(Hit {
        command: command.clone(),
        room_id: room_id.clone(),
        at,
    });
    if command == "create_room" {
        *s.creates.entry(room_id.clone()).or_default() += 1;
    }
    let signed = q.get("sdkappid").map(String::as_str) == Some(SDKAPPID)
        && q.get("usersig").is_some_and(|u| usersig_valid(u));
    let step = s
        .script
        .get_mut(&room_id)
        .and_then(|v| v.pop_front())
        .unwrap_or(Step {
            reply: Reply::Normal,
            apply: false,
            delay: std::time::Duration::ZERO,
        });
    let delay = s.delay + step.delay;
    if !signed {
        return (200, fail_reply(70003, "usersig invalid").to_string(), delay);
    }
    let normal = matches!(step.reply, Reply::Normal);
    let mut result = None;
    if normal || step.apply {
        let exists = s.rooms.contains_key(&room_id);
        result = Some(match command.as_str() {
            "create_room" if exists => fail_reply(100010, "exists, yours"),
            "create_room" => {
                s.rooms.insert(room_id.clone(), unix_now());
                ok_reply(&room_id)
            }
            "destroy_room" if exists => {
                s.rooms.remove(&room_id);
                ok_reply(&room_id)
            }
            "get_room_info" if exists => {
                json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-get-1",
                "Response": {"RoomInfo": {"RoomId": room_id, "CreateTime": s.rooms[&room_id]}}})
            }
            "destroy_room" | "get_room_info" => fail_reply(100004, "room not exist"),
            _ => fail_reply(60002, "unknown command"),
        });
    }
    match step.reply {
        Reply::Normal => (200, result.unwrap().to_string(), delay),
        Reply::Code(c) => (200, fail_reply(c, "scripted").to_string(), delay),
        Reply::Http(h) => (h, "<html>bad gateway</html>".to_string(), delay),
    }
}
