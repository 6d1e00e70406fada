//! `livectl api PATH`: any service command by path, like `gh api`. The body
//! is `--data` (JSON, `@FILE` or `-`) with `-f KEY=VALUE` (a string) and
//! `-F KEY:=JSON` on top (create's `--field` rule, `room::parse_extra`). It
//! goes through the client of every command (signed, paced at the table's
//! rate or [`endpoint::DEFAULT_PER_SECOND`], redirects off, answer cap,
//! scrubbed text, `returns` checked for a known path) and prints the
//! service's whole answer as one JSON object, a failure's too; the exit
//! code is the refusal's, as for every command. Not for modelled output:
//! the answer is the service's, not a noun.

use std::io::Read;

use clap::Args;
use serde_json::{Map, Value};

use crate::api::endpoint::{self, Endpoint};
use crate::cmd::call::Session;
use crate::cmd::{Ctx, Stop};
use crate::error::Error;
use crate::output;
use crate::room::{ExtraField, parse_extra};
use crate::settle::split_outcome;

#[derive(Args, Debug, Clone)]
pub struct ApiArgs {
    /// The command: `service/command` (e.g. `profile/portrait_get`), or a
    /// bare command name (one of livectl's goes to its service; any other is
    /// a live-room command)
    #[arg(value_name = "PATH")]
    pub path: String,
    /// The request body: a JSON object, `@FILE`, or `-` for stdin (default `{}`)
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub data: Option<String>,
    /// Set KEY to the string VALUE (after --data; repeatable)
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// Set KEY to a JSON value (after --data; repeatable)
    #[arg(short = 'F', long = "field", value_name = "KEY:=JSON")]
    pub fields: Vec<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// The most bytes read for `--data @FILE` or `-`.
const DATA_MAX: u64 = 1 << 20;

pub fn run(ctx: &Ctx, a: &ApiArgs) -> crate::cmd::Result<()> {
    let ep = endpoint_of(&a.path).map_err(Error::usage)?;
    let body = body_of(a)?;
    let s = Session::open(ctx, a.dry_run)?;
    let Some(outcome) = s.outcome(&ep, &body) else {
        return Ok(());
    };
    let whole = match &outcome.result {
        Ok(reply) => Some(whole_answer(reply)),
        Err(_) => None,
    };
    if let Some(w) = &whole {
        output::print_json(w);
    }
    split_outcome(outcome)
        .map(|_| ())
        .map_err(|f| Stop::Refused(f.error(&format!("{} failed", ep.path))))
}

/// `service/command` (letters, digits and `_`, one `/`), or a bare command:
/// the table's endpoint (its rate and `returns`), else one at the default
/// rate. A bare command not in the table is a live-room command.
pub fn endpoint_of(path: &str) -> Result<Endpoint, String> {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let parts: Vec<&str> = path.split('/').collect();
    let ok = match parts.as_slice() {
        [cmd] => word(cmd),
        [svc, cmd] => word(svc) && word(cmd),
        _ => false,
    };
    if !ok {
        let hint = if path.trim_start_matches('/').starts_with("v4/") {
            " (leave out the /v4/ prefix)"
        } else {
            ""
        };
        return Err(format!(
            "PATH \"{}\" is not service/command (letters, digits and _, one /, e.g. \
             profile/portrait_get) or a bare live-room command (get_room_info){hint}",
            output::shown(path)
        ));
    }
    if let Some(ep) = endpoint::find(path) {
        return Ok(*ep);
    }
    let full = if parts.len() == 1 {
        format!("live_engine_http_srv/{path}")
    } else {
        path.to_string()
    };
    if let Some(ep) = endpoint::find(&full) {
        return Ok(*ep);
    }
    Ok(Endpoint {
        // One path a run: leaked once, for the `'static` of the table's.
        path: Box::leak(full.into_boxed_str()),
        per_second: endpoint::DEFAULT_PER_SECOND,
        returns: &[],
        top_level: false,
    })
}

/// `--data` (an object), then each `-f` and `-F` in turn.
fn body_of(a: &ApiArgs) -> crate::cmd::Result<Value> {
    let mut body = match a.data.as_deref() {
        None => Map::new(),
        Some(d) => {
            let (text, whence) = if d == "-" {
                (read_all(std::io::stdin(), "stdin")?, "stdin".to_string())
            } else if let Some(path) = d.strip_prefix('@') {
                let f = std::fs::File::open(path)
                    .map_err(|e| Error::usage(format!("--data: cannot read {path}: {e}")))?;
                (read_all(f, path)?, path.to_string())
            } else {
                (d.to_string(), "--data".to_string())
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(m)) => m,
                Ok(_) => {
                    return Err(Error::usage(format!(
                        "{whence}: the body must be a JSON object ({{...}})"
                    ))
                    .into());
                }
                Err(e) => {
                    return Err(Error::usage(format!("{whence}: not JSON: {e}")).into());
                }
            }
        }
    };
    for raw in &a.raw_fields {
        let f = field(raw, "-f")?;
        if !f.value.is_string() || raw.split_once('=').is_some_and(|(h, _)| h.ends_with(':')) {
            return Err(Error::usage(format!(
                "-f \"{}\": -f sends a string (KEY=VALUE); for JSON use -F KEY:=JSON",
                output::shown(raw)
            ))
            .into());
        }
        body.insert(f.name, f.value);
    }
    for raw in &a.fields {
        if !raw.split_once('=').is_some_and(|(h, _)| h.ends_with(':')) {
            return Err(Error::usage(format!(
                "-F \"{}\": -F takes KEY:=JSON (e.g. -F Index:=2); for a string use -f KEY=VALUE",
                output::shown(raw)
            ))
            .into());
        }
        let f = field(raw, "-F")?;
        body.insert(f.name, f.value);
    }
    Ok(Value::Object(body))
}

