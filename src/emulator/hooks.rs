//! The live webhook (live-api.md §18.1–§18.4): the seven `live_config`
//! commands (one configuration per app, kept in memory: not in `--state`),
//! and the delivery of events. A handler that changes something an event
//! reports puts the event in the call's outbox ([`emit`], only when the
//! configuration lists it); after the answer is decided the service hands
//! the outbox to [`Sender`]: a background thread with a bounded queue
//! (full: dropped with a log line), plain HTTP to loopback only, 2 s to
//! connect and to answer. Nothing here blocks a request.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::service::Call;
use super::wire::{Body, Fail, Out, bad, fail, opt_bool, opt_text, strings, text};
use crate::output;

pub const CREATE_ROOM: &str = "Live.CallbackAfterCreateRoom";
pub const DESTROY_ROOM: &str = "Live.CallbackAfterDestroyRoom";
pub const MEMBER_STATE: &str = "Live.CallbackAfterMemberStateChanged";
pub const UPDATE_ROOM: &str = "Live.CallbackAfterUpdateRoomInfo";
pub const MODIFY_ADMIN: &str = "Live.CallbackAfterModifyAdmin";
pub const SET_METADATA: &str = "Live.CallbackAfterSetMetadata";
pub const DEL_METADATA: &str = "Live.CallbackAfterDelMetadata";
pub const SEAT_CHANGED: &str = "Mic.CallbackAfterSeatInfoChanged";

/// Deliveries waiting for the sender thread; more are dropped.
pub const QUEUE: usize = 256;
/// Connect and answer timeout of one delivery (the service's 2 s).
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The documented token length.
pub const TOKEN_MAX: usize = 128;

/// The app's webhook configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub url: String,
    pub events: Vec<String>,
}

/// The app's token configuration.
#[derive(Debug, Clone, Default)]
pub struct Token {
    pub token: String,
    pub enabled: bool,
}

/// The webhook state of the app (in memory only).
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    pub config: Option<Config>,
    pub token: Option<Token>,
}

