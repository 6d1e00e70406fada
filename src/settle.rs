//! How a retried call ends: [`split_outcome`] splits an `Outcome` into an
//! [`Answer`] or a [`Failed`], and a room's end is a [`Record`] (created,
//! exists, destroyed, ..., failed) that the report, `-o json` and the batch
//! summary all show. [`finish`] prints a single-room command's record.
//! Service answers stay data here: each command decides what a code means
//! (100010 under `--exists-ok`, 100004 under `--missing-ok`).

use serde_json::{Value, json};

use crate::api::Reply;
use crate::api::retry::Outcome;
use crate::codes;
use crate::error::{Failure, ServiceFailure};
use crate::output::{self, Format};

/// A settled room, and its failure when it failed.
pub type Settled = (Record, Option<Failure>);

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
    /// Who made the room, when an answer said it existed and that was in
    /// doubt (see [`made_by`]); shown only then.
    pub by: Option<By>,
    /// destroy: the room's end-of-show totals (`Statistic`) as the service
    /// sent them; after a destroy they cannot be read again.
    pub statistic: Option<Value>,
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
            by: None,
            statistic: None,
        }
    }

    /// The report line (every key present, nulls where empty; `by` only
    /// when a doubt was resolved).
    pub fn report_json(&self) -> Value {
        let mut v = json!({
            "line": self.line,
            "room_id": self.room_id,
            "status": self.status.as_str(),
            "error_code": self.error_code,
            "error_info": self.error_info,
            "request_id": self.request_id,
            "attempts": self.attempts,
        });
        if let Some(by) = self.by {
            v["by"] = json!(by.as_str());
        }
        if let Some(st) = &self.statistic {
            v["statistic"] = st.clone();
        }
        v
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
        if let Some(by) = self.by {
            m.insert("by".into(), json!(by.as_str()));
        }
        if let Some(st) = &self.statistic {
            m.insert("statistic".into(), st.clone());
        }
        v
    }
}

/// Who made a room that an answer said was there already (100010), when
/// that answer came after an attempt whose answer was lost, or on
/// `--resume`. Decided by the room's `CreateTime` (see [`made_by`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// An earlier attempt of this run (its answer was lost).
    ThisRun,
    /// An earlier run of the same job (`--resume`: it was killed or stopped).
    EarlierRun,
    /// It existed before the job started.
    Before,
    /// Could not tell (the room could not be read back): an earlier attempt
    /// may have made it.
    Unknown,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::ThisRun => "this run",
            By::EarlierRun => "an earlier run",
            By::Before => "before this job",
            By::Unknown => "unknown: an earlier attempt may have made it",
        }
    }
}

/// Clock difference allowed between the service and this machine.
pub const SKEW_SECS: i64 = 5;

/// What a settle needs to resolve a doubt: a read of the room's CreateTime
/// (`None` when the read fails), and, under `--resume`, when the job's first
/// run began (Unix seconds), if known.
pub struct Lookup<'a> {
    pub create_time: &'a dyn Fn(&str) -> Option<i64>,
    pub job: Option<Option<i64>>,
}

impl Lookup<'_> {
    /// No read, no resume: for plans that never need one.
    pub fn none() -> Lookup<'static> {
        Lookup {
            create_time: &|_| None,
            job: None,
        }
    }
}

