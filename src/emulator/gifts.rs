//! Gifts (live-api.md §18.8): the catalogue (add_gift, get_gift, del_gift;
//! in memory only), send_gift (the sender must be in the room, the gift in
//! the catalogue) and get_gift_count (the sender's totals in the room).
//! Codes the documentation does not give are the emulator's guess, and
//! their ErrorInfo says so.

use serde_json::{Value, json};

use super::service::Call;
use super::wire::{Body, Fail, Out, bad, fail, int, no_room, text};

fn gift_id(b: &Body) -> Result<String, Fail> {
    let id = text(b, "GiftId")?;
    if id.is_empty() || id.len() > 20 {
        return Err(bad("GiftId: 1 to 20 bytes"));
    }
    Ok(id.to_string())
}

pub fn add(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = gift_id(b)?;
    let name = text(b, "DefaultName")?;
    if name.is_empty() || name.len() > 20 {
        return Err(bad("DefaultName: 1 to 20 bytes"));
    }
    let coins = int(b, "Coins")?;
    if coins < 0 {
        return Err(bad("Coins must be 0 or more"));
    }
    let mut info = serde_json::Map::new();
    for k in [
        "GiftId",
        "IconUrl",
        "ResourceUrl",
        "Coins",
        "Level",
        "ExtensionInfo",
        "DefaultName",
        "DefaultDesc",
    ] {
        if let Some(v) = b.get(k) {
            info.insert(k.into(), v.clone());
        }
    }
    c.state.gifts.insert(id, Value::Object(info));
    Out::empty()
}

pub fn get(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = gift_id(b)?;
    let info = c.state.gifts.get(&id).cloned().ok_or_else(|| {
        fail(
            100_002,
            format!("gift \"{id}\" is not in the catalogue (the code is the emulator's guess)"),
        )
    })?;
    Ok(Out {
        response: None,
        top: vec![("GiftInfo", info)],
    })
}

pub fn del(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = gift_id(b)?;
    c.state.gifts.remove(&id);
    Out::empty()
}

pub fn send(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = gift_id(b)?;
    let from = text(b, "From_Account")?.to_string();
    let count = int(b, "Count")?;
    if count < 1 {
        return Err(bad("Count must be 1 or more"));
    }
    let coins = c
        .state
        .gifts
        .get(&id)
        .map(|g| g["Coins"].as_i64().unwrap_or(0).max(0) as u64)
        .ok_or_else(|| {
            fail(
                100_002,
                format!("gift \"{id}\" is not in the catalogue: add it first (the code is the emulator's guess)"),
            )
        })?;
    let room_id = text(b, "RoomId")?;
    let room = c
        .state
        .rooms
        .get_mut(room_id)
        .ok_or_else(|| no_room(room_id))?;
    if !room.is_member(&from) {
        return Err(fail(
            100_005,
            format!("{from} must enter the room first (livectl emulator join)"),
        ));
    }
    let n = count as u64;
    room.stats.total_gifts_sent += n;
    room.stats.total_gift_coins += n * coins;
    if room.gift_senders.insert(from.clone()) {
        room.stats.total_unique_gift_senders += 1;
    }
    let e = room.gifts_by.entry(from).or_default();
    e.0 += n;
    e.1 += n * coins;
    Out::empty()
}

pub fn count(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let from = text(b, "From_Account")?;
    let room_id = text(b, "RoomId")?;
    let room = c.state.rooms.get(room_id).ok_or_else(|| no_room(room_id))?;
    let (n, coins) = room.gifts_by.get(from).copied().unwrap_or((0, 0));
    let sequence: u64 = room.gifts_by.values().map(|(n, _)| n).sum();
    Out::response(json!({
        "Sequence": sequence,
        "TotalCount": n,
        "TotalCoins": coins,
        "GiftSenderCount": room.gift_senders.len(),
    }))
}
