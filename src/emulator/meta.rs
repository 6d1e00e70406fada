//! Room metadata (live-api.md 3.6): get/set/del_room_metadata with the
//! documented limits: 10 keys (100500), a value up to 2 KB (100501), all
//! values up to 16 KB (100502), a key up to 50 bytes (100002).

use serde_json::{Value, json};

use super::service::Call;
use super::state::Room;
use super::wire::{Body, Fail, Out, bad, fail, no_room, strings, text};

pub const KEYS_MAX: usize = 10;
pub const KEY_MAX: usize = 50;
pub const VALUE_MAX: usize = 2048;
pub const TOTAL_MAX: usize = 16 * 1024;

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
    let mut pairs = Vec::with_capacity(items.len());
    for it in items {
        let (Some(k), Some(v)) = (it["Key"].as_str(), it["Value"].as_str()) else {
            return Err(bad(
                "each Metadata item needs a string Key and a string Value",
            ));
        };
        if k.is_empty() || k.len() > KEY_MAX {
            return Err(bad(format!("Key \"{k}\" must be 1 to {KEY_MAX} bytes")));
        }
        if v.len() > VALUE_MAX {
            return Err(fail(
                100501,
                format!(
                    "the value of \"{k}\" is {} bytes; the limit is {VALUE_MAX} bytes",
                    v.len()
                ),
            ));
        }
        pairs.push((k.to_string(), v.to_string()));
    }
    let room = room(c, b)?;
    let mut next = room.metadata.clone();
    next.extend(pairs);
    if next.len() > KEYS_MAX {
        return Err(fail(
            100500,
            format!(
                "a room holds at most {KEYS_MAX} metadata keys; this would make {}",
                next.len()
            ),
        ));
    }
    let total: usize = next.values().map(String::len).sum();
    if total > TOTAL_MAX {
        return Err(fail(
            100502,
            format!("metadata values would total {total} bytes; the limit is {TOTAL_MAX} bytes"),
        ));
    }
    room.metadata = next;
    Out::empty()
}

pub fn del(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let keys = strings(b, "Keys")?;
    let room = room(c, b)?;
    for k in keys {
        room.metadata.remove(&k);
    }
    Out::empty()
}
