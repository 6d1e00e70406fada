//! The live-event commands (`member`, `seat`, `admin`, `meta`, `robot`,
//! `send`, `transfer`, `stats`, `describe`) and what they share: a
//! [`Session`] that dry-runs or sends one service call and settles it, the
//! `ROOM` and `USER...` arguments, durations, and times shown to people.
//! Each command is a file here; it owns its clap args, checks every limit
//! before anything is sent, and builds its request body.

pub mod admin;
pub mod args;
pub mod describe;
pub mod member;
pub mod meta;
pub mod robot;
pub mod roster;
pub mod seat;
pub mod send;
pub mod stats;
pub mod time;
pub mod transfer;

use serde_json::Value;
use std::time::Duration;

use crate::api::Client;
use crate::api::endpoint::{self, Endpoint};
use crate::app::Ctx;
use crate::cmd::lifecycle::fail;
use crate::cmd::lifecycle::pace::{Interval, SystemClock};
use crate::codes::{self, Class};
use crate::create::print_dry_run;
use crate::output;
use crate::settle::{Answer, Failed, settle};

/// One command's connection to the service: a signing client (or, for
/// `--dry-run`, one that signs nothing), and a pacer per endpoint at its
/// documented rate.
pub struct Session<'a> {
    ctx: &'a Ctx,
    client: Client,
    dry_run: bool,
    pacers: Vec<(&'static str, Interval<SystemClock>)>,
}

impl<'a> Session<'a> {
    /// Resolves the settings; a dry run needs no secret key.
    pub fn open(ctx: &'a Ctx, dry_run: bool) -> anyhow::Result<Session<'a>> {
        let settings = ctx.settings()?;
        let client = if dry_run {
            ctx.dry_client(&settings)?
        } else {
            ctx.client(&settings)?
        };
        let pacers = endpoint::ALL
            .iter()
            .map(|e| (e.path, Interval::new(SystemClock::new(), e.interval())))
            .collect();
        Ok(Session {
            ctx,
            client,
            dry_run,
            pacers,
        })
    }

    pub fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// Sends `body` to `ep` with the retries of every command, or prints it
    /// under `--dry-run` (then `None`). A failure is printed under `-o json`
    /// and returned as the error, `what` naming what failed (100004 always
    /// reads `room "ROOM" not found`).
    pub fn call(
        &self,
        ep: &Endpoint,
        room: &str,
        body: &Value,
        what: &str,
    ) -> anyhow::Result<Option<Answer>> {
        if self.dry_run {
            print_dry_run(&self.client, ep.path, body, self.ctx.format());
            return Ok(None);
        }
        let pacer = self
            .pacers
            .iter()
            .find(|(p, _)| *p == ep.path)
            .map(|(_, i)| i)
            .expect("every endpoint has a pacer");
        let out = self
            .client
            .execute(ep.path, body, self.ctx.policy(), pacer, false);
        settle(out)
            .map(Some)
            .map_err(|f| fail(self.ctx, room, &f, what))
    }

    /// Like [`Session::call`], but a failure comes back unprinted, as data:
    /// for a command that reports it per user, or reads a list it can do
    /// without.
    pub fn send(&self, ep: &Endpoint, body: &Value) -> Result<Option<Answer>, Failed> {
        if self.dry_run {
            print_dry_run(&self.client, ep.path, body, self.ctx.format());
            return Ok(None);
        }
        let pacer = self
            .pacers
            .iter()
            .find(|(p, _)| *p == ep.path)
            .map(|(_, i)| i)
            .expect("every endpoint has a pacer");
        settle(
            self.client
                .execute(ep.path, body, self.ctx.policy(), pacer, false),
        )
        .map(Some)
    }

    pub fn ctx(&self) -> &Ctx {
        self.ctx
    }
}

/// `Response` of an answer, or `Null`.
pub fn response(answer: &Answer) -> &Value {
    answer.reply.response.as_ref().unwrap_or(&Value::Null)
}

/// The documented wait of a client that the service asks to slow down.
pub const SLOW_DOWN: Duration = Duration::from_secs(1);

/// A list read before a change, only to skip users the change would not
/// change. A list the service refuses (e.g. 100002) is done without, with a
/// warning, and the change goes ahead; a missing room, rejected credentials
/// or no answer end the command, since the change would fail the same way.
pub fn optional_read<T>(
    s: &Session,
    room: &str,
    got: Result<Option<T>, Failed>,
    what: &str,
) -> anyhow::Result<Option<T>> {
    match got {
        Ok(v) => Ok(v),
        Err(f)
            if f.code
                .is_some_and(|c| matches!(codes::class_of(c), Class::Fail | Class::RequestBug)) =>
        {
            output::warn(format!(
                "could not read {what}: {} {}; going on without checking it",
                f.code.unwrap_or_default(),
                f.info
            ));
            Ok(None)
        }
        Err(f) => Err(fail(s.ctx(), room, &f, &format!("could not read {what}"))),
    }
}

/// The strings of a JSON array (numbers as their digits); anything else is
/// empty.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}
