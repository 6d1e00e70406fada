//! `livectl get`: body, aligned text, snake_case JSON, type drift, 100004.

use super::*;
use crate::common::*;
use httpmock::Method::POST;
use serde_json::json;

#[test]
fn get_prints_aligned_readable_fields() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_room_info"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "live-1", "RoomName": "Friday show", "Owner_Account": "host1",
            "MaxMemberCount": 500, "CoverURL": "https://c/x.png", "IsMessageDisabled": false,
            "Category": [1, 2], "IsPublicVisible": true, "IsSeatEnabled": true,
            "TakeSeatMode": "ApplyToTake", "MaxSeatCount": 8, "ActivityStatus": 3,
            "Notice": "welcome", "ViewCount": 42, "CreateTime": 1_700_000_000,
            "SeatTemplate": "VideoDynamicGrid9Seats", "IsUnlimitedRoomEnabled": true,
            "CustomInfo": "{\"vip\":1}", "IsLikeEnabled": false
        })));
    });
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .args(["get", "--room-id", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        without_distance(&stdout(&out)),
        "\
Room ID:           live-1
Name:              Friday show
Owner:             host1
Max members:       500
Cover URL:         https://c/x.png
Messages disabled: no
Category:          1,2
Public:            yes
Seat template:     VideoDynamicGrid9Seats
Seats enabled:     yes
Seat mode:         ApplyToTake
Max seats:         8
Unlimited room:    yes
Activity status:   3
Notice:            welcome
Viewers:           42
Created:           2023-11-14 22:13 +00:00
CustomInfo:        {\"vip\":1}
IsLikeEnabled:     false
"
    );
    mock.assert_calls(1);
}

#[test]
fn get_json_has_snake_case_keys_whatever_the_answer_types() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info")).json_body(json!({"RoomId": "plain"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "plain", "RoomName": "n", "Owner_Account": "1001", "MaxMemberCount": 500,
            "IsMessageDisabled": true, "IsPublicVisible": false, "IsSeatEnabled": true,
            "TakeSeatMode": "FreeToTake", "MaxSeatCount": 8, "ViewCount": 0, "CreateTime": 1_700_000_000
        })));
    });
    // An older revision: numbers for the owner and seat mode, bools and
    // integers as strings or 0/1.
    env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "drift"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "drift", "RoomName": "n", "Owner_Account": 1001, "MaxMemberCount": "500",
            "IsMessageDisabled": "true", "IsPublicVisible": 0, "IsSeatEnabled": "1",
            "TakeSeatMode": 1, "MaxSeatCount": "8", "ViewCount": "0", "CreateTime": "1700000000"
        })));
    });
    let want = |id: &str| {
        json!({
            "room_id": id, "name": "n", "owner": "1001", "max_members": 500,
            "message_disabled": true, "public": false, "seat_enabled": true,
            "seat_mode": "FreeToTake", "max_seats": 8, "view_count": 0, "create_time": 1_700_000_000
        })
    };
    for id in ["plain", "drift"] {
        let out = env
            .cmd()
            .args(["get", "--room-id", id, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(lines(&out), vec![want(id)], "{id}");
    }
    // TakeSeatMode 2 is ApplyToTake.
    env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "apply"}));
        then.status(200)
            .json_body(room_reply(json!({"RoomId": "apply", "TakeSeatMode": 2})));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "apply", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        lines(&out),
        vec![json!({"room_id": "apply", "seat_mode": "ApplyToTake"})]
    );
}

#[test]
fn get_missing_room_exits_5_naming_the_room() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "gone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: room \"gone\" not found: 100004 room not exist; fix: check the room ID"
        ),
        "{err}"
    );
    assert!(err.contains("RequestId Id-fail-100004"), "{err}");

    let out = env
        .cmd()
        .args(["get", "--room-id", "gone", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v = &lines(&out)[0];
    assert_eq!(
        (v["status"].as_str(), v["error_code"].as_i64()),
        (Some("failed"), Some(100004))
    );
    assert_eq!(v["request_id"], "Id-fail-100004");
    mock.assert_calls(2);
}

/// A refusal is an `End`, not an `Err`: its line is said once (not again
/// by `main`), and its exit code is its service code's: 100004 -> 5,
/// 70001 -> 4, 100001 -> 7 (after the retries), no answer -> 7.
#[test]
fn a_refusal_is_said_once_and_exits_by_its_code() {
    use predicates::prelude::*;
    for (code, exit) in [(100_004, 5), (70_001, 4), (100_001, 7)] {
        let env = TestEnv::new();
        env.server.mock(|when, then| {
            when.path(path("get_room_info"));
            then.status(200).json_body(fail_reply(code, "no"));
        });
        env.cmd()
            .args(["get", "r1"])
            .assert()
            .code(exit)
            .stdout("")
            .stderr(predicate::str::contains(format!(": {code} no; fix: ")))
            .stderr(said_once());
    }
    // No answer at all (nothing listens on port 1 of loopback).
    let env = TestEnv::new();
    env.cmd()
        .env("LIVECTL_ENDPOINT", "http://127.0.0.1:1")
        .args(["get", "r1", "--retries", "0"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("error: could not get room \"r1\""))
        .stderr(said_once());
}

/// Exactly one `error:` line, the first.
fn said_once() -> impl predicates::Predicate<str> {
    use predicates::prelude::*;
    predicate::str::starts_with("error: ").and(predicate::str::contains("\nerror:").not())
}

#[test]
fn get_json_shows_every_answer_field_unknown_ones_as_sent() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "r1"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "r1", "Owner_Account": 1001, "TakeSeatMode": 2,
            "SeatTemplate": "Karaoke", "IsUnlimitedRoomEnabled": "true",
            "CustomInfo": "{\"vip\":1}", "SeatLayoutTemplateId": 50,
            "VideoQualityList": [{"Level": 1, "Bitrate": 800}], "RoomStatus": null
        })));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "r1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Modelled fields normalised under snake_case keys, then the rest
    // under `extra`, by the service's names, values and order as sent.
    assert_eq!(
        stdout(&out),
        concat!(
            r#"{"room_id":"r1","owner":"1001","seat_template":"Karaoke","seat_mode":"ApplyToTake","unlimited":true,"#,
            r#""extra":{"CustomInfo":"{\"vip\":1}","SeatLayoutTemplateId":50,"VideoQualityList":[{"Level":1,"Bitrate":800}],"RoomStatus":null}}"#,
            "\n"
        )
    );
    mock.assert_calls(1);
}
