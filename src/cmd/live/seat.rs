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
use crate::app::Ctx;
use crate::error::Error;
use crate::output::{self, Col, Format, Table};
use crate::settle::Answer;

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

/// One seat of get_seat_list, read leniently (numbers or strings, bools or 0/1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    pub index: i64,
    pub user: Option<String>,
    pub locked: bool,
    pub audio_off: bool,
    pub video_off: bool,
}

/// The seats of a get_seat_list `Response`.
pub fn parse_seats(resp: &Value) -> Vec<Seat> {
    let Some(list) = resp["SeatList"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .map(|(i, s)| Seat {
            index: int(&s["Index"]).unwrap_or(i as i64),
            user: text(&s["Member_Account"]).filter(|u| !u.is_empty()),
            locked: flag(&s["IsTakenDisabled"]),
            audio_off: flag(&s["IsAudioDisabled"]),
            video_off: flag(&s["IsVideoDisabled"]),
        })
        .collect()
}

/// A string, or a number as its decimal text.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer, or a string holding one.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `true`, `1` or `"true"`; anything else is false.
fn flag(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64() == Some(1),
        Value::String(s) => matches!(s.as_str(), "true" | "1"),
        _ => false,
    }
}

/// The seat table: INDEX, USER, LOCKED, AUDIO, VIDEO.
pub fn seat_lines(seats: &[Seat]) -> Vec<String> {
    let cols = [
        Col {
            header: "INDEX",
            min: 5,
            max: 5,
        },
        Col {
            header: "USER",
            min: 4,
            max: 32,
        },
        Col {
            header: "LOCKED",
            min: 6,
            max: 6,
        },
        Col {
            header: "AUDIO",
            min: 9,
            max: 9,
        },
        Col {
            header: "VIDEO",
            min: 9,
            max: 9,
        },
    ];
    let allowed = |off: bool| if off { "forbidden" } else { "allowed" }.to_string();
    let rows: Vec<Vec<String>> = seats
        .iter()
        .map(|s| {
            vec![
                s.index.to_string(),
                s.user.clone().unwrap_or_default(),
                if s.locked { "yes" } else { "no" }.to_string(),
                allowed(s.audio_off),
                allowed(s.video_off),
            ]
        })
        .collect();
    Table::new(&cols).lines(&rows)
}

/// What a change does after the seats were read.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Send,
    /// Send, after this warning on stderr.
    Warn(String),
    /// Already so: nothing to send; the note says why.
    Skip(String),
}

/// The seat at `index`, or why there is none.
fn seat_at<'s>(seats: &'s [Seat], index: u32, room: &str, flag: &str) -> Result<&'s Seat, String> {
    if seats.is_empty() {
        return Err(format!(
            "room \"{room}\" has no seats (is it a room with seats?); nothing was sent"
        ));
    }
    seats
        .iter()
        .find(|s| s.index == i64::from(index))
        .ok_or_else(|| {
            let max = seats.iter().map(|s| s.index).max().unwrap_or(0);
            format!(
                "{flag} {index}: room \"{room}\" has {} seats, numbered 0 to {max} \
                 (livectl seat list {room}); nothing was sent",
                seats.len()
            )
        })
}

fn seat_of<'s>(seats: &'s [Seat], user: &str) -> Option<&'s Seat> {
    seats.iter().find(|s| s.user.as_deref() == Some(user))
}

/// pick: the seat must exist, be free and unlocked; the user on no other seat.
pub fn plan_pick(seats: &[Seat], room: &str, user: &str, index: u32) -> Result<Plan, String> {
    let seat = seat_at(seats, index, room, "--index")?;
    if let Some(on) = seat_of(seats, user) {
        if on.index == seat.index {
            return Ok(Plan::Skip(format!(
                "{user} is already on seat {index} of room \"{room}\": nothing to do"
            )));
        }
        return Err(format!(
            "{user} is on seat {} already: move them with `livectl seat move {room} {user} --to {index}`; \
             nothing was sent",
            on.index
        ));
    }
    if seat.locked {
        return Err(format!(
            "seat {index} of room \"{room}\" is locked: unlock it first (livectl seat unlock {room} \
             --index {index}) or pick another seat; nothing was sent"
        ));
    }
    if let Some(other) = &seat.user {
        return Err(format!(
            "seat {index} of room \"{room}\" is taken by {other}: kick them first (livectl seat kick \
             {room} {other}) or pick another seat; nothing was sent"
        ));
    }
    Ok(Plan::Send)
}

/// kick: a user on no seat is left alone.
pub fn plan_kick(seats: &[Seat], room: &str, user: &str) -> Plan {
    match seat_of(seats, user) {
        Some(_) => Plan::Send,
        None => Plan::Skip(format!(
            "{user} is not on a seat of room \"{room}\": nothing to do"
        )),
    }
}

