//! `livectl destroy --room-id ID`: destroys one room (destroy_room), with no
//! prompt. The `--from-csv` form is `batch::destroy`.

use serde_json::json;

use super::{NOT_FOUND, done, fail, print_failure, require_room_id, settle};
use crate::api::retry::NoPacer;
use crate::app::Ctx;
use crate::cli::DestroyArgs;
use crate::create::print_dry_run;
use crate::output;

pub fn run(ctx: &Ctx, args: &DestroyArgs) -> anyhow::Result<()> {
    if args.batch.from_csv.is_some() {
        return crate::batch::destroy::run(ctx, args);
    }
    let id = args.room_id.as_deref().unwrap_or_default();
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
    match settle(out) {
        Ok(a) => done(ctx, "destroyed", id, &a.reply.request_id, a.attempts, None),
        // An earlier attempt may have destroyed the room before its answer
        // was lost; "gone" is what was asked for (like create's 100010 rule).
        Err(f) if f.code == Some(NOT_FOUND) && f.uncertain => {
            output::log(
                1,
                "100004 after an uncertain attempt: that attempt destroyed the room",
            );
            done(ctx, "destroyed", id, &f.request_id, f.attempts, None);
        }
        Err(f) if f.code == Some(NOT_FOUND) && args.missing_ok => {
            done(ctx, "missing", id, &f.request_id, f.attempts, f.code);
        }
        Err(f) if f.code == Some(NOT_FOUND) => {
            print_failure(ctx, id, &f);
            return Err(f.error(&format!(
                "room \"{id}\" not found (already destroyed? --missing-ok counts that as done)"
            )));
        }
        Err(f) => {
            return Err(fail(
                ctx,
                id,
                &f,
                &format!("room \"{id}\" was not destroyed"),
            ));
        }
    }
    Ok(())
}
