//! Seats (pick, lock, kick, move, templates) and room metadata limits over
//! HTTP, on the room that `live::room` sets up.

use serde_json::{Value, json};

use super::harness::{Emu, code};
use super::live::{live, mic, room};

#[test]
fn metadata_limits_have_their_codes() {
    let emu = room();
    let set = |items: Value| {
        code(&live(
            &emu,
            "set_room_metadata",
            json!({"RoomId": "r", "Metadata": items}),
        ))
    };
    let kv = |k: &str, v: String| json!({"Key": k, "Value": v});
    assert_eq!(set(json!([kv("big", "v".repeat(2049))])), 100501);
    assert_eq!(set(json!([kv(&"k".repeat(51), "v".into())])), 100002);
    let eight: Vec<Value> = (0..8)
        .map(|i| kv(&format!("k{i}"), "v".repeat(2048)))
        .collect();
    assert_eq!(set(json!(eight)), 0, "8 x 2 KB = 16 KB exactly");
    assert_eq!(
        set(json!([kv("k8", "x".into())])),
        100502,
        "one byte over 16 KB"
    );
    assert_eq!(
        set(json!([
            kv("k0", "small".into()),
            kv("k8", "x".into()),
            kv("k9", "y".into())
        ])),
        0
    );
    assert_eq!(set(json!([kv("k10", "z".into())])), 100500, "an 11th key");
    let got = live(
        &emu,
        "get_room_metadata",
        json!({"RoomId": "r", "Keys": ["k0", "k9"]}),
    );
    assert_eq!(
        got["Response"]["Metadata"],
        json!([kv("k0", "small".into()), kv("k9", "y".into())])
    );
    let all = live(
        &emu,
        "get_room_metadata",
        json!({"RoomId": "r", "Keys": []}),
    );
    assert_eq!(all["Response"]["Metadata"].as_array().unwrap().len(), 10);
    assert_eq!(
        code(&live(
            &emu,
            "del_room_metadata",
            json!({"RoomId": "r", "Keys": ["k9", "missing"]})
        )),
        0
    );
    assert_eq!(set(json!([kv("k10", "z".into())])), 0, "room for one more");
    assert_eq!(
        code(&live(&emu, "get_room_metadata", json!({"RoomId": "r"}))),
        100002,
        "Keys is required"
    );
}

fn seat(emu: &Emu, i: usize) -> Value {
    let s = mic(emu, "get_seat_list", json!({"RoomId": "r"}));
    s["Response"]["SeatList"][i].clone()
}

#[test]
fn seats_pick_lock_kick_and_move() {
    let emu = room();
    let pick = |u: &str, i: i64| {
        code(&mic(
            &emu,
            "pick_user_on_seat",
            json!({"RoomId": "r", "Index": i, "Member_Account": u}),
        ))
    };
    let list = mic(&emu, "get_seat_list", json!({"RoomId": "r"}));
    assert_eq!(
        list["Response"]["SeatList"].as_array().unwrap().len(),
        9,
        "VideoDynamicGrid9Seats"
    );
    assert_eq!(pick("stranger", 1), 70107, "not imported");
    emu.import(&["stranger"]);
    assert_eq!(pick("stranger", 1), 100005, "not a member");
    assert_eq!(pick("u1", 1), 0);
    assert_eq!(seat(&emu, 1)["Member_Account"], "u1");
    assert_eq!(pick("u1", 2), 100203, "already on a seat");
    assert_eq!(pick("u2", 1), 100210, "taken");
    assert_eq!(pick("u2", 9), 100002, "out of range");
    // Audio/video bans apply to the user on the seat.
    assert_eq!(
        code(&mic(
            &emu,
            "lock_seat",
            json!({"RoomId": "r", "Index": 1, "ForbidAudio": true})
        )),
        0
    );
    assert_eq!(seat(&emu, 1)["IsAudioDisabled"], true);
    // Locking an occupied seat kicks its user off.
    assert_eq!(
        code(&mic(
            &emu,
            "lock_seat",
            json!({"RoomId": "r", "Index": 1, "ForbidTaken": true})
        )),
        0
    );
    let s1 = seat(&emu, 1);
    assert_eq!(
        (
            s1["Member_Account"].clone(),
            s1["IsTakenDisabled"].clone(),
            s1["IsAudioDisabled"].clone()
        ),
        (Value::Null, json!(true), json!(false)),
        "a free seat has no Member_Account (live-api.md 5.1)"
    );
    assert_eq!(pick("u1", 1), 100200, "locked");
    assert_eq!(pick("u1", 3), 0);
    assert_eq!(
        code(&mic(
            &emu,
            "kick_user_off_seat",
            json!({"RoomId": "r", "Member_Account": "u1", "Data": "bye"})
        )),
        0
    );
    assert!(seat(&emu, 3).get("Member_Account").is_none());
    // move_user_to_seat: 0 fails on a taken seat, 1 kicks, 2 swaps; a locked target is unlocked.
    assert_eq!(pick("u1", 4), 0);
    assert_eq!(pick("u2", 5), 0);
    let mv = |u: &str, to: i64, p: i64| {
        code(&mic(
            &emu,
            "move_user_to_seat",
            json!({"RoomId": "r", "SeatIndex": to, "Member_Account": u, "Policy": p}),
        ))
    };
    assert_eq!(mv("u1", 5, 0), 100210);
    assert_eq!(mv("u1", 5, 2), 0);
    assert_eq!(
        (
            seat(&emu, 4)["Member_Account"].clone(),
            seat(&emu, 5)["Member_Account"].clone()
        ),
        (json!("u2"), json!("u1"))
    );
    assert_eq!(mv("u1", 4, 1), 0);
    assert_eq!(
        (
            seat(&emu, 4)["Member_Account"].clone(),
            seat(&emu, 5)["Member_Account"].clone()
        ),
        (json!("u1"), Value::Null)
    );
    assert_eq!(pick("u3", 6), 0);
    assert_eq!(mv("u3", 1, 0), 0, "onto the locked seat 1");
    assert_eq!(seat(&emu, 1)["IsTakenDisabled"], false);
    assert_eq!(mv("u3", 2, 7), 100002, "Policy is 0, 1 or 2");
}

