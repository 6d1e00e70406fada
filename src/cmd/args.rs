//! The clap argument groups that several commands flatten (room fields,
//! batch flags), the parser helper they use, and the first conversions every
//! room command makes at its top: the room it names, the room fields as a
//! (not yet validated) `RoomSpec`, and validation problems as one usage error.

use clap::Args;
use std::path::PathBuf;

use crate::batch;
use crate::error::Error;
use crate::output;
use crate::room::{self, ExtraField, FieldError, RoomSpec, SeatMode};

/// A value parser that keeps livectl's own parsing and messages but tells
/// clap the values it takes, so completion scripts offer them.
#[derive(Clone)]
pub struct Hinted<P> {
    pub parser: P,
    pub values: fn() -> Vec<&'static str>,
}

impl<P: clap::builder::TypedValueParser> clap::builder::TypedValueParser for Hinted<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        self.parser.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            (self.values)()
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

type Parse<T> = fn(&str) -> Result<T, String>;

/// `-o`: livectl's own parsing (output knows nothing of clap), the values
/// for completions.
pub fn format_hint() -> Hinted<Parse<crate::output::Mode>> {
    Hinted {
        parser: crate::output::Mode::parse,
        values: || vec!["text", "json", "raw"],
    }
}

fn seat_mode_hint() -> Hinted<Parse<SeatMode>> {
    Hinted {
        parser: room::parse_seat_mode,
        values: || vec!["FreeToTake", "ApplyToTake"],
    }
}

/// Room fields shared by `create` and `update`.
#[derive(Args, Debug, Clone, Default)]
pub struct RoomFieldArgs {
    /// Room name, up to 100 bytes (RoomName; create: defaults to the room ID)
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Legacy: maximum number of members, 1 to 2147483647 (MaxMemberCount; no longer in the newest create_room table)
    #[arg(long, value_name = "N", value_parser = room::parse_positive, allow_negative_numbers = true)]
    pub max_members: Option<u64>,
    /// Cover image URL, up to 200 bytes (CoverURL)
    #[arg(long, value_name = "URL")]
    pub cover_url: Option<String>,
    /// Mute all audience messages (IsMessageDisabled); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub message_disabled: Option<bool>,
    /// Up to 3 integer tags (32-bit), e.g. 1,2 (Category)
    #[arg(long, value_name = "N[,N[,N]]", value_parser = parse_categories)]
    pub category: Option<Categories>,
    /// List the room publicly (IsPublicVisible); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub public: Option<bool>,
    /// How seats are taken: FreeToTake or ApplyToTake, any case (TakeSeatMode)
    #[arg(long, value_name = "MODE", value_parser = seat_mode_hint(), hide_possible_values = true)]
    pub seat_mode: Option<SeatMode>,
    /// Your own status tag, a 32-bit integer (ActivityStatus)
    #[arg(long, value_name = "N", value_parser = room::parse_int, allow_negative_numbers = true)]
    pub activity_status: Option<i64>,
    /// Send a field the tool does not model, repeatable: NAME=VALUE sends VALUE as a string
    /// (`--field CustomInfo=1` sends "1"), NAME:=JSON sends raw JSON (`--field KeepOwnerOnSeat:=false`)
    #[arg(long = "field", value_name = "NAME=VALUE|NAME:=JSON", value_parser = room::parse_extra)]
    pub fields: Vec<ExtraField>,
    /// Unlimited-room mode, needed for server-side mixing (IsUnlimitedRoomEnabled); alone means true. create sends true unless --unlimited=false (as Tencent's console does)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub unlimited: Option<bool>,
}

/// Categories parsed from `1,2` (clap needs a single value type).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Categories(pub Vec<i64>);

fn parse_categories(s: &str) -> Result<Categories, String> {
    room::parse_category(s).map(Categories)
}

/// Flags of the batch form (`--from-csv`).
#[derive(Args, Debug, Clone, Default)]
pub struct BatchArgs {
    /// Read many rooms from a CSV file (`-` for stdin); columns: `livectl help csv`
    #[arg(long, value_name = "FILE")]
    pub from_csv: Option<PathBuf>,
    /// Requests in flight at once, 1 to 256 (batch) [default: 4]
    // Options, not clap defaults: a single create must tell "given" from
    // "defaulted" to refuse batch flags (`BatchArgs::check`).
    #[arg(long, value_name = "N", value_parser = |s: &str| room::parse_count(s, 1, 256), allow_negative_numbers = true)]
    pub concurrency: Option<u64>,
    /// Requests started per second at most, 1 to 100000 (batch); the service allows 200/s by
    /// default [default: 50]
    #[arg(long, value_name = "R", value_parser = |s: &str| room::parse_count(s, 1, 100_000), allow_negative_numbers = true)]
    pub rate: Option<u64>,
    /// Append one JSON line per row to FILE as soon as the row is settled (batch)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Skip rows the --report file marks created/exists (destroy: done), and append to it
    #[arg(long)]
    pub resume: bool,
    /// Stop starting new rows after the first failed row (batch)
    #[arg(long)]
    pub fail_fast: bool,
}

