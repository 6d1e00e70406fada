//! Seats (`v4/room_engine_http_mic/*`, live-api.md sections 4 and 5): how
//! many a room has per SeatTemplate, and get_seat_list, pick_user_on_seat,
//! kick_user_off_seat, lock_seat, move_user_to_seat.

use serde_json::{Value, json};

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, account, bad, fail, int, no_room, opt_bool, text};
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
            let mut seat = json!({
                "Index": i,
                "IsTakenDisabled": s.locked,
                "IsVideoDisabled": s.video_disabled,
                "IsAudioDisabled": s.audio_disabled,
            });
            // live-api.md 5.1: Member_Account is missing when the seat is free.
            if let Some(m) = &s.member {
                seat["Member_Account"] = json!(m);
            }
            seat
        })
        .collect();
    Out::response(json!({ "SeatList": seats }))
}

pub fn pick(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    room(c, b)?;
    let user = account(b, "Member_Account")?;
    // A member logged in, so exists; anyone else must be imported first.
    if !room(c, b)?.members.contains(&user) {
        super::accounts::require(c, "Member_Account", &user)?;
    }
    let room = room(c, b)?;
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
    // Data is documented as mandatory (the console leaves it out; a
    // client of the documentation sends it, "" when it has nothing to say).
    text(b, "Data")?;
    member(room, &user)?;
    room.leave_seat(&user);
    Out::empty()
}

/// lock_seat sets all three flags. The documentation does not say an
/// omitted flag keeps its value, so the strict reading is modelled: an
/// omitted flag is false (a client sending only `ForbidAudio` lifts a
/// video ban and unlocks the seat), and a client must send every flag.
pub fn lock(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let i = index(room, b, "Index")?;
    let taken = opt_bool(b, "ForbidTaken")?.unwrap_or(false);
    let video = opt_bool(b, "ForbidVideo")?.unwrap_or(false);
    let audio = opt_bool(b, "ForbidAudio")?.unwrap_or(false);
    let seat = &mut room.seats[i];
    seat.locked = taken;
    if taken {
        // Locking an occupied seat first kicks its user off.
        seat.member = None;
    }
    // Tied to the user on the seat; ignored when it is empty or locked.
    let applies = seat.member.is_some() && !seat.locked;
    seat.video_disabled = applies && video;
    seat.audio_disabled = applies && audio;
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
    // live-api.md 5.5: it moves a user who is on a seat. What the service
    // answers for one who is not is not documented.
    let Some(from) = room.seat_of(&user) else {
        return Err(bad(format!(
            "user \"{user}\" is on no seat: move_user_to_seat moves a seated user (use pick_user_on_seat); the code 100002 is the emulator's guess, the documentation names none"
        )));
    };
    if from == to {
        return Out::empty();
    }
    // A locked target is unlocked automatically.
    room.seats[to].locked = false;
    if let Some(occupant) = room.seats[to].member.clone() {
        match policy {
            0 => return Err(fail(100210, format!("seat {to} is taken"))),
            2 => {
                room.seats.swap(from, to);
                return Out::empty();
            }
            _ => room.leave_seat(&occupant),
        }
    }
    room.leave_seat(&user);
    room.seats[to].member = Some(user);
    Out::empty()
}
