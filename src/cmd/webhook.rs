//! `livectl webhook get|set|delete` and `livectl webhook token
//! set|get|delete`: the app's one live webhook configuration over REST
//! (`v4/live_config/*`, live-api.md §18.1, 200/s each). `set` sends
//! set_callback and, when a configuration exists (100300), update_callback
//! with the same body. The token is a secret: read from stdin or a file,
//! never a flag, never printed unless `token get --show`.

use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::call::{Session, response};
use crate::api::endpoint::{
    DELETE_CALLBACK, DELETE_CALLBACK_TOKEN, Endpoint, GET_CALLBACK, GET_CALLBACK_TOKEN,
    SET_CALLBACK, SET_CALLBACK_TOKEN, UPDATE_CALLBACK,
};
use crate::cmd::Ctx;
use crate::cmd::confirm::Confirm;
use crate::error::Error;
use crate::output::{self, Format};
use crate::secret::Secret;
use crate::settle::Answer;

/// 100300: a configuration exists already (set_callback).
pub const CONFIG_EXISTS: i64 = 100_300;
/// 100301: no configuration (update_callback, get_callback).
pub const NO_CONFIG: i64 = 100_301;
/// 100302: no token configuration (get_callback_token).
pub const NO_TOKEN: i64 = 100_302;
/// The token's documented length, in characters.
pub const TOKEN_MAX: usize = 128;

/// Every documented command word of `CallbackCommandList` (§18.3).
pub const EVENTS: &[&str] = &[
    "Live.CallbackAfterCreateRoom",
    "Live.CallbackAfterDestroyRoom",
    "Live.CallbackAfterUpdateRoomInfo",
    "Live.CallbackAfterSetMetadata",
    "Live.CallbackAfterDelMetadata",
    "Live.CallbackAfterCreateRoomReachingThreshold",
    "Live.CallbackAfterMemberStateChanged",
    "Live.CallbackAfterChangeOwner",
    "Live.CallbackAfterModifyAdmin",
    "Mic.CallbackAfterSeatInfoChanged",
    "Live.CallbackAfterCreateBattle",
    "Live.CallbackAfterStartBattle",
    "Live.CallbackAfterEndBattle",
    "Live.CallbackBeforeSendGift",
    "Live.CallbackBeforeCallBackNotBlock",
    "Group.CallbackBeforeSendMsg",
    "Group.CallbackAfterSendMsg",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
    "Live.CallbackAfterCloudRecordingChanged",
];

#[derive(Subcommand, Debug, Clone)]
pub enum WebhookCommand {
    /// Show the webhook URL and the events sent to it
    #[command(after_long_help = "Example:\n  livectl webhook get")]
    Get,
    /// Set the webhook URL and events (replaces the whole list)
    #[command(
        after_long_help = "Example:\n  livectl webhook set --url https://hooks.example.com/live \\\n    --events Live.CallbackAfterCreateRoom,Live.CallbackAfterDestroyRoom"
    )]
    Set(SetArgs),
    /// Turn the webhook off (asks first; --yes off a terminal)
    #[command(after_long_help = "Example:\n  livectl webhook delete --yes")]
    Delete(YesArgs),
    /// The webhook's signing token: set, get, delete
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl webhook token set --token-file token.txt\n  livectl webhook token get"
    )]
    Token(TokenCommand),
    /// Receive webhooks on this machine: check Sign, print each event, forward it
    #[command(
        after_long_help = "Examples:\n  livectl webhook listen --token-file token.txt\n  livectl webhook listen --listen 127.0.0.1:9091 --forward-to http://127.0.0.1:8080/live -o json"
    )]
    Listen(super::webhook_listen::ListenArgs),
}

#[derive(Subcommand, Debug, Clone)]
pub enum TokenCommand {
    /// Set the token (from stdin or a file, never a flag) and enable it
    #[command(after_long_help = "Example:\n  livectl webhook token set --token-stdin < token.txt")]
    Set(TokenSetArgs),
    /// Whether a token is set and enabled (the token itself only with --show)
    #[command(after_long_help = "Example:\n  livectl webhook token get")]
    Get(TokenGetArgs),
    /// Delete the token (asks first; --yes off a terminal)
    #[command(after_long_help = "Example:\n  livectl webhook token delete --yes")]
    Delete(YesArgs),
}

