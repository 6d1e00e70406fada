//! `livectl meta get|set|delete`: bodies, the limits checked before sending
//! (10 keys, key 50 bytes, value 2 KB, 16 KB in all), skipped keys, output,
//! codes and `--dry-run`.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use predicates::prelude::*;
use serde_json::{Value, json};

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-m",
           "Response": response})
}

fn metadata(pairs: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = pairs
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    json!({ "Metadata": list })
}

/// get_room_metadata with `Keys: []` answering `pairs`.
fn mount_all<'a>(server: &'a MockServer, pairs: &[(&str, &str)]) -> Mock<'a> {
    let answer = reply(metadata(pairs));
    server.mock(|when, then| {
        when.method(POST)
            .path(path("get_room_metadata"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Keys": []}));
        then.status(200).json_body(answer);
    })
}

fn mount_any<'a>(server: &'a MockServer, command: &str) -> Mock<'a> {
    server.mock(|when, then| {
        when.path(path(command));
        then.status(200).json_body(ok_reply("live-1"));
    })
}

fn mount_ok<'a>(server: &'a MockServer, command: &str, body: Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path(path(command))
            .is_true(valid_request)
            .json_body(body);
        then.status(200).json_body(ok_reply("live-1"));
    })
}

#[test]
fn get_shows_a_key_value_table_and_json_has_every_field() {
    let env = TestEnv::new();
    let m = mount_all(
        &env.server,
        &[("topic", "launch"), ("语言", "中文"), ("note", "")],
    );
    env.cmd()
        .args(["meta", "get", "live-1"])
        .assert()
        .code(0)
        .stdout("KEY    VALUE\ntopic  launch\n语言   中文\nnote   -\n");
    env.cmd()
        .args(["meta", "get", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"room_id\":\"live-1\",\"key\":\"topic\",\"value\":\"launch\"}\n\
             {\"room_id\":\"live-1\",\"key\":\"语言\",\"value\":\"中文\"}\n\
             {\"room_id\":\"live-1\",\"key\":\"note\",\"value\":\"\"}\n",
        );
    m.assert_calls(2);
}

#[test]
fn get_named_keys_says_which_are_not_set() {
    let env = TestEnv::new();
    let answer = reply(metadata(&[("topic", "launch")]));
    let m = env.server.mock(|when, then| {
        when.path(path("get_room_metadata"))
            .json_body(json!({"RoomId": "live-1", "Keys": ["topic", "nope"]}));
        then.status(200).json_body(answer);
    });
    env.cmd()
        .args(["meta", "get", "live-1", "topic", "nope"])
        .assert()
        .code(0)
        .stdout("KEY    VALUE\ntopic  launch\n")
        .stderr(predicates::str::contains(
            "key \"nope\" is not set in room \"live-1\"",
        ));
    m.assert_calls(1);
}

#[test]
fn set_sends_pairs_and_file_values_and_skips_unchanged_keys() {
    let env = TestEnv::new();
    let read = mount_all(&env.server, &[("lang", "en")]);
    let set = mount_ok(
        &env.server,
        "set_room_metadata",
        json!({"RoomId": "live-1", "Metadata": [
            {"Key": "from_file", "Value": "1"},
            {"Key": "topic", "Value": "launch=day"}
        ]}),
    );
    let file = env.write(
        "m.json",
        r#"{"from_file": "1", "topic": "old", "lang": "en"}"#,
    );
    env.cmd()
        .args(["meta", "set", "live-1", "topic=launch=day", "--from-json"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout("from_file\ntopic\n")
        .stderr(predicates::str::contains(
            "key \"lang\" of room \"live-1\" has that value already",
        ));
    read.assert_calls(1);
    set.assert_calls(1);
}

#[test]
fn set_json_output_names_the_keys() {
    let env = TestEnv::new();
    mount_all(&env.server, &[]);
    mount_any(&env.server, "set_room_metadata");
    env.cmd()
        .args(["meta", "set", "live-1", "a=1", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"status\":\"set\",\"room_id\":\"live-1\",\"keys\":[\"a\"],\"request_id\":\"Id-ok-1\"}\n");
}

#[test]
fn more_than_ten_keys_counting_the_room_is_refused_before_sending() {
    let env = TestEnv::new();
    let nine: Vec<(String, String)> = (0..9).map(|i| (format!("k{i}"), "v".to_string())).collect();
    let nine: Vec<(&str, &str)> = nine.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    mount_all(&env.server, &nine);
    let set = mount_any(&env.server, "set_room_metadata");
    env.cmd()
        .args(["meta", "set", "live-1", "n1=a", "n2=b"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("would have 11 keys")
                .and(predicates::str::contains("at most 10"))
                .and(predicates::str::contains("nothing was sent")),
        );
    // Replacing a key and adding one stays at 10.
    env.cmd()
        .args(["meta", "set", "live-1", "k0=new", "n1=a"])
        .assert()
        .code(0);
    set.assert_calls(1);
}

#[test]
fn key_value_and_total_sizes_are_refused_before_sending() {
    let env = TestEnv::new();
    let big = "x".repeat(2048);
    let seven: Vec<(String, String)> = (0..7).map(|i| (format!("k{i}"), big.clone())).collect();
    let seven: Vec<(&str, &str)> = seven
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let read = mount_all(&env.server, &seven);
    let set = mount_any(&env.server, "set_room_metadata");
    env.cmd()
        .args(["meta", "set", "live-1", &format!("{}=v", "k".repeat(51))])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at most 50 bytes"));
    read.assert_calls(0);
    env.cmd()
        .args(["meta", "set", "live-1", &format!("a={}", "x".repeat(2049))])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("2049 bytes").and(predicates::str::contains("2 KB")));
    // 7 x 2048 in the room + 2 x 2048 new = 18432 bytes > 16 KB.
    env.cmd()
        .args([
            "meta",
            "set",
            "live-1",
            &format!("a={big}"),
            &format!("b={big}"),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("18432 bytes").and(predicates::str::contains("16 KB")));
    set.assert_calls(0);
}

#[test]
fn a_json_file_of_non_strings_is_refused_naming_file_and_key() {
    let env = TestEnv::new();
    let any = mount_any(&env.server, "get_room_metadata");
    let file = env.write("bad.json", r#"{"count": 5}"#);
    env.cmd()
        .args(["meta", "set", "live-1", "--from-json"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("bad.json")
                .and(predicates::str::contains("\"count\""))
                .and(predicates::str::contains("not a string")),
        );
    env.cmd()
        .args(["meta", "set", "live-1", "novalue"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not KEY=VALUE"));
    any.assert_calls(0);
}

#[test]
fn delete_skips_missing_keys_and_sends_the_rest() {
    let env = TestEnv::new();
    mount_all(&env.server, &[("topic", "launch"), ("lang", "en")]);
    let del = mount_ok(
        &env.server,
        "del_room_metadata",
        json!({"RoomId": "live-1", "Keys": ["topic"]}),
    );
    env.cmd()
        .args(["meta", "delete", "live-1", "topic", "gone"])
        .assert()
        .code(0)
        .stdout("topic\n")
        .stderr(predicates::str::contains(
            "key \"gone\" is not set in room \"live-1\": skipped",
        ));
    env.cmd()
        .args(["meta", "delete", "live-1", "gone"])
        .assert()
        .code(0)
        .stdout("");
    del.assert_calls(1);
}

#[test]
fn a_service_limit_code_is_reported_with_exit_5() {
    let env = TestEnv::new();
    mount_all(&env.server, &[]);
    env.server.mock(|when, then| {
        when.path(path("set_room_metadata"));
        then.status(200)
            .json_body(fail_reply(100500, "too many keys"));
    });
    env.cmd()
        .args(["meta", "set", "live-1", "a=1"])
        .assert()
        .code(5)
        .stderr(
            predicates::str::contains("the metadata of room \"live-1\" was not set: 100500")
                .and(predicates::str::contains("Id-fail-100500")),
        );
}

#[test]
fn dry_run_needs_no_secret_and_reads_nothing() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["meta", "delete", "live-1", "topic", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("/v4/live_engine_http_srv/del_room_metadata?"),
        "{text}"
    );
    assert!(text.contains("usersig=<redacted>"), "{text}");
    assert!(!text.contains("get_room_metadata"), "{text}");
    assert_no_secret(&text);
}

#[test]
fn an_empty_room_says_so_on_stderr_and_prints_nothing() {
    let env = TestEnv::new();
    mount_all(&env.server, &[]);
    env.cmd()
        .args(["meta", "get", "live-1"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("room \"live-1\" has no metadata\n");
}
