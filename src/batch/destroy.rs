//! `livectl destroy --from-csv`: the destroy plan for the batch engine. Reads
//! the `room_id` column only, so a create report turned CSV, or any export
//! with a `room_id` column, works as is.

use serde_json::json;

use crate::api::retry::Outcome;
use crate::app::Ctx;
use crate::batch::input::Columns;
use crate::batch::{self, Options, Plan, Settled};
use crate::cli::DestroyArgs;
use crate::cmd::lifecycle::{self, NOT_FOUND};
use crate::create::{Record, Status};
use crate::room::RoomSpec;

/// A destroy outcome as a report record. 100004 is done under
/// `--missing-ok` or `--resume` (`missing`), and after an uncertain attempt
/// (that attempt destroyed it: `destroyed`).
pub fn settle(room_id: &str, out: Outcome, missing_ok: bool) -> Settled {
    let done = |status, request_id: String, code, attempts| Record {
        line: None,
        room_id: room_id.to_string(),
        status,
        error_code: code,
        error_info: None,
        request_id: Some(request_id).filter(|s| !s.is_empty()),
        attempts,
    };
    match lifecycle::settle(out) {
        Ok(a) => (
            done(Status::Destroyed, a.reply.request_id, None, a.attempts),
            None,
        ),
        Err(f) if f.code == Some(NOT_FOUND) && f.uncertain => (
            done(Status::Destroyed, f.request_id, None, f.attempts),
            None,
        ),
        Err(f) if f.code == Some(NOT_FOUND) && missing_ok => (
            done(Status::Missing, f.request_id, f.code, f.attempts),
            None,
        ),
        Err(f) => {
            let what = if f.code == Some(NOT_FOUND) {
                format!("room \"{room_id}\" not found (--missing-ok counts that as done)")
            } else {
                format!("room \"{room_id}\" was not destroyed")
            };
            (f.record(room_id), Some(f.error(&what)))
        }
    }
}

pub fn run(ctx: &Ctx, args: &DestroyArgs) -> anyhow::Result<()> {
    // Under --resume, 100004 means the interrupted run may have destroyed it.
    let missing_ok = args.missing_ok || args.batch.resume;
    let settle = move |id: &str, out| settle(id, out, missing_ok);
    let body = |spec: &RoomSpec| json!({ "RoomId": spec.room_id });
    let plan = Plan {
        command: "destroy_room",
        is_create: false,
        columns: Columns::RoomIdOnly,
        body: &body,
        settle: &settle,
        done: &["destroyed", "missing"],
        summary: &[
            Status::Destroyed,
            Status::Missing,
            Status::Failed,
            Status::Skipped,
        ],
    };
    let opts = Options::new(&args.batch, args.dry_run, !args.yes);
    batch::run(ctx, &plan, &opts, &RoomSpec::default())
}