#[derive(Args, Debug, Clone)]
pub struct SetArgs {
    /// Where the service POSTs events (http:// or https://)
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub url: String,
    /// Event names, comma-separated (see `livectl webhook set --help`)
    #[arg(long, value_name = "E,...", value_delimiter = ',', required = true, value_parser = parse_event)]
    pub events: Vec<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct YesArgs {
    /// Do not ask (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct TokenSetArgs {
    /// Read the token from stdin (1-128 characters, one line)
    #[arg(long, conflicts_with = "token_file")]
    pub token_stdin: bool,
    /// Read the token from FILE (1-128 characters, one line)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Keep the token but send events unsigned (IsTokenEnable false)
    #[arg(long)]
    pub disable: bool,
    /// Print the request without sending (the token shown as <redacted>)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct TokenGetArgs {
    /// Print the token itself too
    #[arg(long)]
    pub show: bool,
}

/// `--url`: http:// or https://, something after it.
pub fn parse_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Ok(s.to_string())
        }
        _ => Err("a webhook URL starts with http:// or https:// and has a host, no spaces".into()),
    }
}

/// One event name of `--events`, checked against the documented list.
pub fn parse_event(s: &str) -> Result<String, String> {
    let s = s.trim();
    if let Some(e) = EVENTS.iter().find(|e| **e == s) {
        return Ok(e.to_string());
    }
    // The member-state word has a second spelling in the docs (§18.3).
    if s == "Live.CallbackMemberStateChanged" {
        return Err("the registered name is Live.CallbackAfterMemberStateChanged".into());
    }
    let hint = output::close_match(s, EVENTS)
        .or_else(|| {
            EVENTS
                .iter()
                .copied()
                .find(|e| e.ends_with(&format!(".{s}")))
        })
        .map(|m| format!(" (did you mean {m}?)"))
        .unwrap_or_else(|| format!("; known: {}", EVENTS.join(", ")));
    Err(format!("unknown event \"{}\"{hint}", output::shown(s)))
}

/// Checks a token read from stdin or a file: one line, 1–128 characters,
/// no spaces or control characters. Never echoes it.
pub fn check_token(text: &str) -> anyhow::Result<Secret> {
    let t = text.trim_end_matches(['\n', '\r']).trim();
    if t.is_empty() {
        return Err(Error::usage("no token given: it was empty"));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::usage(
            "the token contains spaces, control characters or several lines; give the token alone",
        ));
    }
    let n = t.chars().count();
    if n > TOKEN_MAX {
        return Err(Error::usage(format!(
            "the token is {n} characters long; the service takes 1 to {TOKEN_MAX}"
        )));
    }
    Ok(Secret::new(t))
}

/// The token of `--token-stdin` or `--token-file`.
pub fn read_token(stdin: bool, file: Option<&PathBuf>) -> anyhow::Result<Secret> {
    let mut text = String::new();
    if let Some(path) = file {
        std::fs::File::open(path)
            .and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
            .map_err(|e| {
                Error::usage(format!(
                    "cannot read the token from {}: {e}",
                    path.display()
                ))
            })?;
    } else if stdin {
        let input = std::io::stdin();
        if input.is_terminal() {
            output::note("type or paste the token, then Enter:");
            input.lock().read_line(&mut text)?;
        } else {
            input.lock().take(64 * 1024).read_to_string(&mut text)?;
        }
    } else {
        return Err(Error::usage(
            "give the token with --token-stdin or --token-file FILE (never as a flag value)",
        ));
    }
    check_token(&text)
}

