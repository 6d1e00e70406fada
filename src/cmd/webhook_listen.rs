//! `livectl webhook listen`: a receiver of live webhooks for development.
//! It reads requests with the emulator's HTTP/1.1 reader (`emulator::http`),
//! checks `Sign` and the 60 s freshness of `RequestTime` when a token is
//! given (from stdin or a file, never a flag), answers the documented OK
//! (a forged or stale request: HTTP 401 with an error body), prints each
//! event on one line (or a JSON line with `-o json`), and with
//! `--forward-to` passes a verified request on, same query and body, to a
//! local app server. Ctrl-C ends it with exit 0.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use clap::Args;
use serde_json::{Value, json};

use crate::cmd::Ctx;
use crate::emulator::hooks::{self, Delivery};
use crate::emulator::http::{self, Conn, End, Limits};
use crate::error::Error;
use crate::output::{self, Format};
use crate::secret::Secret;

/// Freshness of a signed request, in seconds either way (§18.2).
pub const SKEW: i64 = 60;
/// Connections served at once; more are closed.
const CONNECTIONS: usize = 64;

/// The documented success answer.
pub const OK: &[u8] = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

#[derive(Args, Debug, Clone)]
pub struct ListenArgs {
    /// Address to receive on (loopback unless --allow-remote; port 0 picks a free one)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9091",
          value_parser = crate::emulator::args::parse_listen)]
    pub listen: SocketAddr,
    /// Allow a non-loopback --listen address
    #[arg(long)]
    pub allow_remote: bool,
    /// Pass each verified request on (same query and body) to this local URL (http:// to loopback)
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Read the token from stdin: requests must then carry a valid Sign
    #[arg(long, conflicts_with = "token_file")]
    pub token_stdin: bool,
    /// Read the token from FILE: requests must then carry a valid Sign
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Refuse requests whose SdkAppid is not N
    #[arg(long, value_name = "N")]
    pub sdkappid: Option<u64>,
}

