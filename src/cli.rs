//! The command line, as clap derive structs. Only parsing lives here; every
//! `///` comment is `--help` text. `app.rs` turns these into domain values.

use clap::{Args, Parser, Subcommand};
use serde_json::Value;
use std::path::PathBuf;

use crate::output::Format;
use crate::room::{self, SeatMode};

const AFTER_LONG_HELP: &str = "\
Environment (flag > environment > config profile > default):
  LIVECTL_CONFIG       config file (default: ~/.config/livectl/config.toml)
  LIVECTL_PROFILE      profile to use
  LIVECTL_SDKAPPID     the app's SDKAppID
  LIVECTL_IDENTIFIER   an App admin account, e.g. administrator
  LIVECTL_SECRET_KEY   the app's secret key (no flag takes a secret)
  LIVECTL_REGION       china, singapore, seoul, tokyo, frankfurt, mumbai,
                       silicon-valley, jakarta (or cn, sgp, kr, jpn, ger, ind, usa/us, idn)
  LIVECTL_ENDPOINT     base URL overriding the region
  NO_COLOR             disables colour

Exit codes:
  0    success (including --dry-run, and `exists` under --exists-ok)
  1    unexpected internal error
  2    usage or invalid input (flags, values, CSV): nothing was sent
  3    configuration or credentials missing, unreadable or unsafe: nothing was sent
  4    the service rejected the credentials
  5    the service refused the request
  6    the room ID is taken (100003, 100011, 100010 without --exists-ok)
  7    network failure, timeout, or still rate-limited/unavailable after the retries
  8    a batch finished with at least one failed row
  130  interrupted

`livectl explain CODE` explains any service error code, offline.";

/// Creates and manages Tencent Cloud live rooms (TUILiveKit / Chat REST API).
///
/// Credentials come from a config profile or the environment; see
/// `livectl profile add --help` and `livectl doctor`.
#[derive(Parser, Debug)]
#[command(name = "livectl", version, propagate_version = true, after_long_help = AFTER_LONG_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags valid before or after any subcommand.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config profile to use [env: LIVECTL_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file [env: LIVECTL_CONFIG] [default: ~/.config/livectl/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Region of the app: china, singapore, seoul, tokyo, frankfurt, mumbai, silicon-valley, jakarta [env: LIVECTL_REGION]
    #[arg(long, global = true, value_name = "NAME")]
    pub region: Option<String>,
    /// Base URL of the service, overriding the region (http:// only to loopback) [env: LIVECTL_ENDPOINT]
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Output format of results on stdout
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// Log each request to stderr (-vv adds bodies); secrets are always redacted
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print only results and errors: no warnings, progress or summary
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// Per-request timeout in seconds (the service itself gives up after 3 s)
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Retries after the first attempt, for retryable failures
    #[arg(long, global = true, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create one live room, or many from a CSV file
    #[command(after_long_help = CREATE_EXAMPLES)]
    Create(CreateArgs),
    /// Show one room (get_room_info)
    Get(GetArgs),
    /// Change a room's settings (update_room_info)
    Update(UpdateArgs),
    /// Destroy one room, or many from a CSV file (destroy_room)
    Destroy(DestroyArgs),
    /// List public rooms (get_room_list); rooms not publicly visible are not listed
    List(ListArgs),
    /// Explain a service error code (offline); no CODE lists them all
    Explain(ExplainArgs),
    /// Print a UserSig for the profile's identifier (for curl and debugging)
    Usersig(UsersigArgs),
    /// List, show, add and remove credential profiles
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Check config, permissions, clock, network and credentials; safe to paste
    ///
    /// Prints one line per check, `ok|warn|fail  CHECK: DETAIL`, with a `fix:` line under
    /// each warning or failure (-o json: one object per check). Checks: the config file
    /// parses and is not readable by others; the profile resolves with sdkappid, identifier
    /// and a readable secret key; the endpoint; DNS; reaching the service over TLS/HTTP; the
    /// local clock against the service's Date header (warn beyond 60 s, fail beyond 300 s);
    /// and one authenticated read: get_room_info on a random room ID, where 100004 ("no such
    /// room") proves the credentials work. Nothing secret is printed: the key shows as
    /// `****` plus its last 4 characters, the UserSig never.
    #[command(after_long_help = DOCTOR_HELP)]
    Doctor,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout: livectl(1), then a page per command
    #[command(after_long_help = "Example:\n  livectl man > livectl.1 && man -l livectl.1")]
    Man,
    /// Serve a local stand-in of the live-room REST service (try, script and rehearse without an account)
    #[command(after_long_help = crate::emulator::EMULATOR_HELP)]
    Emulator(crate::emulator::EmulatorArgs),
}

