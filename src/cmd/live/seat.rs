//! `livectl seat list|pick|kick|lock|unlock|mute|unmute|move`: the seats of
//! a room (`room_engine_http_mic/*`, live-api.md §5). Every change reads the
//! seat list first (not under `--dry-run`) so that a seat number out of
//! range, a locked or taken seat, or a user on another seat is refused
//! before anything is sent, and a change already made is skipped (said on
//! stderr). What the list shows is a snapshot: the service still decides.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::args::{RoomArg, check_user};
use super::{Session, response};
use crate::api::endpoint::{
    GET_SEAT_LIST, KICK_USER_OFF_SEAT, LOCK_SEAT, MOVE_USER_TO_SEAT, PICK_USER_ON_SEAT,
};
use crate::cmd::Ctx;
use crate::cmd::nouns;
use crate::error::Error;
use crate::output::{self, Format};
use crate::settle::Answer;

mod plan;
pub use plan::*;

#[derive(Subcommand, Debug, Clone)]
pub enum SeatCommand {
    /// List a room's seats: who is on each, locked, audio/video forbidden
    #[command(after_long_help = "Example:\n  livectl seat list live-1")]
    List(ListArgs),
    /// Put a room member on a seat
    #[command(after_long_help = "Example:\n  livectl seat pick live-1 alice --index 2")]
    Pick(PickArgs),
    /// Take a user off their seat, with an optional message to them
    #[command(
        after_long_help = "Example:\n  livectl seat kick live-1 alice --message \"thanks for joining\""
    )]
    Kick(KickArgs),
    /// Lock a seat so nobody can take it; a user on it is kicked off
    #[command(after_long_help = "Example:\n  livectl seat lock live-1 --index 3")]
    Lock(IndexArgs),
    /// Unlock a locked seat
    #[command(after_long_help = "Example:\n  livectl seat unlock live-1 --index 3")]
    Unlock(IndexArgs),
    /// Forbid the audio and/or video of the user on a seat (neither flag: both)
    #[command(after_long_help = "Example:\n  livectl seat mute live-1 --index 1 --audio")]
    Mute(MuteArgs),
    /// Allow the audio and/or video of the user on a seat again (neither flag: both)
    #[command(after_long_help = "Example:\n  livectl seat unmute live-1 --index 1")]
    Unmute(MuteArgs),
    /// Move a user to another seat; a taken seat fails, or is kicked or swapped
    #[command(
        after_long_help = "Example:\n  livectl seat move live-1 alice --to 0 --if-taken swap"
    )]
    Move(MoveArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub watch: crate::cmd::watch::WatchArg,
}

#[derive(Args, Debug, Clone)]
pub struct PickArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The user to put on the seat (already in the room)
    #[arg(value_name = "USER", value_parser = parse_user)]
    pub user: String,
    /// The seat, counted from 0
    #[arg(long, value_name = "N", value_parser = parse_index, allow_negative_numbers = true)]
    pub index: u32,
    /// Print the request without sending (the seats are not read)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct KickArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The user to take off their seat
    #[arg(value_name = "USER", value_parser = parse_user)]
    pub user: String,
    /// Text delivered to the user (empty when not given)
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Print the request without sending (the seats are not read)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct IndexArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The seat, counted from 0
    #[arg(long, value_name = "N", value_parser = parse_index, allow_negative_numbers = true)]
    pub index: u32,
    /// Print the request without sending (the seats are not read)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct MuteArgs {
    #[command(flatten)]
    pub seat: IndexArgs,
    /// Audio only (with --video: both)
    #[arg(long)]
    pub audio: bool,
    /// Video only (with --audio: both)
    #[arg(long)]
    pub video: bool,
}

#[derive(Args, Debug, Clone)]
pub struct MoveArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The user to move
    #[arg(value_name = "USER", value_parser = parse_user)]
    pub user: String,
    /// The seat to move to, counted from 0 (a locked seat is unlocked)
    #[arg(long, value_name = "N", value_parser = parse_index, allow_negative_numbers = true)]
    pub to: u32,
    /// When the seat is taken: fail, kick its user off, or swap the two
    #[arg(long, value_enum, default_value = "fail")]
    pub if_taken: IfTaken,
    /// Print the request without sending (the seats are not read)
    #[arg(long)]
    pub dry_run: bool,
}

/// move_user_to_seat `Policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IfTaken {
    Fail,
    Kick,
    Swap,
}