/// Why a request is refused, or `None`: the query's `Sign` and
/// `RequestTime` against `token` at `now` (Unix s), and the SdkAppid.
pub fn verify(
    query: &[(String, String)],
    token: Option<&Secret>,
    sdkappid: Option<u64>,
    now: i64,
) -> Option<String> {
    let get = |k: &str| {
        query
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    if let Some(app) = sdkappid
        && get("SdkAppid") != Some(app.to_string().as_str())
    {
        return Some(format!("SdkAppid is not {app}"));
    }
    let token = token?;
    let (Some(rt), Some(sign)) = (get("RequestTime"), get("Sign")) else {
        return Some("no Sign or RequestTime (a token is set)".into());
    };
    let Ok(t) = rt.parse::<u64>() else {
        return Some("RequestTime is not a number".into());
    };
    let want = hooks::sign(token.expose(), t);
    let got = sign.to_ascii_lowercase();
    let same = want.len() == got.len()
        && want
            .bytes()
            .zip(got.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Some("Sign does not match the token".into());
    }
    let age = now - t as i64;
    if age.abs() > SKEW {
        return Some(format!(
            "RequestTime is {}s {} (more than {SKEW}s)",
            age.abs(),
            if age > 0 { "old" } else { "ahead" }
        ));
    }
    None
}

/// The text line of an event: time, command, room, the main fields.
pub fn event_line(when: &str, command: &str, body: &Value) -> String {
    let s = |v: &Value| match v {
        Value::String(s) => output::shown(s).into_owned(),
        Value::Null => "-".into(),
        other => output::shown(&other.to_string()).into_owned(),
    };
    let room = match &body["RoomId"] {
        Value::Null => &body["RoomInfo"]["RoomId"],
        v => v,
    };
    let mut line = format!("{when} {} room={}", output::shown(command), s(room));
    let mut field = |k: &str, v: &Value| {
        if !v.is_null() {
            line.push_str(&format!(" {k}={}", s(v)));
        }
    };
    field("owner", &body["RoomInfo"]["Owner_Account"]);
    field("operator", &body["Operator_Account"]);
    field("type", &body["EventType"]);
    field("cause", &body["EventCause"]);
    if let Value::Array(members) = &body["MemberList"] {
        let names: Vec<String> = members.iter().map(|m| s(&m["Member_Account"])).collect();
        line.push_str(&format!(" members={}", names.join(",")));
    }
    line
}

pub fn run(ctx: &Ctx, a: &ListenArgs) -> anyhow::Result<()> {
    if !a.listen.ip().is_loopback() && !a.allow_remote {
        return Err(Error::usage(format!(
            "--listen {}: not a loopback address; receiving from other machines needs --allow-remote",
            a.listen
        )));
    }
    let forward = match &a.forward_to {
        Some(u) => {
            let parsed = url::Url::parse(u)
                .ok()
                .filter(|p| p.scheme() == "http" && p.host_str().is_some());
            if parsed.is_none() {
                return Err(Error::usage(format!(
                    "--forward-to {}: give an http:// URL of a local app server",
                    output::shown(u)
                )));
            }
            Some(u.clone())
        }
        None => None,
    };
    let token = if a.token_stdin || a.token_file.is_some() {
        Some(super::webhook::read_token(
            a.token_stdin,
            a.token_file.as_ref(),
        )?)
    } else {
        None
    };
    let listener = TcpListener::bind(a.listen).map_err(|e| {
        anyhow::Error::from(Error::Listen(format!(
            "cannot listen on {}: {e}; pick another --listen",
            a.listen
        )))
    })?;
    let addr = listener.local_addr()?;
    output::note(format!(
        "livectl webhook listen: receiving at http://{addr}/ ({}); stop with Ctrl-C",
        if token.is_some() {
            "Sign checked"
        } else {
            "no token: Sign not checked"
        }
    ));
    let stop = Arc::new(AtomicBool::new(false));
    for s in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(s, stop.clone())?;
    }
    listener.set_nonblocking(true)?;
    let shared = Arc::new(Shared {
        token,
        sdkappid: a.sdkappid,
        forward,
        json: ctx.format() != Format::Text,
        open: AtomicUsize::new(0),
    });
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                if shared.open.load(Ordering::Relaxed) >= CONNECTIONS {
                    continue;
                }
                shared.open.fetch_add(1, Ordering::Relaxed);
                let shared = shared.clone();
                std::thread::spawn(move || {
                    serve(stream, &shared);
                    shared.open.fetch_sub(1, Ordering::Relaxed);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    output::note("stopped");
    Ok(())
}

struct Shared {
    token: Option<Secret>,
    sdkappid: Option<u64>,
    forward: Option<String>,
    json: bool,
    open: AtomicUsize,
}

fn serve(stream: TcpStream, sh: &Shared) {
    let _ = stream.set_nonblocking(false);
    let mut conn = Conn::new(stream);
    let limits = Limits {
        idle_timeout: Duration::from_secs(5),
        ..Limits::default()
    };
    loop {
        let req = match conn.next(&limits) {
            Ok(r) => r,
            Err(End::Quiet) => return,
            Err(End::Refuse(status, reason)) => {
                let _ = conn.write(&http::refusal(status, &reason));
                return;
            }
        };
        let (answer, close) = handle(&req, sh);
        if conn.write(&answer).is_err() || close || req.close {
            return;
        }
    }
}

fn handle(req: &http::Request, sh: &Shared) -> (Vec<u8>, bool) {
    let (path, q) = req.url.split_once('?').unwrap_or((req.url.as_str(), ""));
    let query: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect();
    let now = crate::cmd::live::time::now_unix();
    let when = crate::cmd::live::time::clock(now);
    let command = query
        .iter()
        .find(|(k, _)| k == "CallbackCommand")
        .map_or("", |(_, v)| v.as_str())
        .to_string();
    let refused = if req.method != "POST" {
        Some(format!("{} is not POST", output::shown(&req.method)))
    } else {
        verify(&query, sh.token.as_ref(), sh.sdkappid, now)
    };
    if let Some(reason) = refused {
        if sh.json {
            output::print_json(&json!({"time": now, "command": command, "refused": reason}));
        } else {
            output::println(format!(
                "{when} {} refused: {reason}",
                output::shown(if command.is_empty() { "-" } else { &command })
            ));
        }
        let body = json!({"ActionStatus": "FAIL", "ErrorCode": 401, "ErrorInfo": reason});
        return (status_answer("401 Unauthorized", &body), true);
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            output::println(format!(
                "{when} {} refused: the body is not a JSON object",
                output::shown(&command)
            ));
            let body = json!({"ActionStatus": "FAIL", "ErrorCode": 400, "ErrorInfo": "the body is not a JSON object"});
            return (status_answer("400 Bad Request", &body), true);
        }
    };
    let forwarded = sh.forward.as_ref().map(|base| {
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = if q.is_empty() {
            base.clone()
        } else {
            format!("{base}{sep}{q}")
        };
        let _ = path;
        hooks::post(&Delivery {
            event: "forward",
            url,
            body: req.body.clone(),
        })
    });
    if sh.json {
        let mut v =
            json!({"time": now, "command": command, "verified": sh.token.is_some(), "body": body});
        if let Some(f) = &forwarded {
            v["forwarded"] = match f {
                Ok(status) => json!(status),
                Err(e) => json!(e),
            };
        }
        output::print_json(&v);
    } else {
        let mut line = event_line(&when, &command, &body);
        if let Some(f) = &forwarded {
            match f {
                Ok(status) => line.push_str(&format!(" -> forwarded: HTTP {status}")),
                Err(e) => line.push_str(&format!(" -> not forwarded: {e}")),
            }
        }
        output::println(line);
    }
    (http::answer(OK, false, false), false)
}

fn status_answer(status: &str, body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn sign_and_freshness_are_checked() {
        let t = Secret::new("xxxxyyyy");
        let good = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";
        let now = 1_669_872_112;
        let ok = q(&[
            ("SdkAppid", "7"),
            ("RequestTime", "1669872112"),
            ("Sign", good),
        ]);
        assert_eq!(verify(&ok, Some(&t), Some(7), now), None);
        assert_eq!(verify(&ok, Some(&t), Some(7), now + 60), None);
        assert!(
            verify(&ok, Some(&t), Some(7), now + 61)
                .unwrap()
                .contains("old")
        );
        assert!(
            verify(&ok, Some(&t), Some(8), now)
                .unwrap()
                .contains("SdkAppid")
        );
        let forged = q(&[
            ("RequestTime", "1669872112"),
            ("Sign", &good.replace('7', "8")),
        ]);
        assert!(
            verify(&forged, Some(&t), None, now)
                .unwrap()
                .contains("Sign")
        );
        assert!(verify(&q(&[]), Some(&t), None, now).is_some());
        assert_eq!(verify(&q(&[]), None, None, now), None);
    }

    #[test]
    fn an_event_is_one_escaped_line() {
        let body = json!({"RoomId": "r\u{1b}1", "EventType": "Online", "EventCause": "Enter",
                          "MemberList": [{"Member_Account": "u1"}, {"Member_Account": "u2"}]});
        assert_eq!(
            event_line("12:00:00", "Live.CallbackAfterMemberStateChanged", &body),
            "12:00:00 Live.CallbackAfterMemberStateChanged room=r\\e1 type=Online cause=Enter members=u1,u2"
        );
    }
}
