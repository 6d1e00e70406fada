//! Values are data (issue 15): IDs and values from the service reach
//! `-o json` exactly and the terminal visibly escaped, decisions compare
//! exact values, a success without what its endpoint returns is unusable
//! (exit 7, never an empty list), lists stop on a budget with a message,
//! and ID arguments share one reader (BOM, comments, duplicates, keys).

mod common;

use common::*;
use httpmock::Method::POST;
use predicates::prelude::*;
use serde_json::{Value, json};

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-v",
           "Response": response})
}

const ESC_ROOM: &str = "\u{1b}[0mprod-main";

#[test]
fn a_room_id_with_control_characters_is_exact_in_json_and_escaped_in_text() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_list"));
        then.status(200)
            .json_body(reply(json!({"Next": "", "RoomList": [
            {"RoomId": ESC_ROOM, "Owner_Account": "spammer", "RoomName": "a\nb"},
            {"RoomId": "prod-main", "Owner_Account": "administrator"}]})));
    });
    let out = env.cmd().args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(r#""room_id":"\u001b[0mprod-main""#), "{text}");
    let rooms = json_lines(&out);
    assert_eq!(rooms[0]["room_id"], ESC_ROOM);
    assert_eq!(rooms[0]["owner"], "spammer");
    assert_eq!(rooms[1]["room_id"], "prod-main");
    // Text: nothing dropped, nothing raw, one line per room.
    let out = env.cmd().args(["list"]).output().unwrap();
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains(r"\e[0mprod-main"), "{text}");
    assert!(text.contains(r"a\nb"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn decisions_compare_exact_ids_and_values() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"));
        then.status(200).json_body(reply(json!({
            "BannedAccountList": [{"Member_Account": "\u{1b}[0mu1", "BannedUntil": 4_102_444_800u64}],
            "NextOffset": 0})));
    });
    let plain = env.server.mock(|when, then| {
        when.path(path("unban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["u1"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let exact = env.server.mock(|when, then| {
        when.path(path("unban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["\u{1b}[0mu1"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    // "u1" is not the banned "\e[0mu1": skipped, nothing sent.
    env.cmd()
        .args(["member", "unban", "live-1", "u1"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains(
            "u1 is not banned from room \"live-1\": skipped",
        ));
    plain.assert_calls(0);
    // The exact ID, as `-o json` printed it, unbans the banned user.
    env.cmd()
        .args(["member", "unban", "live-1", "\u{1b}[0mu1"])
        .assert()
        .code(0)
        .stdout("\\e[0mu1\n");
    exact.assert_calls(1);

    // The service holds "\e[31mred": setting c=red is a change, not a skip.
    env.server.mock(|when, then| {
        when.path(path("get_room_metadata"));
        then.status(200).json_body(reply(json!({"Metadata": [
            {"Key": "c", "Value": "\u{1b}[31mred"}, {"Key": "d", "Value": "x\r\n"}]})));
    });
    let set = env.server.mock(|when, then| {
        when.method(POST).path(path("set_room_metadata")).json_body(
            json!({"RoomId": "live-1", "Metadata": [{"Key": "c", "Value": "red"}, {"Key": "d", "Value": "x"}]}),
        );
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["meta", "set", "live-1", "c=red", "d=x"])
        .assert()
        .code(0)
        .stdout("c\nd\n");
    set.assert_calls(1);
    // And get shows them escaped, JSON exactly.
    env.cmd()
        .args(["meta", "get", "live-1"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(r"\e[31mred").and(predicates::str::contains(r"x\r\n")));
}

#[test]
fn a_success_without_its_payload_is_unusable_not_empty() {
    let env = TestEnv::new();
    let banned = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"));
        then.status(200)
            .json_body(json!({"ErrorCode": 0, "ActionStatus": "OK"}));
    });
    let unban = env.server.mock(|when, then| {
        when.path(path("unban_member"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["member", "unban", "live-1", "u1", "--retries", "1"])
        .assert()
        .code(7)
        .stdout("")
        .stderr(
            predicates::str::contains(
                "get_banned_member_list answered ErrorCode 0 without its Response",
            )
            .and(predicates::str::contains("skipped").not()),
        );
    banned.assert_calls(2);
    unban.assert_calls(0);

    env.server.mock(|when, then| {
        when.path("/v4/room_engine_http_mic/get_seat_list");
        then.status(200).json_body(reply(json!({"SeatList": null})));
    });
    env.cmd()
        .args(["seat", "list", "live-1", "--retries", "0"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains(
            "get_seat_list: Response.SeatList is null, not a list",
        ));
    env.server.mock(|when, then| {
        when.path(path("get_robot"));
        then.status(200)
            .json_body(reply(json!({"RobotList_Account": "bot1"})));
    });
    let del = env.server.mock(|when, then| {
        when.path(path("del_robot"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["robot", "remove", "live-1", "bot1", "--retries", "0"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains(
            "Response.RobotList_Account is a string, not a list",
        ));
    del.assert_calls(0);
}

#[test]
fn endless_lists_stop_with_a_message() {
    let env = TestEnv::new();
    // Empty pages, each with a new cursor.
    let pages = env.server.mock(|when, then| {
        when.path(path("get_member_list"));
        then.status(200).json_body(reply(json!({
            "Next": "more", "MemberCount": 0, "MemberList": []})));
    });
    // The cursor "more" comes back on page 2: a cursor that does not move.
    env.cmd()
        .args(["member", "list", "live-1"])
        .assert()
        .code(7)
        .stdout("")
        .stderr(predicates::str::contains("does not move forward"));
    pages.assert_calls(2);

    // Empty pages, each with a new cursor: stopped after 5 in a row.
    let env = TestEnv::new();
    let mocks: Vec<_> = (0..10)
        .map(|i| {
            let at = if i == 0 {
                String::new()
            } else {
                format!("c{i}")
            };
            env.server.mock(move |when, then| {
                when.path(path("get_member_list"))
                    .json_body(json!({"RoomId": "live-1", "Next": at}));
                then.status(200).json_body(reply(json!({
                    "Next": format!("c{}", i + 1), "MemberList": []})));
            })
        })
        .collect();
    env.cmd()
        .args(["member", "list", "live-1"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains(
            "get_member_list sent 5 empty pages in a row, each with a cursor",
        ));
    let calls: usize = mocks.iter().map(|m| m.calls()).sum();
    assert_eq!(calls, 5);
}

#[test]
fn a_banned_list_cut_by_a_stuck_offset_skips_nobody() {
    let env = TestEnv::new();
    let page = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"));
        then.status(200).json_body(reply(json!({
            "BannedAccountList": [{"Member_Account": "other"}], "NextOffset": 100})));
    });
    let unban = env.server.mock(|when, then| {
        when.path(path("unban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["u1", "u2"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["member", "unban", "live-1", "u1", "u2"])
        .assert()
        .code(0)
        .stdout("u1\nu2\n")
        .stderr(
            predicates::str::contains("does not move forward")
                .and(predicates::str::contains(
                    "unbanning every user given without checking",
                ))
                .and(predicates::str::contains("skipped").not()),
        );
    page.assert_calls(2);
    unban.assert_calls(1);
}

#[test]
fn users_files_follow_the_csv_rules_and_keys_are_never_echoed_or_sent() {
    let env = TestEnv::new();
    let ban = env.server.mock(|when, then| {
        when.path(path("ban_member")).json_body(json!({
            "RoomId": "live-1", "MemberList_Account": ["bomuser", "user#1", "u3"], "Duration": 60}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let file = env.write(
        "u.txt",
        "\u{feff}bomuser\r\n# a comment\r\nuser#1\r\nu3\r\nbomuser\r\n",
    );
    env.cmd()
        .args(["member", "ban", "live-1", "--for", "1m", "--users-from"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout("bomuser\nuser#1\nu3\n")
        .stderr(predicates::str::contains(
            "u.txt:5: user \"bomuser\" is given again (first at",
        ));
    ban.assert_calls(1);

    let any = env.server.mock(|when, then| {
        when.method(POST);
        then.status(200).json_body(ok_reply("live-1"));
    });
    let with_key = env.write("k.txt", &format!("alice\n{KEY}\n"));
    let tries: Vec<Vec<String>> = vec![
        vec!["get".into(), KEY[..40].into()],
        vec![
            "member".into(),
            "ban".into(),
            "live-1".into(),
            KEY[..32].into(),
            "--for".into(),
            "1m".into(),
        ],
        vec![
            "transfer".into(),
            "live-1".into(),
            "--to".into(),
            KEY[..32].into(),
            "--yes".into(),
        ],
        vec!["stats".into(), KEY[..40].into()],
        vec![
            "member".into(),
            "ban".into(),
            "live-1".into(),
            "--for".into(),
            "1m".into(),
            "--users-from".into(),
            with_key.display().to_string(),
        ],
        vec![
            "meta".into(),
            "set".into(),
            "live-1".into(),
            format!("{}=x", &KEY[..40]),
        ],
    ];
    for args in tries {
        let out = env.cmd().args(&args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("looks like a secret key"), "{args:?}: {err}");
        assert!(
            !err.contains(&KEY[..24]) && !stdout(&out).contains(&KEY[..24]),
            "{err}"
        );
    }
    any.assert_calls(0);
}

#[test]
fn meta_set_refuses_an_oversized_value_before_reading_anything() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.method(POST);
        then.status(200).json_body(reply(json!({"Metadata": []})));
    });
    env.cmd()
        .args([
            "meta",
            "set",
            "live-1",
            &format!("big={}", "x".repeat(3000)),
        ])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("3000 bytes")
                .and(predicates::str::contains("nothing was sent")),
        );
    any.assert_calls(0);
}

#[test]
fn a_credential_refusal_names_where_each_credential_came_from() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(70009, "signature verification failed"));
    });
    let out = env.cmd().args(["get", "live-1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "credentials used: sdkappid {SDKAPPID} from environment LIVECTL_SDKAPPID, \
             identifier {IDENTIFIER} from environment LIVECTL_IDENTIFIER, secret key ****3b5e \
             from environment LIVECTL_SECRET_KEY, region china from default"
        )),
        "{err}"
    );
    assert_no_secret(&err);
    // Not said with other refusals.
    env.server.mock(|when, then| {
        when.path(path("get_room_stats"));
        then.status(200).json_body(fail_reply(100004, "no room"));
    });
    let out = env.cmd().args(["stats", "live-1"]).output().unwrap();
    assert!(!stderr(&out).contains("credentials used"));
}

#[test]
fn jq_filters_every_json_line_and_a_bad_expression_sends_nothing() {
    let env = TestEnv::new();
    let list = env.server.mock(|when, then| {
        when.path(path("get_room_list"));
        then.status(200)
            .json_body(reply(json!({"Next": "", "RoomList": [
            {"RoomId": "a", "Owner_Account": "spammer"},
            {"RoomId": "b", "Owner_Account": "administrator"}]})));
    });
    env.cmd()
        .args(["list", "--jq", r#"select(.owner == "spammer") | .room_id"#])
        .assert()
        .code(0)
        .stdout("a\n");
    env.cmd()
        .args(["list", "--jq", "{id: .room_id}"])
        .assert()
        .code(0)
        .stdout("{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
    list.assert_calls(2);
    env.cmd()
        .args(["list", "--jq", ".["])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--jq: cannot parse"));
    list.assert_calls(2);
    // Every command with JSON output takes it, version included.
    env.cmd()
        .args(["version", "--jq", ".version"])
        .assert()
        .code(0)
        .stdout(format!("{}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn under_json_an_error_is_one_object_on_stderr() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["get", "gone", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = raw_stderr(&out);
    let last: serde_json::Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    assert_eq!(last["exit_code"], 5);
    assert_eq!(last["error_code"], 100004);
    assert_eq!(last["request_id"], "Id-fail-100004");
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .starts_with("room \"gone\" not found")
    );
    // A usage error too, without a service code.
    let out = env
        .cmd()
        .args([
            "member",
            "ban",
            "r1",
            "u1",
            "--for",
            "1h",
            "--reason",
            &"x".repeat(201),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let last: serde_json::Value =
        serde_json::from_str(raw_stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(
        (last["exit_code"].clone(), last["error_code"].clone()),
        (json!(2), Value::Null)
    );
}
