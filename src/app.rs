//! Wires settings, the HTTP client and the commands together; the only place
//! that turns clap types into domain values.

use std::time::Duration;

use crate::api::retry::Policy;
use crate::api::{Client, ClientConfig, Signer, signer};
use crate::cli::{Cli, Command, GlobalArgs, RoomFieldArgs};
use crate::config::{self, Overrides, Settings};
use crate::error::Error;
use crate::output::{self, Format};
use crate::room::{FieldError, RoomSpec};
use crate::{batch, cmd, create};

/// Environment variable that sets the first retry backoff in milliseconds
/// (default 250); tests set it low.
pub const ENV_RETRY_BASE_MS: &str = "LIVECTL_RETRY_BASE_MS";

/// What every command gets: the global flags, resolved lazily.
pub struct Ctx {
    pub global: GlobalArgs,
}

impl Ctx {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config: self.global.config.clone(),
            profile: self.global.profile.clone(),
            region: self.global.region.clone(),
            endpoint: self.global.endpoint.clone(),
        }
    }

    pub fn format(&self) -> Format {
        self.global.output
    }

    pub fn settings(&self) -> anyhow::Result<Settings> {
        config::resolve(&self.overrides())
    }

    pub fn policy(&self) -> Policy {
        let base = config::env_var(ENV_RETRY_BASE_MS)
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Policy::default().base, Duration::from_millis);
        Policy {
            retries: self.global.retries,
            base,
            ..Policy::default()
        }
    }

    /// A client that signs requests: needs sdkappid, identifier and secret.
    pub fn client(&self, s: &Settings) -> anyhow::Result<Client> {
        let sdkappid = s.require_sdkappid()?;
        let identifier = s.require_identifier()?;
        let key = s.require_secret()?;
        let signer = Signer::new(
            sdkappid,
            &identifier,
            key,
            s.usersig_ttl.value,
            signer::system_clock,
        );
        Client::new(ClientConfig {
            endpoint: s.endpoint.value.clone(),
            sdkappid: sdkappid.to_string(),
            identifier,
            timeout: Duration::from_secs(self.global.timeout),
            signer: Some(signer),
        })
    }

    /// A client for `--dry-run`: signs nothing, needs no secret; missing
    /// sdkappid or identifier show as placeholders.
    pub fn dry_client(&self, s: &Settings) -> anyhow::Result<Client> {
        Client::new(ClientConfig {
            endpoint: s.endpoint.value.clone(),
            sdkappid: s
                .sdkappid
                .as_ref()
                .map_or("<sdkappid>".into(), |v| v.value.to_string()),
            identifier: s
                .identifier
                .as_ref()
                .map_or("<identifier>".into(), |v| v.value.clone()),
            timeout: Duration::from_secs(self.global.timeout),
            signer: None,
        })
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    output::set_verbosity(cli.global.verbose, cli.global.quiet);
    let ctx = Ctx { global: cli.global };
    match cli.command {
        Command::Create(args) if args.batch.from_csv.is_some() => batch::create::run(&ctx, &args),
        Command::Create(args) => create::run(&ctx, &args),
        Command::Get(args) => cmd::lifecycle::get(&ctx, &args),
        Command::Update(args) => cmd::lifecycle::update(&ctx, &args),
        Command::Destroy(args) => cmd::lifecycle::destroy(&ctx, &args),
        Command::List(args) => cmd::lifecycle::list(&ctx, &args),
        Command::Explain(args) => cmd::explain(&ctx, args.code),
        Command::Usersig(args) => cmd::usersig(&ctx, args.ttl),
        Command::Profile(p) => cmd::profile::run(&ctx, &p),
        Command::Doctor => cmd::doctor::run(&ctx),
        Command::Completions(args) => cmd::manual::completions(&ctx, args.shell),
        Command::Man => cmd::manual::man(),
        Command::Help(args) => cmd::manual::help(&args.words),
        Command::Version => cmd::manual::version(),
        // live-event operations: members, robots
        Command::Member(c) => cmd::live::member::run(&ctx, &c),
        Command::Robot(c) => cmd::live::robot::run(&ctx, &c),

        // live-event operations: admins
        Command::Admin(c) => cmd::live::admin::run(&ctx, &c),
        // live-event operations: seats, metadata, messages, owner, stats, describe
        Command::Seat(c) => cmd::live::seat::run(&ctx, &c),
        Command::Meta(c) => cmd::live::meta::run(&ctx, &c),
        Command::Send(a) => cmd::live::send::run(&ctx, &a),
        Command::Transfer(a) => cmd::live::transfer::run(&ctx, &a),
        Command::Stats(a) => cmd::live::stats::run(&ctx, &a),
        Command::Describe(a) => cmd::live::describe::run(&ctx, &a),
        // the local emulator
        Command::Emulator(args) => crate::emulator::run(&ctx, &args),
    }
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
