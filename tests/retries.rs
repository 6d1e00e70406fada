//! Retries of a single create (cli.md section 5): retryable codes and HTTP
//! errors, running out, re-signing after 70001/70052, timeouts and the
//! 100010-after-uncertain rule, unreachable endpoints, --exists-ok.

mod common;

use common::*;
use serde_json::Value;

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

#[test]
fn timeout_then_exists_means_the_first_attempt_created_it() {
    let env = TestEnv::new();
    // The first request creates the room, then answers too late; the retry
    // finds the room there (100010).
    let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = calls.clone();
    env.server.mock(move |when, then| {
        when.path(path("create_room")).is_true(valid_request);
        then.respond_with(move |_req| {
            let first = {
                let mut c = seen.lock().unwrap();
                c.push(());
                c.len() == 1
            };
            let reply = if first {
                std::thread::sleep(std::time::Duration::from_millis(1500));
                ok_reply("r1")
            } else {
                fail_reply(100010, "exists, yours")
            };
            httpmock::HttpMockResponse::builder()
                .status(200)
                .body(reply.to_string())
                .build()
        });
    });
    let out = env
        .cmd()
        .args([
            "create",
            "--room-id",
            "r1",
            "--timeout",
            "1",
            "--retries",
            "1",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["status"], "created");
    assert_eq!(v["attempts"], 2);
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[test]
fn timeouts_run_out_with_exit_7_and_a_hint() {
    let env = TestEnv::new();
    let _state = FakeRooms::mount(&env, &[], std::time::Duration::from_millis(1500));
    let out = env
        .cmd()
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
