//! `livectl destroy --from-csv`: the destroy plan for the batch engine. Reads
//! the `room_id` column only, so a create report turned CSV, or any export
//! with a `room_id` column, works as is.

use serde_json::json;

use crate::app::Ctx;
use crate::batch::input::Columns;
use crate::batch::progress::Already;
use crate::batch::{self, Options, Plan};
use crate::cli::DestroyArgs;
use crate::cmd::lifecycle::{self as destroy_mod, destroy};
use crate::room::RoomSpec;
use crate::settle::{Lookup, Status};

pub fn run(ctx: &Ctx, args: &DestroyArgs) -> anyhow::Result<()> {
    // Under --resume, 100004 means the interrupted run may have destroyed it.
    let missing_ok = args.missing_ok || args.batch.resume;
    let settle = move |id: &str, out, _: &Lookup| destroy::settle(id, out, missing_ok);
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
        already: Already {
            words: "already gone",
            flag: "--missing-ok",
            code: destroy_mod::NOT_FOUND,
        },
    };
    let opts = Options::new(&args.batch, args.dry_run, !args.yes);
    batch::run(ctx, &plan, &opts, &RoomSpec::default())
}
