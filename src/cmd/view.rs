//! A room as `get_room_info` and `get_room_list` describe it, parsed
//! leniently: the answer's types drift between revisions of the service
//! (api.md section 6), so every modelled field accepts each documented form
//! and is shown one way under its snake_case key. Fields the tool does not
//! model are kept as the service sent them, under the service's own name,
//! after the modelled ones: the service adds fields (SeatTemplate came that
//! way) and a user must see them. Renders the `get` text and the JSON
//! shared by `get` and `list`. Knows nothing of HTTP.

use serde_json::{Map, Value, json};

use crate::output;
use crate::room::{self, Field, SeatMode};

/// How a field of the answer is read.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A string; a number is taken as its decimal text (`Owner_Account`).
    Text,
    /// An integer, or a string holding one.
    Int,
    /// `true`/`false`, `0`/`1`, or those as strings.
    Bool,
    /// An array of integers, or a string such as `1,2`.
    Ints,
    /// `FreeToTake`/`ApplyToTake`, or `1`/`2` (1 free, 2 apply).
    Seat,
    /// Unix seconds, shown as a UTC date.
    Time,
}

/// One field of the answer: a modelled room field (its API name and
/// snake_case key come from `room::Field`), or one only answers carry.
#[derive(Debug)]
enum Name {
    Room(Field),
    Answer {
        api: &'static str,
        key: &'static str,
    },
}

/// A field of the answer: its name, text label and kind.
#[derive(Debug)]
struct FieldSpec {
    name: Name,
    label: &'static str,
    kind: Kind,
}

impl FieldSpec {
    fn api(&self) -> &'static str {
        match self.name {
            Name::Room(f) => f.api(),
            Name::Answer { api, .. } => api,
        }
    }

    /// The JSON key: the create flag's name in snake_case.
    fn key(&self) -> &'static str {
        match self.name {
            Name::Room(f) => f.column(),
            Name::Answer { key, .. } => key,
        }
    }
}

const fn r(field: Field, label: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name: Name::Room(field),
        label,
        kind,
    }
}

const fn a(api: &'static str, key: &'static str, label: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name: Name::Answer { api, key },
        label,
        kind,
    }
}

/// The fields, in output order.
const FIELDS: &[FieldSpec] = &[
    r(Field::RoomId, "Room ID", Kind::Text),
    r(Field::Name, "Name", Kind::Text),
    r(Field::Owner, "Owner", Kind::Text),
    r(Field::MaxMembers, "Max members", Kind::Int),
    r(Field::CoverUrl, "Cover URL", Kind::Text),
    r(Field::MessageDisabled, "Messages disabled", Kind::Bool),
    r(Field::Category, "Category", Kind::Ints),
    r(Field::Public, "Public", Kind::Bool),
    r(Field::SeatTemplate, "Seat template", Kind::Text),
    r(Field::SeatEnabled, "Seats enabled", Kind::Bool),
    r(Field::SeatMode, "Seat mode", Kind::Seat),
    r(Field::MaxSeats, "Max seats", Kind::Int),
    r(Field::Unlimited, "Unlimited room", Kind::Bool),
    r(Field::ActivityStatus, "Activity status", Kind::Int),
    r(Field::Notice, "Notice", Kind::Text),
    a("ViewCount", "view_count", "Viewers", Kind::Int),
    a("CreateTime", "create_time", "Created", Kind::Time),
];

/// The room noun's keys, types and meanings, for the JSON contract.
pub fn json_keys() -> Vec<crate::cmd::nouns::KeyDoc> {
    use crate::cmd::nouns::Ty;
    FIELDS
        .iter()
        .map(|f| {
            let ty = match f.kind {
                Kind::Text if f.key() == "room_id" || f.key() == "owner" => Ty::Id,
                Kind::Text | Kind::Seat => Ty::Str,
                Kind::Int => Ty::Int,
                Kind::Bool => Ty::Bool,
                Kind::Ints => Ty::Array,
                Kind::Time => Ty::Time,
            };
            (f.key(), ty, f.label)
        })
        .collect()
}

/// One parsed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    Bool(bool),
    Ints(Vec<i64>),
    Seat(SeatMode),
    /// Unix seconds.
    Time(i64),
}

impl Val {
    fn to_json(&self) -> Value {
        match self {
            Val::Text(s) => json!(s),
            Val::Int(n) | Val::Time(n) => json!(n),
            Val::Bool(b) => json!(b),
            Val::Ints(v) => json!(v),
            Val::Seat(m) => json!(m.as_str()),
        }
    }

    /// The value for a person: times by the one rule (local, offset,
    /// distance: `cmd::live::time`), bools as yes/no.
    pub fn display(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(n) => n.to_string(),
            Val::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Val::Ints(v) => v.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            Val::Seat(m) => m.as_str().to_string(),
            Val::Time(t) => crate::cmd::live::time::shown(*t),
        }
    }
}

