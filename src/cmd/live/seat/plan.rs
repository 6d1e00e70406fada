//! The seats of a room as get_seat_list describes them, read leniently,
//! their table, and what each seat change does given them: send, skip
//! (already so) or refuse (a usage error, nothing sent). Pure: no I/O.

use serde_json::Value;

use super::IfTaken;
use crate::output::{Col, Table};

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
        // IDs are never cut: a cut ID is another ID.
        Col {
            header: "USER",
            min: 4,
            max: usize::MAX,
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
                "{flag} {index}: room \"{room}\" has {}, numbered 0 to {max} \
                 (livectl seat list {room}); nothing was sent",
                crate::output::plural(seats.len() as u64, "seat")
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
        let other = crate::output::shown(other);
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
        let u = crate::output::shown(u);
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
    // move_user_to_seat moves a user who is on a seat (as documented).
    if seat_of(seats, user).is_none() {
        return Err(format!(
            "{user} is on no seat of room \"{room}\": `seat move` moves a user who is on a \
             seat; put them on one with `livectl seat pick {room} {user} --index {to}`; \
             nothing was sent"
        ));
    }
    match &seat.user {
        Some(u) if u == user => Ok(Plan::Skip(format!(
            "{user} is already on seat {to} of room \"{room}\": nothing to do"
        ))),
        Some(u) if if_taken == IfTaken::Fail => {
            let u = crate::output::shown(u);
            Err(format!(
                "seat {to} of room \"{room}\" is taken by {u}: add --if-taken kick (take {u} \
                 off) or --if-taken swap (trade seats); nothing was sent"
            ))
        }
        _ => Ok(Plan::Send),
    }
}

/// "audio", "video" or "audio and video".
pub(super) fn av(audio: bool, video: bool) -> &'static str {
    match (audio, video) {
        (true, false) => "audio",
        (false, true) => "video",
        _ => "audio and video",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
