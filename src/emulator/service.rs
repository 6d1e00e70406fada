//! The service without the sockets: routes `/v4/<service>/<command>`, checks
//! the URL and UserSig, applies the faults, runs the handler under the state
//! lock and builds the answer (HTTP 200 and the common fields, always).

use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::auth::{self, Credentials};
use super::faults::{EmulatorClock, Faults};
use super::state::State;
use super::store::Store;
use super::wire::{Body, Fail, Out, fail};
use super::{accounts, admins, battles, gifts, hooks, members, messages, meta, rooms, seats};
use crate::api::endpoint as ep;

/// Revision switches.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    /// The older create_room revision: SeatTemplate not required.
    pub seat_template_optional: bool,
    /// `--accounts open`: any user is taken as imported.
    pub open_accounts: bool,
}

/// What a handler works on: the state (locked), the time, the rules.
pub struct Call<'a> {
    pub state: &'a mut State,
    pub now_ms: u64,
    pub rules: &'a Rules,
    /// The app admin the request came from (default room owner).
    pub admin: &'a str,
    pub clock: &'a EmulatorClock,
    /// Webhook events of this call, sent after it succeeded (`hooks`).
    pub outbox: Vec<(&'static str, Value)>,
}

type Handler = fn(&mut Call, &Body) -> Result<Out, Fail>;

/// The emulator's own commands, on the same URL scheme and credentials.
pub const EMULATOR: &str = "livectl_emulator";

/// (path under `/v4/`, handler, changes the state): the service's
/// endpoints from livectl's own table (`api::endpoint`), then the
/// emulator's own.
const COMMANDS: &[(&str, Handler, bool)] = &[
    (ep::CREATE_ROOM.path, rooms::create, true),
    (ep::DESTROY_ROOM.path, rooms::destroy, true),
    (ep::GET_ROOM_INFO.path, rooms::get, false),
    (ep::UPDATE_ROOM_INFO.path, rooms::update, true),
    (ep::GET_ROOM_LIST.path, rooms::list, false),
    (ep::GET_ROOM_METADATA.path, meta::get, false),
    (ep::SET_ROOM_METADATA.path, meta::set, true),
    (ep::DEL_ROOM_METADATA.path, meta::del, true),
    (ep::GET_MEMBER_LIST.path, members::list, false),
    (ep::BAN_MEMBER.path, members::ban, true),
    (ep::UNBAN_MEMBER.path, members::unban, true),
    (ep::GET_BANNED_MEMBER_LIST.path, members::banned, true),
    (ep::MUTE_MEMBER.path, members::mute, true),
    (ep::GET_MUTED_MEMBER_LIST.path, members::muted, true),
    (ep::GET_ADMIN_LIST.path, admins::list, false),
    (ep::MODIFY_ADMIN.path, admins::modify, true),
    (ep::ADD_ROBOT.path, admins::add_robot, true),
    (ep::GET_ROBOT.path, admins::robots, false),
    (ep::DEL_ROBOT.path, admins::del_robot, true),
    (ep::SEND_TEXT_MSG.path, messages::send_text, true),
    (ep::SEND_CUSTOM_MSG.path, messages::send_custom, true),
    (ep::CHANGE_ROOM_OWNER.path, messages::change_owner, true),
    (ep::GET_ROOM_STATS.path, messages::stats, false),
    (ep::GET_SEAT_LIST.path, seats::list, false),
    (ep::PICK_USER_ON_SEAT.path, seats::pick, true),
    (ep::KICK_USER_OFF_SEAT.path, seats::kick, true),
    (ep::LOCK_SEAT.path, seats::lock, true),
    (ep::MOVE_USER_TO_SEAT.path, seats::move_to, true),
    (ep::ACCOUNT_IMPORT.path, accounts::import, true),
    (ep::MULTIACCOUNT_IMPORT.path, accounts::import_many, true),
    (ep::ACCOUNT_CHECK.path, accounts::check, false),
    (ep::PORTRAIT_GET.path, accounts::portrait_get, false),
    (ep::PORTRAIT_SET.path, accounts::portrait_set, true),
    (ep::SEND_GROUP_MSG.path, messages::group_msg, true),
    (ep::ADD_GIFT.path, gifts::add, false),
    (ep::GET_GIFT.path, gifts::get, false),
    (ep::DEL_GIFT.path, gifts::del, false),
    (ep::SEND_GIFT.path, gifts::send, true),
    (ep::GET_GIFT_COUNT.path, gifts::count, false),
    (ep::CREATE_BATTLE.path, battles::create, false),
    (ep::SET_BATTLE_SCORE.path, battles::score, false),
    (ep::GET_BATTLE_INFO.path, battles::info, false),
    (ep::SET_MIX_STREAM.path, messages::set_mix, false),
    (ep::RESUME_MCU_TASK.path, messages::resume_mix, false),
    // In memory only (not journaled): the webhook is not in `--state`.
    (ep::SET_CALLBACK.path, hooks::set_callback, false),
    (ep::UPDATE_CALLBACK.path, hooks::update_callback, false),
    (ep::GET_CALLBACK.path, hooks::get_callback, false),
    (ep::DELETE_CALLBACK.path, hooks::delete_callback, false),
    (ep::SET_CALLBACK_TOKEN.path, hooks::set_token, false),
    (ep::GET_CALLBACK_TOKEN.path, hooks::get_token, false),
    (ep::DELETE_CALLBACK_TOKEN.path, hooks::delete_token, false),
    (ep::EMU_JOIN_ROOM.path, members::join, true),
    (ep::EMU_LEAVE_ROOM.path, members::leave, true),
    (ep::EMU_REACT.path, members::react, true),
    (
        "livectl_emulator/advance_clock",
        messages::advance_clock,
        true,
    ),
];

