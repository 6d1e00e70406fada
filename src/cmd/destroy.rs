//! `livectl destroy`: its flags, one room (destroy_room) or many
//! (`--from-csv`, the destroy plan of the batch engine), both under the one
//! confirmation rule (`cmd::confirm`: ask on a terminal, `--yes` off one),
//! and what a destroy outcome means, for both forms.

use serde_json::json;

use clap::Args;

use serde_json::Value;

use crate::api::endpoint::{DESTROY_ROOM, Endpoint};
use crate::api::retry::Outcome;
use crate::batch::input::Columns;
use crate::batch::progress::Already;
use crate::batch::{self, Plan, Sender};
use crate::cmd::Ctx;
use crate::cmd::args::{BatchArgs, require_room_id, room_of};
use crate::cmd::call::{NOT_FOUND, Session};
use crate::cmd::confirm::Confirm;
use crate::error::{End, Error};
use crate::output::{self, Format};
use crate::room::RoomSpec;
use crate::settle::{self, Record, Settled, Status, already_note};

pub const EXAMPLES: &str = "\
Examples:
  livectl destroy live-1
  # in a script (no terminal to ask on); a room already gone counts as done
  livectl destroy live-1 --yes --missing-ok
  # many rooms (any CSV with a room_id column, e.g. the one used to create them)
  livectl destroy --from-csv rooms.csv --dry-run
  livectl destroy --from-csv rooms.csv --yes --report destroyed.jsonl";

#[derive(Args, Debug, Clone)]
pub struct DestroyArgs {
    /// Room ID; or --room-id
    #[arg(
        value_name = "ROOM",
        conflicts_with_all = ["room_id", "from_csv"]
    )]
    pub room: Option<String>,
    /// The room ID, as a flag (the same as ROOM)
    #[arg(long, value_name = "ID", conflicts_with = "from_csv")]
    pub room_id: Option<String>,
    /// Count a room that is already gone (100004) as done
    #[arg(long)]
    pub missing_ok: bool,
    /// Do not ask for confirmation; needed when stdin is not a terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the request without sending (--from-csv: the plan, each request with -v)
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// One room, or many with `--from-csv`; a batch ends as an [`End`].
pub fn run(ctx: &Ctx, args: &DestroyArgs) -> crate::cmd::Result<End> {
    // Batch flags without --from-csv are refused, not ignored.
    args.batch.check("destroy").map_err(Error::usage)?;
    let confirm = Confirm {
        yes: args.yes,
        dry_run: args.dry_run,
    };
    if let Some(opts) = args.batch.options(args.dry_run, !args.yes) {
        confirm.check("destroying rooms")?;
        let plan = DestroyPlan {
            // Under --resume, 100004 means the interrupted run may have
            // destroyed it.
            missing_ok: args.missing_ok || args.batch.resume,
        };
        return Ok(batch::run(
            &ctx.batch_io(),
            &plan,
            &opts,
            &RoomSpec::default(),
        )?);
    }
    let id = room_of(&args.room, &args.room_id)?;
    require_room_id(id)?;
    let shown = output::shown(id);
    confirm.ask(
        &format!("destroy room \"{shown}\"? Its audience is sent away; it cannot be undone."),
        &format!("destroying room \"{shown}\""),
    )?;
    let body = json!({ "RoomId": id });
    let Some(out) = Session::open(ctx, args.dry_run)?.outcome(&DESTROY_ROOM, &body) else {
        return Ok(End::Done);
    };
    let (rec, err) = settle_destroy(id, out, args.missing_ok);
    // Text mode says when there was nothing to destroy (`already gone`).
    if let Some(note) = already_note(&rec).filter(|_| err.is_none() && ctx.format() == Format::Text)
    {
        output::note(note);
    }
    if let (Some(st), Format::Text) = (&rec.statistic, ctx.format()) {
        output::note(format!(
            "room \"{}\" ended with: {}",
            output::shown(id),
            crate::cmd::live::stats::totals_inline(st)
        ));
    }
    settle::finish(ctx.format(), &rec, err)?;
    Ok(End::Done)
}

/// A destroy outcome as a record, and the error when it failed. 100004 is
/// done after an uncertain attempt (that attempt destroyed the room:
/// `destroyed`) and under `missing_ok` (`missing`). Shared with the batch.
pub fn settle_destroy(room_id: &str, out: Outcome, missing_ok: bool) -> Settled {
    match settle::split_outcome(out) {
        Ok(a) => {
            let mut rec = Record::settled(
                room_id,
                Status::Destroyed,
                &a.reply.request_id,
                None,
                a.attempts,
            );
            // The end-of-show totals: after the destroy nothing can read them.
            rec.statistic = a
                .reply
                .response
                .as_ref()
                .and_then(|r| r.get("Statistic"))
                .filter(|s| s.is_object())
                .cloned();
            (rec, None)
        }
        // The doubt rule of create (settle::in_doubt); here the guess is
        // safe: the room is gone either way, which is what was asked.
        Err(f) if f.code == Some(NOT_FOUND) && settle::in_doubt(f.uncertain, false) => {
            output::log(
                1,
                "100004 after an uncertain attempt: the room is gone (most likely that attempt destroyed it)",
            );
            (
                Record::settled(room_id, Status::Destroyed, &f.request_id, None, f.attempts),
                None,
            )
        }
        Err(f) if f.code == Some(NOT_FOUND) && missing_ok => (
            Record::settled(room_id, Status::Missing, &f.request_id, f.code, f.attempts),
            None,
        ),
        Err(f) => {
            let what = if f.code == Some(NOT_FOUND) {
                format!(
                    "room \"{room_id}\" not found (already destroyed? --missing-ok counts that as done)"
                )
            } else {
                format!("room \"{room_id}\" was not destroyed")
            };
            (f.record(room_id), Some(f.error(&what)))
        }
    }
}

/// The destroy plan of the batch engine. Reads the `room_id` column only, so
/// a create report turned CSV, or any export with a `room_id` column, works
/// as is.
struct DestroyPlan {
    missing_ok: bool,
}

impl Plan for DestroyPlan {
    fn endpoint(&self) -> &'static Endpoint {
        &DESTROY_ROOM
    }

    fn columns(&self) -> Columns {
        Columns::RoomIdOnly
    }

    fn body(&self, row: &RoomSpec) -> Value {
        json!({ "RoomId": row.room_id })
    }

    fn settle_row(&self, id: &str, out: Outcome, _: &Sender) -> Settled {
        settle_destroy(id, out, self.missing_ok)
    }

    fn done(&self) -> &'static [&'static str] {
        &["destroyed", "missing"]
    }

    fn summary(&self) -> &'static [Status] {
        &[
            Status::Destroyed,
            Status::Missing,
            Status::Failed,
            Status::Skipped,
        ]
    }

    fn already(&self) -> Already {
        Already {
            words: "already gone",
            flag: "--missing-ok",
            code: NOT_FOUND,
            rerun: "rooms already gone count as done",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_names_the_verb_not_the_service_path() {
        let plan = DestroyPlan { missing_ok: false };
        assert_eq!(
            batch::question(&plan, 3, "rooms.csv"),
            "destroy 3 rooms listed in rooms.csv? [y/N] "
        );
    }
}
