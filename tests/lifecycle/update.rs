//! `livectl update`: only the changed fields, validation before sending, dry run.

use super::*;
use crate::common::*;
use httpmock::Method::POST;
use serde_json::{Value, json};

#[test]
fn update_sends_the_room_id_and_changed_fields_only() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("update_room_info"))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {
                "RoomId": "live-1", "RoomName": "new name", "MaxMemberCount": 300,
                "IsMessageDisabled": false, "Category": [4], "IsPublicVisible": true,
                "TakeSeatMode": "FreeToTake", "ActivityStatus": -1, "Notice": "hello", "Custom": 5,
                "Tag": "5"
            }}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "update",
            "--room-id",
            "live-1",
            "--name",
            "new name",
            "--max-members",
            "300",
        ])
        .args([
            "--message-disabled=false",
            "--category",
            "4",
            "--public",
            "--seat-mode",
            "FREETOTAKE",
        ])
        .args([
            "--activity-status",
            "-1",
            "--notice",
            "hello",
            "--field",
            "Custom:=5",
            "--field",
            "Tag=5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-1\n");
    mock.assert_calls(1);
}

#[test]
fn update_json_output() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("update_room_info"))
            .json_body(json!({"RoomInfo": {"RoomId": "r1", "CoverURL": "u"}}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "-o",
            "json",
            "update",
            "--room-id",
            "r1",
            "--cover-url",
            "u",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "updated", "room_id": "r1", "request_id": "Id-ok-1", "attempts": 1,
                    "room": {"room_id": "r1", "cover_url": "u"}})
        ]
    );
    mock.assert_calls(1);
}

#[test]
fn update_without_fields_exits_2_naming_the_flags_and_sends_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["update", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nothing to update for room \"r1\""), "{err}");
    for flag in [
        "--name",
        "--max-members",
        "--public",
        "--seat-mode",
        "--unlimited",
        "--notice",
        "--field",
    ] {
        assert!(err.contains(flag), "{flag}: {err}");
    }
    mock.assert_calls(0);
}

#[test]
fn update_limit_violation_exits_2_naming_the_flag_and_limit() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["update", "--room-id", "r1", "--notice", &"n".repeat(101)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--notice: is 101 bytes; the limit is 100 bytes"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    mock.assert_calls(0);
}

#[test]
fn update_dry_run_prints_the_request_and_needs_no_secret() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .bare_cmd()
        .env("LIVECTL_ENDPOINT", env.server.base_url())
        .args(["update", "--room-id", "r1", "--public=false", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "POST {}{}?",
            env.server.base_url(),
            path("update_room_info")
        )),
        "{text}"
    );
    assert!(text.contains("usersig=<redacted>"), "{text}");
    let body: Value = serde_json::from_str(&text[text.find('{').unwrap()..]).unwrap();
    assert_eq!(
        body,
        json!({"RoomInfo": {"RoomId": "r1", "IsPublicVisible": false}})
    );
    mock.assert_calls(0);
}

#[test]
fn update_sends_unlimited_only_when_given_and_never_a_seat_template() {
    let env = TestEnv::new();
    let plain = env.server.mock(|when, then| {
        when.path(path("update_room_info"))
            .json_body(json!({"RoomInfo": {"RoomId": "live-1", "IsUnlimitedRoomEnabled": true}}));
        then.status(200).json_body(ok_with(json!({})));
    });
    env.cmd()
        .args(["update", "--room-id", "live-1", "--unlimited"])
        .assert()
        .code(0);
    plain.assert_calls(1);
}

#[test]
fn update_has_no_seat_template_the_layout_is_chosen_at_creation() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    // update_room_info does not take SeatTemplate (the service answers
    // 100002): the flag is gone, and --field says why.
    env.cmd()
        .args(["update", "r1", "--seat-template", "AudioSalon"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--seat-template"));
    env.cmd()
        .args(["update", "r1", "--field", "SeatTemplate=AudioSalon"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "SeatTemplate cannot be changed after the room is created",
        ));
    mock.assert_calls(0);
}
