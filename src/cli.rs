//! The command line, as clap derive structs. Only parsing lives here; every
//! `///` comment is `--help` text. `app.rs` turns these into domain values.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

use crate::output::Mode;
use crate::room;

mod checks;
pub use checks::{trap_hint, usage_hint, without_far_tips};

fn region_names() -> Vec<&'static str> {
    crate::region::REGIONS.iter().map(|r| r.name).collect()
}

fn region_hint() -> crate::cmd::args::Hinted<clap::builder::NonEmptyStringValueParser> {
    crate::cmd::args::Hinted {
        parser: clap::builder::NonEmptyStringValueParser::new(),
        values: region_names,
    }
}

/// Creates and manages Tencent Cloud live rooms (TUILiveKit / Chat REST API).
///
/// Credentials come from a config profile or the environment; see
/// `livectl profile add --help` and `livectl doctor`.
#[derive(Parser, Debug)]
#[command(
    name = "livectl",
    version = crate::version::SHORT,
    long_version = crate::version::LONG,
    propagate_version = true,
    disable_help_subcommand = true,
    after_long_help = after_long_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The clap command as livectl shows it: in every subcommand's help, `-h`
/// and `--help` alike, the examples come right after the usage, before the
/// options (the global options keep their own heading, last).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    fn shape(c: clap::Command) -> clap::Command {
        let examples = c.get_after_long_help().cloned();
        let has_examples = examples.is_some() || c.get_after_help().is_some();
        let mut c = c.help_template(if has_examples {
            "{about-with-newline}\n{usage-heading} {usage}{after-help}\n\n{all-args}"
        } else {
            "{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}"
        });
        if let (Some(ex), None) = (examples, c.get_after_help()) {
            c = c.after_help(ex);
        }
        c.mut_subcommands(shape)
    }
    Cli::command().mut_subcommands(shape)
}

/// Parses the command line with [`command`], after [`canonical_args`].
pub fn try_parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let args = canonical_args(std::env::args_os().collect());
    let matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command()))
}

/// `--room-id ID` (or `--room-id=ID`) is the `ROOM` argument of every
/// command that has one: it is moved to the `ROOM` place, right after the
/// subcommand, so it works wherever it stands and whatever positionals
/// follow. Anything else, and commands without `ROOM`, are left to clap.
pub fn canonical_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let root = command();
    let text: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let end = text.iter().position(|a| a == "--").unwrap_or(text.len());
    // The subcommand path: skip flags (and the values of those that take one).
    let takes_value = |cmd: &clap::Command, tok: &str| -> bool {
        if tok.contains('=') {
            return false;
        }
        let find = |c: &clap::Command| {
            c.get_arguments().any(|a| {
                let named = tok
                    .strip_prefix("--")
                    .is_some_and(|l| a.get_long() == Some(l))
                    || (tok.len() == 2
                        && tok.starts_with('-')
                        && a.get_short() == tok.chars().nth(1));
                named && a.get_action().takes_values()
            })
        };
        find(cmd) || find(&root)
    };
    let mut cur = &root;
    let mut path_end = None;
    let mut i = 1;
    while i < end {
        let tok = &text[i];
        if tok.starts_with('-') {
            i += if takes_value(cur, tok) { 2 } else { 1 };
            continue;
        }
        match cur.find_subcommand(tok) {
            Some(sub) => {
                cur = sub;
                path_end = Some(i);
                i += 1;
            }
            None => break,
        }
    }
    let has_room = cur
        .get_arguments()
        .any(|a| a.get_id() == "room" && a.is_positional());
    let (Some(at), true) = (path_end, has_room) else {
        return args;
    };
    // Before the subcommand it is no flag of anything: clap says so.
    if text[..at].iter().any(|t| t.starts_with("--room-id")) {
        return args;
    }
    let mut out: Vec<std::ffi::OsString> = Vec::with_capacity(args.len());
    let mut rooms = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let tok = &text[i];
        if i < end && tok == "--room-id" && i + 1 < end {
            rooms.push(args[i + 1].clone());
            i += 2;
            continue;
        }
        if i < end
            && let Some(v) = tok.strip_prefix("--room-id=")
        {
            rooms.push(v.into());
            i += 1;
            continue;
        }
        out.push(args[i].clone());
        i += 1;
    }
    // Each room given goes to the ROOM place; two of them (or one and a
    // ROOM) are then an extra positional, which clap refuses.
    for (n, r) in rooms.into_iter().enumerate() {
        out.insert(at + 1 + n, r);
    }
    out
}