/// The CreateTime of a room read with get_room_info (a number, or a number
/// in a string, as the service's revisions send it).
pub fn create_time_of(answer: &Answer) -> Option<i64> {
    let v = answer
        .reply
        .response
        .as_ref()?
        .get("RoomInfo")?
        .get("CreateTime")?;
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// The one rule for an answer that says the effect is there already (100010
/// on create, 100004 on destroy): it is certain unless an earlier attempt of
/// this run (`uncertain`: its answer was lost) or an earlier run (`resumed`)
/// may have had that effect.
pub fn in_doubt(uncertain: bool, resumed: bool) -> bool {
    uncertain || resumed
}

/// Resolves the doubt by the room's `CreateTime`: made at or after this
/// run's first send of it (less [`SKEW_SECS`]) after a lost answer: this
/// run; else, on resume (`job` is `Some(when the job began, if known)`), at
/// or after the job began: an earlier run; else before the job. No
/// CreateTime, or no time to compare with: unknown.
pub fn made_by(
    create_time: Option<i64>,
    uncertain: bool,
    first_sent: Option<i64>,
    job: Option<Option<i64>>,
) -> By {
    let Some(ct) = create_time else {
        return By::Unknown;
    };
    let since = |t: i64| ct >= t - SKEW_SECS;
    if uncertain && first_sent.is_some_and(since) {
        return By::ThisRun;
    }
    match job {
        // Resumed: the job's start is the reference, if known.
        Some(Some(t)) if since(t) => By::EarlierRun,
        Some(Some(_)) => By::Before,
        Some(None) => By::Unknown,
        // One run: older than its first send means it was there before.
        None if uncertain && first_sent.is_some() => By::Before,
        None => By::Unknown,
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
/// under `--missing-ok`) before turning it into a `Failure`.
pub fn split_outcome(out: Outcome) -> Result<Answer, Failed> {
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
    /// The failure to report; `what` names what failed, e.g. `room "r1" was
    /// not updated`. Its code picks the exit code (`error::exit_status`).
    pub fn error(&self, what: &str) -> Failure {
        self.error_with_hint(what, "")
    }

    /// Like [`Failed::error`]; `hint` follows a network failure whose
    /// attempts may have reached the service.
    pub fn error_with_hint(&self, what: &str, hint: &str) -> Failure {
        match self.code {
            Some(code) => Failure::Service(ServiceFailure {
                what: what.to_string(),
                code,
                info: self.info.clone(),
                request_id: self.request_id.clone(),
                attempts: self.attempts,
            }),
            None => {
                let s = if self.attempts == 1 { "" } else { "s" };
                let hint = if self.uncertain { hint } else { "" };
                Failure::Network(format!(
                    "{what}: {} (after {} attempt{s}){hint}",
                    self.info, self.attempts
                ))
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
            by: None,
            statistic: None,
        }
    }
}

/// Prints a single-room command's record and returns its failure: `-o json`
/// prints the record either way (cli.md section 3); text prints the room ID
/// alone on success.
pub fn finish(format: Format, rec: &Record, err: Option<Failure>) -> Result<(), Failure> {
    finish_with_room(format, rec, err, None)
}

/// [`finish`], and under `-o json` the `room` noun of what this call set
/// (create, update: the RoomInfo sent), so a room reads the same in `get`,
/// `list`, `describe`, `create` and `update`.
pub fn finish_with_room(
    format: Format,
    rec: &Record,
    err: Option<Failure>,
    room: Option<Value>,
) -> Result<(), Failure> {
    match format {
        Format::Json => {
            let mut v = rec.output_json();
            if let (Some(room), None) = (room, &err) {
                v["room"] = room;
            }
            output::print_json(&v)
        }
        Format::Text if err.is_none() => output::println(&rec.room_id),
        Format::Text => {}
    }
    err.map_or(Ok(()), Err)
}

/// What text mode says on stderr when a room counted as done was not made
/// (or destroyed) by this call: `exists`, `already gone`, and who made it
/// when that was in doubt.
pub fn already_note(rec: &Record) -> Option<String> {
    let id = &rec.room_id;
    let by = rec
        .by
        .map(|b| format!(" (by: {})", b.as_str()))
        .unwrap_or_default();
    match rec.status {
        Status::Exists => Some(format!("room \"{id}\": exists{by}; counted as done")),
        Status::Missing => Some(format!("room \"{id}\": already gone; counted as done")),
        _ => None,
    }
}

/// Reads a room's CreateTime with get_room_info (one retried call through
/// `pacer`); `None` when the read fails.
pub fn read_create_time(
    client: &crate::api::Client,
    policy: crate::api::retry::Policy,
    pacer: &dyn crate::api::retry::Pacer,
    room_id: &str,
) -> Option<i64> {
    let out = client.execute(
        &crate::api::endpoint::GET_ROOM_INFO,
        &json!({ "RoomId": room_id }),
        policy,
        pacer,
    );
    split_outcome(out).ok().as_ref().and_then(create_time_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Transport;
    use crate::api::retry::Outcome;
    use crate::error::{End, exit_status};

    fn exit_code(f: &Failure) -> u8 {
        exit_status(&Ok(End::Refused(f.clone())))
    }

    fn outcome(result: Result<Reply, Transport>, attempts: u32) -> Outcome {
        Outcome {
            result,
            attempts,
            uncertain: false,
            first_sent: Some(1),
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
        let a = split_outcome(outcome(Ok(reply(0)), 2)).unwrap();
        assert_eq!((a.reply.request_id.as_str(), a.attempts), ("Id-9", 2));

        let f = split_outcome(outcome(Ok(reply(100_006)), 1)).unwrap_err();
        let e = f.error("room \"r\" was not destroyed");
        assert_eq!(exit_code(&e), 5);
        assert!(
            e.to_string()
                .starts_with("room \"r\" was not destroyed: 100006 text; fix: "),
            "{e}"
        );
        assert!(e.to_string().ends_with("(RequestId Id-9)"), "{e}");

        let t = Transport {
            detail: "timed out (http://x)".into(),
            uncertain: true,
            rate_limited: false,
        };
        let f = split_outcome(outcome(Err(t), 4)).unwrap_err();
        let e = f.error("could not list rooms");
        assert_eq!(exit_code(&e), 7);
        assert_eq!(
            e.to_string(),
            "could not list rooms: timed out (http://x) (after 4 attempts)"
        );
        assert_eq!(f.record("r").output_json()["error_code"], json!(null));
    }

    #[test]
    fn create_time_decides_who_made_a_room() {
        let sent = Some(1_700_000_100);
        let job = Some(Some(1_700_000_000));
        // After a lost answer in this run.
        assert_eq!(made_by(Some(1_700_000_101), true, sent, None), By::ThisRun);
        assert_eq!(
            made_by(Some(1_700_000_095), true, sent, None),
            By::ThisRun,
            "skew"
        );
        assert_eq!(made_by(Some(1_700_000_094), true, sent, None), By::Before);
        assert_eq!(made_by(None, true, sent, None), By::Unknown);
        assert_eq!(
            made_by(Some(1_700_000_094), true, sent, Some(None)),
            By::Unknown
        );
        // On resume, no lost answer in this run: an earlier run or before.
        assert_eq!(
            made_by(Some(1_700_000_101), false, sent, job),
            By::EarlierRun
        );
        assert_eq!(
            made_by(Some(1_700_000_050), false, sent, job),
            By::EarlierRun
        );
        assert_eq!(made_by(Some(1_699_999_000), false, sent, job), By::Before);
        assert_eq!(
            made_by(Some(1_700_000_050), false, sent, Some(None)),
            By::Unknown
        );
        // Both: this run wins when the room is newer than its first send.
        assert_eq!(made_by(Some(1_700_000_101), true, sent, job), By::ThisRun);
        assert_eq!(
            made_by(Some(1_700_000_050), true, sent, job),
            By::EarlierRun
        );
    }

    #[test]
    fn notes_say_what_was_there_already_and_who_made_it() {
        let mut rec = Record::settled("r1", Status::Exists, "Id-1", Some(100_010), 1);
        assert_eq!(
            already_note(&rec).as_deref(),
            Some("room \"r1\": exists; counted as done")
        );
        rec.by = Some(By::EarlierRun);
        assert_eq!(
            already_note(&rec).as_deref(),
            Some("room \"r1\": exists (by: an earlier run); counted as done")
        );
        let gone = Record::settled("r2", Status::Missing, "", Some(100_004), 1);
        assert_eq!(
            already_note(&gone).as_deref(),
            Some("room \"r2\": already gone; counted as done")
        );
        let made = Record::settled("r3", Status::Created, "", None, 1);
        assert_eq!(already_note(&made), None);
    }
}
