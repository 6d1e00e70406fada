//! `livectl send`, `transfer` and `stats`: bodies, flag rules checked before
//! sending, output, a dropped message, the confirmation off a terminal,
//! codes and `--dry-run`.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use predicates::prelude::*;
use serde_json::{Value, json};

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-x",
           "Response": response})
}

fn mount<'a>(server: &'a MockServer, command: &str, body: Value, answer: Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path(path(command))
            .is_true(valid_request)
            .json_body(body);
        then.status(200).json_body(answer);
    })
}

fn mount_any<'a>(server: &'a MockServer, command: &str) -> Mock<'a> {
    server.mock(|when, then| {
        when.path(path(command));
        then.status(200).json_body(ok_reply("live-1"));
    })
}

fn sent(drop: &str) -> Value {
    reply(json!({"MsgSeq": 42, "MsgTime": 1_764_151_200, "MsgDropReason": drop}))
}

#[test]
fn send_text_sends_sender_text_and_extension_as_a_string() {
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "send_text_msg",
        json!({"RoomId": "live-1", "Sender_Account": "host", "TextContent": "Welcome!",
               "ExtensionInfo": "{\"color\": \"red\"}"}),
        sent(""),
    );
    env.cmd()
        .env("TZ", "UTC")
        .args(["send", "live-1", "--from", "host", "--text", "Welcome!"])
        .args(["--extension", "{\"color\": \"red\"}"])
        .assert()
        .code(0)
        .stdout(
            predicates::str::is_match(
                r"^MsgSeq:  42\nMsgTime: 2025-11-26 10:00 \+00:00 \(\d+[mhdy] ago\)\n$",
            )
            .unwrap(),
        )
        .stderr("");
    env.cmd()
        .args(["send", "live-1", "--from", "host", "--text", "Welcome!", "-o", "json"])
        .args(["--extension", "{\"color\": \"red\"}"])
        .assert()
        .code(0)
        .stdout("{\"status\":\"sent\",\"room_id\":\"live-1\",\"msg_time\":1764151200,\"msg_seq\":42,\"drop_reason\":\"\",\"request_id\":\"Id-x\"}\n");
    m.assert_calls(2);
}

#[test]
fn send_custom_sends_business_id_and_data_and_the_sender_only_when_given() {
    let env = TestEnv::new();
    let bare = mount(
        &env.server,
        "send_custom_msg",
        json!({"RoomId": "live-1", "BusinessId": "violation_alert", "Data": "{\"level\":1}"}),
        sent(""),
    );
    let from = mount(
        &env.server,
        "send_custom_msg",
        json!({"RoomId": "live-1", "BusinessId": "gift", "Data": "x", "Sender_Account": "bot"}),
        sent(""),
    );
    env.cmd()
        .args([
            "send",
            "live-1",
            "--business-id",
            "violation_alert",
            "--data",
            "{\"level\":1}",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("MsgSeq:  42\n"));
    env.cmd()
        .args([
            "send",
            "live-1",
            "--business-id",
            "gift",
            "--data",
            "x",
            "--from",
            "bot",
        ])
        .assert()
        .code(0);
    bare.assert_calls(1);
    from.assert_calls(1);
}

#[test]
fn send_flag_rules_are_checked_before_sending() {
    let env = TestEnv::new();
    let text = mount_any(&env.server, "send_text_msg");
    let custom = mount_any(&env.server, "send_custom_msg");
    let cases: &[(&[&str], &str)] = &[
        (&["--text", "hi"], "--text needs --from"),
        (
            &["--from", "a", "--text", "hi", "--extension", "{bad"],
            "--extension: not JSON",
        ),
        (&["--from", "a", "--text", ""], "--text is empty"),
        (
            &[
                "--from",
                "a",
                "--text",
                "hi",
                "--business-id",
                "b",
                "--data",
                "d",
            ],
            "cannot be used with",
        ),
        (&["--business-id", "b"], "--data"),
        (
            &["--business-id", "", "--data", "d"],
            "--business-id is empty",
        ),
        (&["--from", "a"], "required"),
        (&["--from", "has space", "--text", "hi"], "space"),
    ];
    for (args, says) in cases {
        env.cmd()
            .args(["send", "live-1"])
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(*says));
    }
    text.assert_calls(0);
    custom.assert_calls(0);
}