const CREATE_EXAMPLES: &str = "\
Examples:
  # see the request without sending it (needs no secret key)
  livectl create --room-id live-1 --name \"Friday show\" --public --dry-run
  # create; stdout is the room ID alone
  ROOM=$(livectl create --room-id live-1 --name \"Friday show\" --max-members 500)
  # idempotent: an existing room of yours counts as success
  livectl create --room-id live-1 --exists-ok -o json
  # a field the tool does not model yet
  livectl create --room-id live-2 --field SeatTemplate=1
  # many rooms; flags are defaults for empty cells
  livectl create --from-csv rooms.csv --report report.jsonl --public
  livectl create --from-csv rooms.csv --report report.jsonl --resume";

/// Room fields shared by `create` and `update`.
#[derive(Args, Debug, Clone, Default)]
pub struct RoomFieldArgs {
    /// Room name, up to 100 bytes (RoomName; defaults to the room ID)
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Maximum number of members, > 0 (MaxMemberCount)
    #[arg(long, value_name = "N", value_parser = room::parse_positive)]
    pub max_members: Option<u64>,
    /// Cover image URL, up to 200 bytes (CoverURL)
    #[arg(long, value_name = "URL")]
    pub cover_url: Option<String>,
    /// Mute all audience messages (IsMessageDisabled); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub message_disabled: Option<bool>,
    /// Up to 3 integer tags, e.g. 1,2 (Category)
    #[arg(long, value_name = "N[,N[,N]]", value_parser = parse_categories)]
    pub category: Option<Categories>,
    /// List the room publicly (IsPublicVisible); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub public: Option<bool>,
    /// How seats are taken: FreeToTake or ApplyToTake, any case (TakeSeatMode)
    #[arg(long, value_name = "MODE", value_parser = room::parse_seat_mode)]
    pub seat_mode: Option<SeatMode>,
    /// Your own status tag (ActivityStatus)
    #[arg(long, value_name = "N", value_parser = room::parse_int, allow_negative_numbers = true)]
    pub activity_status: Option<i64>,
    /// Send a field the tool does not model; VALUE is JSON if valid JSON, else a string. Repeatable
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = room::parse_extra)]
    pub fields: Vec<(String, Value)>,
}

/// Categories parsed from `1,2` (clap needs a single value type).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Categories(pub Vec<i64>);

fn parse_categories(s: &str) -> Result<Categories, String> {
    room::parse_category(s).map(Categories)
}

/// Flags of the batch form (`--from-csv`).
#[derive(Args, Debug, Clone)]
pub struct BatchArgs {
    /// Read many rooms from a CSV file (`-` for stdin); see the README for columns
    #[arg(long, value_name = "FILE")]
    pub from_csv: Option<PathBuf>,
    /// Requests in flight at once (batch)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub concurrency: u64,
    /// Requests started per second at most (batch); the service allows 200/s by default
    #[arg(long, value_name = "R", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub rate: u64,
    /// Append one JSON line per row to FILE as soon as the row is settled (batch)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Skip rows the --report file marks created/exists (destroy: done), and append to it
    #[arg(long, requires = "report")]
    pub resume: bool,
    /// Stop starting new rows after the first failed row (batch)
    #[arg(long)]
    pub fail_fast: bool,
}

#[derive(Args, Debug, Clone)]
pub struct CreateArgs {
    /// Room ID, 1 to 48 bytes of printable ASCII (RoomId)
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "from_csv",
        conflicts_with = "from_csv"
    )]
    pub room_id: Option<String>,
    #[command(flatten)]
    pub fields: RoomFieldArgs,
    /// Host's user ID; must be an imported account (Owner_Account)
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Enable microphone seats (IsSeatEnabled); alone means true
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = room::parse_bool)]
    pub seat_enabled: Option<bool>,
    /// Maximum number of seats, > 0 (MaxSeatCount)
    #[arg(long, value_name = "N", value_parser = room::parse_positive)]
    pub max_seats: Option<u64>,
    /// Count "already exists and is yours" (100010) as success
    #[arg(long)]
    pub exists_ok: bool,
    /// Validate and print the request(s) without sending; needs no secret key
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// Room ID
    #[arg(long, value_name = "ID")]
    pub room_id: String,
}

#[derive(Args, Debug, Clone)]
pub struct UpdateArgs {
    /// Room ID
    #[arg(long, value_name = "ID")]
    pub room_id: String,
    #[command(flatten)]
    pub fields: RoomFieldArgs,
    /// Room notice, up to 100 bytes (Notice)
    #[arg(long, value_name = "TEXT")]
    pub notice: Option<String>,
    /// Validate and print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DestroyArgs {
    /// Room ID
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "from_csv",
        conflicts_with = "from_csv"
    )]
    pub room_id: Option<String>,
    /// Count a room that is already gone (100004) as done
    #[arg(long)]
    pub missing_ok: bool,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the request(s) without sending
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// Stop after N rooms
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// Error code, e.g. 100003
    pub code: Option<i64>,
}

