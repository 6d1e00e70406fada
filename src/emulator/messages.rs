//! Messages (live-api.md section 9), change_room_owner (3.7),
//! get_room_stats (3.8), and the emulator-only `advance_clock`.

use serde_json::json;

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, account, bad, int, no_room, opt_bool, opt_text, text};

fn room<'a>(c: &'a mut Call, b: &Body) -> Result<&'a mut Room, Fail> {
    let id = text(b, "RoomId")?;
    c.state.rooms.get_mut(id).ok_or_else(|| no_room(id))
}

fn sent(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let now = c.now_ms / 1000;
    let room = room(c, b)?;
    room.msg_seq += 1;
    room.stats.total_msg_count += 1;
    Out::response(json!({"MsgTime": now, "MsgSeq": room.msg_seq, "MsgDropReason": ""}))
}

pub fn send_text(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    account(b, "Sender_Account")?;
    if text(b, "TextContent")?.is_empty() {
        return Err(bad("TextContent is empty"));
    }
    if let Some(ext) = opt_text(b, "ExtensionInfo")?
        && serde_json::from_str::<serde_json::Value>(ext).is_err()
    {
        return Err(bad("ExtensionInfo must be a JSON string"));
    }
    sent(c, b)
}

pub fn send_custom(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    if b.contains_key("Sender_Account") {
        account(b, "Sender_Account")?;
    }
    if text(b, "BusinessId")?.is_empty() {
        return Err(bad("BusinessId is empty"));
    }
    text(b, "Data")?;
    sent(c, b)
}

pub fn change_owner(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let new = account(b, "NewOwner_Account")?;
    room(c, b)?;
    super::accounts::require(c, "NewOwner_Account", &new)?;
    let room = room(c, b)?;
    room.info.owner = new;
    Out::empty()
}

pub fn stats(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    Out::response(serde_json::to_value(&room.stats).expect("stats serialize"))
}

/// Emulator only: moves the emulator's clock forward by `Seconds`, so bans,
/// mutes and UserSigs expire without waiting; `Freeze: true` first stops it
/// (until the emulator ends), so a test controls time exactly.
pub fn advance_clock(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let s = int(b, "Seconds")?;
    if s < 0 {
        return Err(bad("Seconds must be >= 0: the clock only moves forward"));
    }
    let ms = s
        .checked_mul(1000)
        .ok_or_else(|| bad(format!("Seconds {s} is out of range")))?;
    let freeze = opt_bool(b, "Freeze")? == Some(true);
    c.clock
        .advance(ms as u64)
        .map_err(|e| bad(format!("Seconds {s} is out of range: {e}")))?;
    if freeze {
        c.clock.freeze();
    }
    c.state.clock_offset_ms = c.clock.offset_ms();
    Out::response(json!({"Now": c.clock.now_s()}))
}

/// send_group_msg into a live room's group (GroupId = RoomId; live-api.md
/// §18.7): MsgBody a non-empty list, Random an integer, the sender (default:
/// the admin) an imported account unless `--accounts open`. Counts as a
/// room message; the answer is at the top level. Codes as the Chat
/// service's: 10004 bad parameter, 10010 no such group.
pub fn group_msg(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let group = text(b, "GroupId").map_err(|_| super::wire::fail(10004, "GroupId is required"))?;
    if !b.get("Random").is_some_and(|r| r.is_u64()) {
        return Err(super::wire::fail(
            10004,
            "Random is required, an unsigned integer",
        ));
    }
    match b.get("MsgBody") {
        Some(serde_json::Value::Array(items)) if !items.is_empty() => {}
        _ => {
            return Err(super::wire::fail(
                10004,
                "MsgBody is required, a non-empty list",
            ));
        }
    }
    if b.get("From_Account").is_some() {
        account(b, "From_Account")?;
    }
    let now = c.now_ms / 1000;
    let group = group.to_string();
    let Some(room) = c.state.rooms.get_mut(&group) else {
        return Err(super::wire::fail(
            10010,
            format!("group \"{group}\" does not exist (a live room's group ID is its RoomId)"),
        ));
    };
    room.msg_seq += 1;
    room.stats.total_msg_count += 1;
    Ok(Out {
        response: None,
        top: vec![("MsgTime", json!(now)), ("MsgSeq", json!(room.msg_seq))],
    })
}

/// set_mix_stream (live-api.md §3.9): the room must have been created with
/// IsUnlimitedRoomEnabled true, LayoutMode 0 or 1000, and with 1000 every
/// user in LayoutInfo.LayoutList on a seat. The codes for a room that cannot
/// be mixed and a user not seated are the emulator's guess (100002).
pub fn set_mix(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let mode = super::wire::int(b, "LayoutMode")?;
    let room = room(c, b)?;
    if room.info.unlimited != Some(true) {
        return Err(bad(
            "the room was not created with IsUnlimitedRoomEnabled true, so it cannot be mixed (the code 100002 is the emulator's guess)",
        ));
    }
    match mode {
        0 => {}
        1000 => {
            let list = b
                .get("LayoutInfo")
                .and_then(|l| l.get("LayoutList"))
                .and_then(|l| l.as_array())
                .ok_or_else(|| bad("LayoutMode 1000 needs LayoutInfo.LayoutList"))?;
            for e in list {
                let user = e
                    .get("Member_Account")
                    .and_then(|u| u.as_str())
                    .unwrap_or("");
                if !room.seats.iter().any(|s| s.member.as_deref() == Some(user)) {
                    return Err(bad(format!(
                        "{user} is not on a seat: every user in the mix must be (the code 100002 is the emulator's guess)"
                    )));
                }
            }
        }
        m => return Err(bad(format!("LayoutMode {m}: 0 (grid) or 1000 (custom)"))),
    }
    Out::empty()
}

/// resume_mcu_task: a room that can be mixed has a task to resume; one
/// that cannot answers 100424 (mix task does not exist).
pub fn resume_mix(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    if room.info.unlimited != Some(true) {
        return Err(super::wire::fail(
            100_424,
            "the room has no mix task: it was not created with IsUnlimitedRoomEnabled true",
        ));
    }
    Out::empty()
}
