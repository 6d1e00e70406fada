//! create_room, destroy_room, get_room_info, update_room_info and
//! get_room_list (api.md sections 3 and 6, live-api.md section 3). Field
//! limits are checked by the tool's own `RoomSpec::validate`, so the
//! emulator and the client cannot disagree about them.

use serde_json::{Map, Value, json};

use super::hooks;
use super::seats;
use super::service::Call;
use super::state::{Info, Room};
use super::wire::{Body, Fail, Out, bad, fail, int, no_room, opt_bool, opt_int, opt_text, text};
use crate::room::{Field, Naming, RoomSpec, SeatMode};

/// What update_room_info may not change (live-api.md 3.4: the changeable
/// fields are RoomName, MaxMemberCount, IsMessageDisabled, CoverURL,
/// Category, ActivityStatus, IsPublicVisible, TakeSeatMode, Notice, and the
/// IsUnlimitedRoomEnabled the console always sends). SeatTemplate is not
/// documented as changeable: refused.
const NOT_UPDATABLE: [&str; 5] = [
    "Owner_Account",
    "IsSeatEnabled",
    "MaxSeatCount",
    "SeatTemplate",
    "RoomType",
];

fn room_info(b: &Body) -> Result<&Body, Fail> {
    match b.get("RoomInfo") {
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(bad("RoomInfo must be an object")),
        None => Err(bad("RoomInfo is required")),
    }
}

fn positive(info: &Body, f: Field) -> Result<Option<u64>, Fail> {
    match opt_int(info, f.api())? {
        Some(n) if n <= 0 => Err(bad(format!("{} must be greater than 0", f.api()))),
        n => Ok(n.map(|n| n as u64)),
    }
}