impl BatchArgs {
    /// The batch form's options, or `None` for the single form (no
    /// `--from-csv`): the one place a command learns which form it runs.
    /// `confirm` asks before sending (destroy without `--yes`).
    pub fn options(&self, dry_run: bool, confirm: bool) -> Option<batch::Options> {
        Some(batch::Options {
            file: self.from_csv.clone()?,
            concurrency: self.concurrency.unwrap_or(batch::DEFAULT_CONCURRENCY),
            rate: self.rate.unwrap_or(batch::DEFAULT_RATE),
            report: self.report.clone(),
            resume: self.resume,
            fail_fast: self.fail_fast,
            dry_run,
            confirm,
        })
    }

    /// The batch-only flags given, by name (without `--from-csv`, each is
    /// a usage error: see [`BatchArgs::check`]).
    pub fn given(&self) -> Vec<&'static str> {
        [
            ("--report", self.report.is_some()),
            ("--concurrency", self.concurrency.is_some()),
            ("--rate", self.rate.is_some()),
            ("--resume", self.resume),
            ("--fail-fast", self.fail_fast),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
    }

    /// A single-room command refuses batch flags rather than ignore them;
    /// `--resume` needs the report of the run it continues.
    pub fn check(&self, command: &str) -> Result<(), String> {
        let given = self.given();
        if self.from_csv.is_some() {
            if self.resume && self.report.is_none() {
                return Err("--resume: needs --report FILE, the report of the run to continue (e.g. --report report.jsonl --resume)".into());
            }
            return Ok(());
        }
        if given.is_empty() {
            return Ok(());
        }
        let (list, it) = match given.as_slice() {
            [one] => (one.to_string(), "it is a batch flag"),
            many => (many.join(", "), "they are batch flags"),
        };
        Err(format!(
            "{list}: {it} and needs --from-csv FILE; a single `livectl {command} --room-id ID` sends one request. Remove {list}, or give the rooms with --from-csv"
        ))
    }
}

/// The room a one-room command names: `ROOM` or `--room-id` (clap refuses
/// both at once); a usage error naming both ways when there is neither.
pub fn room_of<'a>(
    positional: &'a Option<String>,
    flag: &'a Option<String>,
) -> Result<&'a str, Error> {
    positional.as_deref().or(flag.as_deref()).ok_or_else(|| {
        Error::Usage(
            "no room given: name it as the first argument (ROOM) or with --room-id ID".into(),
        )
    })
}

/// The room fields given as flags, as a (not yet validated) `RoomSpec`.
/// Prints the hint of a `--field NAME=VALUE` that was probably meant as JSON.
pub fn spec_from_flags(room_id: Option<&str>, f: &RoomFieldArgs) -> RoomSpec {
    for hint in f.fields.iter().filter_map(|x| x.hint.as_ref()) {
        output::note(format!("hint: {hint}"));
    }
    RoomSpec {
        room_id: room_id.unwrap_or_default().to_string(),
        name: f.name.clone(),
        max_members: f.max_members,
        cover_url: f.cover_url.clone(),
        message_disabled: f.message_disabled,
        category: f.category.clone().map(|c| c.0),
        public: f.public,
        seat_mode: f.seat_mode,
        activity_status: f.activity_status,
        unlimited: f.unlimited,
        extra: f.fields.iter().map(|x| x.pair()).collect(),
        ..RoomSpec::default()
    }
}

/// Turns validation problems into one usage error listing them all.
pub fn invalid(errs: &[FieldError]) -> anyhow::Error {
    let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
    Error::usage(format!(
        "invalid input, nothing was sent:\n{}",
        lines.join("\n")
    ))
}

/// `get`, `update` and `destroy` send any non-empty room ID as given, so that
/// rooms made by other tools with IDs `create` would refuse can still be
/// reached.
pub fn require_room_id(room_id: &str) -> anyhow::Result<()> {
    crate::cmd::live::args::check_id(
        "ROOM",
        "a room ID (livectl list shows public rooms)",
        room_id,
    )
    .map_err(Error::usage)
}
