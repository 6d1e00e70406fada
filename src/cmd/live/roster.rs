//! A room's short list of accounts with a limit: admins (5) and robots (3).
//! `list`, `add` and `remove` have one shape for both: read the list, skip
//! users who are so already (said on stderr), refuse to pass the limit
//! before sending anything, send one change, print the users changed.
//! A [`Roster`] declares what differs: the noun, the limit, the endpoints.

use serde_json::{Value, json};

use super::args::UsersArg;
use super::{Session, optional_read, response, strings};
use crate::api::endpoint::Endpoint;
use crate::cmd::Ctx;
use crate::cmd::call::room_failure;
use crate::cmd::nouns;
use crate::error::Error;
use crate::output::{self, Format};
use crate::settle::Failed;

/// One kind of room account list.
pub struct Roster {
    /// `admin`, `robot`.
    pub noun: &'static str,
    /// `an admin`, `a robot`.
    pub a_noun: &'static str,
    pub max: usize,
    pub read: &'static Endpoint,
    /// The answer's array under `Response`.
    pub key: &'static str,
    /// The change request for `users` (`add` true: add them).
    pub change: fn(room: &str, users: &[String], add: bool) -> (&'static Endpoint, Value),
}

impl Roster {
    /// The list of `room`; `None` in a dry run.
    pub fn read(&self, s: &Session, room: &str) -> Result<Option<Vec<String>>, Failed> {
        Ok(self
            .read_raw(s, room)?
            .map(|list| strings(&Value::Array(list))))
    }

    /// The list as the service sent it (IDs exactly); `None` in a dry run.
    fn read_raw(&self, s: &Session, room: &str) -> Result<Option<Vec<Value>>, Failed> {
        let answer = s.send(self.read, &json!({ "RoomId": room }))?;
        Ok(answer.map(|a| {
            response(&a)[self.key]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }))
    }

    /// `… list ROOM`: one account per line; json: one `account` per line.
    pub fn list(&self, ctx: &Ctx, room: &str, dry_run: bool) -> crate::cmd::Result<()> {
        let s = Session::open(ctx, dry_run)?;
        let what = format!("could not list the {}s of room \"{room}\"", self.noun);
        let Some(accounts) = self
            .read_raw(&s, room)
            .map_err(|f| room_failure(ctx, room, &f, &what))?
        else {
            return Ok(());
        };
        match ctx.format() {
            Format::Json => accounts
                .iter()
                .for_each(|a| output::print_json(&nouns::account(room, a))),
            Format::Text => strings(&Value::Array(accounts))
                .iter()
                .for_each(|a| output::println(output::shown(a))),
        }
        Ok(())
    }

    /// `… add|remove ROOM USER...`.
    pub fn change(
        &self,
        ctx: &Ctx,
        room: &str,
        users: &UsersArg,
        dry_run: bool,
        add: bool,
    ) -> crate::cmd::Result<()> {
        let (noun, max) = (self.noun, self.max);
        let mut users = users.resolve()?;
        if add && users.len() > max {
            return Err(Error::usage(format!(
                "{} users given; a room has at most {max} {noun}s; nothing was sent",
                users.len()
            ))
            .into());
        }
        let s = Session::open(ctx, dry_run)?;
        // A dry run reads nothing: it shows only the change it would send.
        let current = if dry_run {
            None
        } else {
            let what = format!("the {noun}s of room \"{room}\"");
            optional_read(&s, room, self.read(&s, room), &what)?
        };
        if let Some(current) = current {
            let (skip, keep): (Vec<String>, Vec<String>) =
                users.into_iter().partition(|u| current.contains(u) == add);
            for u in &skip {
                let not = if add { "already" } else { "not" };
                let a_noun = self.a_noun;
                output::note(format!(
                    "{} is {not} {a_noun} of room \"{room}\": skipped",
                    output::shown(u)
                ));
            }
            users = keep;
            if add && !users.is_empty() && current.len() + users.len() > max {
                return Err(Error::usage(format!(
                    "room \"{room}\" has {} ({}); adding {} would pass the limit of \
                     {max}: remove some first (livectl {noun} remove {room} USER); nothing was sent",
                    output::plural(current.len() as u64, noun),
                    current
                        .iter()
                        .map(|c| output::shown(c))
                        .collect::<Vec<_>>()
                        .join(", "),
                    users.len()
                )).into());
            }
        }
        if users.is_empty() {
            return Ok(());
        }
        let (ep, body) = (self.change)(room, &users, add);
        let (done, to) = if add {
            ("added", "to")
        } else {
            ("removed", "from")
        };
        let what = format!("users were not {done} as {noun}s {to} room \"{room}\"");
        if let Some(answer) = s.call(ep, room, &body, &what)? {
            match ctx.format() {
                Format::Json => output::print_json(&json!({
                    "status": done, "room_id": room, "users": users,
                    "request_id": answer.reply.request_id, "attempts": answer.attempts,
                })),
                Format::Text => users.iter().for_each(|u| output::println(output::shown(u))),
            }
        }
        Ok(())
    }
}