fn field(raw: &str, flag: &str) -> crate::cmd::Result<ExtraField> {
    parse_extra(raw).map_err(|e| Error::usage(format!("{flag}: {e}")).into())
}

fn read_all(input: impl Read, name: &str) -> crate::cmd::Result<String> {
    let mut text = String::new();
    input
        .take(DATA_MAX + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::usage(format!("--data: cannot read {name}: {e}")))?;
    if text.len() as u64 > DATA_MAX {
        return Err(Error::usage(format!("--data: {name} is over 1 MiB")).into());
    }
    Ok(text)
}

/// The answer as the service sent it (its free text scrubbed on arrival):
/// the common fields, `Response` when there was one, and the rest.
fn whole_answer(reply: &crate::api::Reply) -> Value {
    let mut m = Map::new();
    let status = if reply.error_code == 0 { "OK" } else { "FAIL" };
    m.insert("ActionStatus".into(), status.into());
    m.insert("ErrorCode".into(), reply.error_code.into());
    m.insert("ErrorInfo".into(), reply.error_info.clone().into());
    m.insert("RequestId".into(), reply.request_id.clone().into());
    if let Some(r) = &reply.response {
        m.insert("Response".into(), r.clone());
    }
    for (k, v) in &reply.rest {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_service_slash_command_or_a_bare_command() {
        assert_eq!(
            endpoint_of("get_room_info").unwrap(),
            endpoint::GET_ROOM_INFO
        );
        assert_eq!(
            endpoint_of("profile/portrait_get").unwrap(),
            endpoint::PORTRAIT_GET
        );
        let other = endpoint_of("live_engine_http_srv/get_gift_category").unwrap();
        assert_eq!(other.per_second, endpoint::DEFAULT_PER_SECOND);
        assert_eq!(
            endpoint_of("add_gift").unwrap().path,
            "live_engine_http_srv/add_gift"
        );
        for bad in [
            "",
            "/",
            "a/b/c",
            "v4/profile/portrait_get",
            "../x",
            "a/b?x=1",
            "a b/c",
            "http://h/a",
            "a/",
        ] {
            assert!(endpoint_of(bad).is_err(), "{bad}");
        }
        assert!(endpoint_of("/v4/a/b").unwrap_err().contains("leave out"));
    }
}
