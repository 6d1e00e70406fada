//! The writes of `member`: ban, unban, mute, unmute. A call names at most
//! 20 users (ban_member's limit, kept for all four), so a longer list goes
//! in calls of 20, and each user is reported: on stdout as it is done, with
//! `-o json` one object per user. The first call that fails ends the run:
//! its users are reported failed, the users after it not sent.

use serde_json::{Map, Value, json};
use signal_hook::consts::{SIGINT, SIGTERM};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{BanArgs, Change, MuteArgs, lists};
use crate::api::endpoint::{BAN_MEMBER, Endpoint, MUTE_MEMBER, UNBAN_MEMBER};
use crate::cmd::Ctx;
use crate::cmd::call::NOT_FOUND;
use crate::cmd::live::Session;
use crate::cmd::live::optional_read;
use crate::cmd::live::time::{local_zone, now_unix, when};
use crate::cmd::pager::Cut;
use crate::error::End;
use crate::output::{self, Format};
use crate::settle::Failed;

/// The most users in one ban_member / unban_member / mute_member call.
pub const PER_CALL: usize = crate::limits::USERS_PER_CALL;

/// One kind of write: where it goes, what else its body carries, and the
/// words that report it.
struct Write<'a> {
    ep: &'static Endpoint,
    room: &'a str,
    /// Body fields after `RoomId` and `MemberList_Account`.
    extra: Map<String, Value>,
    /// `-o json` status of a user done: `banned`.
    status: &'static str,
    /// `banned from`, as in "3 users were not banned from room …".
    verb: &'static str,
    /// Seconds the ban or mute lasts, for the summary.
    secs: Option<u64>,
}

pub fn ban(ctx: &Ctx, a: &BanArgs) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let secs = a.duration.as_secs();
    let mut extra = Map::new();
    extra.insert("Duration".into(), json!(secs));
    if let Some(r) = &a.reason {
        extra.insert("Reason".into(), json!(r));
    }
    let s = Session::open(ctx, a.dry_run)?;
    let w = Write {
        ep: &BAN_MEMBER,
        room: a.room.id(),
        extra,
        status: "banned",
        verb: "banned from",
        secs: Some(secs),
    };
    write(&s, &w, &users)
}

pub fn mute(ctx: &Ctx, a: &MuteArgs) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let secs = a.duration.as_secs();
    let s = Session::open(ctx, a.dry_run)?;
    let w = Write {
        ep: &MUTE_MEMBER,
        room: a.room.id(),
        extra: Map::from_iter([("MuteTime".to_string(), json!(secs))]),
        status: "muted",
        verb: "muted in",
        secs: Some(secs),
    };
    write(&s, &w, &users)
}

/// MuteTime 0 lifts a mute. The muted list is not read first: it has no
/// documented paging, and skipping a user missing from a cut-off list would
/// leave them muted.
pub fn unmute(ctx: &Ctx, a: &Change) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let s = Session::open(ctx, a.dry_run)?;
    let w = Write {
        ep: &MUTE_MEMBER,
        room: a.room.id(),
        extra: Map::from_iter([("MuteTime".to_string(), json!(0))]),
        status: "unmuted",
        verb: "unmuted in",
        secs: None,
    };
    write(&s, &w, &users)
}

/// Reads the banned list (every page, streamed: only the users asked about
/// are kept) and skips users not on it, comparing exact IDs. A list that
/// could not be read whole skips nobody: every user is sent.
pub fn unban(ctx: &Ctx, a: &Change) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let mut users = a.users.resolve()?;
    let s = Session::open(ctx, a.dry_run)?;
    // A dry run prints only the unban calls.
    if !s.dry_run()
        && let Some(banned) = banned_among(&s, room, &users)?
    {
        let (keep, skip): (Vec<String>, Vec<String>) =
            users.into_iter().partition(|u| banned.contains(u));
        for u in &skip {
            output::note(format!(
                "{} is not banned from room \"{room}\": skipped",
                output::shown(u)
            ));
            if ctx.format() == Format::Json {
                output::print_json(&json!({
                    "status": "skipped", "room_id": room, "user": u, "reason": "not banned",
                }));
            }
        }
        users = keep;
    }
    let w = Write {
        ep: &UNBAN_MEMBER,
        room,
        extra: Map::new(),
        status: "unbanned",
        verb: "unbanned from",
        secs: None,
    };
    write(&s, &w, &users)
}

/// Which of `users` the banned list holds, or `None` when the list could
/// not be read whole (refused, or cut by the pager's budget): then nobody
/// may be skipped. A missing room, rejected credentials or no answer end
/// the command, since the unban would fail the same way.
fn banned_among(
    s: &Session,
    room: &str,
    users: &[String],
) -> crate::cmd::Result<Option<HashSet<String>>> {
    let wanted: HashSet<&str> = users.iter().map(String::as_str).collect();
    let mut found = HashSet::new();
    let walked = lists::walk_banned(s, room, |page| {
        for e in &page {
            // Exact: the ID as sent, a number as its digits.
            let id = lists::account(e);
            if wanted.contains(id.as_str()) {
                found.insert(id);
            }
        }
    });
    let what = format!("the banned users of room \"{room}\"");
    match walked {
        Ok(_) => Ok(Some(found)),
        Err(Cut::Failed { failed, .. }) => {
            optional_read::<()>(s, room, Err(failed), &what)?;
            Ok(None)
        }
        Err(cut @ Cut::Budget(_)) => {
            output::warn(format!(
                "{}; unbanning every user given without checking the list",
                cut.failure(&what)
            ));
            Ok(None)
        }
    }
}

