//! Room admins (live-api.md section 7) and robots (section 8): at most 5
//! admins (100020) and 3 robots per room.

use serde_json::json;

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, accounts, bad, fail, no_room, text};

pub use crate::limits::{ADMIN_MAX, ROBOT_MAX};

fn room<'a>(c: &'a mut Call, b: &Body) -> Result<&'a mut Room, Fail> {
    let id = text(b, "RoomId")?;
    c.state.rooms.get_mut(id).ok_or_else(|| no_room(id))
}

pub fn list(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    Out::response(json!({"Admin_Account": room.admins}))
}

pub fn modify(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "Admin_Account", usize::MAX)?;
    let named = users.clone();
    let op = text(b, "OpType")?.to_string();
    let room = room(c, b)?;
    match op.as_str() {
        "add" => {
            let new: Vec<String> = users
                .into_iter()
                .filter(|u| !room.admins.contains(u))
                .collect();
            if room.admins.len() + new.len() > ADMIN_MAX {
                return Err(fail(
                    100020,
                    format!(
                        "a room has at most {ADMIN_MAX} admins: it has {}, and {} more were asked",
                        room.admins.len(),
                        new.len()
                    ),
                ));
            }
            room.admins.extend(new);
        }
        "delete" => room.admins.retain(|a| !users.contains(a)),
        other => {
            return Err(bad(format!(
                "OpType \"{other}\" is invalid: use add or delete"
            )));
        }
    }
    // The webhook's field is `opType`, lower-case o (§18.4).
    let id = text(b, "RoomId")?.to_string();
    super::hooks::after(
        c,
        super::hooks::MODIFY_ADMIN,
        json!({"RoomId": id, "Admin_Account": named, "opType": op}),
    );
    Out::empty()
}

pub fn robots(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    Out::response(json!({"RobotList_Account": room.robots}))
}

pub fn add_robot(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "RobotList_Account", usize::MAX)?;
    room(c, b)?;
    for u in &users {
        super::accounts::require(c, "RobotList_Account", u)?;
    }
    let room = room(c, b)?;
    let new: Vec<String> = users
        .into_iter()
        .filter(|u| !room.robots.contains(u))
        .collect();
    if room.robots.len() + new.len() > ROBOT_MAX {
        // The limit is documented, its code is not: 100002 with the reason.
        return Err(bad(format!(
            "a room holds at most {ROBOT_MAX} robots: it has {}, and {} more were asked (the code 100002 is the emulator's guess; the documentation names none)",
            room.robots.len(),
            new.len()
        )));
    }
    room.robots.extend(new);
    Out::empty()
}

pub fn del_robot(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "RobotList_Account", usize::MAX)?;
    let room = room(c, b)?;
    room.robots.retain(|r| !users.contains(r));
    for u in &users {
        if !room.members.contains(u) {
            room.leave_seat(u);
        }
    }
    Out::empty()
}
