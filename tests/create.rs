//! `livectl create` (one room) against an httpmock server.

mod common;

use common::*;
use httpmock::Method::POST;
use serde_json::{Value, json};

#[test]
fn creates_a_room_with_exactly_the_flags_given() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("create_room"))
            .header("content-type", "application/json")
            .header("user-agent", concat!("livectl/", env!("CARGO_PKG_VERSION")))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {
                "RoomId": "live-room", "RoomType": "Live", "RoomName": "live name",
                "Owner_Account": "host1", "MaxMemberCount": 400, "CoverURL": "cover url",
                "IsMessageDisabled": true, "Category": [1, 2, 3], "IsPublicVisible": true,
                "IsSeatEnabled": false, "TakeSeatMode": "ApplyToTake", "MaxSeatCount": 8,
                "ActivityStatus": 1, "SeatTemplate": {"a": 1}, "Custom": "text"
            }}));
        then.status(200).json_body(ok_reply("live-room"));
    });
    let out = env
        .cmd()
        .args([
            "create",
            "--room-id",
            "live-room",
            "--name",
            "live name",
            "--owner",
            "host1",
        ])
        .args([
            "--max-members",
            "400",
            "--cover-url",
            "cover url",
            "--message-disabled",
        ])
        .args([
            "--category",
            "1,2,3",
            "--public=true",
            "--seat-enabled=false",
            "--seat-mode",
            "applytotake",
        ])
        .args(["--max-seats", "8", "--activity-status", "1"])
        .args([
            "--field",
            "SeatTemplate={\"a\":1}",
            "--field",
            "Custom=text",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-room\n");
    mock.assert_calls(1);
}

#[test]
fn fields_not_given_are_not_sent() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("create_room"))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live"}}));
        then.status(200).json_body(ok_reply("r1"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "r1\n");
    mock.assert_calls(1);
}

#[test]
fn random_changes_per_request() {
    let env = TestEnv::new();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let rec = seen.clone();
    let mock = env.server.mock(move |when, then| {
        when.path(path("create_room"))
            .is_true(valid_request)
            .is_true(move |req| {
                rec.lock()
                    .unwrap()
                    .push(req.query_params_map()["random"].clone());
                true
            });
        then.status(200).json_body(ok_reply("r1"));
    });
    for _ in 0..3 {
        env.cmd()
            .args(["create", "--room-id", "r1"])
            .assert()
            .code(0);
    }
    mock.assert_calls(3);
    let distinct: std::collections::HashSet<String> =
        seen.lock().unwrap().iter().cloned().collect();
    assert!(
        distinct.len() >= 2,
        "random should change per request: {distinct:?}"
    );
}

#[test]
fn taken_room_exits_6_with_code_text_fix_and_request_id() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.status(200)
            .json_body(fail_reply(100003, "room id already exists"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "live-room"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("room \"live-room\" was not created: 100003 room id already exists"),
        "{err}"
    );
    assert!(err.contains("choose another room ID"), "{err}");
    assert!(err.contains("RequestId Id-fail-100003"), "{err}");
    mock.assert_calls(1);
}

#[test]
fn json_output_for_success_and_failure() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"ok"}}"#);
        then.status(200).json_body(ok_reply("ok"));
    });
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"bad"}}"#);
        then.status(200).json_body(fail_reply(100002, "bad param"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "ok", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v,
        json!({"status": "created", "room_id": "ok", "request_id": "Id-ok-1", "attempts": 1})
    );

    let out = env
        .cmd()
        .args(["-o", "json", "create", "--room-id", "bad"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], "failed");
    assert_eq!(v["room_id"], "bad");
    assert_eq!(v["error_code"], 100002);
    assert_eq!(v["error_info"], "bad param");
    assert_eq!(v["retryable"], false);
    assert_eq!(v["request_id"], "Id-fail-100002");
    assert!(
        v["explanation"]
            .as_str()
            .unwrap()
            .contains("invalid parameter")
    );
    assert!(stderr(&out).contains("100002 bad param"));
}