/// Every command served, as `service/command` (for the README and tests).
pub fn commands() -> impl Iterator<Item = String> {
    COMMANDS.iter().map(|(p, _, _)| p.to_string())
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
    pub clock: EmulatorClock,
    pub faults: Faults,
    pub rules: Rules,
    pub state: Mutex<State>,
    /// `--state`: every change is journaled there before it is answered.
    pub store: Option<Arc<Store>>,
    /// Sends webhook events in the background.
    pub hook_sender: hooks::Sender,
    requests: AtomicU64,
    id_tag: u32,
}

impl Service {
    pub fn new(
        creds: Credentials,
        clock: EmulatorClock,
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
            store: None,
            hook_sender: hooks::Sender::default(),
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
                    // send_group_msg: a live room's group is its RoomId.
                    .or_else(|| b.get("GroupId"))
            })
            .and_then(Value::as_str)
            .map(str::to_string);
        let result = self.outcome(req, path, query, parsed, room_id.as_deref());
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
        room_id: Option<&str>,
    ) -> Result<Out, Fail> {
        let command = path.trim_start_matches('/').strip_prefix("v4/");
        let found = COMMANDS.iter().find(|(p, _, _)| command == Some(*p));
        let Some((name, handler, writes)) = found else {
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
        let real = !name.starts_with(EMULATOR);
        if let Some(w) = self.faults.rate_limit.as_ref().filter(|_| real)
            && !w.admit(now_ms)
        {
            return Err(fail(60007, "REST call rate over the limit"));
        }
        if *name == ep::GET_ROOM_LIST.path && !self.faults.list_limit.admit(now_ms) {
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
            outbox: Vec::new(),
        };
        let out = handler(&mut call, &body)?;
        // Any change of seats is one webhook with the whole seat list.
        let seat_change = [
            ep::PICK_USER_ON_SEAT.path,
            ep::KICK_USER_OFF_SEAT.path,
            ep::LOCK_SEAT.path,
            ep::MOVE_USER_TO_SEAT.path,
        ];
        if seat_change.contains(name)
            && let Some(r) = room_id
        {
            hooks::seats(&mut call, r);
        }
        let outbox = std::mem::take(&mut call.outbox);
        if *writes && let Some(store) = &self.store {
            // Journaled before the answer: a confirmed write survives a crash.
            store.record(&state, room_id).map_err(|e| {
                fail(
                    100001,
                    format!("the emulator could not journal this change ({e}); it is not saved"),
                )
            })?;
        }
        if !outbox.is_empty() {
            // Delivery time is the wall clock's (the receiver checks it).
            let request_time = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let out_of_lock =
                hooks::deliveries(&state.hooks, self.creds.sdkappid, outbox, request_time);
            drop(state);
            for d in out_of_lock {
                self.hook_sender.send(d);
            }
        }
        Ok(out)
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