/// `Sign` of a delivery: lowercase hex SHA-256 of the token followed by
/// the decimal RequestTime (§18.2; not an HMAC).
pub fn sign(token: &str, request_time: u64) -> String {
    let digest = Sha256::digest(format!("{token}{request_time}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn config_of(b: &Body) -> Result<Config, Fail> {
    let url = text(b, "Url")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(bad("Url must start with http:// or https://"));
    }
    let events = strings(b, "CallbackCommandList")?;
    Ok(Config {
        url: url.to_string(),
        events,
    })
}

pub fn set_callback(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let config = config_of(b)?;
    if c.state.hooks.config.is_some() {
        return Err(fail(
            100300,
            "the callback configuration already exists: use update_callback",
        ));
    }
    c.state.hooks.config = Some(config);
    Out::empty()
}

pub fn update_callback(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let config = config_of(b)?;
    let Some(old) = c.state.hooks.config.as_mut() else {
        return Err(no_config());
    };
    *old = config;
    Out::empty()
}

fn no_config() -> Fail {
    fail(
        100301,
        "the callback configuration does not exist: set_callback first",
    )
}

pub fn get_callback(c: &mut Call, _b: &Body) -> Result<Out, Fail> {
    let config = c.state.hooks.config.as_ref().ok_or_else(no_config)?;
    Out::response(json!({"Url": config.url, "CallbackCommandList": config.events}))
}

pub fn delete_callback(c: &mut Call, _b: &Body) -> Result<Out, Fail> {
    c.state.hooks.config = None;
    Out::empty()
}

pub fn set_token(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let token = opt_text(b, "Token")?;
    let enabled = opt_bool(b, "IsTokenEnable")?;
    if let Some(t) = token {
        let n = t.chars().count();
        if n == 0 || n > TOKEN_MAX {
            return Err(bad(format!(
                "Token is {n} characters; it takes 1 to {TOKEN_MAX}"
            )));
        }
    }
    let hooks = &mut c.state.hooks;
    match (hooks.token.as_mut(), token, enabled) {
        (Some(old), t, e) => {
            if let Some(t) = t {
                old.token = t.to_string();
            }
            if let Some(e) = e {
                old.enabled = e;
            }
        }
        (None, Some(t), Some(e)) => {
            hooks.token = Some(Token {
                token: t.to_string(),
                enabled: e,
            })
        }
        (None, _, _) => {
            return Err(bad(
                "Token and IsTokenEnable are both required on the first setup",
            ));
        }
    }
    Out::empty()
}

pub fn get_token(c: &mut Call, _b: &Body) -> Result<Out, Fail> {
    let t = c.state.hooks.token.as_ref().ok_or_else(|| {
        fail(
            100302,
            "the token configuration does not exist: set_callback_token first",
        )
    })?;
    Out::response(json!({"Token": t.token, "IsTokenEnable": t.enabled}))
}

pub fn delete_token(c: &mut Call, _b: &Body) -> Result<Out, Fail> {
    c.state.hooks.token = None;
    Out::empty()
}

/// Whether the configuration lists `event` (then build its body).
pub fn wants(c: &Call, event: &str) -> bool {
    c.state
        .hooks
        .config
        .as_ref()
        .is_some_and(|h| h.events.iter().any(|e| e == event))
}

/// Puts `event` with `body` (its `CallbackCommand` added) in the outbox,
/// when the configuration lists it.
pub fn emit(c: &mut Call, event: &'static str, body: Value) {
    if !wants(c, event) {
        return;
    }
    let mut body = body;
    if let Value::Object(m) = &mut body {
        m.insert("CallbackCommand".into(), json!(event));
    }
    c.outbox.push((event, body));
}

/// Member-state events for `users` (none when empty).
pub fn members(c: &mut Call, room: &str, users: &[String], online: bool, cause: &str) {
    if users.is_empty() || !wants(c, MEMBER_STATE) {
        return;
    }
    let list: Vec<Value> = users.iter().map(|u| json!({"Member_Account": u})).collect();
    let body = json!({
        "RoomId": room,
        "EventType": if online { "Online" } else { "Offline" },
        "EventCause": cause,
        "MemberList": list,
        "EventTime": c.now_ms,
    });
    emit(c, MEMBER_STATE, body);
}

/// One POST to make.
#[derive(Debug)]
pub struct Delivery {
    pub event: &'static str,
    pub url: String,
    pub body: Vec<u8>,
}

/// The deliveries of an outbox under the current configuration: the
/// documented query, signed when a token is enabled (`request_time`: Unix s).
pub fn deliveries(
    hooks: &Hooks,
    sdkappid: u64,
    outbox: Vec<(&'static str, Value)>,
    request_time: u64,
) -> Vec<Delivery> {
    let Some(config) = &hooks.config else {
        return Vec::new();
    };
    let sign = hooks
        .token
        .as_ref()
        .filter(|t| t.enabled)
        .map(|t| sign(&t.token, request_time));
    outbox
        .into_iter()
        .map(|(event, body)| {
            let sep = if config.url.contains('?') { '&' } else { '?' };
            let mut url = format!(
                "{}{sep}SdkAppid={sdkappid}&CallbackCommand={event}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI",
                config.url
            );
            if let Some(s) = &sign {
                url.push_str(&format!("&RequestTime={request_time}&Sign={s}"));
            }
            Delivery {
                event,
                url,
                body: serde_json::to_vec(&body).expect("a body serializes"),
            }
        })
        .collect()
}

/// The background sender: started on the first delivery.
#[derive(Default)]
pub struct Sender {
    tx: OnceLock<SyncSender<Delivery>>,
}

impl Sender {
    /// Queues `d`; a full queue drops it with a log line. Never blocks.
    pub fn send(&self, d: Delivery) {
        let tx = self.tx.get_or_init(|| {
            let (tx, rx) = sync_channel(QUEUE);
            std::thread::Builder::new()
                .name("webhook".into())
                .spawn(move || deliver_all(rx))
                .expect("the webhook thread starts");
            tx
        });
        match tx.try_send(d) {
            Ok(()) => {}
            Err(TrySendError::Full(d)) => output::warn(format!(
                "emulator: webhook {} dropped: {QUEUE} deliveries are waiting",
                d.event
            )),
            Err(TrySendError::Disconnected(d)) => output::warn(format!(
                "emulator: webhook {} dropped: the sender stopped",
                d.event
            )),
        }
    }
}

fn deliver_all(rx: Receiver<Delivery>) {
    for d in rx {
        match post(&d) {
            Ok(status) => output::log(1, format!("emulator: webhook {} -> HTTP {status}", d.event)),
            Err(e) => output::warn(format!("emulator: webhook {} not delivered: {e}", d.event)),
        }
    }
}

/// Where `url` points, when it is plain HTTP to this machine.
fn loopback(url: &url::Url) -> Result<SocketAddr, String> {
    if url.scheme() != "http" {
        return Err(format!(
            "{}:// is not sent by the emulator (plain http:// to loopback only)",
            url.scheme()
        ));
    }
    let host = url.host_str().unwrap_or("");
    let port = url.port_or_known_default().unwrap_or(80);
    let addr = (host.trim_matches(['[', ']']), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("cannot resolve {}", output::shown(host)))?;
    let ok = match addr.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip.is_loopback(),
    };
    if !ok || !(host == "localhost" || host.parse::<IpAddr>().is_ok() || host.starts_with('[')) {
        return Err(format!(
            "{} is not this machine: the emulator sends webhooks to loopback only",
            output::shown(host)
        ));
    }
    Ok(addr)
}

/// One POST (plain HTTP to loopback only); the answer's HTTP status.
pub fn post(d: &Delivery) -> Result<u16, String> {
    let url = url::Url::parse(&d.url).map_err(|e| format!("bad URL: {e}"))?;
    let addr = loopback(&url)?;
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut s = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(TIMEOUT)).ok();
    s.set_write_timeout(Some(TIMEOUT)).ok();
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        addr,
        d.body.len()
    );
    let mut msg = head.into_bytes();
    msg.extend_from_slice(&d.body);
    s.write_all(&msg).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // The status line is enough; read at most 64 KiB.
    while answer.len() < 64 * 1024 {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if answer.is_empty() => return Err(e.to_string()),
            Err(_) => break,
        }
        if answer.windows(2).any(|w| w == b"\r\n") {
            break;
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "no HTTP answer".to_string())
}

