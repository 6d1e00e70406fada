//! Members, bans and mutes (live-api.md section 6), and the emulator-only
//! `join_room`/`leave_room` that stand in for audience clients entering a
//! room. Bans and mutes end at their time on the emulator's clock.

use serde_json::{Value, json};

use super::hooks;
use super::service::Call;
use super::state::{Ban, Room};
use super::wire::{Body, Fail, Out, accounts, bad, int, no_room, opt_int, opt_text, text};

/// Users per ban/unban request (live-api.md 6.2).
pub const BAN_BATCH: usize = crate::limits::USERS_PER_CALL;
/// Users per mute or join request (not documented for mute; the emulator's bound).
pub const LIST_BATCH: usize = 100;
/// `Reason` of ban_member, in bytes.
pub use crate::limits::REASON_MAX;
/// get_member_list: members per page, and at most this many in all.
pub const MEMBER_PAGE: usize = 100;
pub const MEMBER_CAP: usize = 1000;
/// get_banned_member_list: the largest `Limit`.
pub const BANNED_PAGE_MAX: i64 = crate::limits::BANNED_PAGE_MAX as i64;

fn room<'a>(c: &'a mut Call, b: &Body) -> Result<&'a mut Room, Fail> {
    let id = text(b, "RoomId")?;
    let now = c.now_ms / 1000;
    let room = c.state.rooms.get_mut(id).ok_or_else(|| no_room(id))?;
    room.expire(now);
    Ok(room)
}

/// A duration in seconds: `name` must be at least `min`. The range is
/// the emulator's (the documentation gives none), and so is its code.
fn seconds(b: &Body, name: &str, min: i64) -> Result<u64, Fail> {
    let d = int(b, name)?;
    if d < min || d > i64::from(u32::MAX) {
        return Err(bad(format!(
            "{name} {d} is out of range: {min} to {} seconds (the range and the code 100002 are the emulator's guess; the documentation names neither)",
            u32::MAX
        )));
    }
    Ok(d as u64)
}

pub fn list(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let next = text(b, "Next")?.to_string();
    let room = room(c, b)?;
    let all = room.member_list();
    let start: usize = if next.is_empty() {
        0
    } else {
        next.parse().map_err(|_| {
            bad(format!(
                "Next \"{next}\" is not a value this service returned"
            ))
        })?
    };
    let end = (start + MEMBER_PAGE).min(all.len()).min(MEMBER_CAP);
    let page: Vec<Value> = all
        .get(start.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|u| json!({"Member_Account": u}))
        .collect();
    let next = if end < all.len().min(MEMBER_CAP) {
        end.to_string()
    } else {
        String::new()
    };
    Out::response(json!({"Next": next, "MemberCount": all.len(), "MemberList": page}))
}

pub fn ban(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let now = c.now_ms / 1000;
    let users = accounts(b, "MemberList_Account", BAN_BATCH)?;
    let duration = seconds(b, "Duration", 1)?;
    let reason = opt_text(b, "Reason")?.unwrap_or_default().to_string();
    if reason.len() > REASON_MAX {
        return Err(bad(format!(
            "Reason is {} bytes; the limit is {REASON_MAX} bytes",
            reason.len()
        )));
    }
    let room = room(c, b)?;
    let mut kicked = Vec::new();
    for u in users {
        if room.members.contains(&u) {
            kicked.push(u.clone());
        }
        room.remove_member(&u);
        room.bans.insert(
            u,
            Ban {
                until: now + duration,
                reason: reason.clone(),
            },
        );
    }
    let id = text(b, "RoomId")?;
    hooks::members(c, id, &kicked, false, "Kicked");
    Out::empty()
}

pub fn unban(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "MemberList_Account", BAN_BATCH)?;
    let room = room(c, b)?;
    for u in users {
        room.bans.remove(&u);
    }
    Out::empty()
}

