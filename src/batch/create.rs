//! `livectl create --from-csv`: the create plan for the batch engine.

use crate::app::Ctx;
use crate::batch::input::Columns;
use crate::batch::progress::Already;
use crate::batch::{self, Options, Plan};
use crate::cli::CreateArgs;
use crate::create;
use crate::room::{CaveatsOnce, Naming, RoomSpec};
use crate::settle::{Lookup, Status};

pub fn run(ctx: &Ctx, args: &CreateArgs) -> anyhow::Result<()> {
    args.batch
        .check("create")
        .map_err(crate::error::Error::usage)?;
    let defaults = create::spec_from_args(args);
    // The flags are defaults for every row: check them on their own first,
    // so a bad flag is named as a flag, not as every row's problem.
    let probe = RoomSpec {
        room_id: "probe".into(),
        ..defaults.clone()
    };
    let errs = probe.validate(Naming::Flag);
    if !errs.is_empty() {
        return Err(crate::app::invalid(&errs));
    }
    // Under --resume, 100010 means an interrupted run may have sent the row
    // (the lookup tells which: see settle::made_by).
    let exists_ok = args.exists_ok || args.batch.resume;
    let settle = move |id: &str, out, lookup: &Lookup| create::settle(id, out, exists_ok, lookup);
    let once = CaveatsOnce::default();
    let body = |spec: &RoomSpec| {
        for c in spec.create_caveats().iter().filter(|c| once.first(c)) {
            crate::output::warn(format!(
                "{c} (said once per batch; other rows may be alike)"
            ));
        }
        spec.create_body()
    };
    let plan = Plan {
        command: "create_room",
        is_create: true,
        columns: Columns::Create,
        body: &body,
        settle: &settle,
        done: &["created", "exists"],
        summary: &[
            Status::Created,
            Status::Exists,
            Status::Failed,
            Status::Skipped,
        ],
        already: Already {
            words: "already existed",
            flag: "--exists-ok",
            code: create::EXISTS,
        },
    };
    let opts = Options::new(&args.batch, args.dry_run, false);
    batch::run(ctx, &plan, &opts, &defaults)
}