/// A room: the modelled fields present in the answer, in output order,
/// then the other fields of the answer, as sent and in the answer's order.
#[derive(Debug, Default)]
pub struct RoomView {
    fields: Vec<(&'static FieldSpec, Val)>,
    others: Vec<(String, Value)>,
}

impl RoomView {
    /// Reads a `RoomInfo` object (or a `RoomList` entry). Absent and null
    /// fields are left out; a value of no known form is kept as sent.
    pub fn parse(info: &Map<String, Value>) -> RoomView {
        let mut fields = Vec::new();
        let mut odd = Vec::new();
        for spec in FIELDS {
            let Some(v) = info.get(spec.api()).filter(|v| !v.is_null()) else {
                continue;
            };
            let parsed = match spec.kind {
                Kind::Text => text(v).map(Val::Text),
                Kind::Int => int(v).map(Val::Int),
                Kind::Bool => boolean(v).map(Val::Bool),
                Kind::Ints => ints(v).map(Val::Ints),
                Kind::Seat => seat(v).map(Val::Seat),
                Kind::Time => int(v).map(Val::Time),
            };
            match parsed {
                Some(val) => fields.push((spec, val)),
                // A value of no documented form is not guessed at: it goes
                // under `extra`, as sent, with the fields livectl does not
                // model.
                None => {
                    output::log(
                        1,
                        format!("{} has an unexpected value {v}; kept as sent", spec.api()),
                    );
                    odd.push((spec.api().to_string(), v.clone()));
                }
            }
        }
        let others = info
            .iter()
            .filter(|(k, _)| !FIELDS.iter().any(|f| f.api() == k.as_str()))
            // A name that is also a modelled key (`room_id`) would collide:
            // the modelled field wins.
            .filter(|(k, v)| {
                let clash = FIELDS.iter().any(|f| f.key() == k.as_str());
                if clash {
                    output::log(
                        1,
                        format!(
                            "answer field {k} = {v} clashes with a key of livectl's own; not shown"
                        ),
                    );
                }
                !clash
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>();
        let mut others = others;
        others.extend(odd);
        RoomView { fields, others }
    }

    /// The value under a JSON key such as `owner`.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.fields
            .iter()
            .find(|(s, _)| s.key() == key)
            .map(|(_, v)| v)
    }

    /// Puts the room ID first when the answer left it out.
    pub fn ensure_room_id(&mut self, room_id: &str) {
        if self.get("room_id").is_none() {
            self.fields
                .insert(0, (&FIELDS[0], Val::Text(room_id.to_string())));
        }
    }

    /// A table cell: the display text, or `-` when absent.
    pub fn cell(&self, key: &str) -> String {
        self.get(key).map_or_else(|| "-".to_string(), Val::display)
    }

    /// One object (the `room` noun): the modelled fields under snake_case
    /// keys (`room_id`, `owner`, ...), then every other field of the
    /// answer, under the service's name and as sent, in `extra`.
    pub fn to_json(&self) -> Value {
        let mut m: Map<String, Value> = self
            .fields
            .iter()
            .map(|(s, v)| (s.key().to_string(), v.to_json()))
            .collect();
        if !self.others.is_empty() {
            m.insert(
                "extra".into(),
                Value::Object(self.others.iter().cloned().collect()),
            );
        }
        Value::Object(m)
    }

    /// Aligned `Label: value` lines; other fields labelled by their name,
    /// strings shown bare and other values as JSON.
    pub fn text_lines(&self) -> Vec<String> {
        let rows: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|(s, v)| (format!("{}:", s.label), printable(&v.display())))
            .chain(self.others.iter().map(|(k, v)| {
                let shown = match v {
                    Value::String(s) => printable(s),
                    v => v.to_string(),
                };
                (format!("{}:", printable(k)), shown)
            }))
            .collect();
        let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        rows.iter()
            .map(|(l, v)| {
                // An empty value shows as `-`, as in every table.
                let v = if v.is_empty() { "-" } else { v };
                format!("{l:<width$} {v}")
            })
            .collect()
    }
}

/// A value as one visible line (`output::shown`).
fn printable(s: &str) -> String {
    output::shown(s).into_owned()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(_) => match int(v)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        // "yes"/"no" are accepted too: the same words as the CSV cells.
        Value::String(s) => room::parse_bool(s).ok(),
        _ => None,
    }
}

fn ints(v: &Value) -> Option<Vec<i64>> {
    match v {
        Value::Array(items) => items.iter().map(int).collect(),
        Value::String(s) => room::parse_category(s).ok(),
        _ => None,
    }
}

