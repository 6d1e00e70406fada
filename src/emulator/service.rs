//! The service without the sockets: routes `/v4/<service>/<command>`, checks
//! the URL and UserSig, applies the faults, runs the handler under the state
//! lock and builds the answer (HTTP 200 and the common fields, always).

use serde_json::{Map, Value, json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::auth::{self, Credentials};
use super::faults::{Clock, Faults};
use super::state::State;
use super::wire::{Body, Fail, Out, fail};
use super::{admins, members, messages, meta, rooms, seats};

/// Revision switches.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    /// The older create_room revision: SeatTemplate not required.
    pub seat_template_optional: bool,
}

/// What a handler works on: the state (locked), the time, the rules.
pub struct Call<'a> {
    pub state: &'a mut State,
    pub now_ms: u64,
    pub rules: &'a Rules,
    /// The app admin the request came from (default room owner).
    pub admin: &'a str,
    pub clock: &'a Clock,
}

type Handler = fn(&mut Call, &Body) -> Result<Out, Fail>;

/// The live-room service (live-api.md section 2).
pub const LIVE: &str = "live_engine_http_srv";
/// The seat service.
pub const MIC: &str = "room_engine_http_mic";
/// Emulator-only commands, on the same URL scheme and credentials.
pub const EMULATOR: &str = "livectl_emulator";

/// (service, command, handler, changes the state)
const COMMANDS: &[(&str, &str, Handler, bool)] = &[
    (LIVE, "create_room", rooms::create, true),
    (LIVE, "destroy_room", rooms::destroy, true),
    (LIVE, "get_room_info", rooms::get, false),
    (LIVE, "update_room_info", rooms::update, true),
    (LIVE, "get_room_list", rooms::list, false),
    (LIVE, "get_room_metadata", meta::get, false),
    (LIVE, "set_room_metadata", meta::set, true),
    (LIVE, "del_room_metadata", meta::del, true),
    (LIVE, "get_member_list", members::list, false),
    (LIVE, "ban_member", members::ban, true),
    (LIVE, "unban_member", members::unban, true),
    (LIVE, "get_banned_member_list", members::banned, true),
    (LIVE, "mute_member", members::mute, true),
    (LIVE, "get_muted_member_list", members::muted, true),
    (LIVE, "get_admin_list", admins::list, false),
    (LIVE, "modify_admin", admins::modify, true),
    (LIVE, "add_robot", admins::add_robot, true),
    (LIVE, "get_robot", admins::robots, false),
    (LIVE, "del_robot", admins::del_robot, true),
    (LIVE, "send_text_msg", messages::send_text, true),
    (LIVE, "send_custom_msg", messages::send_custom, true),
    (LIVE, "change_room_owner", messages::change_owner, true),
    (LIVE, "get_room_stats", messages::stats, false),
    (MIC, "get_seat_list", seats::list, false),
    (MIC, "pick_user_on_seat", seats::pick, true),
    (MIC, "kick_user_off_seat", seats::kick, true),
    (MIC, "lock_seat", seats::lock, true),
    (MIC, "move_user_to_seat", seats::move_to, true),
    (EMULATOR, "join_room", members::join, true),
    (EMULATOR, "leave_room", members::leave, true),
    (EMULATOR, "advance_clock", messages::advance_clock, true),
];

/// Every command served, as `service/command` (for the README and tests).
pub fn commands() -> impl Iterator<Item = String> {
    COMMANDS.iter().map(|(s, c, _, _)| format!("{s}/{c}"))
}

/// A request as the transport read it.
pub struct Request<'a> {
    pub method: &'a str,
    /// Path and query, as sent.
    pub url: &'a str,
    pub body: &'a [u8],
    /// The body was longer than the transport reads.
    pub too_long: bool,
}

/// The answer and what the request log needs (never the URL: it holds the UserSig).
pub struct Answered {
    pub body: Vec<u8>,
    pub command: String,
    pub room_id: Option<String>,
    pub code: i64,
    pub request_id: String,
}

