//! The JSON contract: every noun livectl prints under `-o json` (a room, a
//! member, a ban, a seat, an account, a metadata entry, stats, a message
//! receipt, a result), its snake_case keys and their types. The builders
//! here and `livectl help json` read the same tables, so the output and its
//! documentation cannot drift; `tests/json_contract.rs` walks every command
//! and checks what it prints against [`check`].
//!
//! Rules: keys are livectl's own, in snake_case; every object that belongs
//! to a room carries `room_id`; values from the service are carried exactly
//! (never cleaned); fields livectl does not model are kept verbatim under
//! `extra`; a list is one object per line (NDJSON), printed as it arrives.

use serde_json::{Map, Value, json};

/// The form of a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    /// An ID exactly as the service sent it: a string, or an integer.
    Id,
    Int,
    Bool,
    /// Unix seconds.
    Time,
    Array,
    Object,
    /// Anything (a value livectl passes through).
    Any,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Id => "string (or integer, as sent)",
            Ty::Int => "integer",
            Ty::Bool => "boolean",
            Ty::Time => "integer (Unix seconds)",
            Ty::Array => "array",
            Ty::Object => "object",
            Ty::Any => "any",
        }
    }

    fn fits(self, v: &Value) -> bool {
        match self {
            Ty::Str => v.is_string(),
            Ty::Id => v.is_string() || v.is_i64() || v.is_u64(),
            Ty::Int | Ty::Time => v.is_i64() || v.is_u64(),
            Ty::Bool => v.is_boolean(),
            Ty::Array => v.is_array(),
            Ty::Object => v.is_object(),
            Ty::Any => true,
        }
    }
}

/// One key of a noun: the service's field it comes from (`""` when it is
/// livectl's own), its key, its type and what it means.
pub struct Key {
    pub api: &'static str,
    pub key: &'static str,
    pub ty: Ty,
    pub what: &'static str,
}

const fn k(api: &'static str, key: &'static str, ty: Ty, what: &'static str) -> Key {
    Key { api, key, ty, what }
}

/// A noun of the contract.
pub struct Noun {
    pub name: &'static str,
    pub printed_by: &'static str,
    pub keys: &'static [Key],
}

const ROOM_ID: Key = k("", "room_id", Ty::Id, "the room it belongs to");
const EXTRA: Key = k(
    "",
    "extra",
    Ty::Object,
    "fields livectl does not model, verbatim (only when there are some)",
);

