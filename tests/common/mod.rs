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

/// stderr as a person reads it: under `-o json` the error is one JSON
/// object (`{"error":…,"exit_code":…}`); it is shown here as its `error: …`
/// line, so checks of the message read the same in both modes. The object
/// itself: [`raw_stderr`].
pub fn stderr(out: &std::process::Output) -> String {
    as_said(&raw_stderr(out))
}

pub fn raw_stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `text` with each `{"error":…}` line replaced by `error: …`.
pub fn as_said(text: &str) -> String {
    text.lines()
        .map(|l| match serde_json::from_str::<Value>(l) {
            Ok(Value::Object(m)) if m.contains_key("error") && m.contains_key("exit_code") => {
                format!("error: {}", m["error"].as_str().unwrap_or_default())
            }
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

/// Asserts no secret (key or any UserSig-looking token) is in `text`.
pub fn assert_no_secret(text: &str) {
    assert!(!text.contains(KEY), "secret key leaked:\n{text}");
    assert!(
        !looks_like_usersig(text),
        "something like a UserSig (zlib base64 starts eJ) leaked:\n{text}"
    );
    assert!(
        !text.contains(&KEY[KEY.len() - 12..]),
        "part of the key leaked:\n{text}"
    );
}

/// `eJ` followed by 20 or more characters of the UserSig alphabet: a minted
/// UserSig is hundreds long, while a temp dir name may hold `eJ` by chance.
pub fn looks_like_usersig(text: &str) -> bool {
    text.match_indices("eJ").any(|(i, _)| {
        text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "*-_".contains(*c))
            .count()
            >= 22
    })
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

mod fake;
// Not every test crate uses the fake.
#[allow(unused_imports)]
pub use fake::*;

/// `text` with the distance after each time (` (3y ago)`, ` (in 2h)`,
/// ` (now)`) taken out, so a test of a fixed date does not depend on today.
pub fn without_distance(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" (") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find(')').unwrap_or(0);
        let inner = &after[..end];
        let amount = inner
            .strip_prefix("in ")
            .or_else(|| inner.strip_suffix(" ago"));
        let is_distance = inner == "now"
            || amount.is_some_and(|a| {
                a.len() >= 2
                    && a[..a.len() - 1].bytes().all(|b| b.is_ascii_digit())
                    && matches!(a.as_bytes()[a.len() - 1], b'm' | b'h' | b'd' | b'y')
            });
        if end > 0 && is_distance {
            rest = &after[end + 1..];
        } else {
            out.push_str(" (");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