/// lock/unlock: a seat already so is skipped; locking a taken seat warns.
pub fn plan_lock(seats: &[Seat], room: &str, index: u32, lock: bool) -> Result<Plan, String> {
    let seat = seat_at(seats, index, room, "--index")?;
    if seat.locked == lock {
        let state = if lock { "locked" } else { "unlocked" };
        return Ok(Plan::Skip(format!(
            "seat {index} of room \"{room}\" is already {state}: nothing to do"
        )));
    }
    if lock && let Some(u) = &seat.user {
        return Ok(Plan::Warn(format!(
            "seat {index} of room \"{room}\" is taken by {u}: locking it kicks {u} off the seat"
        )));
    }
    Ok(Plan::Send)
}

/// mute/unmute: the bans apply to the user on the seat, so an empty seat
/// cannot be muted (the service would ignore it) and needs no unmuting.
pub fn plan_mute(
    seats: &[Seat],
    room: &str,
    index: u32,
    (audio, video): (bool, bool),
    mute: bool,
) -> Result<Plan, String> {
    let seat = seat_at(seats, index, room, "--index")?;
    if seat.user.is_none() {
        if mute {
            return Err(format!(
                "seat {index} of room \"{room}\" is empty: audio and video bans apply to the user \
                 on a seat and end when they leave it; nothing was sent"
            ));
        }
        return Ok(Plan::Skip(format!(
            "seat {index} of room \"{room}\" is empty: nothing to unmute"
        )));
    }
    let done = (!audio || seat.audio_off == mute) && (!video || seat.video_off == mute);
    if done {
        let state = if mute { "forbidden" } else { "allowed" };
        return Ok(Plan::Skip(format!(
            "{} of seat {index} of room \"{room}\" already {state}: nothing to do",
            av(audio, video)
        )));
    }
    Ok(Plan::Send)
}

/// move: a user on the seat already is skipped; a taken seat under
/// `--if-taken fail` is refused (the service would refuse it too).
pub fn plan_move(
    seats: &[Seat],
    room: &str,
    user: &str,
    to: u32,
    if_taken: IfTaken,
) -> Result<Plan, String> {
    let seat = seat_at(seats, to, room, "--to")?;
    match &seat.user {
        Some(u) if u == user => Ok(Plan::Skip(format!(
            "{user} is already on seat {to} of room \"{room}\": nothing to do"
        ))),
        Some(u) if if_taken == IfTaken::Fail => Err(format!(
            "seat {to} of room \"{room}\" is taken by {u}: add --if-taken kick (take {u} off) or \
             --if-taken swap (trade seats); nothing was sent"
        )),
        _ => Ok(Plan::Send),
    }
}

fn av(audio: bool, video: bool) -> &'static str {
    match (audio, video) {
        (true, false) => "audio",
        (false, true) => "video",
        _ => "audio and video",
    }
}