pub const MEMBER: &[Key] = &[
    ROOM_ID,
    k("Member_Account", "user", Ty::Id, "the user"),
    EXTRA,
];
pub const BAN: &[Key] = &[
    ROOM_ID,
    k("Member_Account", "user", Ty::Id, "the user"),
    k("", "until", Ty::Any, "when it ends, as sent (Unix seconds)"),
    EXTRA,
];
pub const SEAT: &[Key] = &[
    ROOM_ID,
    k("Index", "index", Ty::Int, "the seat number, from 0"),
    k(
        "Member_Account",
        "user",
        Ty::Id,
        "who sits there (absent when free)",
    ),
    k("IsTakenDisabled", "locked", Ty::Bool, "nobody may take it"),
    k(
        "IsAudioDisabled",
        "audio_forbidden",
        Ty::Bool,
        "the seated user's audio is off",
    ),
    k(
        "IsVideoDisabled",
        "video_forbidden",
        Ty::Bool,
        "the seated user's video is off",
    ),
    EXTRA,
];
pub const ACCOUNT: &[Key] = &[ROOM_ID, k("", "user", Ty::Id, "the admin or robot account")];
pub const USER: &[Key] = &[
    k("", "user", Ty::Id, "the account"),
    k(
        "",
        "imported",
        Ty::Bool,
        "user check: whether it is imported",
    ),
    k(
        "AccountStatus",
        "account_status",
        Ty::Str,
        "user check: the service's Imported or NotImported",
    ),
    k(
        "",
        "nick",
        Ty::Any,
        "user get: Tag_Profile_IM_Nick, as sent",
    ),
    k(
        "",
        "avatar",
        Ty::Any,
        "user get: Tag_Profile_IM_Image, as sent",
    ),
    k(
        "",
        "error_code",
        Ty::Any,
        "this user's ResultCode, when not 0",
    ),
    k("", "error_info", Ty::Str, "this user's ResultInfo"),
    EXTRA,
];
pub const METADATA: &[Key] = &[
    ROOM_ID,
    k("Key", "key", Ty::Str, "the key"),
    k("Value", "value", Ty::Str, "its value, exactly as held"),
    EXTRA,
];
pub const STATS: &[Key] = &[
    ROOM_ID,
    k("TotalViewers", "total_viewers", Ty::Int, "viewers so far"),
    k("TotalGiftsSent", "total_gifts_sent", Ty::Int, "gifts sent"),
    k(
        "TotalGiftCoins",
        "total_gift_coins",
        Ty::Int,
        "coins of those gifts",
    ),
    k(
        "TotalUniqueGiftSenders",
        "total_unique_gift_senders",
        Ty::Int,
        "distinct senders",
    ),
    k(
        "TotalLikesReceived",
        "total_likes_received",
        Ty::Int,
        "likes",
    ),
    k("TotalMsgCount", "total_msg_count", Ty::Int, "chat messages"),
    EXTRA,
];
pub const WEBHOOK: &[Key] = &[
    k(
        "",
        "status",
        Ty::Str,
        "set, update, delete: `set`, `updated` or `deleted`",
    ),
    k(
        "",
        "configured",
        Ty::Bool,
        "get: whether the app has a webhook",
    ),
    k(
        "Url",
        "url",
        Ty::Any,
        "where events are POSTed (null when none)",
    ),
    k(
        "CallbackCommandList",
        "events",
        Ty::Array,
        "the event names sent",
    ),
];
pub const WEBHOOK_TOKEN: &[Key] = &[
    k(
        "",
        "status",
        Ty::Str,
        "token set, token delete: `set` or `deleted`",
    ),
    k(
        "",
        "set",
        Ty::Bool,
        "token get: whether a token is configured",
    ),
    k(
        "IsTokenEnable",
        "enabled",
        Ty::Bool,
        "events are signed with it",
    ),
    k(
        "Token",
        "token",
        Ty::Any,
        "token get --show only: the token itself",
    ),
];
pub const WEBHOOK_EVENT: &[Key] = &[
    k("", "time", Ty::Time, "when it arrived"),
    k("", "command", Ty::Str, "its CallbackCommand (query)"),
    k(
        "",
        "verified",
        Ty::Bool,
        "its Sign was checked against the token",
    ),
    k("", "body", Ty::Object, "the body, as sent"),
    k(
        "",
        "forwarded",
        Ty::Any,
        "--forward-to: the app server's HTTP status, or why not",
    ),
    k(
        "",
        "refused",
        Ty::Str,
        "why it was refused (HTTP 401); no body then",
    ),
];

pub const RECEIPT: &[Key] = &[
    k("", "status", Ty::Str, "`sent`"),
    ROOM_ID,
    k("MsgTime", "msg_time", Ty::Time, "when the service took it"),
    k(
        "MsgSeq",
        "msg_seq",
        Ty::Int,
        "its sequence number in the room",
    ),
    k(
        "MsgDropReason",
        "drop_reason",
        Ty::Str,
        "why it was dropped (then exit 5)",
    ),
    k("", "request_id", Ty::Str, "the service's RequestId"),
    EXTRA,
];
pub const RESULT: &[Key] = &[
    k(
        "",
        "status",
        Ty::Str,
        "what happened: created, destroyed, banned, skipped, failed, …",
    ),
    ROOM_ID,
    k(
        "",
        "user",
        Ty::Id,
        "the user it was about (per-user changes)",
    ),
    k(
        "",
        "users",
        Ty::Array,
        "the users changed (one call for all)",
    ),
    k("", "keys", Ty::Array, "the metadata keys changed"),
    k("", "index", Ty::Int, "the seat"),
    k("", "owner", Ty::Id, "the new owner (transfer)"),
    k("", "previous_owner", Ty::Any, "the owner before (transfer)"),
    k("", "reason", Ty::Str, "why it was skipped"),
    k("", "duration", Ty::Int, "seconds a ban or mute lasts"),
    k("", "audio", Ty::Bool, "seat mute: audio was changed"),
    k("", "video", Ty::Bool, "seat mute: video was changed"),
    k(
        "",
        "by",
        Ty::Str,
        "who made the room (create after a doubt)",
    ),
    k(
        "",
        "error_code",
        Ty::Any,
        "the service's code (null: no answer)",
    ),
    k("", "error_info", Ty::Str, "the service's text"),
    k(
        "",
        "explanation",
        Ty::Str,
        "what the code means and the fix",
    ),
    k("", "retryable", Ty::Bool, "whether trying again may help"),
    k("", "request_id", Ty::Str, "the service's RequestId"),
    k("", "attempts", Ty::Int, "requests sent, retries included"),
    k(
        "",
        "statistic",
        Ty::Object,
        "destroy: the room's end-of-show totals, as sent",
    ),
    k(
        "",
        "room",
        Ty::Object,
        "create, update: the room noun of what this call set",
    ),
    k(
        "",
        "battle_id",
        Ty::Id,
        "battle start, battle score: the battle",
    ),
    k(
        "",
        "result",
        Ty::Array,
        "battle: per room {RoomId, ResultCode}, as sent (0 = done)",
    ),
    k("", "gift_id", Ty::Id, "gift add, send, remove: the gift"),
    k("", "count", Ty::Int, "gift send: how many"),
];

