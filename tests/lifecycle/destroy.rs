//! `livectl destroy` (one room): body, output, 100004 with and without
//! `--missing-ok`, dry run, the unbuilt CSV form.

use super::*;
use crate::common::*;
use httpmock::Method::POST;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn destroy_sends_the_room_id_and_prints_it() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("destroy_room"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-1\n");
    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "destroyed", "room_id": "live-1", "request_id": "Id-ok-1", "attempts": 1})
        ]
    );
    mock.assert_calls(2);
}

#[test]
fn destroy_missing_room_exits_5_unless_missing_ok() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "gone"}));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "gone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("room \"gone\" not found"), "{err}");
    assert!(err.contains("--missing-ok"), "{err}");
    assert!(err.contains("100004 room not exist"), "{err}");
    assert!(err.contains("RequestId Id-fail-100004"), "{err}");

    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "gone", "--missing-ok"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "gone\n");
    let out = env
        .cmd()
        .args([
            "destroy",
            "--yes",
            "--room-id",
            "gone",
            "--missing-ok",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "missing", "room_id": "gone", "error_code": 100004, "request_id": "Id-fail-100004", "attempts": 1})
        ]
    );
    mock.assert_calls(3);
}

#[test]
fn destroy_answered_100004_on_a_retry_counts_as_destroyed() {
    // The first attempt's answer is lost (502): it may have destroyed the
    // room, so the retry's "no such room" means done, not failed.
    let env = TestEnv::new();
    let tries = Arc::new(AtomicUsize::new(0));
    let t = tries.clone();
    let mock = env.server.mock(move |when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "r1"}));
        then.respond_with(move |_: &HttpMockRequest| {
            if t.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder().status(502).build()
            } else {
                json_response(&fail_reply(100004, "room not exist"))
            }
        });
    });
    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "r1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "destroyed", "room_id": "r1", "request_id": "Id-fail-100004", "attempts": 2})
        ]
    );
    mock.assert_calls(2);
}

#[test]
fn destroy_other_failures_name_the_room_and_code() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("destroy_room"));
        then.status(200)
            .json_body(fail_reply(100006, "no permission"));
    });
    let out = env
        .cmd()
        .args(["destroy", "--yes", "--room-id", "theirs", "--missing-ok"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(
        err.contains("room \"theirs\" was not destroyed: 100006 no permission"),
        "{err}"
    );
    assert!(err.contains("RequestId Id-fail-100006"), "{err}");
}

#[test]
fn destroy_dry_run_sends_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "destroy",
            "--yes",
            "--room-id",
            "r1",
            "--dry-run",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = &lines(&out)[0];
    assert_eq!(v["body"], json!({"RoomId": "r1"}));
    assert!(v["url"].as_str().unwrap().contains("/destroy_room?"), "{v}");
    assert_no_secret(&stdout(&out));

    mock.assert_calls(0);
}

#[test]
fn destroy_off_a_terminal_needs_yes_and_sends_nothing() {
    let env = TestEnv::new();
    let any = env.server.mock(|_, then| {
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["destroy", "live-1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "destroying room \"live-1\" needs --yes when stdin is not a terminal",
        ));
    // A dry run asks nothing.
    env.cmd()
        .args(["destroy", "live-1", "--dry-run"])
        .assert()
        .code(0);
    any.assert_calls(0);
}

#[test]
fn destroy_keeps_the_end_of_show_statistic() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(json!({
            "ErrorCode": 0, "ActionStatus": "OK", "RequestId": "Id-d",
            "Response": {"Statistic": {"TotalViewers": 120, "TotalGiftsSent": 3,
                                       "TotalGiftCoins": 30, "TotalLikesReceived": 500}}}));
    });
    env.cmd()
        .args(["destroy", "live-1", "--yes"])
        .assert()
        .code(0)
        .stdout("live-1\n")
        .stderr(predicates::str::contains(
            "room \"live-1\" ended with: viewers 120, gifts 3, coins 30, likes 500",
        ));
    let out = env
        .cmd()
        .args(["destroy", "live-1", "--yes", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["statistic"]["TotalViewers"], 120);
    mock.assert_calls(2);
}