pub fn run(ctx: &Ctx, cmd: &WebhookCommand) -> crate::cmd::Result<()> {
    match cmd {
        WebhookCommand::Get => get(ctx),
        WebhookCommand::Listen(a) => Ok(super::webhook_listen::run(ctx, a)?),
        WebhookCommand::Set(a) => set(ctx, a),
        WebhookCommand::Delete(a) => delete(ctx, a, &DELETE_CALLBACK, "the webhook"),
        WebhookCommand::Token(TokenCommand::Set(a)) => token_set(ctx, a),
        WebhookCommand::Token(TokenCommand::Get(a)) => token_get(ctx, a),
        WebhookCommand::Token(TokenCommand::Delete(a)) => {
            delete(ctx, a, &DELETE_CALLBACK_TOKEN, "the webhook token")
        }
    }
}

/// Sends `body` to `ep`; a failure is the refusal, `what` naming it. A
/// code in `quiet` comes back as `Err(code)` for the caller to handle.
fn send(
    s: &Session,
    ep: &Endpoint,
    body: &Value,
    what: &str,
    quiet: &[i64],
) -> crate::cmd::Result<Result<Option<Answer>, i64>> {
    match s.send(ep, body) {
        Ok(a) => Ok(Ok(a)),
        Err(f) => match f.code {
            Some(c) if quiet.contains(&c) => Ok(Err(c)),
            _ => Err(crate::cmd::call::plain_failure(s.ctx(), &f, what)),
        },
    }
}

fn get(ctx: &Ctx) -> crate::cmd::Result<()> {
    let s = Session::open(ctx, false)?;
    let got = send(
        &s,
        &GET_CALLBACK,
        &json!({}),
        "could not read the webhook",
        &[NO_CONFIG],
    )?;
    let answer = match got {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(()),
        Err(_) => {
            match ctx.format() {
                Format::Json => {
                    output::print_json(&json!({"configured": false, "url": null, "events": []}))
                }
                Format::Text => output::println("no webhook configured"),
            }
            return Ok(());
        }
    };
    let r = response(&answer);
    let url = r["Url"].clone();
    let events = match &r["CallbackCommandList"] {
        Value::Array(a) => a.clone(),
        _ => Vec::new(),
    };
    match ctx.format() {
        Format::Json => {
            output::print_json(&json!({"configured": true, "url": url, "events": events}))
        }
        Format::Text => {
            let show = |v: &Value| match v {
                Value::String(s) => output::shown(s).into_owned(),
                Value::Null => "-".to_string(),
                other => output::shown(&other.to_string()).into_owned(),
            };
            output::println(format!("URL:    {}", show(&url)));
            if events.is_empty() {
                output::println("Events: (none)");
            }
            for (i, e) in events.iter().enumerate() {
                let label = if i == 0 { "Events:" } else { "" };
                output::println(format!("{label:<7} {}", show(e)));
            }
        }
    }
    Ok(())
}

fn set(ctx: &Ctx, a: &SetArgs) -> crate::cmd::Result<()> {
    let mut events: Vec<&str> = Vec::new();
    for e in &a.events {
        if !events.contains(&e.as_str()) {
            events.push(e);
        }
    }
    let body = json!({"Url": a.url, "CallbackCommandList": events});
    let s = Session::open(ctx, a.dry_run)?;
    let what = "the webhook was not set";
    let status = match send(&s, &SET_CALLBACK, &body, what, &[CONFIG_EXISTS])? {
        Ok(None) => return Ok(()),
        Ok(Some(_)) => "set",
        Err(_) => {
            output::log(1, "a webhook is configured already (100300): updating it");
            match send(&s, &UPDATE_CALLBACK, &body, what, &[])? {
                Ok(_) => "updated",
                Err(_) => unreachable!("no quiet codes"),
            }
        }
    };
    match ctx.format() {
        Format::Json => {
            output::print_json(&json!({"status": status, "url": a.url, "events": events}))
        }
        Format::Text => output::println(format!(
            "webhook {status}: {} ({} event{})",
            output::shown(&a.url),
            events.len(),
            if events.len() == 1 { "" } else { "s" }
        )),
    }
    Ok(())
}