/// A key as documented: its name, type and meaning.
pub type KeyDoc = (&'static str, Ty, &'static str);

/// Every noun, for `livectl help json` and the contract test. The room's
/// keys come from the room view's own table (`cmd::view`).
pub fn nouns() -> Vec<(Noun, Vec<KeyDoc>)> {
    let plain = |keys: &'static [Key]| -> Vec<KeyDoc> {
        keys.iter().map(|k| (k.key, k.ty, k.what)).collect()
    };
    let mut room: Vec<KeyDoc> = crate::cmd::view::json_keys();
    room.push((EXTRA.key, EXTRA.ty, EXTRA.what));
    vec![
        (
            Noun {
                name: "room",
                printed_by: "get, list (one per line), describe (.room)",
                keys: &[],
            },
            room,
        ),
        (
            noun("member", "member list (one per line)", MEMBER),
            plain(MEMBER),
        ),
        (
            noun("ban", "member banned, member muted (one per line)", BAN),
            plain(BAN),
        ),
        (
            noun("seat", "seat list (one per line), describe (.seats)", SEAT),
            plain(SEAT),
        ),
        (
            noun("account", "admin list, robot list (one per line)", ACCOUNT),
            plain(ACCOUNT),
        ),
        (
            noun(
                "metadata",
                "meta get (one per line), describe (.metadata)",
                METADATA,
            ),
            plain(METADATA),
        ),
        (
            noun("stats", "stats, describe (.stats)", STATS),
            plain(STATS),
        ),
        (noun("receipt", "send", RECEIPT), plain(RECEIPT)),
        (
            noun("user", "user check, user get (one per user)", USER),
            plain(USER),
        ),
        (
            noun("webhook", "webhook get, set, delete", WEBHOOK),
            plain(WEBHOOK),
        ),
        (
            noun(
                "webhook_token",
                "webhook token get, set, delete",
                WEBHOOK_TOKEN,
            ),
            plain(WEBHOOK_TOKEN),
        ),
        (
            noun(
                "webhook_event",
                "webhook listen (one per line)",
                WEBHOOK_EVENT,
            ),
            plain(WEBHOOK_EVENT),
        ),
        (
            noun(
                "result",
                "create, update, destroy, ban/unban/mute/unmute (one per user), admin/robot \
                 add/remove, seat changes, meta set/delete, transfer, user import/set (one per user); \
                 a failure line",
                RESULT,
            ),
            plain(RESULT),
        ),
    ]
}

const fn noun(name: &'static str, printed_by: &'static str, keys: &'static [Key]) -> Noun {
    Noun {
        name,
        printed_by,
        keys,
    }
}

/// An entry of a list answer as the noun `keys`: `room_id`, the modelled
/// fields under their keys (values exactly as sent), the rest under
/// `extra`.
pub fn entry(room: &str, e: &Value, keys: &[Key]) -> Value {
    let mut out = Map::new();
    out.insert("room_id".into(), json!(room));
    let mut extra = Map::new();
    match e {
        Value::Object(m) => {
            for key in keys.iter().filter(|k| !k.api.is_empty()) {
                if let Some(v) = m.get(key.api) {
                    out.insert(key.key.into(), v.clone());
                }
            }
            for (name, v) in m {
                if !keys.iter().any(|k| k.api == name) {
                    extra.insert(name.clone(), v.clone());
                }
            }
        }
        other => {
            extra.insert("value".into(), other.clone());
        }
    }
    if !extra.is_empty() {
        out.insert("extra".into(), Value::Object(extra));
    }
    Value::Object(out)
}

/// A ban or mute: the entry, its `field` (`BannedUntil`) as `until`.
pub fn ban(room: &str, e: &Value, field: &str) -> Value {
    let mut v = entry(room, e, BAN);
    let m = v.as_object_mut().expect("an object");
    if let Some(extra) = m.get_mut("extra").and_then(Value::as_object_mut)
        && let Some(until) = extra.shift_remove(field)
    {
        let empty = extra.is_empty();
        m.insert("until".into(), until);
        if empty {
            m.shift_remove("extra");
        }
        // `until` goes before `extra`.
        if let Some(x) = m.shift_remove("extra") {
            m.insert("extra".into(), x);
        }
    }
    v
}