#[derive(Args, Debug, Clone)]
pub struct UsersigArgs {
    /// Lifetime in seconds, 5 to 15552000 [default: the profile's usersig_ttl]
    #[arg(long, value_name = "SECS")]
    pub ttl: Option<u64>,
}

const DOCTOR_HELP: &str = "\
Exit codes:
  0  every check passed (warnings allowed)
  2  a flag value is invalid (e.g. --region)
  3  configuration or credentials missing, unreadable or unsafe, or the clock is off by > 300 s
  4  the service rejected the credentials (wrong key, app, region, or not an App admin)
  5  the service refused the request for another reason (e.g. 60021, IP not allowed)
  7  DNS, connection, TLS or HTTP failure, or the service is busy

Examples:
  livectl doctor
  livectl doctor --profile staging -o json
  livectl explain 70009    # the meaning and fix of a code doctor reports";

const COMPLETIONS_HELP: &str = "\
Examples:
  livectl completions bash > ~/.local/share/bash-completion/completions/livectl
  livectl completions zsh > ~/.zfunc/_livectl      # with fpath+=~/.zfunc before compinit
  livectl completions fish > ~/.config/fish/completions/livectl.fish
  livectl completions powershell >> $PROFILE";

const PROFILE_ADD_HELP: &str = "\
The file is created 0600 (its directory 0700) if missing; other profiles and comments are
kept. With neither --secret-key-stdin nor --secret-key-env, the key must come from
LIVECTL_SECRET_KEY when the profile is used.

Examples:
  # key kept in the environment (CI, secret managers)
  livectl profile add prod --sdkappid 1400000001 --region sgp --secret-key-env LIVE_PROD_KEY
  # key stored in the config file, read from a file or a pipe, never from a flag
  livectl profile add test --sdkappid 1400000002 --secret-key-stdin --default < test.key
  livectl doctor --profile prod";

#[derive(Subcommand, Debug, Clone)]
pub enum ProfileCommand {
    /// List the profiles in the config file (default marked *); never shows a secret
    List,
    /// Show every setting of a profile and where it came from; secrets masked
    ///
    /// Each setting's value and source: a flag, an environment variable (by name), the config
    /// file (with its path and profile), or the default. The secret key shows as `****` plus
    /// its last 4 characters with where it is read from, or why it cannot be read.
    Show(ProfileShowArgs),
    /// Add a profile to the config file; --region/--endpoint set its region or endpoint
    #[command(after_long_help = PROFILE_ADD_HELP)]
    Add(ProfileAddArgs),
    /// Remove a profile (and default_profile, if it named it)
    Remove(ProfileRemoveArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ProfileShowArgs {
    /// Profile name [default: the profile in force]
    pub name: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileAddArgs {
    /// Profile name: letters, digits, - and _
    pub name: String,
    /// The app's SDKAppID (console: Basic configuration), 1 to 4294967295
    #[arg(long, value_name = "N")]
    pub sdkappid: u64,
    /// An App admin account of the app (console: Users, type Admin)
    #[arg(long, value_name = "USER", default_value = "administrator")]
    pub identifier: String,
    /// Read the secret key from stdin (trimmed) and store it as secret_key in the 0600 file
    #[arg(long, conflicts_with = "secret_key_env")]
    pub secret_key_stdin: bool,
    /// Store secret_key_env = VAR: the key is read from environment variable VAR when used
    #[arg(long, value_name = "VAR")]
    pub secret_key_env: Option<String>,
    /// UserSig lifetime in seconds, 5 to 15552000 [default when unset: 3600]
    #[arg(long, value_name = "SECS")]
    pub usersig_ttl: Option<u64>,
    /// Make it the default profile (the first profile of a file always is)
    #[arg(long)]
    pub default: bool,
    /// Replace a profile of the same name
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ProfileRemoveArgs {
    /// Profile name
    pub name: String,
}

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn tri_state_bools() {
        let cli = Cli::try_parse_from([
            "livectl",
            "create",
            "--room-id",
            "r",
            "--public",
            "--message-disabled=false",
        ])
        .unwrap();
        let Command::Create(c) = cli.command else {
            panic!()
        };
        assert_eq!(c.fields.public, Some(true));
        assert_eq!(c.fields.message_disabled, Some(false));
        assert_eq!(c.seat_enabled, None);
    }

    #[test]
    fn global_flags_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "livectl",
            "create",
            "--room-id",
            "r",
            "-o",
            "json",
            "-vv",
            "--region",
            "sgp",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Format::Json);
        assert_eq!(cli.global.verbose, 2);
        assert_eq!(cli.global.region.as_deref(), Some("sgp"));
    }
}