fn seat(v: &Value) -> Option<SeatMode> {
    match int(v) {
        Some(1) => Some(SeatMode::FreeToTake),
        Some(2) => Some(SeatMode::ApplyToTake),
        Some(_) => None,
        None => v.as_str().and_then(|s| room::parse_seat_mode(s).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(v: Value) -> RoomView {
        RoomView::parse(v.as_object().unwrap())
    }

    #[test]
    fn documented_forms_parse_alike() {
        let canonical = view(json!({
            "RoomId": "r1", "Owner_Account": "1001", "TakeSeatMode": "ApplyToTake",
            "IsPublicVisible": true, "IsMessageDisabled": false, "MaxMemberCount": 500,
            "Category": [1, 2], "CreateTime": 1_700_000_000
        }));
        let drifted = view(json!({
            "RoomId": "r1", "Owner_Account": 1001, "TakeSeatMode": 2,
            "IsPublicVisible": "true", "IsMessageDisabled": 0, "MaxMemberCount": "500",
            "Category": ["1", 2], "CreateTime": "1700000000"
        }));
        assert_eq!(canonical.to_json(), drifted.to_json());
        assert_eq!(drifted.get("owner"), Some(&Val::Text("1001".into())));
        assert_eq!(
            drifted.get("seat_mode"),
            Some(&Val::Seat(SeatMode::ApplyToTake))
        );
    }

    #[test]
    fn each_drift_case() {
        assert_eq!(seat(&json!(1)), Some(SeatMode::FreeToTake));
        assert_eq!(seat(&json!("2")), Some(SeatMode::ApplyToTake));
        assert_eq!(seat(&json!("freetotake")), Some(SeatMode::FreeToTake));
        assert_eq!(seat(&json!(3)), None);
        for (v, want) in [
            (json!("false"), false),
            (json!("TRUE"), true),
            (json!(1), true),
            (json!("0"), false),
        ] {
            assert_eq!(boolean(&v), Some(want), "{v}");
        }
        assert_eq!(boolean(&json!(2)), None);
        assert_eq!(int(&json!(" 42 ")), Some(42));
        assert_eq!(int(&json!(-3)), Some(-3));
        assert_eq!(int(&json!("4x")), None);
        assert_eq!(int(&json!(1.5)), None);
        assert_eq!(text(&json!(12345678901_u64)), Some("12345678901".into()));
        assert_eq!(text(&json!(true)), None);
        assert_eq!(ints(&json!("1,2")), Some(vec![1, 2]));
        assert_eq!(ints(&json!([])), Some(vec![]));
    }

    #[test]
    fn unknown_forms_pass_through() {
        let v = view(
            json!({"RoomId": "r", "TakeSeatMode": 9, "IsSeatEnabled": {"x": 1}, "Notice": null}),
        );
        // A value of no documented form is not guessed at: under `extra`,
        // by its own name, as sent.
        assert_eq!(
            v.to_json(),
            json!({"room_id": "r", "extra": {"IsSeatEnabled": {"x": 1}, "TakeSeatMode": 9}})
        );
        assert_eq!(v.cell("seat_mode"), "-");
        assert_eq!(v.cell("notice"), "-");
    }

    #[test]
    fn unknown_fields_are_kept_as_sent_after_the_modelled_ones() {
        let v = view(json!({
            "Zeta": {"a": [1, "x"]}, "RoomId": "r", "CustomInfo": "{\"k\":1}", "Gone": null,
            "SeatTemplate": "Karaoke", "IsUnlimitedRoomEnabled": "1", "owner": "clash"
        }));
        assert_eq!(
            serde_json::to_string(&v.to_json()).unwrap(),
            r#"{"room_id":"r","seat_template":"Karaoke","unlimited":true,"extra":{"Zeta":{"a":[1,"x"]},"CustomInfo":"{\"k\":1}","Gone":null}}"#
        );
        assert_eq!(
            v.text_lines(),
            vec![
                "Room ID:        r",
                "Seat template:  Karaoke",
                "Unlimited room: yes",
                "Zeta:           {\"a\":[1,\"x\"]}",
                "CustomInfo:     {\"k\":1}",
                "Gone:           null",
            ]
        );
    }

    #[test]
    fn text_lines_are_aligned_and_readable() {
        let v = view(
            json!({"CreateTime": 1_700_000_000, "RoomId": "r", "IsPublicVisible": 1, "ViewCount": 7}),
        );
        // Times by the one rule: local, with the offset and the distance.
        let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        let lines = crate::cmd::live::time::fixed(1_700_003_600, tokyo, || v.text_lines());
        assert_eq!(
            lines,
            vec![
                "Room ID: r",
                "Public:  yes",
                "Viewers: 7",
                "Created: 2023-11-15 07:13 +09:00 (1h ago)"
            ]
        );
    }

    #[test]
    fn text_lines_escape_control_characters() {
        let v = view(json!({"RoomName": "a\u{1b}[2Jb\r\nc\u{7}", "Odd\u{1b}": "x"}));
        assert_eq!(
            v.text_lines(),
            vec!["Name:  a\\e[2Jb\\r\\nc\\x07", "Odd\\e: x"]
        );
    }

    #[test]
    fn empty_values_show_as_a_dash() {
        let v = view(json!({"CoverURL": "", "Category": [], "Extra": ""}));
        assert_eq!(
            v.text_lines(),
            vec!["Cover URL: -", "Category:  -", "Extra:     -"]
        );
    }

    #[test]
    fn missing_room_id_is_filled_in_first() {
        let mut v = view(json!({"RoomName": "n"}));
        v.ensure_room_id("r9");
        assert_eq!(v.to_json(), json!({"room_id": "r9", "name": "n"}));
        assert_eq!(
            serde_json::to_string(&v.to_json()).unwrap(),
            r#"{"room_id":"r9","name":"n"}"#
        );
    }
}
