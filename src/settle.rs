//! How a retried call ends: [`settle`] splits an `Outcome` into an
//! [`Answer`] or a [`Failed`], and a room's end is a [`Record`] (created,
//! exists, destroyed, ..., failed) that the report, `-o json` and the batch
//! summary all show. [`finish`] prints a single-room command's record.
//! Service answers stay data here: each command decides what a code means
//! (100010 under `--exists-ok`, 100004 under `--missing-ok`).

use serde_json::{Value, json};

use crate::api::Reply;
use crate::api::retry::Outcome;
use crate::codes;
use crate::error::{Error, ServiceFailure};
use crate::output::{self, Format};

/// A settled room, and its error when it failed.
pub type Settled = (Record, Option<anyhow::Error>);

/// How a row or a single command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Created,
    Exists,
    Failed,
    Skipped,
    /// destroy: the room is gone.
    Destroyed,
    /// destroy: it was gone already (100004 with --missing-ok).
    Missing,
    /// update: the change was made.
    Updated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Exists => "exists",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Destroyed => "destroyed",
            Status::Missing => "missing",
            Status::Updated => "updated",
        }
    }
}

/// One settled room: what the report, `-o json` and the summary show.
#[derive(Clone, Debug)]
pub struct Record {
    pub line: Option<u64>,
    pub room_id: String,
    pub status: Status,
    pub error_code: Option<i64>,
    pub error_info: Option<String>,
    pub request_id: Option<String>,
    pub attempts: u32,
}

impl Record {
    /// A room that ended without a failure to report. `error_code` is set
    /// when a failure code counted as success (100010, 100004).
    pub fn settled(
        room_id: &str,
        status: Status,
        request_id: &str,
        error_code: Option<i64>,
        attempts: u32,
    ) -> Record {
        Record {
            line: None,
            room_id: room_id.to_string(),
            status,
            error_code,
            error_info: None,
            request_id: Some(request_id.to_string()).filter(|s| !s.is_empty()),
            attempts,
        }
    }

    /// The report line (every key present, nulls where empty).
    pub fn report_json(&self) -> Value {
        json!({
            "line": self.line,
            "room_id": self.room_id,
            "status": self.status.as_str(),
            "error_code": self.error_code,
            "error_info": self.error_info,
            "request_id": self.request_id,
            "attempts": self.attempts,
        })
    }

    /// The `-o json` object of a single command (cli.md section 3).
    pub fn output_json(&self) -> Value {
        let mut v = json!({ "status": self.status.as_str(), "room_id": self.room_id });
        let m = v.as_object_mut().expect("object");
        if self.status == Status::Failed {
            m.insert("error_code".into(), json!(self.error_code));
            m.insert("error_info".into(), json!(self.error_info));
            let (explanation, retryable) = match self.error_code {
                Some(c) => (codes::explanation(c), codes::class_of(c).retryable()),
                None => (
                    "network failure or timeout: check the endpoint and the network".to_string(),
                    true,
                ),
            };
            m.insert("explanation".into(), json!(explanation));
            m.insert("retryable".into(), json!(retryable));
        } else if let Some(c) = self.error_code {
            m.insert("error_code".into(), json!(c));
        }
        m.insert("request_id".into(), json!(self.request_id));
        m.insert("attempts".into(), json!(self.attempts));
        v
    }
}

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
        self.error_with_hint(what, "")
    }

    /// Like [`Failed::error`]; `hint` follows a network failure whose
    /// attempts may have reached the service.
    pub fn error_with_hint(&self, what: &str, hint: &str) -> anyhow::Error {
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
                let hint = if self.uncertain { hint } else { "" };
                Error::Network(format!(
                    "{what}: {} (after {} attempt{s}){hint}",
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

/// Prints a single-room command's record and returns its error: `-o json`
/// prints the record either way (cli.md section 3); text prints the room ID
/// alone on success.
pub fn finish(format: Format, rec: &Record, err: Option<anyhow::Error>) -> anyhow::Result<()> {
    match format {
        Format::Json => output::print_json(&rec.output_json()),
        Format::Text if err.is_none() => output::println(&rec.room_id),
        Format::Text => {}
    }
    err.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Transport;
    use crate::api::retry::Outcome;
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