impl IfTaken {
    pub fn policy(self) -> u8 {
        match self {
            IfTaken::Fail => 0,
            IfTaken::Kick => 1,
            IfTaken::Swap => 2,
        }
    }
}

/// A seat number: a non-negative integer.
pub fn parse_index(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{n} must be 0 or more (seats count from 0)")),
        Ok(n) => u32::try_from(n).map_err(|_| format!("{n} is not a seat number")),
        Err(_) => Err(format!("\"{s}\" is not a seat number; use 0, 1, 2, ...")),
    }
}

/// A user ID, as `USER...` takes them.
pub fn parse_user(s: &str) -> Result<String, String> {
    check_user(s).map(|()| s.to_string())
}

pub fn run(ctx: &Ctx, cmd: &SeatCommand) -> crate::cmd::Result<()> {
    match cmd {
        SeatCommand::List(a) => list_cmd(ctx, a),
        SeatCommand::Pick(a) => {
            let room = a.room.id();
            let body = json!({"RoomId": room, "Index": a.index, "Member_Account": a.user});
            let what = format!(
                "{} was not put on seat {} of room \"{room}\"",
                a.user, a.index
            );
            if let Some(ans) = change(
                ctx,
                a.dry_run,
                room,
                &PICK_USER_ON_SEAT,
                body,
                &what,
                |seats, _| plan_pick(seats, room, &a.user, a.index),
            )? {
                done(
                    ctx,
                    ans,
                    "picked",
                    room,
                    json!({"user": a.user, "index": a.index}),
                    format!("picked {} onto seat {}", a.user, a.index),
                );
            }
            Ok(())
        }
        SeatCommand::Kick(a) => {
            let room = a.room.id();
            let data = a.message.clone().unwrap_or_default();
            let body = json!({"RoomId": room, "Member_Account": a.user, "Data": data});
            let what = format!(
                "{} was not kicked off their seat in room \"{room}\"",
                a.user
            );
            if let Some(ans) = change(
                ctx,
                a.dry_run,
                room,
                &KICK_USER_OFF_SEAT,
                body,
                &what,
                |seats, _| Ok(plan_kick(seats, room, &a.user)),
            )? {
                done(
                    ctx,
                    ans,
                    "kicked",
                    room,
                    json!({"user": a.user}),
                    format!("kicked {} off their seat", a.user),
                );
            }
            Ok(())
        }
        SeatCommand::Lock(a) | SeatCommand::Unlock(a) => {
            let lock = matches!(cmd, SeatCommand::Lock(_));
            let room = a.room.id();
            let body = json!({"RoomId": room, "Index": a.index, "ForbidTaken": lock});
            let verb = if lock { "locked" } else { "unlocked" };
            let what = format!("seat {} of room \"{room}\" was not {verb}", a.index);
            if let Some(ans) = change(ctx, a.dry_run, room, &LOCK_SEAT, body, &what, |seats, _| {
                plan_lock(seats, room, a.index, lock)
            })? {
                done(
                    ctx,
                    ans,
                    verb,
                    room,
                    json!({"index": a.index}),
                    format!("{verb} seat {}", a.index),
                );
            }
            Ok(())
        }
        SeatCommand::Mute(m) | SeatCommand::Unmute(m) => {
            let mute = matches!(cmd, SeatCommand::Mute(_));
            let a = &m.seat;
            let room = a.room.id();
            // Neither flag means both.
            let (audio, video) = if m.audio || m.video {
                (m.audio, m.video)
            } else {
                (true, true)
            };
            let mut body = json!({"RoomId": room, "Index": a.index});
            if audio {
                body["ForbidAudio"] = json!(mute);
            }
            if video {
                body["ForbidVideo"] = json!(mute);
            }
            let verb = if mute { "muted" } else { "unmuted" };
            let what = format!("seat {} of room \"{room}\" was not {verb}", a.index);
            // lock_seat does not document that an omitted flag keeps its
            // value: the flags not changed (the other of audio/video, and
            // the lock) are sent as the seat holds them.
            let keep = |seats: &[Seat], body: &mut Value| {
                let plan = plan_mute(seats, room, a.index, (audio, video), mute)?;
                if let Some(seat) = seats.iter().find(|s| s.index == i64::from(a.index)) {
                    body["ForbidTaken"] = json!(seat.locked);
                    if !audio {
                        body["ForbidAudio"] = json!(seat.audio_off);
                    }
                    if !video {
                        body["ForbidVideo"] = json!(seat.video_off);
                    }
                }
                Ok(plan)
            };
            if let Some(ans) = change(ctx, a.dry_run, room, &LOCK_SEAT, body, &what, keep)? {
                done(
                    ctx,
                    ans,
                    verb,
                    room,
                    json!({"index": a.index, "audio": audio, "video": video}),
                    format!("{verb} {} of seat {}", plan::av(audio, video), a.index),
                );
            }
            Ok(())
        }
        SeatCommand::Move(a) => {
            let room = a.room.id();
            let body = json!({"RoomId": room, "SeatIndex": a.to, "Member_Account": a.user,
                              "Policy": a.if_taken.policy()});
            let what = format!(
                "{} was not moved to seat {} of room \"{room}\"",
                a.user, a.to
            );
            if let Some(ans) = change(
                ctx,
                a.dry_run,
                room,
                &MOVE_USER_TO_SEAT,
                body,
                &what,
                |seats, _| plan_move(seats, room, &a.user, a.to, a.if_taken),
            )? {
                done(
                    ctx,
                    ans,
                    "moved",
                    room,
                    json!({"user": a.user, "index": a.to}),
                    format!("moved {} to seat {}", a.user, a.to),
                );
            }
            Ok(())
        }
    }
}