/// A seat: the entry, with a free seat's empty `Member_Account` left out
/// (a free seat has no user).
pub fn seat(room: &str, e: &Value) -> Value {
    let mut v = entry(room, e, SEAT);
    if v.get("user").is_some_and(|u| u.as_str() == Some("")) {
        v.as_object_mut().expect("an object").shift_remove("user");
    }
    v
}

/// Stats: the `Response` of get_room_stats.
pub fn stats(room: &str, resp: &Value) -> Value {
    entry(room, resp, STATS)
}

/// A metadata entry.
pub fn metadata(room: &str, e: &Value) -> Value {
    entry(room, e, METADATA)
}

/// A change that was made, said the one way every command says it: the
/// `result` object under `-o json`, one line of text otherwise.
pub fn said(ctx: &crate::cmd::Ctx, result: Value, text: impl AsRef<str>) {
    match ctx.format() {
        crate::output::Format::Json => crate::output::print_json(&result),
        crate::output::Format::Text => crate::output::println(text),
    }
}

/// An admin or robot account.
pub fn account(room: &str, id: &Value) -> Value {
    json!({"room_id": room, "user": id})
}

/// Checks `v` against the noun `name`: an object whose keys are the noun's
/// and whose values have their types (null is allowed for `Any`). For the
/// contract test.
pub fn check(name: &str, v: &Value) -> Result<(), String> {
    let all = nouns();
    let (_, keys) = all
        .iter()
        .find(|(n, _)| n.name == name)
        .ok_or_else(|| format!("no noun {name}"))?;
    let Value::Object(m) = v else {
        return Err(format!("{name}: not an object: {v}"));
    };
    for (key, val) in m {
        let Some((_, ty, _)) = keys.iter().find(|(k, _, _)| k == key) else {
            return Err(format!("{name}: key {key:?} is not in the contract: {v}"));
        };
        if !ty.fits(val) {
            return Err(format!("{name}: {key} is {val}, not {}", ty.name()));
        }
    }
    Ok(())
}

/// `livectl help json`.
pub fn help_text() -> String {
    let mut out = String::from(
        "JSON output (-o json)\n\n\
         Every command prints JSON under -o json: one object, or for a list one object\n\
         per line (NDJSON), printed as pages arrive. Keys are livectl's own, in\n\
         snake_case; each object that belongs to a room has room_id. Values from the\n\
         service are carried exactly, never cleaned (an ESC is \\u001b). Fields livectl\n\
         does not model are kept verbatim under \"extra\". -o raw prints the service's\n\
         own Response of each call instead, for readers of Tencent's documentation.\n\
         Under -o json an error is also one object on stderr:\n\
         {\"error\":\"…\",\"exit_code\":N,\"error_code\":…,\"request_id\":…}\n\n\
         The nouns (generated from the code's own tables):\n",
    );
    for (noun, keys) in nouns() {
        out.push_str(&format!(
            "\n{} (printed by {})\n",
            noun.name, noun.printed_by
        ));
        for (key, ty, what) in keys {
            out.push_str(&format!("  {key:<26} {:<28} {what}\n", ty.name()));
        }
    }
    out.push_str(
        "\nOther commands print one object of their own: version {version, commit, date, \
         api}, explain {code, meaning, fix, class, retryable, exit_code}, doctor (one\n\
         check per line), profile show, profile list (one profile per line), describe\n\
         {room, stats, seats, admins, robots, metadata, members_online, banned, muted},\n\
         api PATH (the service's whole answer, as sent: not a noun).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_values_exactly_and_the_rest_under_extra() {
        let e = json!({"Member_Account": "\u{1b}[0mu1", "BannedUntil": 5, "Reason": "spam"});
        let v = ban("r1", &e, "BannedUntil");
        assert_eq!(
            v.to_string(),
            r#"{"room_id":"r1","user":"\u001b[0mu1","until":5,"extra":{"Reason":"spam"}}"#
        );
        assert_eq!(check("ban", &v), Ok(()));
        let seat = entry("r1", &json!({"Index": 2, "IsTakenDisabled": true}), SEAT);
        assert_eq!(seat, json!({"room_id": "r1", "index": 2, "locked": true}));
        assert_eq!(check("seat", &seat), Ok(()));
        assert!(check("seat", &json!({"room_id": "r1", "Index": 2})).is_err());
        assert!(check("seat", &json!({"room_id": "r1", "index": "2"})).is_err());
    }

    #[test]
    fn the_help_lists_every_noun_and_key() {
        let h = help_text();
        for (noun, keys) in nouns() {
            assert!(
                h.contains(&format!("\n{} (printed by", noun.name)),
                "{}",
                noun.name
            );
            for (key, _, _) in keys {
                assert!(h.contains(&format!("  {key} ")), "{key}");
            }
        }
    }
}
