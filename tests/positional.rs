//! cli.md §6: every one-room command takes the room as its first argument,
//! and `--room-id` keeps working; neither, or both, is a usage error.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::json;

#[test]
fn get_update_destroy_and_create_take_the_room_first() {
    let env = TestEnv::new();
    let info = env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200)
            .json_body(json!({"ActionStatus": "OK", "ErrorCode": 0,
            "ErrorInfo": "", "RequestId": "Id-1", "Response": {"RoomInfo": {"RoomId": "live-1"}}}));
    });
    let update = env.server.mock(|when, then| {
        when.path(path("update_room_info"))
            .json_body(json!({"RoomInfo": {"RoomId": "live-1", "RoomName": "new"}}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let destroy = env.server.mock(|when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let create = env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    for args in [["get", "live-1"], ["get", "--room-id=live-1"]] {
        env.cmd()
            .args(args)
            .assert()
            .code(0)
            .stdout(predicates::str::contains("live-1"));
    }
    env.cmd()
        .args(["update", "live-1", "--name", "new"])
        .assert()
        .code(0);
    env.cmd()
        .args(["destroy", "live-1", "--yes"])
        .assert()
        .code(0);
    env.cmd()
        .args(["create", "live-1", "--name", "x"])
        .assert()
        .code(0)
        .stdout("live-1\n");
    info.assert_calls(2);
    update.assert_calls(1);
    destroy.assert_calls(1);
    create.assert_calls(1);
}

#[test]
fn no_room_both_rooms_or_a_bool_value_as_the_room_send_nothing() {
    let env = TestEnv::new();
    let any = env.server.mock(|_, then| {
        then.status(200).json_body(ok_reply("x"));
    });
    for cmd in ["get", "update", "destroy", "create"] {
        env.cmd().arg(cmd).assert().code(2).stderr(
            predicates::str::contains("no room given").and(predicates::str::contains("--room-id")),
        );
        env.cmd()
            .args([cmd, "a", "--room-id", "b"])
            .assert()
            .code(2);
    }
    env.cmd()
        .args(["create", "--public", "false"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--public=false"));
    any.assert_calls(0);
}

#[test]
fn every_room_command_takes_room_or_room_id_and_a_missing_room_names_both() {
    let env = TestEnv::new();
    let stats = env.server.mock(|when, then| {
        when.path(path("get_room_stats"))
            .json_body(serde_json::json!({"RoomId": "live-1"}));
        then.status(200).json_body(serde_json::json!({
            "ErrorCode": 0, "ActionStatus": "OK", "RequestId": "Id-s", "Response": {"TotalViewers": 1}}));
    });
    env.cmd().args(["stats", "live-1"]).assert().code(0);
    env.cmd()
        .args(["stats", "--room-id", "live-1"])
        .assert()
        .code(0);
    stats.assert_calls(2);
    env.cmd()
        .args(["member", "banned", "--room-id", "live-1", "--dry-run"])
        .assert()
        .code(0);
    env.cmd()
        .args(["stats"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ROOM").and(predicates::str::contains("--room-id ID")));
    env.cmd()
        .args(["stats", "a", "--room-id", "b"])
        .assert()
        .code(2);
    env.cmd()
        .args(["delete", "live-1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `livectl destroy`?"));
}

#[test]
fn room_id_works_wherever_it_stands_before_or_after_other_positionals() {
    let env = TestEnv::new();
    for args in [
        vec![
            "seat",
            "pick",
            "--room-id",
            "r1",
            "u1",
            "--index",
            "2",
            "--dry-run",
        ],
        vec![
            "seat",
            "pick",
            "u1",
            "--index",
            "2",
            "--room-id=r1",
            "--dry-run",
        ],
        vec!["seat", "pick", "r1", "u1", "--index", "2", "--dry-run"],
    ] {
        let out = env.cmd().args(&args).args(["-o", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let v = json_out(&out);
        assert_eq!(
            v["body"],
            json!({"RoomId": "r1", "Index": 2, "Member_Account": "u1"}),
            "{args:?}"
        );
    }
}

#[test]
fn suggestions_are_for_typos_only() {
    let env = TestEnv::new();
    env.cmd()
        .args(["get", "x", "--nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("similar argument").not());
    env.cmd()
        .args(["get", "x", "--endpont", "y"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a similar argument exists: '--endpoint'",
        ));
    env.cmd()
        .args(["profile", "set", "default", "regoin", "singapore"])
        .assert()
        .stderr(predicates::str::contains("(did you mean \"region\"?)"));
}
