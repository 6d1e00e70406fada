//! Retries of a single create (cli.md section 5): retryable codes and HTTP
//! errors, running out, re-signing after 70001/70052, timeouts and the
//! 100010-after-uncertain rule, unreachable endpoints, --exists-ok.

mod common;

use common::*;
use serde_json::Value;
use std::time::Duration;

/// Runs `livectl create --room-id r1 ARGS` against create_room answering
/// `codes` first; returns the output and the number of requests it got.
fn create_against(codes: Vec<i64>, args: &[&str]) -> (std::process::Output, usize) {
    let env = TestEnv::new();
    let sigs = scripted(&env, codes);
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1"])
        .args(args)
        .output()
        .unwrap();
    let hits = sigs.lock().unwrap().len();
    (out, hits)
}

#[test]
fn retryable_codes_and_http_errors_are_retried() {
    let (out, hits) = create_against(vec![100001, 502, 60008], &["-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out)["attempts"], 4);
    assert_eq!(hits, 4);
}

#[test]
fn retries_run_out_with_exit_7() {
    let (out, hits) = create_against(vec![100001; 10], &["--retries", "2"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(hits, 3);
    assert!(
        stderr(&out).contains("still failing after 3 attempts"),
        "{}",
        stderr(&out)
    );

    let (out, hits) = create_against(vec![100001], &["--retries", "0"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(hits, 1);
}

#[test]
fn non_retryable_codes_are_not_retried() {
    let (out, hits) = create_against(vec![60004], &[]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(hits, 1);
}

#[test]
fn expired_usersig_is_minted_again_and_retried_once() {
    let (out, hits) = create_against(vec![70001], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(hits, 2);

    let (out, hits) = create_against(vec![70052, 70052, 70052], &[]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "once only, then it is an auth failure"
    );
    assert_eq!(hits, 2);
}

/// `livectl create --room-id r1 ARGS` against `fake`.
fn create_on(fake: &Fake, args: &[&str]) -> std::process::Output {
    let env = TestEnv::new();
    fake.cmd(&env)
        .args(["create", "--room-id", "r1", "-o", "json"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn timeout_then_exists_is_created_when_the_room_is_newer_than_the_first_send() {
    // The first request creates the room, then answers too late; the retry
    // finds it (100010); the read-back shows it was made after the first send.
    let fake = Fake::start(Duration::ZERO);
    fake.script("r1", &[Step::late(Duration::from_millis(1500))]);
    let out = create_on(&fake, &["--timeout", "1", "--retries", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["status"], "created");
    assert_eq!(v["by"], "this run");
    assert_eq!(v["attempts"], 2);
    let s = fake.lock();
    assert_eq!(s.creates["r1"], 2);
    assert_eq!(
        s.sent("get_room_info"),
        ["r1"],
        "the doubt is resolved by reading the room"
    );
}

#[test]
fn a_room_that_existed_before_is_never_reported_created_after_a_502() {
    let fake = Fake::start(Duration::ZERO);
    fake.existing("r1", unix_now() - 3600)
        .script("r1", &[Step::http(502)]);
    let out = create_on(&fake, &[]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["status"], "exists");
    assert_eq!(v["by"], "before this job");

    let fake = Fake::start(Duration::ZERO);
    fake.existing("r1", unix_now() - 3600)
        .script("r1", &[Step::http(502)]);
    let out = create_on(&fake, &["--exists-ok"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out)["status"], "exists");
}

#[test]
fn a_doubt_that_cannot_be_resolved_is_exists_never_created() {
    let fake = Fake::start(Duration::ZERO);
    // A lost answer after the work, then 100010, then the read fails.
    fake.script(
        "r1",
        &[
            Step::applied_then_http(502),
            Step::normal(),
            Step::code(100006),
        ],
    );
    let out = create_on(&fake, &[]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["status"], "exists");
    assert_eq!(v["by"], "unknown: an earlier attempt may have made it");
    assert!(
        stderr(&out).contains("may have made it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn timeouts_run_out_with_exit_7_and_a_hint() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], std::time::Duration::from_millis(1500));
    let out = fake
        .cmd(&env)
        .args([
            "create",
            "--room-id",
            "r1",
            "--timeout",
            "1",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(err.contains("timed out"), "{err}");
    assert!(err.contains("--exists-ok"), "{err}");
    assert_no_secret(&err);
}

#[test]
fn unreachable_endpoint_is_a_network_failure() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .env("LIVECTL_ENDPOINT", "http://127.0.0.1:1")
        .args(["create", "--room-id", "r1", "--retries", "1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(
        err.contains("could not connect (http://127.0.0.1:1)"),
        "{err}"
    );
    assert!(err.contains("after 2 attempts"), "{err}");
    let v = json_out(&out);
    assert_eq!(v["status"], "failed");
    assert_eq!(v["error_code"], Value::Null);
    assert_eq!(v["retryable"], true);
    assert_no_secret(&err);
}

#[test]
fn exists_ok_turns_100010_into_success() {
    let (out, _) = create_against(vec![100010], &["--exists-ok", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_out(&out)["status"], "exists");

    let (out, _) = create_against(vec![100010], &["--exists-ok"]);
    assert_eq!(stdout(&out), "r1\n");

    let (out, _) = create_against(vec![100010], &[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("--exists-ok"));
}
