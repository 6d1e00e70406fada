//! Room metadata (live-api.md 3.6): get/set/del_room_metadata with the
//! documented limits: 10 keys (100500), a value up to 2 KB (100501), all
//! values up to 16 KB (100502), a key up to 50 bytes (100002).

use serde_json::{Value, json};

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, bad, fail, no_room, strings, text};

use crate::limits::meta_after;

fn room<'a>(c: &'a mut Call, b: &Body) -> Result<&'a mut Room, Fail> {
    let id = text(b, "RoomId")?;
    c.state.rooms.get_mut(id).ok_or_else(|| no_room(id))
}

pub fn get(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let keys = strings(b, "Keys")?;
    let room = room(c, b)?;
    let list: Vec<Value> = room
        .metadata
        .iter()
        .filter(|(k, _)| keys.is_empty() || keys.contains(k))
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Out::response(json!({"Metadata": list}))
}

pub fn set(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let items = match b.get("Metadata") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => return Err(bad("Metadata is empty")),
        Some(_) => return Err(bad("Metadata must be an array of {Key, Value}")),
        None => return Err(bad("Metadata is required")),
    };
    let mut pairs = std::collections::BTreeMap::new();
    for it in items {
        let (Some(k), Some(v)) = (it["Key"].as_str(), it["Value"].as_str()) else {
            return Err(bad(
                "each Metadata item needs a string Key and a string Value",
            ));
        };
        pairs.insert(k.to_string(), v.to_string());
    }
    let room = room(c, b)?;
    // The client's own rule (crate::limits), answered with the service's codes.
    let next = meta_after(&room.metadata, &pairs).map_err(|e| fail(e.code(), e.to_string()))?;
    room.metadata = next;
    let id = text(b, "RoomId")?.to_string();
    let list: Vec<Value> = pairs
        .iter()
        .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
        .collect();
    super::hooks::after(
        c,
        super::hooks::SET_METADATA,
        serde_json::json!({"RoomId": id, "Metadata": list}),
    );
    Out::empty()
}

pub fn del(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let keys = strings(b, "Keys")?;
    let room = room(c, b)?;
    for k in &keys {
        room.metadata.remove(k);
    }
    let id = text(b, "RoomId")?.to_string();
    super::hooks::after(
        c,
        super::hooks::DEL_METADATA,
        serde_json::json!({"RoomId": id, "Keys": keys}),
    );
    Out::empty()
}
