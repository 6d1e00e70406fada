//! `livectl member list|ban|unban|banned|mute|unmute|muted`: bodies, the
//! 20-users-a-call split reported per user, the reason limit checked before
//! sending, paging, skipped users, tables, output and codes.

mod common;

use common::*;
use httpmock::Method::POST;
use predicates::prelude::*;
use serde_json::{Value, json};

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-m",
           "Response": response})
}

fn users(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("u{i}")).collect()
}

fn lines(users: &[String]) -> String {
    users.iter().map(|u| format!("{u}\n")).collect()
}

#[test]
fn list_follows_next_and_prints_the_total_on_stderr() {
    let env = TestEnv::new();
    let first = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_member_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Next": ""}));
        then.status(200).json_body(reply(json!({
            "Next": "c2", "MemberCount": 3,
            "MemberList": [{"Member_Account": "alice"}, {"Member_Account": "bob", "Extra": 1}]})));
    });
    let second = env.server.mock(|when, then| {
        when.path(path("get_member_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Next": "c2"}));
        then.status(200).json_body(reply(json!({
            "Next": "", "MemberCount": 3, "MemberList": [{"Member_Account": "小明"}]})));
    });
    env.cmd()
        .args(["member", "list", "live-1"])
        .assert()
        .code(0)
        .stdout("alice\nbob\n小明\n")
        .stderr(
            predicates::str::contains("3 members online in room \"live-1\"")
                .and(predicates::str::contains("about every 40 s"))
                .and(predicates::str::contains("at most 1000")),
        );
    env.cmd()
        .args(["member", "list", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"room_id\":\"live-1\",\"user\":\"alice\"}\n\
             {\"room_id\":\"live-1\",\"user\":\"bob\",\"extra\":{\"Extra\":1}}\n\
             {\"room_id\":\"live-1\",\"user\":\"小明\"}\n",
        );
    first.assert_calls(2);
    second.assert_calls(2);
}

#[test]
fn list_stops_at_the_limit_and_at_a_cursor_that_does_not_move() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_member_list"))
            .json_body(json!({"RoomId": "live-1", "Next": ""}));
        then.status(200).json_body(reply(json!({
            "Next": "c2", "MemberCount": 900,
            "MemberList": [{"Member_Account": "a"}, {"Member_Account": "b"}]})));
    });
    let stuck = env.server.mock(|when, then| {
        when.path(path("get_member_list"))
            .json_body(json!({"RoomId": "live-1", "Next": "c2"}));
        then.status(200).json_body(reply(json!({
            "Next": "c2", "MemberCount": 900, "MemberList": [{"Member_Account": "c"}]})));
    });
    env.cmd()
        .args(["member", "list", "live-1", "--limit", "1"])
        .assert()
        .code(0)
        .stdout("a\n")
        .stderr(
            predicates::str::contains("900 members online")
                .and(predicates::str::contains("1 shown")),
        );
    stuck.assert_calls(0);
    // The second page hands back its own cursor: one read of it, not a
    // loop, and not a quiet end: the list may be longer (exit 7).
    env.cmd()
        .args(["member", "list", "live-1"])
        .assert()
        .code(7)
        .stdout("a\nb\nc\n")
        .stderr(predicates::str::contains(
            "reading the members of room \"live-1\" stopped: get_member_list sent a cursor that \
             does not move forward; 3 listed",
        ));
    stuck.assert_calls(1);
    env.cmd()
        .args(["member", "list", "live-1", "--limit", "0"])
        .assert()
        .code(2);
}

