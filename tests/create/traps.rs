//! Common mistakes on the command line explain themselves (exit 2, nothing
//! sent): batch flags without `--from-csv`, `--public false`, negative
//! counts, values beyond the service's 32-bit fields, empty `--name` and
//! `--owner`.

use crate::common::*;
use httpmock::Method::POST;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

/// A server that counts every request; each test asserts it got none.
fn any_request(env: &TestEnv) -> httpmock::Mock<'_> {
    env.server.mock(|when, then| {
        when.method(POST);
        then.status(200).json_body(ok_reply("r"));
    })
}

#[test]
fn batch_flags_on_a_single_create_or_destroy_are_usage_errors() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    for (flags, named) in [
        (&["--report", "r.jsonl"][..], "--report: it is a batch flag"),
        (
            &["--concurrency", "8"][..],
            "--concurrency: it is a batch flag",
        ),
        (&["--rate", "10"][..], "--rate: it is a batch flag"),
        (&["--resume"][..], "--resume: it is a batch flag"),
        (&["--fail-fast"][..], "--fail-fast: it is a batch flag"),
        (
            &["--fail-fast", "--rate", "5"][..],
            "--rate, --fail-fast: they are batch flags",
        ),
    ] {
        for command in ["create", "destroy"] {
            env.cmd()
                .args([command, "--room-id", "r"])
                .args(flags)
                .assert()
                .code(2)
                .stderr(contains(named))
                .stderr(contains("needs --from-csv FILE"));
        }
    }
    mock.assert_calls(0);
    assert!(!env.dir.path().join("r.jsonl").exists());
}

#[test]
fn resume_in_a_batch_needs_a_report() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    let csv = env.write("rooms.csv", "room_id\nr1\n");
    env.cmd()
        .args(["create", "--resume", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("--resume: needs --report FILE"));
    mock.assert_calls(0);
}

#[test]
fn a_bool_value_after_a_space_says_to_use_equals() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    env.cmd()
        .args(["create", "--room-id", "r", "--public", "false"])
        .assert()
        .code(2)
        .stderr(contains("bool flags take `=`: `--public=false`"));
    env.cmd()
        .args(["update", "--room-id", "r", "--message-disabled", "true"])
        .assert()
        .code(2)
        .stderr(contains("`--message-disabled=true`"));
    mock.assert_calls(0);
}

#[test]
fn negative_counts_must_be_positive() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    for args in [
        &["create", "--room-id", "r", "--max-members", "-5"][..],
        &["create", "--room-id", "r", "--max-seats=-1"][..],
        &["update", "--room-id", "r", "--max-members", "-5"][..],
        &["list", "--limit", "-3"][..],
    ] {
        env.cmd()
            .args(args)
            .assert()
            .code(2)
            .stderr(contains("must be positive"))
            .stderr(contains("unexpected argument").not());
    }
    env.cmd()
        .args(["get", "--room-id", "r", "--timeout", "-1"])
        .assert()
        .code(2)
        .stderr(contains("--timeout <SECS>"))
        .stderr(contains("must be positive"));
    env.cmd()
        .args(["get", "--room-id", "r", "--retries", "-1"])
        .assert()
        .code(2)
        .stderr(contains("must be 0 or more"));
    let csv = env.write("rooms.csv", "room_id\nr1\n");
    env.cmd()
        .args(["create", "--concurrency", "-2", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("--concurrency <N>"))
        .stderr(contains("must be positive"));
    mock.assert_calls(0);
}

#[test]
fn values_beyond_the_services_32_bit_fields_are_refused() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    env.cmd()
        .args(["create", "--room-id", "r", "--max-members", "2147483648"])
        .assert()
        .code(2)
        .stderr(contains("--max-members: 2147483648 is too large"))
        .stderr(contains("at most 2147483647"));
    env.cmd()
        .args(["update", "--room-id", "r", "--activity-status=-2147483649"])
        .assert()
        .code(2)
        .stderr(contains("--activity-status: -2147483649 is out of range"));
    env.cmd()
        .args(["create", "--room-id", "r", "--category", "1,99999999999"])
        .assert()
        .code(2)
        .stderr(contains("--category: 99999999999 is out of range"));
    let csv = env.write("rooms.csv", "room_id,max_seats\nr1,3000000000\n");
    env.cmd()
        .args(["create", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("rooms.csv:2: max_seats: 3000000000 is too large"));
    mock.assert_calls(0);
}

#[test]
fn an_empty_name_or_owner_is_refused_alike() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    for (flag, what) in [("--name", "a name"), ("--owner", "a user ID")] {
        env.cmd()
            .args(["create", "--room-id", "r", flag, ""])
            .assert()
            .code(2)
            .stderr(contains(format!("{flag}: is empty; give {what}")));
    }
    env.cmd()
        .args(["update", "--room-id", "r", "--name", " "])
        .assert()
        .code(2)
        .stderr(contains("--name: is empty"));
    mock.assert_calls(0);
}

#[test]
fn text_mode_says_when_the_room_was_there_already() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST).path(path("create_room"));
        then.status(200)
            .json_body(fail_reply(100010, "room already exists"));
    });
    env.cmd()
        .args(["create", "--room-id", "live-1", "--exists-ok"])
        .assert()
        .code(0)
        .stdout("live-1\n")
        .stderr(contains("room \"live-1\": exists; counted as done"));
    // -o json says it in the object; stderr stays quiet.
    env.cmd()
        .args(["create", "--room-id", "live-1", "--exists-ok", "-o", "json"])
        .assert()
        .code(0)
        .stdout(contains("\"status\":\"exists\""))
        .stderr("");
    mock.assert_calls(2);

    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.method(POST).path(path("destroy_room"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    env.cmd()
        .args(["destroy", "--yes", "--room-id", "live-1", "--missing-ok"])
        .assert()
        .code(0)
        .stdout("live-1\n")
        .stderr(contains("room \"live-1\": already gone; counted as done"));
}
