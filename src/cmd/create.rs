//! `livectl create`: its flags, one room or many (`--from-csv`, the create
//! plan of the batch engine), and the settling of a create outcome into a
//! [`Record`] (created / exists / failed), shared by both forms.

use clap::Args;

use serde_json::Value;

use crate::api::endpoint::{CREATE_ROOM, Endpoint};
use crate::api::retry::Outcome;
use crate::batch::input::Columns;
use crate::batch::progress::Already;
use crate::batch::{self, Options, Plan, Sender};
use crate::cmd::Ctx;
use crate::cmd::args::{BatchArgs, RoomFieldArgs, invalid, room_of, spec_from_flags};
use crate::cmd::call::Session;
use crate::error::{End, Error};
use crate::output::{self, Format};
use crate::room::{self, CaveatsOnce, Naming, RoomSpec, SeatTemplate};
use crate::settle::{self, By, Lookup, Record, Settled, Status, already_note, read_create_time};

pub const EXAMPLES: &str = "\
Examples:
  # see the request without sending it (needs no secret key)
  livectl create --room-id live-1 --name \"Friday show\" --public --dry-run
  # create; stdout is the room ID alone
  ROOM=$(livectl create --room-id live-1 --name \"Friday show\" --max-members 500)
  # idempotent: an existing room of yours counts as success
  livectl create --room-id live-1 --exists-ok -o json
  # a voice-chat room: MaxSeatCount only counts with AudioSalon or Karaoke
  livectl create --room-id live-2 --seat-template AudioSalon --max-seats 8
  # fields the tool does not model: NAME=VALUE sends a string, NAME:=JSON sends JSON
  livectl create --room-id live-3 --field CustomInfo=vip --field KeepOwnerOnSeat:=false
  # many rooms; flags are defaults for empty cells
  livectl create --from-csv rooms.csv --report report.jsonl --public
  livectl create --from-csv rooms.csv --report report.jsonl --resume";

#[derive(Args, Debug, Clone)]
pub struct CreateArgs {
    /// Room ID, 1 to 48 bytes of printable ASCII (RoomId); or --room-id
    #[arg(
        value_name = "ROOM",
        conflicts_with_all = ["room_id", "from_csv"]
    )]
    pub room: Option<String>,
    /// The room ID, as a flag (the same as ROOM)
    #[arg(long, value_name = "ID", conflicts_with = "from_csv")]
    pub room_id: Option<String>,
    #[command(flatten)]
    pub fields: RoomFieldArgs,
    /// Host's user ID; must be an imported account (Owner_Account)
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Legacy: enable microphone seats (IsSeatEnabled; seats now come from --seat-template); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub seat_enabled: Option<bool>,
    /// Maximum number of seats, 1 to 2147483647 (MaxSeatCount); only AudioSalon and Karaoke use it
    #[arg(long, value_name = "N", value_parser = room::parse_positive, allow_negative_numbers = true)]
    pub max_seats: Option<u64>,
    /// Seat layout (SeatTemplate) [default: VideoDynamicGrid9Seats]
    ///
    /// Known, in any case: VideoDynamicGrid9Seats, VideoDynamicFloat7Seats, VideoFixedGrid9Seats,
    /// VideoFixedFloat7Seats, VideoLandscape4Seats (SDK spelling), VideoLandscape4Seat (console
    /// spelling), VideoLandscape10Seats, VideoPortrait10Seats, VideoLeftFocus9Seats,
    /// VideoUniformGrid9Seats, AudioSalon, Karaoke. `none` sends no SeatTemplate (a service on
    /// an older revision); another name is sent as given, with a warning.
    #[arg(long, value_name = "NAME", value_parser = room::parse_seat_template)]
    pub seat_template: Option<SeatTemplate>,
    /// Count "already exists and is yours" (100010) as success
    #[arg(long)]
    pub exists_ok: bool,
    /// Validate and print the request without sending (--from-csv: the plan, each request
    /// with -v); needs no secret key
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// 100010: the room exists and the caller owns it.
pub const EXISTS: i64 = 100_010;