#[test]
fn ban_of_21_users_is_two_calls_reported_per_user() {
    let env = TestEnv::new();
    let all = users(21);
    let first = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("ban_member"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": all[..20],
                              "Duration": 3600, "Reason": "spam"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let second = env.server.mock(|when, then| {
        when.path(path("ban_member"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["u21"],
                              "Duration": 3600, "Reason": "spam"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let file = env.write("trolls.txt", &lines(&all[2..]));
    env.cmd()
        .args(["member", "ban", "live-1", "u1", "u2", "--users-from"])
        .arg(&file)
        .args(["--for", "1h", "--reason", "spam"])
        .assert()
        .code(0)
        .stdout(lines(&all))
        .stderr(predicates::str::contains(
            "21 users banned from room \"live-1\" until ",
        ));
    first.assert_calls(1);
    second.assert_calls(1);

    let out = env
        .cmd()
        .args([
            "member", "ban", "live-1", "u21", "--for", "3600s", "--reason", "spam",
        ])
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "{\"status\":\"banned\",\"room_id\":\"live-1\",\"user\":\"u21\",\"duration\":3600,\
         \"request_id\":\"Id-ok-1\",\"attempts\":1}\n"
    );
    second.assert_calls(2);
}

#[test]
fn a_failed_call_reports_its_users_failed_and_sends_no_more() {
    let env = TestEnv::new();
    let all = users(41);
    let first = env.server.mock(|when, then| {
        when.path(path("ban_member")).json_body(
            json!({"RoomId": "live-1", "MemberList_Account": all[..20], "Duration": 60}),
        );
        then.status(200).json_body(ok_reply("live-1"));
    });
    let second = env.server.mock(|when, then| {
        when.path(path("ban_member")).json_body(
            json!({"RoomId": "live-1", "MemberList_Account": all[20..40], "Duration": 60}),
        );
        then.status(200)
            .json_body(fail_reply(100002, "bad account"));
    });
    let third = env.server.mock(|when, then| {
        when.path(path("ban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["u41"], "Duration": 60}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let out = env
        .cmd()
        .args(["member", "ban", "live-1"])
        .args(&all)
        .args(["--for", "60s", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let got = json_lines(&out);
    assert_eq!(got.len(), 41);
    assert_eq!(got[0]["status"], "banned");
    assert_eq!(got[20]["status"], "failed");
    assert_eq!(got[20]["user"], "u21");
    assert_eq!(got[20]["error_code"], 100002);
    assert_eq!(got[20]["request_id"], "Id-fail-100002");
    assert_eq!(got[40]["status"], "skipped");
    assert_eq!(got[40]["user"], "u41");
    let err = stderr(&out);
    assert!(
        err.contains("not sent, after the failure below: u41"),
        "{err}"
    );
    assert!(
        err.contains("20 users (u21, u22, u23, …) were not banned from room \"live-1\": 100002"),
        "{err}"
    );
    first.assert_calls(1);
    second.assert_calls(1);
    third.assert_calls(0);
}

#[test]
fn ban_limits_are_checked_before_anything_is_sent() {
    let env = TestEnv::new();
    let ban = env.server.mock(|when, then| {
        when.path(path("ban_member"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["member", "ban", "live-1", "u1", "--for", "1h", "--reason"])
        .arg("x".repeat(201))
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("--reason: is 201 bytes")
                .and(predicates::str::contains("nothing was sent")),
        );
    env.cmd()
        .args(["member", "ban", "live-1", "u1", "--for", "400d"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--for").and(predicates::str::contains("year")));
    env.cmd()
        .args(["member", "ban", "live-1", "u1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--for"));
    env.cmd()
        .args(["member", "ban", "live-1", "has space", "--for", "1h"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("space"));
    ban.assert_calls(0);
}

#[test]
fn a_missing_room_is_named_and_exits_5() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("ban_member"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["member", "ban", "gone-1", "u1", "--for", "1h", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("room \"gone-1\" not found: 100004"),
        "{}",
        stderr(&out)
    );
    let got = json_lines(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["status"], "failed");
    assert_eq!(got[0]["room_id"], "gone-1");
    assert_eq!(got[0]["user"], "u1");
    assert_eq!(got[0]["retryable"], false);
    assert_no_secret(&stderr(&out));

    for cmd in [
        "get_member_list",
        "get_banned_member_list",
        "get_muted_member_list",
    ] {
        env.server.mock(|when, then| {
            when.path(path(cmd));
            then.status(200)
                .json_body(fail_reply(100004, "room not exist"));
        });
    }
    for sub in ["list", "banned", "muted"] {
        env.cmd()
            .args(["member", sub, "gone-1"])
            .assert()
            .code(5)
            .stdout("")
            .stderr(predicates::str::contains(
                "room \"gone-1\" not found: 100004",
            ));
    }
}

fn banned_page(range: std::ops::Range<usize>, next: u64) -> Value {
    let list: Vec<Value> = range
        .map(|i| json!({"Member_Account": format!("u{i}"), "BannedUntil": 4_102_444_800u64}))
        .collect();
    reply(json!({"BannedAccountList": list, "NextOffset": next}))
}

#[test]
fn unban_reads_every_banned_page_and_skips_users_not_banned() {
    let env = TestEnv::new();
    let p1 = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Offset": 0, "Limit": 100}));
        then.status(200).json_body(banned_page(0..100, 100));
    });
    let p2 = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "live-1", "Offset": 100, "Limit": 100}));
        then.status(200).json_body(banned_page(100..101, 0));
    });
    let unban = env.server.mock(|when, then| {
        when.path(path("unban_member"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["u100", "u3"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["member", "unban", "live-1", "u100", "zed", "u3"])
        .assert()
        .code(0)
        .stdout("u100\nu3\n")
        .stderr(
            predicates::str::contains("zed is not banned from room \"live-1\": skipped").and(
                predicates::str::contains("2 users unbanned from room \"live-1\""),
            ),
        );
    p1.assert_calls(1);
    p2.assert_calls(1);
    unban.assert_calls(1);

    // Nobody left to unban: success, nothing sent.
    env.cmd()
        .args(["member", "unban", "live-1", "zed", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"status\":\"skipped\",\"room_id\":\"live-1\",\"user\":\"zed\",\"reason\":\"not banned\"}\n",
        )
        .stderr(predicates::str::contains("zed is not banned"));
    unban.assert_calls(1);
}

#[test]
fn unban_goes_ahead_when_the_banned_list_is_refused_but_not_when_the_room_is_missing() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "live-1", "Offset": 0, "Limit": 100}));
        then.status(200).json_body(fail_reply(100002, "bad paging"));
    });
    let unban = env.server.mock(|when, then| {
        when.path(path("unban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": ["zed"]}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["member", "unban", "live-1", "zed"])
        .assert()
        .code(0)
        .stdout("zed\n")
        .stderr(predicates::str::contains(
            "warning: could not read the banned users of room \"live-1\": 100002 bad paging",
        ));
    unban.assert_calls(1);

    env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "gone-1", "Offset": 0, "Limit": 100}));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    env.cmd()
        .args(["member", "unban", "gone-1", "zed"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("room \"gone-1\" not found"));
    unban.assert_calls(1);
}

#[test]
fn banned_is_a_table_of_local_times_and_json_keeps_every_field() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1", "Offset": 0, "Limit": 100}));
        then.status(200)
            .json_body(reply(json!({"BannedAccountList": [
            {"Member_Account": "troll42", "BannedUntil": 4_102_444_800u64, "Reason": "spam"},
            {"Member_Account": "小明", "BannedUntil": 4_102_448_400u64}]})));
    });
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .args(["member", "banned", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), 3, "{text}");
    assert_eq!(got[0], "USER     BANNED UNTIL");
    assert!(
        got[1].starts_with("troll42  2100-01-01 00:00 +00:00 (in "),
        "{text}"
    );
    assert!(
        got[2].starts_with("小明     2100-01-01 01:00 +00:00 (in "),
        "{text}"
    );
    assert!(stderr(&out).contains("2 banned users in room \"live-1\""));
    env.cmd()
        .args(["member", "banned", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"room_id\":\"live-1\",\"user\":\"troll42\",\"until\":4102444800,\
             \"extra\":{\"Reason\":\"spam\"}}\n\
             {\"room_id\":\"live-1\",\"user\":\"小明\",\"until\":4102448400}\n",
        );
}

#[test]
fn banned_pages_by_offset_until_next_offset_is_zero() {
    let env = TestEnv::new();
    let p1 = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "live-1", "Offset": 0, "Limit": 100}));
        then.status(200).json_body(banned_page(0..100, 100));
    });
    // A short page is not the end: NextOffset 0 is (as documented).
    let p2 = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "live-1", "Offset": 100, "Limit": 100}));
        then.status(200).json_body(banned_page(100..150, 150));
    });
    let p3 = env.server.mock(|when, then| {
        when.path(path("get_banned_member_list"))
            .json_body(json!({"RoomId": "live-1", "Offset": 150, "Limit": 100}));
        then.status(200).json_body(banned_page(150..151, 0));
    });
    let out = env
        .cmd()
        .args(["member", "banned", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out).len(), 151);
    p1.assert_calls(1);
    p2.assert_calls(1);
    p3.assert_calls(1);
}

