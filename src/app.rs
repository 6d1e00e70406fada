//! The one dispatch: builds [`Ctx`] from the global flags (the last clap
//! type it sees) and hands each command its own `Args`.

use std::time::Duration;

use crate::cli::{Cli, Command};
use crate::cmd::{self, Ctx};
use crate::config::Overrides;
use crate::output;

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    output::set_verbosity(g.verbose, g.quiet);
    let ctx = Ctx {
        overrides: Overrides {
            config: g.config,
            profile: g.profile,
            region: g.region,
            endpoint: g.endpoint,
        },
        format: g.output,
        timeout: Duration::from_secs(g.timeout),
        retries: g.retries,
    };
    match cli.command {
        Command::Create(args) => cmd::create::run(&ctx, &args),
        Command::Get(args) => cmd::get::run(&ctx, &args),
        Command::Update(args) => cmd::update::run(&ctx, &args),
        Command::Destroy(args) => cmd::destroy::run(&ctx, &args),
        Command::List(args) => cmd::list::run(&ctx, &args),
        Command::Explain(args) => cmd::explain::run(&ctx, &args),
        Command::Usersig(args) => cmd::usersig::run(&ctx, &args),
        Command::Profile(p) => cmd::profile::run(&ctx, &p),
        Command::Doctor => cmd::doctor::run(&ctx),
        Command::Completions(args) => cmd::manual::completions(args.shell),
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