#[test]
fn a_dropped_message_is_a_warning_and_exit_5() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("send_text_msg"));
        then.status(200).json_body(sent("MsgFreqCtrl"));
    });
    env.cmd()
        .args(["send", "live-1", "--from", "host", "--text", "hi"])
        .assert()
        .code(5)
        .stderr(
            predicates::str::contains("warning: the service dropped the message")
                .and(predicates::str::contains("MsgFreqCtrl"))
                .and(predicates::str::contains("send more slowly"))
                .and(predicates::str::contains(
                    "error: the message to room \"live-1\" was dropped (MsgFreqCtrl); nobody received it",
                )),
        );
    let out = env
        .cmd()
        .args([
            "send", "live-1", "--from", "host", "--text", "hi", "-o", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(json_out(&out)["status"], "dropped");
}

#[test]
fn send_dry_run_needs_no_secret() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args([
            "send",
            "live-1",
            "--from",
            "host",
            "--text",
            "hi",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("/v4/live_engine_http_srv/send_text_msg?"),
        "{text}"
    );
    assert!(text.contains("usersig=<redacted>"), "{text}");
    assert_no_secret(&text);
}

fn room_info(owner: &str) -> Value {
    reply(json!({"RoomInfo": {"RoomId": "live-1", "Owner_Account": owner}}))
}

#[test]
fn transfer_off_a_terminal_needs_yes_and_sends_nothing_without() {
    let env = TestEnv::new();
    let read = mount_any(&env.server, "get_room_info");
    let change = mount_any(&env.server, "change_room_owner");
    env.cmd()
        .args(["transfer", "live-1", "--to", "bob"])
        .write_stdin("y\n")
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("needs --yes when stdin is not a terminal")
                .and(predicates::str::contains("nothing was sent")),
        );
    read.assert_calls(0);
    change.assert_calls(0);
}

#[test]
fn transfer_with_yes_sends_the_new_owner() {
    let env = TestEnv::new();
    mount(
        &env.server,
        "get_room_info",
        json!({"RoomId": "live-1"}),
        room_info("host"),
    );
    let change = mount(
        &env.server,
        "change_room_owner",
        json!({"RoomId": "live-1", "NewOwner_Account": "bob"}),
        ok_reply("live-1"),
    );
    env.cmd()
        .args(["transfer", "live-1", "--to", "bob", "--yes"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("bob\n");
    env.cmd()
        .args(["transfer", "live-1", "--to", "bob", "-y", "-o", "json"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("{\"status\":\"transferred\",\"room_id\":\"live-1\",\"owner\":\"bob\",\"previous_owner\":\"host\",\"request_id\":\"Id-ok-1\"}\n");
    change.assert_calls(2);
}

#[test]
fn transfer_to_the_owner_sends_nothing_and_a_refusal_has_its_code() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200).json_body(room_info("bob"));
    });
    let change = mount_any(&env.server, "change_room_owner");
    env.cmd()
        .args(["transfer", "live-1", "--to", "bob", "--yes"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains(
            "bob owns room \"live-1\" already",
        ));
    change.assert_calls(0);

    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200).json_body(room_info("host"));
    });
    env.server.mock(|when, then| {
        when.path(path("change_room_owner"));
        then.status(200)
            .json_body(fail_reply(100005, "not a member"));
    });
    env.cmd()
        .args(["transfer", "live-1", "--to", "bob", "--yes"])
        .write_stdin("")
        .assert()
        .code(5)
        .stderr(predicates::str::contains(
            "room \"live-1\" was not transferred to bob: 100005",
        ));
}

#[test]
fn transfer_dry_run_asks_nothing_reads_nothing_needs_no_secret() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["transfer", "live-1", "--to", "bob", "--dry-run"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("/v4/live_engine_http_srv/change_room_owner?"),
        "{text}"
    );
    assert!(text.contains("\"NewOwner_Account\": \"bob\""), "{text}");
    assert!(!text.contains("get_room_info"), "{text}");
    assert_no_secret(&text);
}