/// SIGINT/SIGTERM while users are changed in calls: the call in flight
/// finishes and is reported, the calls after it are not sent (the batch's
/// rule); removed on drop.
struct Trap {
    ids: Vec<signal_hook::SigId>,
    which: Arc<AtomicUsize>,
}

impl Trap {
    fn install() -> Trap {
        let which = Arc::new(AtomicUsize::new(0));
        let ids = [SIGINT, SIGTERM]
            .iter()
            .filter_map(|&sig| {
                signal_hook::flag::register_usize(sig, which.clone(), sig as usize).ok()
            })
            .collect();
        Trap { ids, which }
    }

    /// How the command ends when a signal came.
    fn end(&self) -> Option<End> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            s if s == SIGTERM as usize => Some(End::Terminated),
            _ => Some(End::Interrupted),
        }
    }
}

impl Drop for Trap {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Sends `users` in calls of [`PER_CALL`], reporting each user.
fn write(s: &Session, w: &Write, users: &[String]) -> crate::cmd::Result<()> {
    let (ctx, room) = (s.ctx(), w.room);
    let trap = Trap::install();
    let mut done = 0;
    for (i, chunk) in users.chunks(PER_CALL).enumerate() {
        if let Some(end) = trap.end() {
            let rest = &users[i * PER_CALL..];
            not_sent(s, w, rest, "interrupted");
            summary(w, done);
            return Err(crate::cmd::Stop::Signalled(end));
        }
        let mut body = json!({ "RoomId": room, "MemberList_Account": chunk });
        body.as_object_mut()
            .expect("object")
            .extend(w.extra.clone());
        match s.send(w.ep, &body) {
            Ok(None) => {}
            Ok(Some(answer)) => {
                done += chunk.len();
                for u in chunk {
                    match ctx.format() {
                        Format::Json => {
                            let mut line = json!({"status": w.status, "room_id": room, "user": u});
                            let m = line.as_object_mut().expect("object");
                            if let Some(secs) = w.secs {
                                m.insert("duration".into(), json!(secs));
                            }
                            m.insert("request_id".into(), json!(answer.reply.request_id));
                            m.insert("attempts".into(), json!(answer.attempts));
                            output::print_json(&line);
                        }
                        Format::Text => output::println(output::shown(u)),
                    }
                }
            }
            Err(f) => {
                let rest = &users[((i + 1) * PER_CALL).min(users.len())..];
                return Err(failed(s, w, chunk, rest, &f).into());
            }
        }
    }
    summary(w, done);
    if let Some(end) = trap.end() {
        return Err(crate::cmd::Stop::Signalled(end));
    }
    Ok(())
}

/// Users not sent, each reported: a `skipped` line under `-o json`, and a
/// note naming them.
fn not_sent(s: &Session, w: &Write, rest: &[String], why: &str) {
    if rest.is_empty() {
        return;
    }
    if s.ctx().format() == Format::Json {
        for u in rest {
            output::print_json(&json!({
                "status": "skipped", "room_id": w.room, "user": u,
                "reason": format!("not sent: {why}"),
            }));
        }
    }
    output::note(format!("not sent ({why}): {}", names(rest)));
}

/// "3 users banned from room …": what was done.
fn summary(w: &Write, done: usize) {
    let room = w.room;
    if done > 0 {
        let s = if done == 1 { "" } else { "s" };
        let until = w
            .secs
            .map(|secs| {
                let now = now_unix();
                format!(" until {}", when(now + secs as i64, now, &local_zone()))
            })
            .unwrap_or_default();
        output::note(format!("{done} user{s} {} room \"{room}\"{until}", w.verb));
    }
}

/// Reports a failed call: under `-o json` a failure line for each of its
/// users and a `skipped` line for each user not sent; the error names them.
fn failed(
    s: &Session,
    w: &Write,
    chunk: &[String],
    rest: &[String],
    f: &Failed,
) -> crate::error::Failure {
    let room = w.room;
    if s.ctx().format() == Format::Json {
        let record = f.record(room).output_json();
        for u in chunk {
            let mut line = record.clone();
            line.as_object_mut()
                .expect("object")
                .shift_insert(2, "user".into(), json!(u));
            output::print_json(&line);
        }
        for u in rest {
            output::print_json(&json!({
                "status": "skipped", "room_id": room, "user": u,
                "reason": "not sent: an earlier call failed",
            }));
        }
    }
    if !rest.is_empty() {
        output::note(format!(
            "not sent, after the failure below: {}",
            names(rest)
        ));
    }
    if f.code == Some(NOT_FOUND) {
        f.error(&format!("room \"{room}\" not found"))
    } else {
        f.error(&format!(
            "{} were not {} room \"{room}\"",
            names(chunk),
            w.verb
        ))
    }
}

/// `alice`, `alice, bob`, … or `25 users (u1, u2, u3, …)`.
pub fn names(users: &[String]) -> String {
    let shown = |us: &[String]| {
        us.iter()
            .map(|u| output::shown(u))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match users.len() {
        0..=3 => shown(users),
        n => format!("{n} users ({}, …)", shown(&users[..3])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short() {
        let u: Vec<String> = (1..=25).map(|i| format!("u{i}")).collect();
        assert_eq!(names(&u[..2]), "u1, u2");
        assert_eq!(names(&u), "25 users (u1, u2, u3, …)");
    }
}