/// Turns a create outcome into a record and, for a failure, the error to
/// report. 100010 is `exists`: a success under `exists_ok`, else a failure.
/// When it is in doubt (after a lost answer, or on resume: `settle::in_doubt`)
/// the room is read back and its CreateTime says who made it: this run
/// (`created`), or an earlier run, someone before the job, or unknown
/// (`exists`, with `by`). Never `created` on a guess.
pub fn settle_create(room_id: &str, out: Outcome, exists_ok: bool, lookup: &Lookup) -> Settled {
    let (uncertain, first_sent) = (out.uncertain, out.first_sent);
    let what = format!("room \"{room_id}\" was not created");
    match settle::split_outcome(out) {
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
            if uncertain {
                output::log(
                    1,
                    "100010 after an uncertain attempt: an earlier attempt may have created the room",
                );
            }
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

/// The validated spec of `livectl create` flags.
pub fn create_spec(args: &CreateArgs) -> RoomSpec {
    // The batch form has no room: its rows do.
    let room = args.room.as_deref().or(args.room_id.as_deref());
    let mut spec = spec_from_flags(room, &args.fields);
    spec.owner = args.owner.clone();
    spec.seat_enabled = args.seat_enabled;
    spec.max_seats = args.max_seats;
    spec.seat_template = args.seat_template.clone();
    // As Tencent's console does: every room can be mixed (set_mix_stream
    // needs it, live-api.md §3.1); `--unlimited=false` opts out.
    spec.unlimited.get_or_insert(true);
    spec
}

/// One room, or many with `--from-csv`; a batch ends as an [`End`].
pub fn run(ctx: &Ctx, args: &CreateArgs) -> crate::cmd::Result<End> {
    args.batch.check("create").map_err(Error::usage)?;
    if let Some(opts) = args.batch.options(args.dry_run, false) {
        return run_batch(ctx, args, &opts);
    }
    if let Some(r) = &args.room
        && room::parse_bool(r).is_ok()
    {
        // `--public false` leaves "false" as the positional ROOM.
        return Err(Error::usage(format!(
            "ROOM \"{r}\" looks like the value of a bool flag: bool flags take `=` \
             (e.g. `--public=false`); nothing was sent"
        ))
        .into());
    }
    room_of(&args.room, &args.room_id)?;
    let spec = create_spec(args);
    let errs = spec.validate(Naming::Flag);
    if !errs.is_empty() {
        return Err(invalid(&errs).into());
    }
    for c in spec.create_caveats() {
        output::warn(c.to_string());
    }
    let body = spec.create_body();
    let session = Session::open(ctx, args.dry_run)?;
    let Some(out) = session.outcome(&CREATE_ROOM, &body) else {
        return Ok(End::Done);
    };
    let read = |id: &str| session.read_create_time(id);
    let lookup = Lookup {
        create_time: &read,
        job: None,
    };
    let (rec, err) = settle_create(&spec.room_id, out, args.exists_ok, &lookup);
    if let Some(note) = already_note(&rec).filter(|_| err.is_none() && ctx.format() == Format::Text)
    {
        output::note(note);
    }
    let room = (rec.status == crate::settle::Status::Created)
        .then(|| sent_room(&body))
        .flatten();
    settle::finish_with_room(ctx.format(), &rec, err, room)?;
    Ok(End::Done)
}

/// The `room` noun of a create or update body's `RoomInfo`: what was set.
pub fn sent_room(body: &serde_json::Value) -> Option<serde_json::Value> {
    body.get("RoomInfo")
        .and_then(|i| i.as_object())
        .map(|i| crate::cmd::view::RoomView::parse(i).to_json())
}

/// `livectl create --from-csv`: the flags are defaults for every row.
fn run_batch(ctx: &Ctx, args: &CreateArgs, opts: &Options) -> crate::cmd::Result<End> {
    let defaults = create_spec(args);
    // The flags are defaults for every row: check them on their own first,
    // so a bad flag is named as a flag, not as every row's problem.
    let probe = RoomSpec {
        room_id: "probe".into(),
        ..defaults.clone()
    };
    let errs = probe.validate(Naming::Flag);
    if !errs.is_empty() {
        return Err(invalid(&errs).into());
    }
    let plan = CreatePlan {
        // Under --resume, 100010 means an interrupted run may have sent the
        // row (the lookup tells which: see settle::made_by).
        exists_ok: args.exists_ok || args.batch.resume,
        caveats: CaveatsOnce::default(),
    };
    Ok(batch::run(&ctx.batch_io(), &plan, opts, &defaults)?)
}

/// The create plan of the batch engine.
struct CreatePlan {
    exists_ok: bool,
    /// Each create caveat is said once per batch, not once per row.
    caveats: CaveatsOnce,
}

impl Plan for CreatePlan {
    fn endpoint(&self) -> &'static Endpoint {
        &CREATE_ROOM
    }

    fn columns(&self) -> Columns {
        Columns::Create
    }

    fn body(&self, row: &RoomSpec) -> Value {
        self.warn_once(row);
        row.create_body()
    }

    fn warn_once(&self, row: &RoomSpec) {
        for c in row
            .create_caveats()
            .iter()
            .filter(|c| self.caveats.first(c))
        {
            output::warn(format!(
                "{c} (said once per batch; other rows may be alike)"
            ));
        }
    }

    fn settle_row(&self, id: &str, out: Outcome, s: &Sender) -> Settled {
        let read = |id: &str| read_create_time(s.client, s.policy, s.pacer, id);
        let lookup = Lookup {
            create_time: &read,
            job: s.job,
        };
        settle_create(id, out, self.exists_ok, &lookup)
    }

    fn done(&self) -> &'static [&'static str] {
        &["created", "exists"]
    }

    fn summary(&self) -> &'static [Status] {
        &[
            Status::Created,
            Status::Exists,
            Status::Failed,
            Status::Skipped,
        ]
    }

    fn already(&self) -> Already {
        Already {
            words: "already existed",
            flag: "--exists-ok",
            code: EXISTS,
            rerun: "rooms already created count as done",
        }
    }
}
