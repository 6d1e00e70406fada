//! `livectl destroy --room-id ID`: destroys one room (destroy_room), with no
//! prompt, and what a destroy outcome means (shared with the batch form,
//! `batch::destroy`). The batch form off a terminal needs `--yes`.

use serde_json::json;
use std::io::IsTerminal;

use super::{NOT_FOUND, require_room_id};
use crate::api::retry::{NoPacer, Outcome};
use crate::app::Ctx;
use crate::cli::DestroyArgs;
use crate::create::print_dry_run;
use crate::error::Error;
use crate::output;
use crate::settle::{self, Record, Settled, Status};

pub fn run(ctx: &Ctx, args: &DestroyArgs) -> anyhow::Result<()> {
    // Batch flags without --from-csv are refused, not ignored.
    args.batch.check("destroy").map_err(Error::usage)?;
    if args.batch.from_csv.is_some() {
        // Off a terminal no one can answer the question: as `gh` does for
        // destructive commands, a script must say --yes.
        if !args.yes && !args.dry_run && !std::io::stdin().is_terminal() {
            return Err(Error::usage(
                "destroying rooms needs --yes when stdin is not a terminal; nothing was sent. Check the rooms with --dry-run, then add --yes",
            ));
        }
        return crate::batch::destroy::run(ctx, args);
    }
    let id = crate::cli::room_of(&args.room, &args.room_id)?;
    require_room_id(id)?;
    let body = json!({ "RoomId": id });
    let settings = ctx.settings()?;
    if args.dry_run {
        print_dry_run(
            &ctx.dry_client(&settings)?,
            "destroy_room",
            &body,
            ctx.format(),
        );
        return Ok(());
    }
    let client = ctx.client(&settings)?;
    let out = client.execute("destroy_room", &body, ctx.policy(), &NoPacer, false);
    let (rec, err) = settle(id, out, args.missing_ok);
    // Text mode says when there was nothing to destroy (`already gone`).
    if let Some(note) = crate::create::already_note(&rec)
        .filter(|_| err.is_none() && ctx.format() == crate::output::Format::Text)
    {
        output::note(note);
    }
    settle::finish(ctx.format(), &rec, err)
}

/// A destroy outcome as a record, and the error when it failed. 100004 is
/// done after an uncertain attempt (that attempt destroyed the room:
/// `destroyed`) and under `missing_ok` (`missing`). Shared with the batch.
pub fn settle(room_id: &str, out: Outcome, missing_ok: bool) -> Settled {
    match settle::settle(out) {
        Ok(a) => (
            Record::settled(
                room_id,
                Status::Destroyed,
                &a.reply.request_id,
                None,
                a.attempts,
            ),
            None,
        ),
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
