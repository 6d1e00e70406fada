//! `livectl robot list|add|remove`: bodies, the 3-robot limit checked
//! before sending, skipped users, output and codes.

mod common;

use common::*;
use httpmock::Method::POST;
use predicates::prelude::*;
use serde_json::json;

fn robots_reply(robots: &[&str]) -> serde_json::Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-r",
           "Response": {"RobotList_Account": robots}})
}

#[test]
fn list_prints_one_robot_per_line_and_json_on_request() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_robot"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200)
            .json_body(robots_reply(&["live_obs_host1", "bot2"]));
    });
    env.cmd()
        .args(["robot", "list", "live-1"])
        .assert()
        .code(0)
        .stdout("live_obs_host1\nbot2\n");
    env.cmd()
        .args(["robot", "list", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"room_id\":\"live-1\",\"user\":\"live_obs_host1\"}\n\
             {\"room_id\":\"live-1\",\"user\":\"bot2\"}\n",
        );
    m.assert_calls(2);
}

#[test]
fn add_sends_only_new_robots_and_skips_existing_ones() {
    let env = TestEnv::new();
    let read = env.server.mock(|when, then| {
        when.path(path("get_robot"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(robots_reply(&["r1"]));
    });
    let add = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("add_robot"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "RobotList_Account": ["r2", "r3"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["robot", "add", "live-1", "r1", "r2", "r3"])
        .assert()
        .code(0)
        .stdout("r2\nr3\n")
        .stderr(predicates::str::contains(
            "r1 is already a robot of room \"live-1\": skipped",
        ));
    read.assert_calls(1);
    add.assert_calls(1);
}

#[test]
fn a_fourth_robot_is_refused_before_sending() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_robot"));
        then.status(200)
            .json_body(robots_reply(&["r1", "r2", "r3"]));
    });
    let add = env.server.mock(|when, then| {
        when.path(path("add_robot"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["robot", "add", "live-1", "r4"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("room \"live-1\" has 3 robots (r1, r2, r3)")
                .and(predicates::str::contains("limit of 3"))
                .and(predicates::str::contains("nothing was sent")),
        );
    // Four at once is refused before even reading the list.
    env.bare_cmd()
        .args(["robot", "add", "live-1", "a", "b", "c", "d", "--dry-run"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("at most 3 robots"));
    // Adding one already there is no change and no call, even at the limit.
    env.cmd()
        .args(["robot", "add", "live-1", "r3"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("r3 is already a robot"));
    add.assert_calls(0);
}

#[test]
fn remove_skips_users_who_are_not_robots() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_robot"));
        then.status(200).json_body(robots_reply(&["r1", "r2"]));
    });
    let del = env.server.mock(|when, then| {
        when.path(path("del_robot"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "RobotList_Account": ["r2"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["robot", "remove", "live-1", "zed"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains(
            "zed is not a robot of room \"live-1\": skipped",
        ));
    del.assert_calls(0);
    env.cmd()
        .args(["robot", "remove", "live-1", "r2", "zed", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"status\":\"removed\",\"room_id\":\"live-1\",\"users\":[\"r2\"],\
             \"request_id\":\"Id-ok-1\",\"attempts\":1}\n",
        );
    del.assert_calls(1);
}

#[test]
fn service_codes_are_explained_and_a_missing_room_is_named() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_robot"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(robots_reply(&[]));
    });
    env.server.mock(|when, then| {
        when.path(path("add_robot"));
        then.status(200)
            .json_body(fail_reply(100006, "room type must be Live"));
    });
    env.cmd()
        .args(["robot", "add", "live-1", "r1"])
        .assert()
        .code(5)
        .stderr(
            predicates::str::contains("users were not added as robots to room \"live-1\": 100006")
                .and(predicates::str::contains("Id-fail-100006")),
        );

    env.server.mock(|when, then| {
        when.path(path("get_robot"))
            .json_body(json!({"RoomId": "gone-1"}));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["robot", "list", "gone-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("room \"gone-1\" not found"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_out(&out)["error_code"], 100004);
    assert_no_secret(&stderr(&out));
    // remove, too, stops at a missing room rather than going on unchecked.
    env.cmd()
        .args(["robot", "remove", "gone-1", "r1"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("room \"gone-1\" not found"));
}

#[test]
fn add_goes_ahead_when_the_list_is_refused() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_robot"));
        then.status(200).json_body(fail_reply(100002, "bad param"));
    });
    let add = env.server.mock(|when, then| {
        when.path(path("add_robot"))
            .json_body(json!({"RoomId": "live-1", "RobotList_Account": ["r1"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["robot", "add", "live-1", "r1"])
        .assert()
        .code(0)
        .stdout("r1\n")
        .stderr(predicates::str::contains(
            "warning: could not read the robots of room \"live-1\": 100002",
        ));
    add.assert_calls(1);
}

#[test]
fn dry_run_needs_no_secret_and_reads_nothing() {
    let env = TestEnv::new();
    env.bare_cmd()
        .args(["robot", "add", "live-1", "r1", "--dry-run"])
        .assert()
        .code(0)
        .stdout(
            predicates::str::contains("/v4/live_engine_http_srv/add_robot?")
                .and(predicates::str::contains("usersig=<redacted>"))
                .and(predicates::str::contains(
                    "\"RobotList_Account\": [\n    \"r1\"\n  ]",
                ))
                .and(predicates::str::contains("get_robot").not()),
        );
}