fn delete(ctx: &Ctx, a: &YesArgs, ep: &Endpoint, noun: &str) -> crate::cmd::Result<()> {
    let confirm = Confirm {
        yes: a.yes,
        dry_run: a.dry_run,
    };
    confirm.check(&format!("deleting {noun}"))?;
    confirm.ask(&format!("delete {noun}?"), &format!("deleting {noun}"))?;
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("{noun} was not deleted");
    if let Ok(None) = send(&s, ep, &json!({}), &what, &[])? {
        return Ok(());
    }
    match ctx.format() {
        Format::Json => output::print_json(&json!({"status": "deleted"})),
        Format::Text => output::println(format!("deleted {noun}")),
    }
    Ok(())
}

fn token_set(ctx: &Ctx, a: &TokenSetArgs) -> crate::cmd::Result<()> {
    let token = read_token(a.token_stdin, a.token_file.as_ref())?;
    let enable = !a.disable;
    let s = Session::open(ctx, a.dry_run)?;
    let what = "the webhook token was not set";
    if s.dry_run() {
        // The dry run shows the request with the token redacted.
        let body = json!({"Token": token.to_string(), "IsTokenEnable": enable});
        let _ = send(&s, &SET_CALLBACK_TOKEN, &body, what, &[])?;
        return Ok(());
    }
    let body = json!({"Token": token.expose(), "IsTokenEnable": enable});
    let _ = send(&s, &SET_CALLBACK_TOKEN, &body, what, &[])?;
    let state = if enable { "enabled" } else { "disabled" };
    match ctx.format() {
        Format::Json => output::print_json(&json!({"status": "set", "enabled": enable})),
        Format::Text => output::println(format!("webhook token set ({state})")),
    }
    Ok(())
}

fn token_get(ctx: &Ctx, a: &TokenGetArgs) -> crate::cmd::Result<()> {
    let s = Session::open(ctx, false)?;
    let got = send(
        &s,
        &GET_CALLBACK_TOKEN,
        &json!({}),
        "could not read the webhook token",
        &[NO_TOKEN],
    )?;
    let (set, enabled, token) = match got {
        Ok(Some(answer)) => {
            let r = response(&answer);
            let token = r["Token"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(Secret::new);
            (
                token.is_some(),
                r["IsTokenEnable"].as_bool() == Some(true),
                token,
            )
        }
        Ok(None) => return Ok(()),
        Err(_) => (false, false, None),
    };
    match ctx.format() {
        Format::Json => {
            let mut v = json!({"set": set, "enabled": enabled});
            if a.show {
                v["token"] = json!(token.as_ref().map(|t| t.expose()));
            }
            output::print_json(&v);
        }
        Format::Text => {
            let line = match (set, enabled) {
                (false, _) => "token: not set".to_string(),
                (true, true) => "token: set, enabled (events are signed)".to_string(),
                (true, false) => "token: set, disabled (events are not signed)".to_string(),
            };
            output::println(line);
            if let (true, Some(t)) = (a.show, &token) {
                output::println(output::shown(t.expose()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_checked_with_a_hint() {
        assert_eq!(
            parse_event("Live.CallbackAfterCreateRoom").unwrap(),
            "Live.CallbackAfterCreateRoom"
        );
        let e = parse_event("Live.CallbackAfterCreatRoom").unwrap_err();
        assert!(
            e.contains("did you mean Live.CallbackAfterCreateRoom?"),
            "{e}"
        );
        let e = parse_event("CallbackAfterDestroyRoom").unwrap_err();
        assert!(
            e.contains("did you mean Live.CallbackAfterDestroyRoom?"),
            "{e}"
        );
        assert!(parse_event("Live.CallbackMemberStateChanged").is_err());
    }

    #[test]
    fn urls_need_a_scheme_and_tokens_a_length() {
        assert!(parse_url("https://h.example/x").is_ok());
        assert!(parse_url("http://127.0.0.1:9091/").is_ok());
        assert!(parse_url("ftp://h").is_err());
        assert!(parse_url("hooks.example.com").is_err());
        assert!(parse_url("https://").is_err());
        assert!(check_token("abc\n").is_ok());
        assert!(check_token(&"a".repeat(128)).is_ok());
        let e = check_token(&"a".repeat(129)).unwrap_err().to_string();
        assert!(!e.contains("aaaa"), "{e}");
        assert!(check_token("\n").is_err());
        assert!(check_token("a b").is_err());
    }
}