pub fn banned(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let offset = opt_int(b, "Offset")?.unwrap_or(0);
    let limit = opt_int(b, "Limit")?.unwrap_or(BANNED_PAGE_MAX);
    if offset < 0 || !(1..=BANNED_PAGE_MAX).contains(&limit) {
        return Err(bad(format!(
            "Offset must be >= 0 and Limit 1 to {BANNED_PAGE_MAX}"
        )));
    }
    let room = room(c, b)?;
    let (offset, limit) = (offset as usize, limit as usize);
    let page: Vec<Value> = room
        .bans
        .iter()
        .skip(offset)
        .take(limit)
        // The documented fields only (live-api.md 6.2): the Reason is kept, not shown.
        .map(|(u, ban)| json!({"Member_Account": u, "BannedUntil": ban.until}))
        .collect();
    let end = offset + page.len();
    let next = if end < room.bans.len() { end } else { 0 };
    Out::response(json!({"BannedAccountList": page, "NextOffset": next}))
}

pub fn mute(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let now = c.now_ms / 1000;
    let users = accounts(b, "MemberList_Account", LIST_BATCH)?;
    let time = seconds(b, "MuteTime", 0)?;
    let room = room(c, b)?;
    for u in users {
        if time == 0 {
            room.mutes.remove(&u);
        } else {
            room.mutes.insert(u, now + time);
        }
    }
    Out::empty()
}

pub fn muted(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let room = room(c, b)?;
    let list: Vec<Value> = room
        .mutes
        .iter()
        .map(|(u, until)| json!({"Member_Account": u, "MutedUntil": until}))
        .collect();
    Out::response(json!({"MutedAccountList": list}))
}

/// Emulator only: users enter the room as an audience client would. A
/// banned user is refused (listed in `Refused`); each entry counts a viewer.
pub fn join(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "MemberList_Account", LIST_BATCH)?;
    let room = room(c, b)?;
    let mut refused = Vec::new();
    let mut entered = Vec::new();
    for u in users {
        if room.bans.contains_key(&u) {
            refused.push(u);
        } else {
            room.stats.total_viewers += 1;
            if room.members.insert(u.clone()) {
                entered.push(u);
            }
        }
    }
    let id = text(b, "RoomId")?;
    hooks::members(c, id, &entered, true, "Enter");
    Out::response(json!({"Refused": refused}))
}

/// Emulator only: what an audience member's app would do besides chat:
/// `{RoomId, Member_Account, Likes?, Gifts?, Coins?}` adds to the room's
/// totals (likes, gifts, coins, unique gift senders). The user must be in
/// the room (100005, as for the service's member commands).
pub fn react(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let user = text(b, "Member_Account")?.to_string();
    let count = |name: &str| -> Result<u64, Fail> {
        match opt_int(b, name)? {
            None => Ok(0),
            Some(n) if (0..=1_000_000).contains(&n) => Ok(n as u64),
            Some(n) => Err(bad(format!(
                "{name} {n} is out of range: 0 to 1000000 (the emulator's bound)"
            ))),
        }
    };
    let (likes, gifts, coins) = (count("Likes")?, count("Gifts")?, count("Coins")?);
    let room = room(c, b)?;
    if !room.is_member(&user) {
        return Err(super::wire::fail(
            100_005,
            format!("{user} must enter the room first (livectl emulator join)"),
        ));
    }
    room.stats.total_likes_received += likes;
    if gifts > 0 {
        room.stats.total_gifts_sent += gifts;
        room.stats.total_gift_coins += coins;
        if room.gift_senders.insert(user) {
            room.stats.total_unique_gift_senders += 1;
        }
    }
    Out::empty()
}

/// Emulator only: users leave the room (and their seats).
pub fn leave(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "MemberList_Account", LIST_BATCH)?;
    let room = room(c, b)?;
    let mut left = Vec::new();
    for u in users {
        if room.members.contains(&u) {
            left.push(u.clone());
        }
        room.remove_member(&u);
    }
    let id = text(b, "RoomId")?;
    hooks::members(c, id, &left, false, "Leave");
    Out::empty()
}