/// Reads the modelled fields of a RoomInfo into a `RoomSpec`, checking
/// types; limits are `RoomSpec::validate`'s.
fn spec_of(info: &Body) -> Result<RoomSpec, Fail> {
    let mut spec = RoomSpec {
        room_id: text(info, "RoomId")?.to_string(),
        ..RoomSpec::default()
    };
    let s = |f: Field| opt_text(info, f.api()).map(|v| v.map(str::to_string));
    spec.name = s(Field::Name)?;
    spec.owner = s(Field::Owner)?;
    spec.cover_url = s(Field::CoverUrl)?;
    spec.notice = s(Field::Notice)?;
    spec.max_members = positive(info, Field::MaxMembers)?;
    spec.max_seats = positive(info, Field::MaxSeats)?;
    spec.activity_status = opt_int(info, Field::ActivityStatus.api())?;
    spec.message_disabled = opt_bool(info, Field::MessageDisabled.api())?;
    spec.public = opt_bool(info, Field::Public.api())?;
    spec.seat_enabled = opt_bool(info, Field::SeatEnabled.api())?;
    spec.seat_mode = match opt_text(info, Field::SeatMode.api())? {
        None => None,
        Some("FreeToTake") => Some(SeatMode::FreeToTake),
        Some("ApplyToTake") => Some(SeatMode::ApplyToTake),
        Some(other) => {
            return Err(bad(format!(
                "TakeSeatMode \"{other}\" is invalid: use FreeToTake or ApplyToTake"
            )));
        }
    };
    spec.category = match info.get(Field::Category.api()) {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|v| {
                    v.as_i64()
                        .ok_or_else(|| bad("Category must be an array of integers"))
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(bad("Category must be an array of integers")),
    };
    if let Some(p) = spec.validate(Naming::Column).first() {
        let name = Field::from_name(&p.field).map_or(p.field.clone(), |f| f.api().to_string());
        return Err(bad(format!("{name} {}", p.message)));
    }
    Ok(spec)
}

pub fn create(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let info = room_info(b)?;
    match info.get("RoomType") {
        Some(Value::String(t)) if t == "Live" => {}
        Some(_) => return Err(bad("RoomType must be \"Live\"")),
        None => return Err(bad("RoomType is required")),
    }
    let spec = spec_of(info)?;
    // Accepted beyond the modelled fields; anything else is dropped.
    let template = opt_text(info, "SeatTemplate")?.map(str::to_string);
    let unlimited = opt_bool(info, "IsUnlimitedRoomEnabled")?;
    let keep_owner_on_seat = opt_bool(info, "KeepOwnerOnSeat")?;
    let background_url = opt_text(info, "BackgroundURL")?.map(str::to_string);
    let custom_info = opt_text(info, "CustomInfo")?.map(str::to_string);
    let seat_count = seats::count_for(template.as_deref(), &spec, c.rules.seat_template_optional)?;

    let id = spec.room_id.clone();
    let owner = spec.owner.clone().unwrap_or_else(|| c.admin.to_string());
    // One create per room ID per second, whatever became of the first.
    let now = c.now_ms;
    c.state.recent.prune(now);
    if c.state.recent.contains(&id) {
        return Err(fail(
            100012,
            format!("room \"{id}\" was created less than a second ago; wait a second"),
        ));
    }
    if let Some(room) = c.state.rooms.get(&id) {
        return Err(if room.owner() == owner {
            fail(
                100010,
                format!("room \"{id}\" already exists and its owner is {owner}"),
            )
        } else {
            fail(100003, format!("room ID \"{id}\" already exists"))
        });
    }
    super::accounts::require(c, "Owner_Account", &owner)?;
    let room = Room {
        info: Info {
            name: spec.name.clone().unwrap_or_else(|| id.clone()),
            owner,
            create_time: now / 1000,
            max_members: spec.max_members,
            cover_url: spec.cover_url.clone().unwrap_or_default(),
            message_disabled: spec.message_disabled.unwrap_or(false),
            category: spec.category.clone().unwrap_or_default(),
            public: spec.public.unwrap_or(true),
            seat_mode: spec
                .seat_mode
                .unwrap_or(SeatMode::FreeToTake)
                .as_str()
                .into(),
            activity_status: spec.activity_status.unwrap_or(0),
            notice: spec.notice.clone(),
            seat_template: template,
            unlimited,
            keep_owner_on_seat,
            background_url,
            custom_info,
        },
        seats: vec![Default::default(); seat_count],
        ..Room::default()
    };
    c.state.recent.insert(id.clone(), now);
    if hooks::wants(c, hooks::CREATE_ROOM) {
        let body =
            json!({"Operator_Account": c.admin, "RoomInfo": shown(&id, &room), "EventTime": now});
        hooks::emit(c, hooks::CREATE_ROOM, body);
    }
    c.state.rooms.insert(id.clone(), room);
    Ok(Out {
        response: None,
        top: vec![("RoomId", json!(id))],
    })
}

pub fn destroy(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = text(b, "RoomId")?;
    let room = c.state.rooms.remove(id).ok_or_else(|| no_room(id))?;
    let s = &room.stats;
    let statistic = json!({
        "TotalViewers": s.total_viewers,
        "TotalGiftsSent": s.total_gifts_sent,
        "TotalGiftCoins": s.total_gift_coins,
        "TotalUniqueGiftSenders": s.total_unique_gift_senders,
        "TotalLikesReceived": s.total_likes_received,
    });
    if hooks::wants(c, hooks::DESTROY_ROOM) {
        let body = json!({
            "Operator_Account": c.admin, "RoomId": id, "EventType": "DestroyByUser",
            "EventTime": c.now_ms, "RoomInfo": shown(id, &room), "Statistic": statistic,
        });
        hooks::emit(c, hooks::DESTROY_ROOM, body);
    }
    Out::response(json!({ "Statistic": statistic }))
}

/// A room's RoomInfo as the service shows it.
pub fn shown(id: &str, room: &Room) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("RoomId".into(), json!(id));
    m.insert("RoomType".into(), json!("Live"));
    if let Ok(Value::Object(info)) = serde_json::to_value(&room.info) {
        m.extend(info);
    }
    m.insert("IsSeatEnabled".into(), json!(!room.seats.is_empty()));
    m.insert("MaxSeatCount".into(), json!(room.seats.len()));
    m.insert("ViewCount".into(), json!(room.stats.total_viewers));
    m
}