pub fn run(ctx: &Ctx, cmd: &SeatCommand) -> anyhow::Result<()> {
    match cmd {
        SeatCommand::List(a) => list_cmd(ctx, a),
        SeatCommand::Pick(a) => {
            let room = &a.room.room;
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
                |seats| plan_pick(seats, room, &a.user, a.index),
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
            let room = &a.room.room;
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
                |seats| Ok(plan_kick(seats, room, &a.user)),
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
            let room = &a.room.room;
            let body = json!({"RoomId": room, "Index": a.index, "ForbidTaken": lock});
            let verb = if lock { "locked" } else { "unlocked" };
            let what = format!("seat {} of room \"{room}\" was not {verb}", a.index);
            if let Some(ans) = change(ctx, a.dry_run, room, &LOCK_SEAT, body, &what, |seats| {
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
            let room = &a.room.room;
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
            if let Some(ans) = change(ctx, a.dry_run, room, &LOCK_SEAT, body, &what, |seats| {
                plan_mute(seats, room, a.index, (audio, video), mute)
            })? {
                done(
                    ctx,
                    ans,
                    verb,
                    room,
                    json!({"index": a.index, "audio": audio, "video": video}),
                    format!("{verb} {} of seat {}", av(audio, video), a.index),
                );
            }
            Ok(())
        }
        SeatCommand::Move(a) => {
            let room = &a.room.room;
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
                |seats| plan_move(seats, room, &a.user, a.to, a.if_taken),
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
pub fn read_seats(s: &Session, room: &str) -> anyhow::Result<Option<(Vec<Seat>, Value)>> {
    let what = format!("could not list the seats of room \"{room}\"");
    let Some(answer) = s.call(&GET_SEAT_LIST, room, &json!({ "RoomId": room }), &what)? else {
        return Ok(None);
    };
    let resp = response(&answer);
    Ok(Some((parse_seats(resp), resp["SeatList"].clone())))
}

fn list_cmd(ctx: &Ctx, a: &ListArgs) -> anyhow::Result<()> {
    let room = &a.room.room;
    let s = Session::open(ctx, a.dry_run)?;
    let Some((seats, raw)) = read_seats(&s, room)? else {
        return Ok(());
    };
    match ctx.format() {
        Format::Json => output::print_json(&json!({"room_id": room, "seats": raw})),
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
    body: Value,
    what: &str,
    plan: impl FnOnce(&[Seat]) -> Result<Plan, String>,
) -> anyhow::Result<Option<Answer>> {
    let s = Session::open(ctx, dry_run)?;
    // A dry run reads nothing: it shows only the change.
    let seats = if dry_run { None } else { read_seats(&s, room)? };
    if let Some((seats, _)) = seats {
        match plan(&seats).map_err(Error::usage)? {
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
    match ctx.format() {
        Format::Json => {
            let mut v = json!({"status": status, "room_id": room});
            if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
                m.extend(e);
                m.insert("request_id".into(), json!(ans.reply.request_id));
            }
            output::print_json(&v);
        }
        Format::Text => output::println(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats() -> Vec<Seat> {
        parse_seats(&json!({"SeatList": [
            {"Index": 0, "Member_Account": "host", "IsTakenDisabled": false, "IsAudioDisabled": false, "IsVideoDisabled": false},
            {"Index": 1, "Member_Account": "", "IsTakenDisabled": true},
            {"Index": "2", "Member_Account": "guest", "IsAudioDisabled": 1},
            {"Index": 3}
        ]}))
    }

    #[test]
    fn seat_list_is_read_leniently_and_shown_as_a_table() {
        let s = seats();
        assert_eq!(s[1].user, None);
        assert!(s[1].locked && s[2].audio_off && !s[2].video_off);
        assert_eq!(s[2].index, 2);
        assert_eq!(
            seat_lines(&s),
            [
                "INDEX  USER   LOCKED  AUDIO      VIDEO",
                "0      host   no      allowed    allowed",
                "1      -      yes     allowed    allowed",
                "2      guest  no      forbidden  allowed",
                "3      -      no      allowed    allowed",
            ]
        );
    }

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

    #[test]
    fn pick_refuses_missing_locked_taken_seats_and_a_seated_user() {
        let s = seats();
        assert_eq!(plan_pick(&s, "r", "bob", 3), Ok(Plan::Send));
        assert!(
            plan_pick(&s, "r", "bob", 9)
                .unwrap_err()
                .contains("numbered 0 to 3")
        );
        assert!(
            plan_pick(&s, "r", "bob", 1)
                .unwrap_err()
                .contains("is locked")
        );
        assert!(
            plan_pick(&s, "r", "bob", 0)
                .unwrap_err()
                .contains("taken by host")
        );
        assert!(
            plan_pick(&s, "r", "guest", 3)
                .unwrap_err()
                .contains("seat move")
        );
        assert!(matches!(plan_pick(&s, "r", "guest", 2), Ok(Plan::Skip(_))));
        assert!(
            plan_pick(&[], "r", "bob", 0)
                .unwrap_err()
                .contains("no seats")
        );
    }

    #[test]
    fn lock_mute_move_and_kick_skip_what_is_done_already() {
        let s = seats();
        assert!(matches!(plan_lock(&s, "r", 1, true), Ok(Plan::Skip(_))));
        assert_eq!(plan_lock(&s, "r", 1, false), Ok(Plan::Send));
        assert!(matches!(plan_lock(&s, "r", 3, false), Ok(Plan::Skip(_))));
        assert!(
            matches!(plan_lock(&s, "r", 0, true), Ok(Plan::Warn(w)) if w.contains("kicks host"))
        );
        assert!(
            plan_mute(&s, "r", 3, (true, true), true)
                .unwrap_err()
                .contains("empty")
        );
        assert!(matches!(
            plan_mute(&s, "r", 3, (true, true), false),
            Ok(Plan::Skip(_))
        ));
        assert!(matches!(
            plan_mute(&s, "r", 2, (true, false), true),
            Ok(Plan::Skip(_))
        ));
        assert_eq!(plan_mute(&s, "r", 2, (true, true), true), Ok(Plan::Send));
        assert_eq!(plan_mute(&s, "r", 2, (true, false), false), Ok(Plan::Send));
        assert!(
            plan_move(&s, "r", "guest", 0, IfTaken::Fail)
                .unwrap_err()
                .contains("--if-taken")
        );
        assert_eq!(
            plan_move(&s, "r", "guest", 0, IfTaken::Swap),
            Ok(Plan::Send)
        );
        assert!(matches!(
            plan_move(&s, "r", "guest", 2, IfTaken::Fail),
            Ok(Plan::Skip(_))
        ));
        assert!(
            plan_move(&s, "r", "guest", 7, IfTaken::Kick)
                .unwrap_err()
                .contains("--to 7")
        );
        assert!(matches!(plan_kick(&s, "r", "nobody"), Plan::Skip(_)));
        assert_eq!(plan_kick(&s, "r", "guest"), Plan::Send);
    }
}