/// Flags valid before or after any subcommand.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config profile to use [env: LIVECTL_PROFILE]
    ///
    /// With --profile, the profile's sdkappid, identifier and secret key are one set:
    /// LIVECTL_SDKAPPID, LIVECTL_IDENTIFIER and LIVECTL_SECRET_KEY are ignored, with a warning
    /// naming those that are set (LIVECTL_PROFILE keeps the variables first). More:
    /// `livectl help config`
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file [env: LIVECTL_CONFIG] [default: ~/.config/livectl/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Region of the app: china, singapore, seoul, tokyo, frankfurt, mumbai, silicon-valley, jakarta [env: LIVECTL_REGION]
    #[arg(long, global = true, value_name = "NAME", value_parser = region_hint(), hide_possible_values = true)]
    pub region: Option<String>,
    /// Base URL of the service, overriding a region from the same or a lower source (http:// only to loopback) [env: LIVECTL_ENDPOINT]
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Output: text, json (livectl's nouns; livectl help json) or raw (the service's own Response)
    #[arg(
        short = 'o',
        long,
        global = true,
        value_name = "FORMAT",
        value_parser = crate::cmd::args::format_hint(),
        default_value = "text"
    )]
    pub output: Mode,
    /// Log each request to stderr (-vv adds bodies); secrets are always redacted
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print only results and errors: no warnings, progress or summary
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// Per-request timeout in seconds (the service itself gives up after 3 s)
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10, value_parser = |s: &str| room::parse_count(s, 1, 600), allow_negative_numbers = true)]
    pub timeout: u64,
    /// Retries after the first attempt, for retryable failures
    #[arg(long, global = true, value_name = "N", default_value_t = 3, value_parser = |s: &str| room::parse_count(s, 0, 20).map(|n| n as u32), allow_negative_numbers = true)]
    pub retries: u32,
    /// Filter the JSON output with a jq expression (implies -o json; strings print raw), e.g. --jq .room_id
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create one live room, or many from a CSV file
    #[command(after_long_help = crate::cmd::create::EXAMPLES)]
    Create(crate::cmd::create::CreateArgs),
    /// Show one room (get_room_info)
    #[command(after_long_help = "Examples:\n  livectl get live-1\n  livectl get live-1 -o json")]
    Get(crate::cmd::get::GetArgs),
    /// Change a room's settings (update_room_info)
    #[command(
        after_long_help = "Examples:\n  livectl update live-1 --name \"Saturday show\" --notice \"starts at 8\"\n  livectl update live-1 --public=false --dry-run"
    )]
    Update(crate::cmd::update::UpdateArgs),
    /// Destroy one room, or many from a CSV file (destroy_room)
    #[command(after_long_help = crate::cmd::destroy::EXAMPLES)]
    Destroy(crate::cmd::destroy::DestroyArgs),
    /// List public rooms (get_room_list); rooms not publicly visible are not listed
    #[command(
        after_long_help = "Examples:\n  livectl list --limit 50\n  livectl list -o json | jq -r .room_id"
    )]
    List(crate::cmd::list::ListArgs),
    #[command(display_order = 101)]
    /// Explain a service error code (offline); no CODE lists them all
    #[command(
        after_long_help = "Examples:\n  livectl explain 100010\n  livectl explain          # every code, with its exit code"
    )]
    Explain(crate::cmd::explain::ExplainArgs),
    #[command(display_order = 102)]
    /// Print a UserSig for the profile's identifier (for curl and debugging)
    #[command(
        after_long_help = "Example:\n  SIG=$(livectl usersig --ttl 300)   # keep it out of logs: it is a credential"
    )]
    Usersig(crate::cmd::usersig::UsersigArgs),
    #[command(display_order = 103)]
    /// List, show, add, change (use, set, unset) and remove credential profiles
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl profile add prod --sdkappid 1400000001 --region singapore --secret-key-stdin < prod.key\n  livectl profile list"
    )]
    Profile(crate::cmd::profile::ProfileCommand),
    #[command(display_order = 104)]
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
    #[command(after_long_help = crate::cmd::doctor::HELP)]
    Doctor,
    #[command(display_order = 106)]
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_long_help = crate::cmd::manual::COMPLETIONS_HELP)]
    Completions(crate::cmd::manual::CompletionsArgs),
    #[command(display_order = 107)]
    /// Print the manual page (roff) to stdout: livectl(1), then a page per command
    #[command(after_long_help = "Example:\n  livectl man > livectl.1 && man -l livectl.1")]
    Man,
    #[command(display_order = 108)]
    /// Help on a command or a topic: csv, config, environment, exit-codes
    #[command(after_long_help = crate::cmd::manual::HELP_EXAMPLES)]
    Help(crate::cmd::manual::HelpArgs),
    #[command(display_order = 109)]
    /// Print the version, the commit and the service API revision it targets
    #[command(after_long_help = "Example:\n  livectl version")]
    Version,
    // ---- live-event operations (src/cmd/live/): members, robots ----
    /// A room's audience: list, ban, unban, banned, mute, unmute, muted
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl member list live-1\n  livectl member ban live-1 troll42 --for 1h"
    )]
    Member(crate::cmd::live::member::MemberCommand),
    /// A room's robots: list, add, remove (at most 3 per room)
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl robot add live-1 obs_host1\n  livectl robot list live-1"
    )]
    Robot(crate::cmd::live::robot::RobotCommand),

    // ---- live-event operations: admins ----
    /// A room's admins: list, add, remove (at most 5 per room)
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl admin add live-1 mod_anna\n  livectl admin list live-1"
    )]
    Admin(crate::cmd::live::admin::AdminCommand),
    // ---- live-event operations: seats, metadata, messages, owner, stats, describe ----
    /// A room's seats: list, pick, kick, lock, unlock, mute, unmute, move
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl seat list live-1\n  livectl seat pick live-1 guest7 --index 2"
    )]
    Seat(crate::cmd::live::seat::SeatCommand),
    /// A room's custom metadata: get, set, delete (10 keys, 2 KB a value, 16 KB in all)
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl meta set live-1 topic=launch\n  livectl meta get live-1"
    )]
    Meta(crate::cmd::live::meta::MetaCommand),
    /// Send a text message as a user, or a custom message, to a room
    #[command(
        after_long_help = "Examples:\n  livectl send live-1 --from host --text \"Welcome!\"\n  livectl send live-1 --business-id violation_alert --data '{\"level\":1}'"
    )]
    Send(crate::cmd::live::send::SendArgs),
    /// Hand a room to another owner (asks first; --yes off a terminal)
    #[command(after_long_help = "Example:\n  livectl transfer live-1 --to bob --yes")]
    Transfer(crate::cmd::live::transfer::TransferArgs),
    /// A running room's totals: viewers, gifts, coins, unique senders, likes, messages
    #[command(after_long_help = "Example:\n  livectl stats live-1")]
    Stats(crate::cmd::live::stats::StatsArgs),
    /// One view of a room: info, stats, seats, admins, robots, metadata, members
    #[command(after_long_help = "Example:\n  livectl describe live-1")]
    Describe(crate::cmd::live::describe::DescribeArgs),
    /// The app's accounts: import, check, get, set (owners, robots and senders must be imported)
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl user import host bot1 --nick \"Guest\"\n  livectl user check host"
    )]
    User(crate::cmd::user::UserCommand),
    /// Call any service command by path and print its whole answer (like `gh api`)
    #[command(
        after_long_help = "Examples:\n  livectl api get_room_info -f RoomId=live-1\n  livectl api profile/portrait_get -F 'To_Account:=[\"host\"]' -F 'TagList:=[\"Tag_Profile_IM_Nick\"]'\n  livectl api live_engine_http_srv/get_gift --data @gift.json --jq .Response\n\nThe body is --data (default {}), then each -f KEY=VALUE (a string) and -F KEY:=JSON.\nThe answer is printed whole, as one JSON object, a failure's too; the exit code is\nthe failure's, as for every command. A path in livectl's table is paced at its\ndocumented rate and its answer checked; any other at 10 requests a second."
    )]
    Api(crate::cmd::api::ApiArgs),
    /// Announce into the room's chat group as an admin (send_group_msg)
    #[command(
        after_long_help = "Examples:\n  livectl announce live-1 --text \"We start in 5 minutes\"\n  \
                                 livectl announce live-1 --text \"Winner: @ana\" --priority high"
    )]
    Announce(crate::cmd::live::announce::AnnounceArgs),
    /// Gifts: a user's totals in a room, sending one, and the catalogue (add, get, remove)
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl gift count live-1 --user host\n  livectl gift add rose --name Rose --coins 10"
    )]
    Gift(crate::cmd::live::gift::GiftCommand),
    /// PK battles between co-hosted rooms: start, info, score
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl battle start live-1 --with live-2 --for 5m\n  livectl battle info battle-7"
    )]
    Battle(crate::cmd::live::battle::BattleCommand),
    /// Stream mixing: resume a dead mix task, set the co-host layout
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl mix resume live-1\n  livectl mix set live-1 --grid"
    )]
    Mix(crate::cmd::live::mix::MixCommand),
    /// The app's live webhook: URL and events, signing token
    #[command(
        subcommand,
        after_long_help = "Examples:\n  livectl webhook set --url https://hooks.example.com/live --events Live.CallbackAfterCreateRoom\n  livectl webhook token set --token-stdin < token.txt"
    )]
    Webhook(crate::cmd::webhook::WebhookCommand),
    // ---- the local emulator ----
    #[command(display_order = 105)]
    /// Serve a local stand-in of the live-room REST service (try, script and rehearse without an account)
    #[command(
        after_long_help = crate::emulator::EMULATOR_HELP,
        args_conflicts_with_subcommands = true
    )]
    Emulator(EmulatorCommand),
}

/// `livectl emulator [FLAGS]` serves; `livectl emulator join|leave` is a
/// client of a running one.
#[derive(clap::Args, Debug, Clone)]
pub struct EmulatorCommand {
    #[command(flatten)]
    pub serve: crate::emulator::EmulatorArgs,
    #[command(subcommand)]
    pub audience: Option<crate::cmd::live::audience::AudienceCommand>,
}

/// The end of `livectl --help`: the environment and exit-code topics in
/// full, then the list of every topic.
fn after_long_help() -> String {
    let mut out = String::new();
    for name in ["environment", "exit-codes"] {
        let text = (crate::help::find(name).expect("a topic").text)();
        // "Exit codes" -> "Exit codes:", a heading like clap's own.
        let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
        out.push_str(&format!("{title}:{body}\n"));
    }
    out.push_str(&crate::help::list());
    out
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
        assert_eq!(cli.global.output, Mode::Json);
        assert_eq!(cli.global.verbose, 2);
        assert_eq!(cli.global.region.as_deref(), Some("sgp"));
    }
}
