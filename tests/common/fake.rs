//! `Fake`: a loopback stand-in for the service that observes what it gets.
//! See the struct.

use super::{PATH_PREFIX, SDKAPPID, fail_reply, ok_reply, usersig_valid};
use assert_cmd::Command;
use serde_json::{Value, json};

use super::TestEnv;

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
    /// The request body as sent.
    pub body: Value,
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

    /// Started with these ErrorCodes answered first, in order, for some
    /// rooms (`&[("r3", &[100003])]`); every answer held `delay`.
    pub fn with_codes(script: &[(&str, &[i64])], delay: std::time::Duration) -> Fake {
        let fake = Fake::start(delay);
        for (id, codes) in script {
            let steps: Vec<Step> = codes.iter().map(|c| Step::code(*c)).collect();
            fake.script(id, &steps);
        }
        fake
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
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
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
        body: body.clone(),
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
