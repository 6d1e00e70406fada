//! The live-event endpoints over HTTP (issue 10's commands): bans and mutes
//! that expire on the emulator's clock (moved by `advance_clock`, no
//! sleeping), the admin and robot limits, members, messages, owner and
//! stats. Seats and metadata are in `seats.rs`.

use serde_json::{Value, json};

use super::harness::{Emu, code};

const LIVE: &str = "live_engine_http_srv";
const MIC: &str = "room_engine_http_mic";

pub fn live(emu: &Emu, cmd: &str, body: Value) -> Value {
    emu.post(&format!("{LIVE}/{cmd}"), body)
}

pub fn mic(emu: &Emu, cmd: &str, body: Value) -> Value {
    emu.post(&format!("{MIC}/{cmd}"), body)
}

/// An emulator with room `r` (9 seats) and members u1..u4 joined.
pub fn room() -> Emu {
    let emu = Emu::start(&["--listen", ":0"]);
    // Time moves only when a test says so.
    let frozen = emu.post(
        "livectl_emulator/advance_clock",
        json!({"Seconds": 0, "Freeze": true}),
    );
    assert_eq!(code(&frozen), 0, "{frozen}");
    let made = live(
        &emu,
        "create_room",
        json!({"RoomInfo": {"RoomId": "r", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    let joined = emu.post(
        "livectl_emulator/join_room",
        json!({"RoomId": "r", "MemberList_Account": ["u1", "u2", "u3", "u4"]}),
    );
    assert_eq!(code(&joined), 0, "{joined}");
    emu
}

fn members(emu: &Emu) -> Vec<String> {
    let m = live(emu, "get_member_list", json!({"RoomId": "r", "Next": ""}));
    m["Response"]["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Member_Account"].as_str().unwrap().to_string())
        .collect()
}

fn advance(emu: &Emu, seconds: u64) {
    let a = emu.post(
        "livectl_emulator/advance_clock",
        json!({"Seconds": seconds}),
    );
    assert_eq!(code(&a), 0, "{a}");
}

#[test]
fn bans_kick_and_expire_on_the_emulator_clock() {
    let emu = room();
    let banned = live(
        &emu,
        "ban_member",
        json!({"RoomId": "r", "MemberList_Account": ["u1"], "Duration": 60, "Reason": "spam"}),
    );
    assert_eq!(code(&banned), 0, "{banned}");
    assert!(
        !members(&emu).contains(&"u1".to_string()),
        "a ban kicks the user out"
    );
    let list = live(
        &emu,
        "get_banned_member_list",
        json!({"RoomId": "r", "Offset": 0, "Limit": 100}),
    );
    let entries = list["Response"]["BannedAccountList"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["Member_Account"], "u1");
    let again = emu.post(
        "livectl_emulator/join_room",
        json!({"RoomId": "r", "MemberList_Account": ["u1"]}),
    );
    assert_eq!(
        again["Response"]["Refused"],
        json!(["u1"]),
        "a banned user cannot come back"
    );
    advance(&emu, 59);
    let list = live(&emu, "get_banned_member_list", json!({"RoomId": "r"}));
    assert_eq!(
        list["Response"]["BannedAccountList"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "still banned at 59 s"
    );
    advance(&emu, 2);
    let list = live(&emu, "get_banned_member_list", json!({"RoomId": "r"}));
    assert_eq!(
        list["Response"]["BannedAccountList"],
        json!([]),
        "the ban ended"
    );
    let back = emu.post(
        "livectl_emulator/join_room",
        json!({"RoomId": "r", "MemberList_Account": ["u1"]}),
    );
    assert_eq!(back["Response"]["Refused"], json!([]));
    let many: Vec<String> = (0..21).map(|i| format!("x{i}")).collect();
    let over = live(
        &emu,
        "ban_member",
        json!({"RoomId": "r", "MemberList_Account": many, "Duration": 5}),
    );
    assert_eq!(code(&over), 100002, "at most 20 users per ban");
    let long = live(
        &emu,
        "ban_member",
        json!({"RoomId": "r", "MemberList_Account": ["u2"], "Duration": 5, "Reason": "x".repeat(201)}),
    );
    assert_eq!(code(&long), 100002, "Reason is at most 200 bytes");
}

#[test]
fn mutes_expire_and_mute_time_zero_unmutes() {
    let emu = room();
    assert_eq!(
        code(&live(
            &emu,
            "mute_member",
            json!({"RoomId": "r", "MemberList_Account": ["u1", "u2"], "MuteTime": 30})
        )),
        0
    );
    assert_eq!(
        code(&live(
            &emu,
            "mute_member",
            json!({"RoomId": "r", "MemberList_Account": ["u2"], "MuteTime": 0})
        )),
        0
    );
    let muted = live(&emu, "get_muted_member_list", json!({"RoomId": "r"}));
    let list = muted["Response"]["MutedAccountList"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["Member_Account"], "u1");
    assert!(list[0]["MutedUntil"].as_u64().unwrap() > 0);
    assert!(
        members(&emu).contains(&"u1".to_string()),
        "a muted user stays"
    );
    advance(&emu, 31);
    let muted = live(&emu, "get_muted_member_list", json!({"RoomId": "r"}));
    assert_eq!(muted["Response"]["MutedAccountList"], json!([]));
}

#[test]
fn a_room_has_at_most_five_admins() {
    let emu = room();
    let add = |ids: Value| {
        code(&live(
            &emu,
            "modify_admin",
            json!({"RoomId": "r", "Admin_Account": ids, "OpType": "add"}),
        ))
    };
    assert_eq!(add(json!(["a1", "a2", "a3", "a4"])), 0);
    assert_eq!(add(json!(["a5", "a6"])), 100020, "would make 6");
    assert_eq!(add(json!(["a1", "a5"])), 0, "a1 is already one: 5 in all");
    assert_eq!(add(json!(["a6"])), 100020);
    let list = live(&emu, "get_admin_list", json!({"RoomId": "r"}));
    assert_eq!(
        list["Response"]["Admin_Account"],
        json!(["a1", "a2", "a3", "a4", "a5"])
    );
    let del = live(
        &emu,
        "modify_admin",
        json!({"RoomId": "r", "Admin_Account": ["a1", "nobody"], "OpType": "delete"}),
    );
    assert_eq!(code(&del), 0, "removing a non-admin is fine");
    assert_eq!(add(json!(["a6"])), 0);
    let bad = live(
        &emu,
        "modify_admin",
        json!({"RoomId": "r", "Admin_Account": ["a7"], "OpType": "promote"}),
    );
    assert_eq!(code(&bad), 100002);
}

#[test]
fn a_room_has_at_most_three_robots_and_they_are_members() {
    let emu = room();
    let add = |ids: Value| {
        code(&live(
            &emu,
            "add_robot",
            json!({"RoomId": "r", "RobotList_Account": ids}),
        ))
    };
    assert_eq!(add(json!(["bot1", "bot2", "bot3"])), 0);
    emu.import(&["bot4"]);
    assert_eq!(add(json!(["bot4"])), 100002);
    let got = live(&emu, "get_robot", json!({"RoomId": "r"}));
    assert_eq!(
        got["Response"]["RobotList_Account"],
        json!(["bot1", "bot2", "bot3"])
    );
    assert!(members(&emu).contains(&"bot2".to_string()));
    assert_eq!(
        code(&mic(
            &emu,
            "pick_user_on_seat",
            json!({"RoomId": "r", "Index": 0, "Member_Account": "bot1"})
        )),
        0
    );
    assert_eq!(
        code(&live(
            &emu,
            "del_robot",
            json!({"RoomId": "r", "RobotList_Account": ["bot1"]})
        )),
        0
    );
    assert_eq!(add(json!(["bot4"])), 0);
    assert_eq!(
        code(&live(
            &emu,
            "add_robot",
            json!({"RoomId": "nope", "RobotList_Account": ["b"]})
        )),
        100004
    );
}

#[test]
fn members_messages_owner_and_stats() {
    let emu = room();
    let m = live(&emu, "get_member_list", json!({"RoomId": "r", "Next": ""}));
    assert_eq!(m["Response"]["MemberCount"], 5, "host and u1..u4: {m}");
    assert_eq!(m["Response"]["Next"], "");
    let t = live(
        &emu,
        "send_text_msg",
        json!({"RoomId": "r", "Sender_Account": "host", "TextContent": "hi"}),
    );
    assert_eq!(t["Response"]["MsgSeq"], 1, "{t}");
    assert!(t["Response"]["MsgTime"].as_u64().unwrap() > 1_600_000_000);
    let c = live(
        &emu,
        "send_custom_msg",
        json!({"RoomId": "r", "BusinessId": "gift", "Data": "{}"}),
    );
    assert_eq!(c["Response"]["MsgSeq"], 2);
    assert_eq!(
        code(&live(
            &emu,
            "send_text_msg",
            json!({"RoomId": "r", "Sender_Account": 5, "TextContent": "x"})
        )),
        60015
    );
    assert_eq!(
        code(&live(
            &emu,
            "send_custom_msg",
            json!({"RoomId": "r", "Data": "x"})
        )),
        100002,
        "BusinessId is required"
    );
    assert_eq!(
        code(&live(
            &emu,
            "change_room_owner",
            json!({"RoomId": "r", "NewOwner_Account": "u2"})
        )),
        0
    );
    let info = live(&emu, "get_room_info", json!({"RoomId": "r"}));
    assert_eq!(info["Response"]["RoomInfo"]["Owner_Account"], "u2");
    let s = live(&emu, "get_room_stats", json!({"RoomId": "r"}));
    assert_eq!(s["Response"]["TotalViewers"], 4);
    assert_eq!(s["Response"]["TotalMsgCount"], 2);
    let d = live(&emu, "destroy_room", json!({"RoomId": "r"}));
    assert_eq!(d["Response"]["Statistic"]["TotalViewers"], 4, "{d}");
    assert_eq!(
        code(&live(&emu, "get_room_stats", json!({"RoomId": "r"}))),
        100004
    );
}

#[test]
fn banned_entries_carry_the_documented_fields_and_guessed_codes_say_so() {
    let emu = room();
    let ban = |d: i64| {
        live(
            &emu,
            "ban_member",
            json!({"RoomId": "r", "MemberList_Account": ["u1"], "Duration": d, "Reason": "spam"}),
        )
    };
    let zero = ban(0);
    assert_eq!(code(&zero), 100002);
    assert!(
        zero["ErrorInfo"].as_str().unwrap().contains("guess"),
        "{zero}"
    );
    assert_eq!(code(&ban(60)), 0);
    let list = live(&emu, "get_banned_member_list", json!({"RoomId": "r"}));
    let entry = list["Response"]["BannedAccountList"][0]
        .as_object()
        .unwrap()
        .clone();
    let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["BannedUntil", "Member_Account"], "{list}");

    let add = |r: &[&str]| {
        live(
            &emu,
            "add_robot",
            json!({"RoomId": "r", "RobotList_Account": r}),
        )
    };
    emu.import(&["b1", "b2", "b3", "b4"]);
    assert_eq!(code(&add(&["b1", "b2", "b3"])), 0);
    let fourth = add(&["b4"]);
    assert_eq!(code(&fourth), 100002);
    assert!(
        fourth["ErrorInfo"].as_str().unwrap().contains("guess"),
        "{fourth}"
    );
}
