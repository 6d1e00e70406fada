//! `livectl create` for one room, and the settling of a create outcome into
//! a [`Record`] (created / exists / failed), shared with the batch.

use serde_json::{Value, json};

use crate::api::Client;
use crate::api::retry::{NoPacer, Outcome, Pacer, Policy};
use crate::app::{self, Ctx};
use crate::cli::CreateArgs;
use crate::error::Error;
use crate::output::{self, Format};
use crate::room::{Naming, RoomSpec};
use crate::settle::{self, By, Lookup, Record, Settled, Status};

/// 100010: the room exists and the caller owns it.
pub const EXISTS: i64 = 100_010;

/// Turns a create outcome into a record and, for a failure, the error to
/// report. 100010 is `exists`: a success under `exists_ok`, else a failure.
/// When it is in doubt (after a lost answer, or on resume: `settle::in_doubt`)
/// the room is read back and its CreateTime says who made it: this run
/// (`created`), or an earlier run, someone before the job, or unknown
/// (`exists`, with `by`). Never `created` on a guess.
pub fn settle(room_id: &str, out: Outcome, exists_ok: bool, lookup: &Lookup) -> Settled {
    let (uncertain, first_sent) = (out.uncertain, out.first_sent);
    let what = format!("room \"{room_id}\" was not created");
    match settle::settle(out) {
        Ok(a) => (
            Record::settled(
                room_id,
                Status::Created,
                &a.reply.request_id,
                None,
                a.attempts,
            ),
            None,
        ),
        Err(f) if f.code == Some(EXISTS) => {
            let by = settle::in_doubt(uncertain, lookup.job.is_some()).then(|| {
                let ct = (lookup.create_time)(room_id);
                settle::made_by(ct, uncertain, first_sent, lookup.job)
            });
            if by == Some(By::ThisRun) {
                output::log(
                    1,
                    format!(
                        "room \"{room_id}\": 100010, but its CreateTime shows an earlier attempt of this run made it"
                    ),
                );
                let mut rec =
                    Record::settled(room_id, Status::Created, &f.request_id, None, f.attempts);
                rec.by = by;
                return (rec, None);
            }
            let rec = Record {
                status: Status::Exists,
                by,
                ..f.record(room_id)
            };
            let err = (!exists_ok).then(|| match by {
                Some(By::Unknown) => f.error(&format!(
                    "room \"{room_id}\" exists, and an earlier attempt whose answer was lost may have made it (it could not be read back to check); --exists-ok counts it as done"
                )),
                _ => f.error(&what),
            });
            (rec, err)
        }
        Err(f) => {
            let hint = "; the room may have been created: run again with --exists-ok to check";
            (f.record(room_id), Some(f.error_with_hint(&what, hint)))
        }
    }
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
    client: &Client,
    policy: Policy,
    pacer: &dyn Pacer,
    room_id: &str,
) -> Option<i64> {
    let out = client.execute(
        "get_room_info",
        &json!({ "RoomId": room_id }),
        policy,
        pacer,
        false,
    );
    settle::settle(out)
        .ok()
        .as_ref()
        .and_then(settle::create_time_of)
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
    // The batch form has no room: its rows do.
    let room = args.room.as_deref().or(args.room_id.as_deref());
    let mut spec = app::spec_from_flags(room, &args.fields);
    spec.owner = args.owner.clone();
    spec.seat_enabled = args.seat_enabled;
    spec.max_seats = args.max_seats;
    spec.seat_template = args.seat_template.clone();
    spec
}

pub fn run(ctx: &Ctx, args: &CreateArgs) -> anyhow::Result<()> {
    args.batch.check("create").map_err(Error::usage)?;
    if let Some(r) = &args.room
        && crate::room::parse_bool(r).is_ok()
    {
        // `--public false` leaves "false" as the positional ROOM.
        return Err(Error::usage(format!(
            "ROOM \"{r}\" looks like the value of a bool flag: bool flags take `=` \
             (e.g. `--public=false`); nothing was sent"
        )));
    }
    crate::cli::room_of(&args.room, &args.room_id)?;
    let spec = spec_from_args(args);
    let errs = spec.validate(Naming::Flag);
    if !errs.is_empty() {
        return Err(app::invalid(&errs));
    }
    for c in spec.create_caveats() {
        output::warn(c.to_string());
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
    let policy = ctx.policy();
    let out = client.execute("create_room", &body, policy, &NoPacer, true);
    let read = |id: &str| read_create_time(&client, policy, &NoPacer, id);
    let lookup = Lookup {
        create_time: &read,
        job: None,
    };
    let (rec, err) = settle(&spec.room_id, out, args.exists_ok, &lookup);
    if let Some(note) = already_note(&rec).filter(|_| err.is_none() && ctx.format() == Format::Text)
    {
        output::note(note);
    }
    settle::finish(ctx.format(), &rec, err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settle::By;

    #[test]
    fn notes_say_what_was_there_already_and_who_made_it() {
        let mut rec = Record::settled("r1", Status::Exists, "Id-1", Some(EXISTS), 1);
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