/// The seats of `room`; `None` in a dry run.
pub fn read_seats(s: &Session, room: &str) -> crate::cmd::Result<Option<(Vec<Seat>, Value)>> {
    let what = format!("could not list the seats of room \"{room}\"");
    let Some(answer) = s.call(&GET_SEAT_LIST, room, &json!({ "RoomId": room }), &what)? else {
        return Ok(None);
    };
    let resp = response(&answer);
    Ok(Some((parse_seats(resp), resp["SeatList"].clone())))
}

fn list_cmd(ctx: &Ctx, a: &ListArgs) -> crate::cmd::Result<()> {
    let title = format!("livectl seat list {}", output::shown(a.room.id()));
    crate::cmd::watch::watch(ctx, &a.watch, &title, |ctx| list_once(ctx, a))
}

fn list_once(ctx: &Ctx, a: &ListArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let s = Session::open(ctx, a.dry_run)?;
    let Some((seats, raw)) = read_seats(&s, room)? else {
        return Ok(());
    };
    match ctx.format() {
        Format::Json => raw
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|seat| output::print_json(&nouns::seat(room, seat))),
        Format::Text if seats.is_empty() => {
            output::note(format!("room \"{room}\" has no seats"));
        }
        Format::Text => seat_lines(&seats).iter().for_each(output::println),
    }
    Ok(())
}

/// Reads the seats (not in a dry run), plans, and sends `body`. `None` when
/// nothing was sent (a dry run, or a skip, said on stderr and under `-o json`).
fn change(
    ctx: &Ctx,
    dry_run: bool,
    room: &str,
    ep: &crate::api::endpoint::Endpoint,
    mut body: Value,
    what: &str,
    plan: impl FnOnce(&[Seat], &mut Value) -> Result<Plan, String>,
) -> crate::cmd::Result<Option<Answer>> {
    let s = Session::open(ctx, dry_run)?;
    // A dry run reads nothing: it shows only the change.
    let seats = if dry_run { None } else { read_seats(&s, room)? };
    if let Some((seats, _)) = seats {
        match plan(&seats, &mut body).map_err(Error::usage)? {
            Plan::Send => {}
            Plan::Warn(w) => output::warn(w),
            Plan::Skip(note) => {
                output::note(&note);
                if ctx.format() == Format::Json {
                    output::print_json(&json!({"status": "unchanged", "room_id": room}));
                }
                return Ok(None);
            }
        }
    }
    s.call(ep, room, &body, what)
}

/// Prints a change that was made.
fn done(ctx: &Ctx, ans: Answer, status: &str, room: &str, extra: Value, text: String) {
    let mut v = json!({"status": status, "room_id": room});
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.extend(e);
        m.insert("request_id".into(), json!(ans.reply.request_id));
    }
    crate::cmd::nouns::said(ctx, v, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_must_be_a_non_negative_integer() {
        assert_eq!(parse_index("3"), Ok(3));
        assert!(parse_index("-1").unwrap_err().contains("must be 0 or more"));
        assert!(
            parse_index("two")
                .unwrap_err()
                .contains("not a seat number")
        );
    }
}
