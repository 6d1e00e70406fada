//! `livectl admin list|add|remove`: bodies, the 5-admin limit checked before
//! sending, skipped users, output and codes.

mod common;

use common::*;
use httpmock::Method::POST;
use predicates::prelude::*;
use serde_json::json;

fn admins_reply(admins: &[&str]) -> serde_json::Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-a",
           "Response": {"Admin_Account": admins}})
}

#[test]
fn list_prints_one_admin_per_line_and_json_on_request() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_admin_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(admins_reply(&["alice", "bob"]));
    });
    env.cmd()
        .args(["admin", "list", "live-1"])
        .assert()
        .code(0)
        .stdout("alice\nbob\n");
    env.cmd()
        .args(["admin", "list", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"room_id\":\"live-1\",\"user\":\"alice\"}\n{\"room_id\":\"live-1\",\"user\":\"bob\"}\n",
        );
    m.assert_calls(2);
}

#[test]
fn add_sends_only_new_admins_and_skips_existing_ones() {
    let env = TestEnv::new();
    let read = env.server.mock(|when, then| {
        when.path(path("get_admin_list"));
        then.status(200).json_body(admins_reply(&["alice"]));
    });
    let modify = env.server.mock(|when, then| {
        when.path(path("modify_admin"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Admin_Account": ["bob"], "OpType": "add"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["admin", "add", "live-1", "alice", "bob"])
        .assert()
        .code(0)
        .stdout("bob\n")
        .stderr(predicates::str::contains("alice is already an admin"));
    read.assert_calls(1);
    modify.assert_calls(1);
}

#[test]
fn add_past_five_admins_is_refused_before_sending() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_admin_list"));
        then.status(200)
            .json_body(admins_reply(&["a1", "a2", "a3", "a4"]));
    });
    let modify = env.server.mock(|when, then| {
        when.path(path("modify_admin"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["admin", "add", "live-1", "b1", "b2"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("limit of 5")
                .and(predicates::str::contains("nothing was sent")),
        );
    modify.assert_calls(0);
}

#[test]
fn remove_a_non_admin_succeeds_without_sending_and_100020_is_explained() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_admin_list"));
        then.status(200).json_body(admins_reply(&["alice"]));
    });
    let modify = env.server.mock(|when, then| {
        when.path(path("modify_admin"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["admin", "remove", "live-1", "zed"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains("zed is not an admin"));
    modify.assert_calls(0);

    // The service still refuses when another admin was added meanwhile.
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_admin_list"));
        then.status(200).json_body(admins_reply(&[]));
    });
    env.server.mock(|when, then| {
        when.path(path("modify_admin"));
        then.status(200)
            .json_body(fail_reply(100020, "admin count over limit"));
    });
    env.cmd()
        .args(["admin", "add", "live-1", "bob"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("100020"));
}

#[test]
fn dry_run_needs_no_secret_and_reads_nothing() {
    let env = TestEnv::new();
    env.bare_cmd()
        .args(["admin", "add", "live-1", "bob", "--dry-run"])
        .assert()
        .code(0)
        .stdout(
            predicates::str::contains("/v4/live_engine_http_srv/modify_admin?")
                .and(predicates::str::contains("usersig=<redacted>"))
                .and(predicates::str::contains("\"OpType\": \"add\""))
                .and(predicates::str::contains("get_admin_list").not()),
        );
}

#[test]
fn bad_room_and_users_are_usage_errors() {
    let env = TestEnv::new();
    env.cmd()
        .args(["admin", "add", &"r".repeat(49), "bob"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("48 bytes"));
    env.cmd()
        .args(["admin", "add", "live-1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no user given"));
}
