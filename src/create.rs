//! `livectl create` for one room, and the settling of a create outcome into
//! a [`Record`] (created / exists / failed), shared with the batch.

use serde_json::{Value, json};

use crate::api::Client;
use crate::api::retry::{NoPacer, Outcome};
use crate::app::{self, Ctx};
use crate::cli::CreateArgs;
use crate::codes;
use crate::error::{Error, ServiceFailure};
use crate::output::{self, Format};
use crate::room::{Naming, RoomSpec};

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

/// Turns a create outcome into a record and, for a failure, the error to
/// report. `exists_ok`: 100010 counts as success.
pub fn settle(room_id: &str, out: Outcome, exists_ok: bool) -> (Record, Option<anyhow::Error>) {
    let mut rec = Record {
        line: None,
        room_id: room_id.to_string(),
        status: Status::Failed,
        error_code: None,
        error_info: None,
        request_id: None,
        attempts: out.attempts,
    };
    let what = format!("room \"{room_id}\" was not created");
    match out.result {
        Ok(reply) => {
            rec.request_id = Some(reply.request_id.clone()).filter(|s| !s.is_empty());
            if reply.error_code == 0 || out.created_by_earlier_attempt {
                rec.status = Status::Created;
                return (rec, None);
            }
            rec.error_code = Some(reply.error_code);
            rec.error_info = Some(reply.error_info.clone());
            if reply.error_code == 100010 && exists_ok {
                rec.status = Status::Exists;
                return (rec, None);
            }
            if reply.error_code == 100010 {
                rec.status = Status::Exists;
            }
            let failure = ServiceFailure {
                what,
                code: reply.error_code,
                info: reply.error_info,
                request_id: reply.request_id,
                attempts: out.attempts,
            };
            (rec, Some(Error::Service(failure).into()))
        }
        Err(t) => {
            rec.error_info = Some(t.detail.clone());
            let hint = if t.uncertain {
                "; the room may have been created: run again with --exists-ok to check"
            } else {
                ""
            };
            let msg = format!(
                "{what}: {} (after {} attempts){hint}",
                t.detail, out.attempts
            );
            (rec, Some(Error::Network(msg).into()))
        }
    }
}

/// Prints what a dry run would send.
pub fn print_dry_run(client: &Client, command: &str, body: &Value, format: Format) {
    let url = client
        .redacted_url(command, 0)
        .replace("random=0", "random=<random>");
    match format {
        Format::Json => output::print_json(&json!({"method": "POST", "url": url, "body": body})),
        Format::Text => {
            let pretty = serde_json::to_string_pretty(body).expect("JSON serializes");
            output::println(format!("POST {url}\n{pretty}"));
        }
    }
}

/// The validated spec of `livectl create` flags.
pub fn spec_from_args(args: &CreateArgs) -> RoomSpec {
    let mut spec = app::spec_from_flags(args.room_id.as_deref(), &args.fields);
    spec.owner = args.owner.clone();
    spec.seat_enabled = args.seat_enabled;
    spec.max_seats = args.max_seats;
    spec
}

pub fn run(ctx: &Ctx, args: &CreateArgs) -> anyhow::Result<()> {
    let spec = spec_from_args(args);
    let errs = spec.validate(Naming::Flag);
    if !errs.is_empty() {
        return Err(app::invalid(&errs));
    }
    let body = spec.create_body();
    let settings = ctx.settings()?;
    if args.dry_run {
        print_dry_run(
            &ctx.dry_client(&settings)?,
            "create_room",
            &body,
            ctx.format(),
        );
        return Ok(());
    }
    let client = ctx.client(&settings)?;
    let out = client.execute("create_room", &body, ctx.policy(), &NoPacer, true);
    let (rec, err) = settle(&spec.room_id, out, args.exists_ok);
    match ctx.format() {
        Format::Json => output::print_json(&rec.output_json()),
        Format::Text if err.is_none() => output::println(&rec.room_id),
        Format::Text => {}
    }
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
