//! Battles (PK, live-api.md §10, §18.9): create_battle, set_battle_score,
//! get_battle_info. The "rooms must be co-hosting" rule is not modelled
//! (there is no co-host connection here). A battle ends when its Duration
//! runs out on the emulator's clock; `Status` is 1 while it runs and 3 once
//! it ended (the values are the emulator's guess: the documentation shows 3
//! only as an example). Battles are kept in memory only.

use serde_json::{Value, json};

use super::service::Call;
use super::state::Battle;
use super::wire::{Body, Fail, Out, bad, fail, int, no_room, text};

/// ResultCode 3: the room is in another battle that still runs.
const IN_ANOTHER: i64 = 3;

fn running(b: &Battle, now: u64) -> bool {
    now < b.start + b.duration_ms / 1000
}

pub fn create(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let from = text(b, "FromRoomId")?.to_string();
    let to: Vec<String> = match b.get("ToRoomIdList") {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("ToRoomIdList holds strings"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("ToRoomIdList is required, a non-empty list")),
    };
    let duration = int(b, "Duration")?;
    if duration <= 0 || duration > 24 * 3600 * 1000 {
        return Err(bad(format!(
            "Duration {duration} ms is out of range: 1 ms to a day (the range and code are the emulator's guess)"
        )));
    }
    let now = c.now_ms / 1000;
    for r in std::iter::once(&from).chain(&to) {
        if !c.state.rooms.contains_key(r) {
            return Err(no_room(r));
        }
    }
    let busy = |room: &str, battles: &std::collections::BTreeMap<String, Battle>| {
        battles
            .values()
            .any(|x| running(x, now) && x.rooms.iter().any(|r| r == room))
    };
    if busy(&from, &c.state.battles) {
        return Err(fail(
            100_002,
            format!("room \"{from}\" is in another battle (the code is the emulator's guess)"),
        ));
    }
    let mut rooms = vec![from.clone()];
    let mut result = Vec::new();
    for r in &to {
        let code = if busy(r, &c.state.battles) {
            IN_ANOTHER
        } else {
            0
        };
        if code == 0 {
            rooms.push(r.clone());
        }
        result.push(json!({"RoomId": r, "ResultCode": code}));
    }
    let id = format!("battle-{}", c.state.battles.len() + 1);
    let scores = rooms.iter().map(|r| (r.clone(), 0)).collect();
    c.state.battles.insert(
        id.clone(),
        Battle {
            from,
            rooms,
            duration_ms: duration as u64,
            start: now,
            scores,
        },
    );
    Out::response(json!({"BattleId": id, "Result": result}))
}

pub fn score(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = text(b, "BattleId")?.to_string();
    let op = int(b, "OpType")?;
    if op != 1 && op != 2 {
        return Err(bad(format!("OpType {op}: 1 adds, 2 sets")));
    }
    let list = b
        .get("ScoreList")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("ScoreList is required, a list"))?
        .clone();
    let battle = c
        .state
        .battles
        .get_mut(&id)
        .ok_or_else(|| fail(100_004, format!("battle \"{id}\" does not exist")))?;
    let mut result = Vec::new();
    for e in &list {
        let room = e["RoomId"]
            .as_str()
            .ok_or_else(|| bad("ScoreList[].RoomId is a string"))?;
        let n = e["Score"]
            .as_i64()
            .ok_or_else(|| bad("ScoreList[].Score is an integer"))?;
        // Rooms not in the battle are ignored (§18.9).
        if let Some(s) = battle.scores.get_mut(room) {
            *s = if op == 1 { s.saturating_add(n) } else { n };
        }
        result.push(json!({"RoomId": room, "ResultCode": 0}));
    }
    Out::response(json!({"Result": result}))
}

pub fn info(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = text(b, "BattleId")?;
    let now = c.now_ms / 1000;
    let battle = c
        .state
        .battles
        .get(id)
        .ok_or_else(|| fail(100_004, format!("battle \"{id}\" does not exist")))?;
    let room = |r: &String| {
        let owner = c
            .state
            .rooms
            .get(r)
            .map(|x| x.owner().to_string())
            .unwrap_or_default();
        json!({"RoomId": r, "Score": battle.scores.get(r).copied().unwrap_or(0), "Owner_Account": owner})
    };
    let to: Vec<Value> = battle
        .rooms
        .iter()
        .filter(|r| **r != battle.from)
        .map(room)
        .collect();
    Out::response(json!({
        "BattleId": id,
        "Duration": battle.duration_ms,
        "StartTime": battle.start,
        "EndTime": battle.start + battle.duration_ms / 1000,
        "Status": if running(battle, now) { 1 } else { 3 },
        "FromRoomInfo": room(&battle.from),
        "ToRoomList": to,
    }))
}
