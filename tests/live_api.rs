//! `livectl api PATH`: the body built from --data, -f and -F (exact bodies),
//! the whole answer printed, exit codes by the failure's class, an unusable
//! answer, paths refused before sending, and --dry-run.

mod common;

use common::*;
use httpmock::Method::POST;
use predicates::prelude::*;
use serde_json::{Value, json};

fn ok(rest: Value) -> Value {
    let mut v = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-a"});
    for (k, x) in rest.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

#[test]
fn a_body_from_data_and_fields_is_sent_and_the_whole_answer_printed() {
    let env = TestEnv::new();
    let answer = ok(
        json!({"UserProfileItem": [{"To_Account": "host", "ProfileItem": [],
                                               "ResultCode": 0, "ResultInfo": ""}],
                           "ErrorDisplay": ""}),
    );
    let m = env.server.mock(|when, then| {
        when.method(POST)
            .path("/v4/profile/portrait_get")
            .is_true(valid_request)
            .json_body(
                json!({"To_Account": ["host"], "TagList": ["Tag_Profile_IM_Nick"],
                              "Note": "1", "Flag": true}),
            );
        then.status(200).json_body(answer.clone());
    });
    let out = env
        .cmd()
        .args([
            "api",
            "profile/portrait_get",
            "--data",
            r#"{"To_Account":["x"],"Flag":false}"#,
        ])
        .args([
            "-F",
            r#"To_Account:=["host"]"#,
            "-F",
            r#"TagList:=["Tag_Profile_IM_Nick"]"#,
        ])
        .args(["-f", "Note=1", "-F", "Flag:=true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out), answer);
    assert_no_secret(&stdout(&out));
    env.cmd()
        .args([
            "api",
            "profile/portrait_get",
            "--jq",
            ".UserProfileItem[0].To_Account",
        ])
        .args([
            "-F",
            r#"To_Account:=["host"]"#,
            "-F",
            r#"TagList:=["Tag_Profile_IM_Nick"]"#,
        ])
        .args(["-f", "Note=1", "-F", "Flag:=true"])
        .assert()
        .code(0)
        .stdout("host\n");
    m.assert_calls(2);
}

#[test]
fn a_bare_command_is_the_live_service_and_data_comes_from_a_file_or_stdin() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_room_info"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200)
            .json_body(ok(json!({"Response": {"RoomInfo": {"RoomId": "live-1"}}})));
    });
    let file = env.write("body.json", r#"{"RoomId": "live-1"}"#);
    env.cmd()
        .args(["api", "get_room_info", "--data"])
        .arg(format!("@{}", file.display()))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            r#""Response":{"RoomInfo":{"RoomId":"live-1"}}"#,
        ));
    env.cmd()
        .args(["api", "get_room_info", "--data", "-"])
        .write_stdin(r#"{"RoomId": "live-1"}"#)
        .assert()
        .code(0);
    env.cmd()
        .args(["api", "get_room_info", "-f", "RoomId=live-1"])
        .assert()
        .code(0);
    m.assert_calls(3);
}

#[test]
fn a_failure_prints_the_answer_and_exits_by_its_class() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["api", "get_room_info", "-f", "RoomId=gone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(json_out(&out)["ErrorCode"], 100004);
    assert!(stderr(&out).contains("100004"), "{}", stderr(&out));
    m.assert_calls(1);
    let auth = env.server.mock(|when, then| {
        when.path("/v4/profile/portrait_set");
        then.status(200)
            .json_body(fail_reply(70001, "usersig expired"));
    });
    env.cmd()
        .args(["api", "profile/portrait_set", "--retries", "0"])
        .assert()
        .code(4);
    assert!(auth.calls() >= 1);
}

#[test]
fn an_answer_without_a_numeric_error_code_is_exit_7() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path("/v4/im_open_login_svc/account_check");
        then.status(200)
            .json_body(json!({"ActionStatus": "OK", "ErrorCode": "0", "ResultItem": []}));
    });
    env.cmd()
        .args(["api", "im_open_login_svc/account_check", "--retries", "0"])
        .assert()
        .code(7)
        .stdout("");
    m.assert_calls(1);
    // A known path's answer must carry its `returns`.
    let shape = env.server.mock(|when, then| {
        when.path("/v4/im_open_login_svc/multiaccount_import");
        then.status(200).json_body(ok(json!({})));
    });
    env.cmd()
        .args([
            "api",
            "im_open_login_svc/multiaccount_import",
            "--retries",
            "0",
        ])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("FailAccounts is missing"));
    shape.assert_calls(1);
}

#[test]
fn bad_paths_and_fields_are_refused_before_sending() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok(json!({})));
    });
    for args in [
        &["api", "v4/profile/portrait_get"][..],
        &["api", "a/b/c"],
        &["api", "../etc"],
        &["api", "get_room_info?x=1"],
        &["api", "get_room_info", "-f", "Index:=2"],
        &["api", "get_room_info", "-F", "Index=2"],
        &["api", "get_room_info", "-F", "Index:=nope"],
        &["api", "get_room_info", "--data", "[1]"],
        &["api", "get_room_info", "--data", "{"],
    ] {
        env.cmd().args(args).assert().code(2);
    }
    any.assert_calls(0);
}

#[test]
fn dry_run_prints_the_request_without_the_usersig() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "api",
            "live_engine_http_srv/get_gift",
            "-F",
            "GiftId:=7",
            "--dry-run",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(v["body"], json!({"GiftId": 7}));
    let url = v["url"].as_str().unwrap();
    assert!(url.contains("/v4/live_engine_http_srv/get_gift?"), "{url}");
    assert!(url.contains("usersig=<redacted>"), "{url}");
    any.assert_calls(0);
}
