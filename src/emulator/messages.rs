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
