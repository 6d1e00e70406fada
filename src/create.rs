//! `livectl create` for one room, and the settling of a create outcome into
//! a [`Record`] (created / exists / failed), shared with the batch.

use serde_json::{Value, json};

use crate::api::Client;
use crate::api::retry::{NoPacer, Outcome};
use crate::app::{self, Ctx};
use crate::cli::CreateArgs;
use crate::output::{self, Format};
use crate::room::{Naming, RoomSpec};
use crate::settle::{self, Record, Settled, Status};

/// 100010: the room exists and the caller owns it.
pub const EXISTS: i64 = 100_010;

/// Turns a create outcome into a record and, for a failure, the error to
/// report. 100010 is `exists`: a success under `exists_ok`, else a failure;
/// after an uncertain attempt it is `created` (that attempt made it).
pub fn settle(room_id: &str, out: Outcome, exists_ok: bool) -> Settled {
    let by_earlier = out.created_by_earlier_attempt;
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
        Err(f) if by_earlier => (
            Record::settled(room_id, Status::Created, &f.request_id, None, f.attempts),
            None,
        ),
        Err(f) if f.code == Some(EXISTS) => {
            let rec = Record {
                status: Status::Exists,
                ..f.record(room_id)
            };
            (rec, (!exists_ok).then(|| f.error(&what)))
        }
        Err(f) => {
            let hint = "; the room may have been created: run again with --exists-ok to check";
            (f.record(room_id), Some(f.error_with_hint(&what, hint)))
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
    spec.seat_template = args.seat_template.clone();
    spec
}

pub fn run(ctx: &Ctx, args: &CreateArgs) -> anyhow::Result<()> {
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
    let out = client.execute("create_room", &body, ctx.policy(), &NoPacer, true);
    let (rec, err) = settle(&spec.room_id, out, args.exists_ok);
    settle::finish(ctx.format(), &rec, err)
}