/// `Mic.CallbackAfterSeatInfoChanged` for `room` (§18.4): the whole seat
/// list as it now is, after a pick, kick, lock, mute or move.
pub fn seats(c: &mut Call, room: &str) {
    if !wants(c, SEAT_CHANGED) {
        return;
    }
    let Some(r) = c.state.rooms.get(room) else {
        return;
    };
    let list: Vec<Value> = r
        .seats
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({
                "Index": i, "Member_Account": s.member.clone().unwrap_or_default(),
                "IsTakenDisabled": s.locked, "IsVideoDisabled": s.video_disabled,
                "IsAudioDisabled": s.audio_disabled,
            })
        })
        .collect();
    let body = serde_json::json!({
        "Operator_Account": c.admin, "RoomId": room, "SeatList": list, "EventTime": c.now_ms,
    });
    emit(c, SEAT_CHANGED, body);
}

/// The other after-events of §18.4 whose body is given by the caller
/// (update room info, admins, metadata); `Operator_Account` and
/// `EventTime` (ms) are added here.
pub fn after(c: &mut Call, event: &'static str, mut body: Value) {
    if !wants(c, event) {
        return;
    }
    if let Some(m) = body.as_object_mut() {
        m.insert("Operator_Account".into(), serde_json::json!(c.admin));
        m.insert("EventTime".into(), serde_json::json!(c.now_ms));
    }
    emit(c, event, body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_the_documented_example() {
        assert_eq!(
            sign("xxxxyyyy", 1_669_872_112),
            "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
        );
    }

    #[test]
    fn only_plain_http_to_loopback_is_sent() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert!(loopback(&u("http://127.0.0.1:9/x")).is_ok());
        assert!(loopback(&u("http://[::1]:9/x")).is_ok());
        assert!(loopback(&u("https://127.0.0.1:9/x")).is_err());
        assert!(loopback(&u("http://10.1.2.3:9/x")).is_err());
        assert!(loopback(&u("http://example.com/x")).is_err());
    }

    #[test]
    fn deliveries_carry_the_query_and_a_sign_only_when_enabled() {
        let mut h = Hooks {
            config: Some(Config {
                url: "http://127.0.0.1:1/cb".into(),
                events: vec![CREATE_ROOM.into()],
            }),
            token: Some(Token {
                token: "xxxxyyyy".into(),
                enabled: false,
            }),
        };
        let d = deliveries(&h, 7, vec![(CREATE_ROOM, json!({}))], 1_669_872_112);
        assert_eq!(
            d[0].url,
            "http://127.0.0.1:1/cb?SdkAppid=7&CallbackCommand=Live.CallbackAfterCreateRoom&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI"
        );
        h.token.as_mut().unwrap().enabled = true;
        let d = deliveries(&h, 7, vec![(CREATE_ROOM, json!({}))], 1_669_872_112);
        assert!(d[0].url.ends_with(
            "&RequestTime=1669872112&Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
        ));
    }
}
