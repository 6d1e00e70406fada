//! Seats (`v4/room_engine_http_mic/*`, live-api.md sections 4 and 5): how
//! many a room has per SeatTemplate, and get_seat_list, pick_user_on_seat,
//! kick_user_off_seat, lock_seat, move_user_to_seat.

use serde_json::{Value, json};

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, account, bad, fail, int, no_room, opt_bool, opt_text, text};
use crate::room::RoomSpec;

/// Seats of a voice room when MaxSeatCount is not given (the console's default).
pub const AUDIO_DEFAULT_SEATS: usize = 8;
/// The emulator's plan: at most this many seats in a room.
pub const MAX_SEATS: u64 = 20;

/// The number of seats a new room gets. `optional`: the older revision,
/// where SeatTemplate may be absent and `IsSeatEnabled` + `MaxSeatCount` decide.
pub fn count_for(template: Option<&str>, spec: &RoomSpec, optional: bool) -> Result<usize, Fail> {
    if let Some(n) = spec.max_seats.filter(|n| *n > MAX_SEATS) {
        return Err(bad(format!(
            "MaxSeatCount {n} is over the plan's limit of {MAX_SEATS}"
        )));
    }
    let asked = spec.max_seats.map(|n| n as usize);
    match template {
        Some(t) => {
            // The client's own table of layouts (room::template).
            match crate::room::template::seats_of(t) {
                Some(Some(fixed)) => Ok(fixed),
                Some(None) => Ok(asked.unwrap_or(AUDIO_DEFAULT_SEATS)),
                None => Err(bad(format!(
                    "SeatTemplate \"{t}\" is not a layout template; use e.g. VideoDynamicGrid9Seats, AudioSalon or Karaoke"
                ))),
            }
        }
        None if optional => Ok(if spec.seat_enabled == Some(true) {
            asked.unwrap_or(AUDIO_DEFAULT_SEATS)
        } else {
            0
        }),
        None => Err(bad(
            "SeatTemplate is required (a layout template such as VideoDynamicGrid9Seats)",
        )),
    }
}

fn room<'a>(c: &'a mut Call, b: &Body) -> Result<&'a mut Room, Fail> {
    let id = text(b, "RoomId")?;
    c.state.rooms.get_mut(id).ok_or_else(|| no_room(id))
}

/// A seat index of the room: 100211 when it has no seats, 100002 when out of range.
fn index(room: &Room, b: &Body, name: &str) -> Result<usize, Fail> {
    let i = int(b, name)?;
    if room.seats.is_empty() {
        return Err(fail(100211, "this room does not support co-guest seats"));
    }
    usize::try_from(i)
        .ok()
        .filter(|i| *i < room.seats.len())
        .ok_or_else(|| {
            bad(format!(
                "{name} {i} is out of range: seats are 0 to {}",
                room.seats.len() - 1
            ))
        })
}

fn member(room: &Room, user: &str) -> Result<(), Fail> {
    if room.is_member(user) {
        Ok(())
    } else {
        Err(fail(
            100005,
            format!("user \"{user}\" is not a member of the room"),
        ))
    }
}

pub fn list(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let seats: Vec<Value> = room
        .seats
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "Index": i,
                "Member_Account": s.member.clone().unwrap_or_default(),
                "IsTakenDisabled": s.locked,
                "IsVideoDisabled": s.video_disabled,
                "IsAudioDisabled": s.audio_disabled,
            })
        })
        .collect();
    Out::response(json!({ "SeatList": seats }))
}

pub fn pick(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let user = account(b, "Member_Account")?;
    let i = index(room, b, "Index")?;
    member(room, &user)?;
    if room.seat_of(&user).is_some() {
        return Err(fail(
            100203,
            format!("user \"{user}\" is already on a seat"),
        ));
    }
    if room.seats.iter().all(|s| s.member.is_some() || s.locked) {
        return Err(fail(100205, "all seats are taken"));
    }
    let seat = &mut room.seats[i];
    if seat.locked {
        return Err(fail(100200, format!("seat {i} is locked; try another")));
    }
    if seat.member.is_some() {
        return Err(fail(100210, format!("seat {i} is taken")));
    }
    seat.member = Some(user);
    Out::empty()
}

pub fn kick(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let user = account(b, "Member_Account")?;
    // Data is documented as mandatory, but the console leaves it out.
    opt_text(b, "Data")?;
    member(room, &user)?;
    room.leave_seat(&user);
    Out::empty()
}

pub fn lock(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let i = index(room, b, "Index")?;
    let taken = opt_bool(b, "ForbidTaken")?;
    let video = opt_bool(b, "ForbidVideo")?;
    let audio = opt_bool(b, "ForbidAudio")?;
    let seat = &mut room.seats[i];
    if let Some(t) = taken {
        seat.locked = t;
        if t {
            // Locking an occupied seat first kicks its user off.
            seat.member = None;
            seat.audio_disabled = false;
            seat.video_disabled = false;
        }
    }
    // Tied to the user on the seat; ignored when it is empty or locked.
    if seat.member.is_some() && !seat.locked {
        if let Some(v) = video {
            seat.video_disabled = v;
        }
        if let Some(a) = audio {
            seat.audio_disabled = a;
        }
    }
    Out::empty()
}

pub fn move_to(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let user = account(b, "Member_Account")?;
    let to = index(room, b, "SeatIndex")?;
    let policy = int(b, "Policy")?;
    if !(0..=2).contains(&policy) {
        return Err(bad(format!(
            "Policy {policy} is invalid: 0 fail, 1 force, 2 swap"
        )));
    }
    member(room, &user)?;
    let from = room.seat_of(&user);
    if from == Some(to) {
        return Out::empty();
    }
    // A locked target is unlocked automatically.
    room.seats[to].locked = false;
    if let Some(occupant) = room.seats[to].member.clone() {
        match (policy, from) {
            (0, _) => return Err(fail(100210, format!("seat {to} is taken"))),
            (2, Some(f)) => {
                room.seats.swap(f, to);
                return Out::empty();
            }
            _ => room.leave_seat(&occupant),
        }
    }
    room.leave_seat(&user);
    room.seats[to].member = Some(user);
    Out::empty()
}