#[test]
fn mute_sends_seconds_unmute_sends_zero_and_muted_is_a_table() {
    let env = TestEnv::new();
    let mute = env.server.mock(|when, then| {
        when.path(path("mute_member"))
            .is_true(valid_request)
            .json_body(
                json!({"RoomId": "live-1", "MemberList_Account": ["spammer7", "bot9"],
                              "MuteTime": 600}),
            );
        then.status(200).json_body(ok_reply("live-1"));
    });
    let unmute = env.server.mock(|when, then| {
        when.path(path("mute_member"))
            .is_true(valid_request)
            .json_body(
                json!({"RoomId": "live-1", "MemberList_Account": ["spammer7"],
                              "MuteTime": 0}),
            );
        then.status(200).json_body(ok_reply("live-1"));
    });
    let muted = env.server.mock(|when, then| {
        when.path(path("get_muted_member_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200)
            .json_body(reply(json!({"MutedAccountList": [
            {"Member_Account": "bot9", "MutedUntil": 4_102_444_800u64}]})));
    });
    env.cmd()
        .args([
            "member", "mute", "live-1", "spammer7", "bot9", "--for", "10m",
        ])
        .assert()
        .code(0)
        .stdout("spammer7\nbot9\n")
        .stderr(predicates::str::contains(
            "2 users muted in room \"live-1\" until ",
        ));
    env.cmd()
        .args(["member", "unmute", "live-1", "spammer7", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"status\":\"unmuted\",\"room_id\":\"live-1\",\"user\":\"spammer7\",\
             \"request_id\":\"Id-ok-1\",\"attempts\":1}\n",
        );
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .args(["member", "muted", "live-1"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.starts_with("USER  MUTED UNTIL\nbot9  2100-01-01 00:00 +00:00 (in "),
        "{text}"
    );
    env.cmd()
        .args(["member", "muted", "live-1", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"room_id\":\"live-1\",\"user\":\"bot9\",\"until\":4102444800}\n");
    mute.assert_calls(1);
    unmute.assert_calls(1);
    muted.assert_calls(2);
}

#[test]
fn empty_lists_print_nothing_on_stdout() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_muted_member_list"));
        then.status(200)
            .json_body(reply(json!({"MutedAccountList": []})));
    });
    env.cmd()
        .args(["member", "muted", "live-1"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains(
            "0 muted users in room \"live-1\"",
        ));
}

#[test]
fn dry_run_needs_no_secret_and_prints_each_call_of_20() {
    let env = TestEnv::new();
    let all = users(21);
    let out = env
        .bare_cmd()
        .args(["member", "ban", "live-1"])
        .args(&all)
        .args(["--for", "1h", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = json_lines(&out);
    assert_eq!(got.len(), 2);
    assert!(
        got[0]["url"]
            .as_str()
            .unwrap()
            .contains("/v4/live_engine_http_srv/ban_member?")
    );
    assert!(
        got[0]["url"]
            .as_str()
            .unwrap()
            .contains("usersig=<redacted>")
    );
    assert_eq!(
        got[0]["body"],
        json!({"RoomId": "live-1", "MemberList_Account": all[..20], "Duration": 3600})
    );
    assert_eq!(got[1]["body"]["MemberList_Account"], json!(["u21"]));
    // unban does not read the banned list in a dry run.
    env.bare_cmd()
        .args(["member", "unban", "live-1", "u1", "--dry-run"])
        .assert()
        .code(0)
        .stdout(
            predicates::str::contains("/v4/live_engine_http_srv/unban_member?")
                .and(predicates::str::contains("get_banned_member_list").not()),
        );
}

#[test]
fn verbose_logs_each_call_without_a_secret() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("mute_member"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let out = env
        .cmd()
        .args(["-vv", "member", "mute", "live-1", "u1", "--for", "1m"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("mute_member") && err.contains("usersig=<redacted>"),
        "{err}"
    );
    assert_no_secret(&err);
    assert_no_secret(&stdout(&out));
}

#[test]
fn sigint_during_a_split_ban_reports_the_call_in_flight_and_exits_130() {
    let env = TestEnv::new();
    let all = users(41);
    // The first call is slow, so the interrupt lands while it is in flight.
    let first = env.server.mock(|when, then| {
        when.path(path("ban_member"))
            .json_body(json!({"RoomId": "live-1", "MemberList_Account": all[..20],
                              "Duration": 60}));
        then.status(200)
            .delay(std::time::Duration::from_millis(1500))
            .json_body(ok_reply("live-1"));
    });
    let later = env.server.mock(|when, then| {
        when.path(path("ban_member"));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    let child = env
        .process(bin)
        .args(["member", "ban", "live-1", "--for", "1m", "-o", "json"])
        .args(&all)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (without asserting on time) for the first call to arrive.
    for _ in 0..3000 {
        if first.calls() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(first.calls(), 1);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 41, "{err}");
    assert!(lines[..20].iter().all(|l| l["status"] == "banned"));
    assert!(
        lines[20..]
            .iter()
            .all(|l| l["status"] == "skipped" && l["reason"] == "not sent: interrupted")
    );
    assert!(
        err.contains("20 users banned from room \"live-1\""),
        "{err}"
    );
    assert!(
        err.contains("not sent (interrupted): 21 users (u21, u22, u23, …)"),
        "{err}"
    );
    later.assert_calls(0);
}
