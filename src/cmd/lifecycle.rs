//! The room commands besides create: `get`, `update`, `destroy` (one room;
//! the CSV form belongs to the batch engine) and `list`, and what they
//! share: settling a retried call into an answer or a failure, and the
//! status lines of `update` and `destroy`. `create.rs` owns create.

pub mod destroy;
pub mod get;
pub mod list;
pub mod pace;
pub mod update;
pub mod view;

pub use destroy::run as destroy;
pub use get::run as get;
pub use list::run as list;
pub use update::run as update;

use serde_json::json;

use crate::api::Reply;
use crate::api::retry::Outcome;
use crate::app::Ctx;
use crate::create::{Record, Status};
use crate::error::{Error, ServiceFailure};
use crate::output::{self, Format};

/// 100004: no such room.
pub const NOT_FOUND: i64 = 100_004;

/// A call that succeeded (ErrorCode 0).
#[derive(Debug)]
pub struct Answer {
    pub reply: Reply,
    pub attempts: u32,
}

/// A call that failed after the retries: a failure code, or no answer.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The service's ErrorCode; `None` when no answer came (network).
    pub code: Option<i64>,
    /// The service's ErrorInfo, or what went wrong on the way.
    pub info: String,
    pub request_id: String,
    pub attempts: u32,
    /// An earlier attempt may have reached the service and taken effect.
    pub uncertain: bool,
}

/// Splits a retried call's outcome into success and failure. Service
/// answers stay data: the caller decides what a code means (e.g. 100004
/// under `--missing-ok`) before turning it into an error.
pub fn settle(out: Outcome) -> Result<Answer, Failed> {
    let attempts = out.attempts;
    let uncertain = out.uncertain;
    match out.result {
        Ok(reply) if reply.error_code == 0 => Ok(Answer { reply, attempts }),
        Ok(reply) => Err(Failed {
            code: Some(reply.error_code),
            info: reply.error_info,
            request_id: reply.request_id,
            attempts,
            uncertain,
        }),
        Err(t) => Err(Failed {
            code: None,
            info: t.detail,
            request_id: String::new(),
            attempts,
            uncertain,
        }),
    }
}

impl Failed {
    /// The error to report; `what` names what failed, e.g. `room "r1" was
    /// not updated`. Its kind picks the exit code (`error::exit_code`).
    pub fn error(&self, what: &str) -> anyhow::Error {
        match self.code {
            Some(code) => Error::Service(ServiceFailure {
                what: what.to_string(),
                code,
                info: self.info.clone(),
                request_id: self.request_id.clone(),
                attempts: self.attempts,
            })
            .into(),
            None => {
                let s = if self.attempts == 1 { "" } else { "s" };
                Error::Network(format!(
                    "{what}: {} (after {} attempt{s})",
                    self.info, self.attempts
                ))
                .into()
            }
        }
    }

    /// The `-o json` failure line of a single-room command (cli.md section 3).
    pub fn record(&self, room_id: &str) -> Record {
        Record {
            line: None,
            room_id: room_id.to_string(),
            status: Status::Failed,
            error_code: self.code,
            error_info: Some(self.info.clone()),
            request_id: Some(self.request_id.clone()).filter(|s| !s.is_empty()),
            attempts: self.attempts,
        }
    }
}

/// Reports a failed single-room command: under `-o json` the failure line
/// on stdout, then the error for stderr and the exit code. 100004 reads
/// `room "ID" not found`, whatever the command; otherwise `what`.
pub fn fail(ctx: &Ctx, room_id: &str, f: &Failed, what: &str) -> anyhow::Error {
    print_failure(ctx, room_id, f);
    if f.code == Some(NOT_FOUND) {
        f.error(&format!("room \"{room_id}\" not found"))
    } else {
        f.error(what)
    }
}

/// Under `-o json`, the failure line on stdout (cli.md section 3).
pub fn print_failure(ctx: &Ctx, room_id: &str, f: &Failed) {
    if ctx.format() == Format::Json {
        output::print_json(&f.record(room_id).output_json());
    }
}

/// Reports a single-room success: the room ID alone (text), or
/// `{"status":…,"room_id":…,"request_id":…,"attempts":N}` (json).
/// `error_code` is set when a failure code counted as success (100004
/// under `--missing-ok`).
pub fn done(
    ctx: &Ctx,
    status: &str,
    room_id: &str,
    request_id: &str,
    attempts: u32,
    error_code: Option<i64>,
) {
    match ctx.format() {
        Format::Text => output::println(room_id),
        Format::Json => {
            let mut v = json!({"status": status, "room_id": room_id});
            if let Some(c) = error_code {
                v["error_code"] = json!(c);
            }
            v["request_id"] = json!(Some(request_id).filter(|s| !s.is_empty()));
            v["attempts"] = json!(attempts);
            output::print_json(&v);
        }
    }
}

/// `get` and `destroy` send any non-empty room ID as given, so that rooms
/// made by other tools with IDs `create` would refuse can still be reached.
pub fn require_room_id(room_id: &str) -> anyhow::Result<()> {
    if room_id.trim().is_empty() {
        return Err(Error::usage(
            "--room-id: is empty; give the ID of the room (livectl list shows public rooms)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Transport;
    use crate::error::exit_code;

    fn outcome(result: Result<Reply, Transport>, attempts: u32) -> Outcome {
        Outcome {
            result,
            attempts,
            created_by_earlier_attempt: false,
            uncertain: false,
        }
    }

    fn reply(code: i64) -> Reply {
        Reply {
            error_code: code,
            error_info: "text".into(),
            request_id: "Id-9".into(),
            ..Reply::default()
        }
    }

    #[test]
    fn success_failure_and_network_settle_apart() {
        let a = settle(outcome(Ok(reply(0)), 2)).unwrap();
        assert_eq!((a.reply.request_id.as_str(), a.attempts), ("Id-9", 2));

        let f = settle(outcome(Ok(reply(100_006)), 1)).unwrap_err();
        let e = f.error("room \"r\" was not destroyed");
        assert_eq!(exit_code(&e), 5);
        assert!(
            e.to_string()
                .starts_with("room \"r\" was not destroyed: 100006 text ("),
            "{e}"
        );
        assert!(e.to_string().ends_with("(RequestId Id-9)"), "{e}");

        let t = Transport {
            detail: "timed out (http://x)".into(),
            uncertain: true,
            rate_limited: false,
        };
        let f = settle(outcome(Err(t), 4)).unwrap_err();
        let e = f.error("could not list rooms");
        assert_eq!(exit_code(&e), 7);
        assert_eq!(
            e.to_string(),
            "could not list rooms: timed out (http://x) (after 4 attempts)"
        );
        assert_eq!(f.record("r").output_json()["error_code"], json!(null));
    }
}
