//! `livectl webhook get|set|delete` and `webhook token set|get|delete`
//! against httpmock: exact bodies, set's fallback to update_callback on
//! 100300, and the token never in any output.

mod common;

use common::*;
use serde_json::{Value, json};

const TOKEN: &str = "wh-Token-3f9a1c77e0b24d58";

fn cfg(command: &str) -> String {
    format!("/v4/live_config/{command}")
}

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-w",
           "Response": response})
}

fn ok() -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-ok"})
}

fn no_token_anywhere(out: &std::process::Output) {
    let all = format!("{}{}", stdout(out), stderr(out));
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    assert!(
        !all.contains(&TOKEN[TOKEN.len() - 10..]),
        "part of the token leaked:\n{all}"
    );
    assert_no_secret(&all);
}

#[test]
fn set_sends_the_exact_body() {
    let env = TestEnv::new();
    let set = env.server.mock(|when, then| {
        when.path(cfg("set_callback")).json_body(json!({
            "Url": "https://hooks.example.com/live",
            "CallbackCommandList": ["Live.CallbackAfterCreateRoom", "Live.CallbackAfterDestroyRoom"]}));
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args([
            "webhook",
            "set",
            "--url",
            "https://hooks.example.com/live",
            "--events",
            "Live.CallbackAfterCreateRoom,Live.CallbackAfterDestroyRoom,Live.CallbackAfterCreateRoom",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    set.assert();
    let v = json_out(&out);
    assert_eq!(v["status"], "set");
    assert_eq!(v["events"].as_array().unwrap().len(), 2);
}

#[test]
fn set_falls_back_to_update_on_100300() {
    let env = TestEnv::new();
    let body = json!({"Url": "http://127.0.0.1:9091/cb",
                      "CallbackCommandList": ["Live.CallbackAfterMemberStateChanged"]});
    let set = env.server.mock(|when, then| {
        when.path(cfg("set_callback")).json_body(body.clone());
        then.status(200)
            .json_body(fail_reply(100300, "callback config already exists"));
    });
    let update = env.server.mock(|when, then| {
        when.path(cfg("update_callback")).json_body(body.clone());
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args([
            "webhook",
            "set",
            "--url",
            "http://127.0.0.1:9091/cb",
            "--events",
            "Live.CallbackAfterMemberStateChanged",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    set.assert();
    update.assert();
    assert!(
        stdout(&out).starts_with("webhook updated: http://127.0.0.1:9091/cb"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn set_refuses_bad_urls_and_unknown_events_before_sending() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args([
            "webhook",
            "set",
            "--url",
            "hooks.example.com",
            "--events",
            "Live.CallbackAfterCreateRoom",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("http:// or https://"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args([
            "webhook",
            "set",
            "--url",
            "https://h.example",
            "--events",
            "Live.CallbackAfterDestoryRoom",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did you mean Live.CallbackAfterDestroyRoom?"),
        "{}",
        stderr(&out)
    );
    any.assert_calls(0);
}

#[test]
fn a_refused_set_exits_with_its_code() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(cfg("set_callback"));
        then.status(200).json_body(fail_reply(100002, "bad url"));
    });
    let out = env
        .cmd()
        .args([
            "webhook",
            "set",
            "--url",
            "https://h.example",
            "--events",
            "Live.CallbackAfterCreateRoom",
        ])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("the webhook was not set"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("100002"), "{}", stderr(&out));
}

#[test]
fn get_shows_url_and_events_or_says_none() {
    let env = TestEnv::new();
    let mut m = env.server.mock(|when, then| {
        when.path(cfg("get_callback")).json_body(json!({}));
        then.status(200).json_body(reply(json!({
            "Url": "https://h.example/\u{1b}[0mx",
            "CallbackCommandList": ["Live.CallbackAfterCreateRoom", "Live.CallbackAfterDestroyRoom"]})));
    });
    let out = env.cmd().args(["webhook", "get"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "URL:    https://h.example/\\e[0mx\nEvents: Live.CallbackAfterCreateRoom\n        Live.CallbackAfterDestroyRoom\n"
    );
    let out = env
        .cmd()
        .args(["webhook", "get", "-o", "json"])
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["url"], "https://h.example/\u{1b}[0mx");
    assert_eq!(v["configured"], true);
    m.delete();
    env.server.mock(|when, then| {
        when.path(cfg("get_callback"));
        then.status(200).json_body(fail_reply(100301, "no config"));
    });
    let out = env.cmd().args(["webhook", "get"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no webhook configured\n");
}

#[test]
fn delete_needs_yes_off_a_terminal() {
    let env = TestEnv::new();
    let del = env.server.mock(|when, then| {
        when.path(cfg("delete_callback")).json_body(json!({}));
        then.status(200).json_body(ok());
    });
    let out = env.cmd().args(["webhook", "delete"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    del.assert_calls(0);
    let out = env
        .cmd()
        .args(["webhook", "delete", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    del.assert_calls(1);
    let tdel = env.server.mock(|when, then| {
        when.path(cfg("delete_callback_token")).json_body(json!({}));
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args(["webhook", "token", "delete"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env
        .cmd()
        .args(["webhook", "token", "delete", "-y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    tdel.assert_calls(1);
}

#[test]
fn token_set_reads_stdin_or_a_file_and_never_prints_it() {
    let env = TestEnv::new();
    let set = env.server.mock(|when, then| {
        when.path(cfg("set_callback_token"))
            .json_body(json!({"Token": TOKEN, "IsTokenEnable": true}));
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args(["webhook", "token", "set", "--token-stdin", "-v"])
        .write_stdin(format!("{TOKEN}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_token_anywhere(&out);
    set.assert_calls(1);
    let disabled = env.server.mock(|when, then| {
        when.path(cfg("set_callback_token"))
            .json_body(json!({"Token": TOKEN, "IsTokenEnable": false}));
        then.status(200).json_body(ok());
    });
    let file = env.write("token.txt", &format!("{TOKEN}\n"));
    let out = env
        .cmd()
        .args([
            "webhook",
            "token",
            "set",
            "--disable",
            "-o",
            "json",
            "--token-file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_token_anywhere(&out);
    disabled.assert_calls(1);
    // A dry run shows the request, the token redacted.
    let out = env
        .cmd()
        .args(["webhook", "token", "set", "--dry-run", "--token-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    no_token_anywhere(&out);
    assert!(stdout(&out).contains("<redacted>"), "{}", stdout(&out));
    set.assert_calls(1);
}

#[test]
fn token_set_refuses_a_flag_an_empty_or_a_long_token_without_echoing_it() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok());
    });
    let out = env
        .cmd()
        .args(["webhook", "token", "set", "--token", TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .cmd()
        .args(["webhook", "token", "set"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--token-stdin or --token-file"),
        "{}",
        stderr(&out)
    );
    let long = format!("{TOKEN}{}", "x".repeat(128));
    let out = env
        .cmd()
        .args(["webhook", "token", "set", "--token-stdin"])
        .write_stdin(long.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&long[..20]), "{}", stderr(&out));
    no_token_anywhere(&out);
    let out = env
        .cmd()
        .args(["webhook", "token", "set", "--token-stdin"])
        .write_stdin("\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    any.assert_calls(0);
}

#[test]
fn token_get_says_whether_and_shows_only_on_request() {
    let env = TestEnv::new();
    let mut m = env.server.mock(|when, then| {
        when.path(cfg("get_callback_token")).json_body(json!({}));
        then.status(200)
            .json_body(reply(json!({"Token": TOKEN, "IsTokenEnable": true})));
    });
    let out = env
        .cmd()
        .args(["webhook", "token", "get", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "token: set, enabled (events are signed)\n");
    no_token_anywhere(&out);
    let out = env
        .cmd()
        .args(["webhook", "token", "get", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_out(&out), json!({"set": true, "enabled": true}));
    no_token_anywhere(&out);
    let out = env
        .cmd()
        .args(["webhook", "token", "get", "--show"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).ends_with(&format!("\n{TOKEN}\n")),
        "{}",
        stdout(&out)
    );
    m.delete();
    env.server.mock(|when, then| {
        when.path(cfg("get_callback_token"));
        then.status(200).json_body(fail_reply(100302, "no token"));
    });
    let out = env
        .cmd()
        .args(["webhook", "token", "get"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "token: not set\n");
}
