//! The one dispatch: builds [`Ctx`] from the global flags (the last clap
//! type it sees) and hands each command its own `Args`.

use std::time::Duration;

use crate::cli::{Cli, Command};
use crate::cmd::{self, Ctx, Stop};
use crate::config::Overrides;
use crate::error::End;
use crate::output;

/// Runs the command; how it ended, or the error that stopped it. Results
/// lost to a full disk are an error when nothing else failed (a closed pipe
/// is not: `output.rs`).
pub fn run(cli: Cli) -> anyhow::Result<End> {
    let mut g = cli.global;
    output::set_verbosity(g.verbose, g.quiet);
    if let Some(expr) = &g.jq {
        crate::jq::check(expr).map_err(crate::error::Error::usage)?;
        g.output = output::Mode::Json;
    }
    output::set_jq(g.jq.clone());
    output::set_json_errors(g.output == output::Mode::Json);
    output::set_raw(g.output == output::Mode::Raw);
    let ctx = Ctx {
        overrides: Overrides {
            config: g.config,
            profile: g.profile,
            region: g.region,
            endpoint: g.endpoint,
        },
        format: g.output.format(),
        timeout: Duration::from_secs(g.timeout),
        retries: g.retries,
    };
    let result = match cli.command {
        Command::Create(args) => ended(cmd::create::run(&ctx, &args)),
        Command::Get(args) => done(cmd::get::run(&ctx, &args)),
        Command::Update(args) => done(cmd::update::run(&ctx, &args)),
        Command::Destroy(args) => ended(cmd::destroy::run(&ctx, &args)),
        Command::List(args) => done(cmd::list::run(&ctx, &args)),
        Command::Explain(args) => done(cmd::explain::run(&ctx, &args)),
        Command::Usersig(args) => done(cmd::usersig::run(&ctx, &args)),
        Command::Profile(p) => done(cmd::profile::run(&ctx, &p)),
        Command::Doctor => done(cmd::doctor::run(&ctx)),
        Command::Completions(args) => done(cmd::manual::completions(&ctx, args.shell)),
        Command::Man => done(cmd::manual::man()),
        Command::Help(args) => done(cmd::manual::help(&args.words)),
        Command::Version => done(cmd::manual::version(&ctx)),
        // live-event operations: members, robots
        Command::Member(c) => done(cmd::live::member::run(&ctx, &c)),
        Command::Robot(c) => done(cmd::live::robot::run(&ctx, &c)),

        // live-event operations: admins
        Command::Admin(c) => done(cmd::live::admin::run(&ctx, &c)),
        // live-event operations: seats, metadata, messages, owner, stats, describe
        Command::Seat(c) => done(cmd::live::seat::run(&ctx, &c)),
        Command::Meta(c) => done(cmd::live::meta::run(&ctx, &c)),
        Command::Send(a) => done(cmd::live::send::run(&ctx, &a)),
        Command::Transfer(a) => done(cmd::live::transfer::run(&ctx, &a)),
        Command::Stats(a) => done(cmd::live::stats::run(&ctx, &a)),
        Command::Describe(a) => done(cmd::live::describe::run(&ctx, &a)),
        Command::User(c) => done(cmd::user::run(&ctx, &c)),
        Command::Api(a) => done(cmd::api::run(&ctx, &a)),
        Command::Webhook(c) => done(cmd::webhook::run(&ctx, &c)),
        // the local emulator
        Command::Announce(a) => done(cmd::live::announce::run(&ctx, &a)),
        Command::Mix(c) => done(cmd::live::mix::run(&ctx, &c)),
        Command::Battle(c) => done(cmd::live::battle::run(&ctx, &c)),
        Command::Gift(c) => done(cmd::live::gift::run(&ctx, &c)),
        Command::Emulator(e) => match &e.audience {
            Some(a) => done(cmd::live::audience::run(&ctx, a)),
            None => done(crate::emulator::run(&ctx, &e.serve)),
        },
    };
    let result = match output::stdout_error() {
        Some(lost) if matches!(result, Ok(End::Done)) => Err(anyhow::anyhow!(lost)),
        Some(lost) => {
            output::error_line(&lost);
            result
        }
        None => result,
    };
    // The one place a refusal's line is said (an `Err` is said by `main`).
    if let Ok(End::Refused(f)) = &result {
        let (code, rid) = match f {
            crate::error::Failure::Service(s) => (Some(s.code), Some(s.request_id.as_str())),
            _ => (None, None),
        };
        let exit = crate::error::exit_status(&result);
        let mut msg = format!("{f:#}");
        if let Some(hint) = crate::error::emulator_note(f) {
            msg.push_str("; ");
            msg.push_str(&hint);
        }
        if let Some(sources) = crate::error::credential_note(f) {
            msg.push_str("; ");
            msg.push_str(&sources);
        }
        output::error_report(&msg, exit, code, rid);
    }
    result
}

/// A command that has no other end than done, refused (or an error).
fn done<E: Into<Stop>>(result: Result<(), E>) -> anyhow::Result<End> {
    ended(result.map(|()| End::Done))
}

/// A command's end: a refusal is data (`End::Refused`), never an `Err`.
fn ended<E: Into<Stop>>(result: Result<End, E>) -> anyhow::Result<End> {
    result.or_else(|e| e.into().into_end())
}