pub fn get(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let id = text(b, "RoomId")?;
    let room = c.state.rooms.get(id).ok_or_else(|| no_room(id))?;
    Out::response(json!({ "RoomInfo": shown(id, room) }))
}

pub fn update(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let info = room_info(b)?;
    let spec = spec_of(info)?;
    if let Some(name) = NOT_UPDATABLE.iter().find(|n| info.contains_key(**n)) {
        return Err(bad(format!("{name} cannot be changed by update_room_info")));
    }
    let unlimited = opt_bool(info, "IsUnlimitedRoomEnabled")?;
    let room = c
        .state
        .rooms
        .get_mut(&spec.room_id)
        .ok_or_else(|| no_room(&spec.room_id))?;
    let i = &mut room.info;
    if let Some(v) = spec.name {
        i.name = v;
    }
    if spec.max_members.is_some() {
        i.max_members = spec.max_members;
    }
    if let Some(v) = spec.message_disabled {
        i.message_disabled = v;
    }
    if let Some(v) = spec.cover_url {
        i.cover_url = v;
    }
    if let Some(v) = spec.category {
        i.category = v;
    }
    if let Some(v) = spec.activity_status {
        i.activity_status = v;
    }
    if let Some(v) = spec.public {
        i.public = v;
    }
    if let Some(v) = spec.seat_mode {
        i.seat_mode = v.as_str().into();
    }
    if spec.notice.is_some() {
        i.notice = spec.notice;
    }
    if unlimited.is_some() {
        i.unlimited = unlimited;
    }
    // Only the fields changed, as sent ([I] in §18.4).
    let changed = Value::Object(info.clone());
    hooks::after(c, hooks::UPDATE_ROOM, json!({"RoomInfo": changed}));
    Out::empty()
}

/// Most rooms per get_room_list page.
pub const LIST_MAX: i64 = 20;

pub fn list(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let next = text(b, "Next")?;
    let count = match b.get("Count") {
        None => LIST_MAX,
        Some(_) => int(b, "Count")?,
    };
    if !(1..=LIST_MAX).contains(&count) {
        return Err(bad(format!("Count must be 1 to {LIST_MAX}")));
    }
    let start: usize = if next.is_empty() {
        0
    } else {
        next.parse().map_err(|_| {
            bad(format!(
                "Next \"{next}\" is not a value this service returned"
            ))
        })?
    };
    let mut public: Vec<(&String, &Room)> = c
        .state
        .rooms
        .iter()
        .filter(|(_, r)| r.info.public)
        .collect();
    // Most viewed first (live-api.md 3.5); room ID orders ties stably.
    public.sort_by(|a, b| {
        b.1.stats
            .total_viewers
            .cmp(&a.1.stats.total_viewers)
            .then(a.0.cmp(b.0))
    });
    let end = (start + count as usize).min(public.len());
    let page: Vec<Value> = public
        .get(start.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|(id, r)| {
            let m = shown(id, r);
            let keys = [
                "RoomId",
                "RoomName",
                "Owner_Account",
                "CoverURL",
                "Category",
                "CreateTime",
                "ActivityStatus",
                "ViewCount",
            ];
            Value::Object(
                keys.iter()
                    .filter_map(|k| m.get(*k).map(|v| (k.to_string(), v.clone())))
                    .collect(),
            )
        })
        .collect();
    let next = if end < public.len() {
        end.to_string()
    } else {
        String::new()
    };
    Out::response(json!({"RoomList": page, "Next": next}))
}