#[test]
fn stats_prints_labelled_totals_and_json_is_the_response() {
    let env = TestEnv::new();
    let resp = json!({"TotalViewers": 1200, "TotalGiftsSent": 35, "TotalGiftCoins": 9000,
                      "TotalUniqueGiftSenders": 12, "TotalLikesReceived": 4000, "TotalMsgCount": 850});
    let m = mount(
        &env.server,
        "get_room_stats",
        json!({"RoomId": "live-1"}),
        reply(resp.clone()),
    );
    env.cmd().args(["stats", "live-1"]).assert().code(0).stdout(
        "Viewers:        1200\nGifts:          35\nCoins:          9000\n\
             Unique senders: 12\nLikes:          4000\nMessages:       850\n",
    );
    let out = env
        .cmd()
        .args(["stats", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_out(&out),
        json!({"room_id": "live-1", "total_viewers": 1200, "total_gifts_sent": 35,
               "total_gift_coins": 9000, "total_unique_gift_senders": 12,
               "total_likes_received": 4000, "total_msg_count": 850})
    );
    m.assert_calls(2);
}

#[test]
fn stats_of_a_missing_room_reads_not_found() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_stats"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    env.cmd()
        .args(["stats", "nope"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("room \"nope\" not found: 100004"));
}

/// Runs `livectl ARGS` on a pseudo-terminal (util-linux `script`), typing
/// `input`; returns the exit code and everything the terminal showed.
fn on_terminal(env: &TestEnv, args: &str, input: &str) -> (Option<i32>, String) {
    use std::io::Write;
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    let mut child = env
        .process("script")
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("this test needs script(1) from util-linux on PATH");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs script(1) from util-linux (the BSD one takes other flags)"
)]
fn transfer_on_a_terminal_asks_and_a_no_sends_nothing() {
    let env = TestEnv::new();
    mount(
        &env.server,
        "get_room_info",
        json!({"RoomId": "live-1"}),
        room_info("host"),
    );
    let change = mount(
        &env.server,
        "change_room_owner",
        json!({"RoomId": "live-1", "NewOwner_Account": "bob"}),
        ok_reply("live-1"),
    );
    let (code, shown) = on_terminal(&env, "transfer live-1 --to bob", "n\n");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("transfer room \"live-1\" from host to bob? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("declined, nothing was sent"), "{shown}");
    change.assert_calls(0);
    let (code, shown) = on_terminal(&env, "transfer live-1 --to bob", "y\n");
    assert_eq!(code, Some(0), "{shown}");
    change.assert_calls(1);
}

#[test]
fn destroy_and_profile_remove_ask_on_a_terminal_and_need_yes_off_one() {
    let env = TestEnv::new();
    let destroy = env.server.mock(|when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let (code, shown) = on_terminal(&env, "destroy live-1", "n\n");
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("destroy room \"live-1\"? Its audience is sent away"),
        "{shown}"
    );
    assert!(shown.contains("declined, nothing was sent"), "{shown}");
    destroy.assert_calls(0);
    let (code, shown) = on_terminal(&env, "destroy live-1", "y\n");
    assert_eq!(code, Some(0), "{shown}");
    destroy.assert_calls(1);

    let config = env.write(
        "xdg/livectl/config.toml",
        "[profiles.old]\nsdkappid = 1400000001\n",
    );
    env.cmd()
        .args(["profile", "remove", "old"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "removing profile \"old\" needs --yes when stdin is not a terminal",
        ));
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("[profiles.old]")
    );
    env.cmd()
        .args(["profile", "remove", "old", "--yes"])
        .assert()
        .code(0);
    assert!(
        !std::fs::read_to_string(&config)
            .unwrap()
            .contains("[profiles.old]")
    );
}

#[test]
fn watch_off_a_terminal_is_one_json_document_per_interval_and_ctrl_c_exits_0() {
    use std::io::BufRead;
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "get_room_stats",
        json!({"RoomId": "live-1"}),
        reply(json!({"TotalViewers": 7})),
    );
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    let mut child = env
        .process(bin)
        .args(["stats", "live-1", "--watch=1s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let docs: Vec<serde_json::Value> = (0..2)
        .map(|_| serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap())
        .collect();
    for d in &docs {
        assert!(d["at"].is_i64(), "{d}");
        assert_eq!(
            d["items"],
            json!([{"room_id": "live-1", "total_viewers": 7}])
        );
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(m.calls() >= 2);
    // An interval under a second is refused.
    env.cmd()
        .args(["stats", "live-1", "--watch=200ms"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("shorter than a second"));
}
