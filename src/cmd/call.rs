//! One service call for a one-room command: a [`Session`] resolves the
//! settings, dry-runs or sends a call to an endpoint of the table
//! (`api::endpoint`) through that endpoint's pacer, and settles the outcome;
//! [`room_failure`] reports a failure the same way for every command.

use serde_json::Value;

use crate::api::endpoint::{self, Endpoint};
use crate::api::pace::{Interval, SystemClock};
use crate::api::retry::Outcome;
use crate::api::{Client, print_dry_run};
use crate::cmd::{self, Ctx, Stop};
use crate::output::{self, Format};
use crate::settle::{Answer, Failed, read_create_time, split_outcome};

/// 100004: no such room.
pub const NOT_FOUND: i64 = 100_004;

/// One command's connection to the service: a signing client (or, for
/// `--dry-run`, one that signs nothing), and a pacer per endpoint at its
/// documented rate.
pub struct Session<'a> {
    ctx: &'a Ctx,
    client: Client,
    dry_run: bool,
    pacers: Vec<(&'static str, Interval<SystemClock>)>,
    /// For a path not in the table (`livectl api`).
    other: Interval<SystemClock>,
}

impl<'a> Session<'a> {
    /// Resolves the settings; a dry run needs no secret key.
    pub fn open(ctx: &'a Ctx, dry_run: bool) -> anyhow::Result<Session<'a>> {
        let client = ctx.connect(dry_run)?;
        let pacers = endpoint::ALL
            .iter()
            .map(|e| (e.path, Interval::new(SystemClock::new(), e.interval())))
            .collect();
        let other = Interval::new(
            SystemClock::new(),
            std::time::Duration::from_secs(1) / endpoint::DEFAULT_PER_SECOND,
        );
        Ok(Session {
            ctx,
            client,
            dry_run,
            pacers,
            other,
        })
    }

    pub fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// Sends `body` to `ep` with the retries of every command, through the
    /// endpoint's pacer, or prints it under `--dry-run` (then `None`). The
    /// outcome is raw: for a command that gives a code its own meaning
    /// (create: 100010, destroy: 100004).
    pub fn outcome(&self, ep: &Endpoint, body: &Value) -> Option<Outcome> {
        if self.dry_run {
            print_dry_run(&self.client, ep, body, self.ctx.format());
            return None;
        }
        Some(
            self.client
                .execute(ep, body, self.ctx.policy(), self.pacer(ep)),
        )
    }

    /// Like [`Session::outcome`], settled: a failure is printed under
    /// `-o json` and returned as the refusal, `what` naming what failed
    /// (100004 always reads `room "ROOM" not found`).
    pub fn call(
        &self,
        ep: &Endpoint,
        room: &str,
        body: &Value,
        what: &str,
    ) -> cmd::Result<Option<Answer>> {
        self.send(ep, body)
            .map_err(|f| room_failure(self.ctx, room, &f, what))
    }

    /// Like [`Session::call`], for a call that is not about a room (the
    /// webhook, the gift catalogue, a battle by its ID): a failure is the
    /// refusal `what` (100004 is not taken to mean a room), and under
    /// `-o json` its failure line carries no `room_id`.
    pub fn call_plain(
        &self,
        ep: &Endpoint,
        body: &Value,
        what: &str,
    ) -> cmd::Result<Option<Answer>> {
        self.send(ep, body)
            .map_err(|f| plain_failure(self.ctx, &f, what))
    }

    /// Like [`Session::call`], but a failure comes back unprinted, as data:
    /// for a command that reports it per user, or reads a list it can do
    /// without.
    pub fn send(&self, ep: &Endpoint, body: &Value) -> Result<Option<Answer>, Failed> {
        let answer = self.outcome(ep, body).map(split_outcome).transpose()?;
        // `-o raw`: the service's own answer, for readers of its docs.
        // The account services answer at the top level: that, then.
        if let Some(a) = &answer {
            match (&a.reply.response, a.reply.rest.is_empty()) {
                (None, false) => output::print_raw(Some(&Value::Object(a.reply.rest.clone()))),
                (r, _) => output::print_raw(r.as_ref()),
            }
        }
        Ok(answer)
    }

    /// A room's CreateTime, read with get_room_info at its pace; `None` when
    /// the read fails (create's "who made it").
    pub fn read_create_time(&self, room: &str) -> Option<i64> {
        let ep = &endpoint::GET_ROOM_INFO;
        read_create_time(&self.client, self.ctx.policy(), self.pacer(ep), room)
    }

    fn pacer(&self, ep: &Endpoint) -> &Interval<SystemClock> {
        self.pacers
            .iter()
            .find(|(p, _)| *p == ep.path)
            .map_or(&self.other, |(_, i)| i)
    }

    pub fn ctx(&self) -> &Ctx {
        self.ctx
    }
}

/// `Response` of an answer, or `Null`.
pub fn response(answer: &Answer) -> &Value {
    answer.reply.response.as_ref().unwrap_or(&Value::Null)
}

/// Reports a failed call that is not about a room: the `-o json` failure
/// line without `room_id`, then the refusal.
pub fn plain_failure(ctx: &Ctx, f: &Failed, what: &str) -> Stop {
    if ctx.format() == Format::Json {
        let mut v = f.record("").output_json();
        if let Some(m) = v.as_object_mut() {
            m.shift_remove("room_id");
        }
        output::print_json(&v);
    }
    Stop::Refused(f.error(what))
}

/// Reports a failed single-room command: under `-o json` the failure line
/// on stdout, then the refusal (its stderr line and exit code come from
/// `End::Refused`). 100004 reads `room "ID" not found`, whatever the
/// command; otherwise `what`.
pub fn room_failure(ctx: &Ctx, room_id: &str, f: &Failed, what: &str) -> Stop {
    if ctx.format() == Format::Json {
        output::print_json(&f.record(room_id).output_json());
    }
    if f.code == Some(NOT_FOUND) {
        Stop::Refused(f.error(&format!("room \"{room_id}\" not found")))
    } else {
        Stop::Refused(f.error(what))
    }
}