#[test]
fn a_room_without_seats_answers_100211() {
    let emu = Emu::start(&["--listen", ":0", "--seat-template-optional"]);
    live(
        &emu,
        "create_room",
        json!({"RoomInfo": {"RoomId": "r", "RoomType": "Live"}}),
    );
    let p = mic(
        &emu,
        "pick_user_on_seat",
        json!({"RoomId": "r", "Index": 0, "Member_Account": "administrator"}),
    );
    assert_eq!(code(&p), 100211);
}

#[test]
fn seat_commands_follow_the_documentation_strictly() {
    let emu = room();
    let lock = |body: Value| code(&mic(&emu, "lock_seat", body));
    let pick = |u: &str, i: i64| {
        code(&mic(
            &emu,
            "pick_user_on_seat",
            json!({"RoomId": "r", "Index": i, "Member_Account": u}),
        ))
    };
    assert_eq!(pick("u1", 1), 0);
    assert_eq!(
        lock(json!({"RoomId": "r", "Index": 1, "ForbidAudio": true, "ForbidVideo": true})),
        0
    );
    // Only ForbidAudio: the omitted ForbidVideo reads as false (lifted).
    assert_eq!(
        lock(json!({"RoomId": "r", "Index": 1, "ForbidAudio": true})),
        0
    );
    let s1 = seat(&emu, 1);
    assert_eq!(
        (s1["IsAudioDisabled"].clone(), s1["IsVideoDisabled"].clone()),
        (json!(true), json!(false)),
        "{s1}"
    );
    // An omitted ForbidTaken unlocks a locked seat.
    assert_eq!(
        lock(json!({"RoomId": "r", "Index": 2, "ForbidTaken": true})),
        0
    );
    assert_eq!(lock(json!({"RoomId": "r", "Index": 2})), 0);
    assert_eq!(seat(&emu, 2)["IsTakenDisabled"], false);

    // move_user_to_seat moves a seated user; one on no seat is refused.
    let mv = mic(
        &emu,
        "move_user_to_seat",
        json!({"RoomId": "r", "SeatIndex": 4, "Member_Account": "u2", "Policy": 1}),
    );
    assert_eq!(code(&mv), 100002, "{mv}");
    assert!(
        mv["ErrorInfo"].as_str().unwrap().contains("on no seat"),
        "{mv}"
    );
    assert!(mv["ErrorInfo"].as_str().unwrap().contains("guess"), "{mv}");
    assert!(
        seat(&emu, 4).get("Member_Account").is_none(),
        "nothing moved"
    );

    // kick_user_off_seat: Data is mandatory.
    let kick = |body: Value| code(&mic(&emu, "kick_user_off_seat", body));
    assert_eq!(kick(json!({"RoomId": "r", "Member_Account": "u1"})), 100002);
    assert_eq!(seat(&emu, 1)["Member_Account"], "u1", "not kicked");
    assert_eq!(
        kick(json!({"RoomId": "r", "Member_Account": "u1", "Data": ""})),
        0
    );
}