pub struct Service {
    pub creds: Credentials,
    pub clock: Clock,
    pub faults: Faults,
    pub rules: Rules,
    pub state: Mutex<State>,
    /// Bumped by every request that may have changed the state.
    pub generation: AtomicU64,
    requests: AtomicU64,
    id_tag: u32,
}

impl Service {
    pub fn new(
        creds: Credentials,
        clock: Clock,
        faults: Faults,
        rules: Rules,
        state: State,
    ) -> Service {
        Service {
            creds,
            clock,
            faults,
            rules,
            state: Mutex::new(state),
            generation: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            id_tag: rand::random(),
        }
    }

    pub fn handle(&self, req: &Request) -> Answered {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let request_id = format!("Id-emu-{:08x}-{n:x}", self.id_tag);
        let (path, query) = req.url.split_once('?').unwrap_or((req.url, ""));
        let command = path.trim_start_matches('/').to_string();
        let parsed: Option<Map<String, Value>> = serde_json::from_slice(req.body).ok();
        let room_id = parsed
            .as_ref()
            .and_then(|b| {
                b.get("RoomId")
                    .or_else(|| b.get("RoomInfo").and_then(|i| i.get("RoomId")))
            })
            .and_then(Value::as_str)
            .map(str::to_string);
        let result = self.outcome(req, path, query, parsed);
        let (code, m) = match result {
            Ok(out) => {
                let mut m = head(0, "", &request_id);
                m.extend(out.top.into_iter().map(|(k, v)| (k.to_string(), v)));
                if let Some(r) = out.response {
                    m.insert("Response".into(), r);
                }
                (0, m)
            }
            Err(f) => (f.code, head(f.code, &f.info, &request_id)),
        };
        Answered {
            body: serde_json::to_vec(&Value::Object(m)).expect("an answer serializes"),
            command,
            room_id,
            code,
            request_id,
        }
    }

    fn outcome(
        &self,
        req: &Request,
        path: &str,
        query: &str,
        body: Option<Body>,
    ) -> Result<Out, Fail> {
        let mut parts = path.trim_start_matches('/').split('/');
        let (v4, svc, cmd, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        let found = COMMANDS.iter().find(|(s, c, _, _)| {
            v4 == Some("v4") && svc == Some(*s) && cmd == Some(*c) && rest.is_none()
        });
        let Some((_, name, handler, writes)) = found else {
            return Err(fail(60009, format!("unknown service or command: {path}")));
        };
        if req.method != "POST" {
            return Err(fail(
                60002,
                format!("{} is not supported: use POST", req.method),
            ));
        }
        let now_ms = self.clock.now_ms();
        auth::check(query, &self.creds, now_ms / 1000)?;
        // Faults are for the service's commands, not the emulator's own.
        let real = svc != Some(EMULATOR);
        if let Some(w) = self.faults.rate_limit.as_ref().filter(|_| real)
            && !w.admit(now_ms)
        {
            return Err(fail(60007, "REST call rate over the limit"));
        }
        if *name == "get_room_list" && !self.faults.list_limit.admit(now_ms) {
            return Err(fail(60007, "get_room_list allows 10 requests per second"));
        }
        if real && self.faults.draw_failure() {
            return Err(fail(
                100001,
                "internal server error (emulated by --fail-rate); retry",
            ));
        }
        if req.too_long {
            return Err(fail(80002, "the request body is too long"));
        }
        let body = body.ok_or_else(|| fail(60003, "the request body is not a JSON object"))?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut call = Call {
            state: &mut state,
            now_ms,
            rules: &self.rules,
            admin: &self.creds.identifier,
            clock: &self.clock,
        };
        let out = handler(&mut call, &body);
        if *writes && out.is_ok() {
            self.generation.fetch_add(1, Ordering::Relaxed);
        }
        out
    }
}

fn head(code: i64, info: &str, request_id: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "ActionStatus".into(),
        json!(if code == 0 { "OK" } else { "FAIL" }),
    );
    m.insert("ErrorCode".into(), json!(code));
    m.insert("ErrorInfo".into(), json!(info));
    m.insert("RequestId".into(), json!(request_id));
    m
}
