//! `livectl seat list|pick|kick|lock|unlock|mute|unmute|move`: bodies, the
//! seat list read first and what it refuses or skips (nothing sent),
//! output, codes and `--dry-run`.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use predicates::prelude::*;
use serde_json::{Value, json};

fn mic(command: &str) -> String {
    format!("/v4/room_engine_http_mic/{command}")
}

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-s",
           "Response": response})
}

/// host on 0, 1 locked, guest on 2 with audio forbidden, 3 free.
fn seat_list() -> Value {
    json!({"SeatList": [
        {"Index": 0, "Member_Account": "host", "IsTakenDisabled": false, "IsAudioDisabled": false, "IsVideoDisabled": false},
        {"Index": 1, "Member_Account": "", "IsTakenDisabled": true, "IsAudioDisabled": false, "IsVideoDisabled": false},
        {"Index": 2, "Member_Account": "guest", "IsTakenDisabled": false, "IsAudioDisabled": true, "IsVideoDisabled": false},
        {"Index": 3, "IsTakenDisabled": false}
    ]})
}

fn mount_seats(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        when.method(POST)
            .path(mic("get_seat_list"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(reply(seat_list()));
    })
}

/// `command` answering success when its body is exactly `body`.
fn mount_ok<'a>(server: &'a MockServer, command: &str, body: Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path(mic(command))
            .is_true(valid_request)
            .json_body(body);
        then.status(200).json_body(ok_reply("live-1"));
    })
}

/// Any request to `command`, to count what must not be sent.
fn mount_any<'a>(server: &'a MockServer, command: &str) -> Mock<'a> {
    server.mock(|when, then| {
        when.path(mic(command));
        then.status(200).json_body(ok_reply("live-1"));
    })
}

#[test]
fn list_shows_a_table_and_json_has_every_field() {
    let env = TestEnv::new();
    let m = mount_seats(&env.server);
    env.cmd()
        .args(["seat", "list", "live-1"])
        .assert()
        .code(0)
        .stdout(
            "INDEX  USER   LOCKED  AUDIO      VIDEO\n\
             0      host   no      allowed    allowed\n\
             1      -      yes     allowed    allowed\n\
             2      guest  no      forbidden  allowed\n\
             3      -      no      allowed    allowed\n",
        );
    let out = env
        .cmd()
        .args(["seat", "list", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_lines(&out),
        vec![
            json!({"room_id": "live-1", "index": 0, "user": "host", "locked": false,
                   "audio_forbidden": false, "video_forbidden": false}),
            json!({"room_id": "live-1", "index": 1, "locked": true,
                   "audio_forbidden": false, "video_forbidden": false}),
            json!({"room_id": "live-1", "index": 2, "user": "guest", "locked": false,
                   "audio_forbidden": true, "video_forbidden": false}),
            json!({"room_id": "live-1", "index": 3, "locked": false}),
        ]
    );
    m.assert_calls(2);
}

#[test]
fn pick_sends_index_and_user_after_reading_the_seats() {
    let env = TestEnv::new();
    let read = mount_seats(&env.server);
    let pick = mount_ok(
        &env.server,
        "pick_user_on_seat",
        json!({"RoomId": "live-1", "Index": 3, "Member_Account": "bob"}),
    );
    env.cmd()
        .args(["seat", "pick", "live-1", "bob", "--index", "3"])
        .assert()
        .code(0)
        .stdout("picked bob onto seat 3\n");
    env.cmd()
        .args(["seat", "pick", "live-1", "bob", "--index", "3", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"status\":\"picked\",\"room_id\":\"live-1\",\"user\":\"bob\",\"index\":3,\"request_id\":\"Id-ok-1\"}\n");
    read.assert_calls(2);
    pick.assert_calls(2);
}

#[test]
fn pick_refuses_locked_taken_and_missing_seats_before_sending() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let pick = mount_any(&env.server, "pick_user_on_seat");
    for (index, says) in [
        ("1", "is locked"),
        ("0", "is taken by host"),
        ("9", "numbered 0 to 3"),
    ] {
        env.cmd()
            .args(["seat", "pick", "live-1", "bob", "--index", index])
            .assert()
            .code(2)
            .stderr(
                predicates::str::contains(says).and(predicates::str::contains("nothing was sent")),
            );
    }
    env.cmd()
        .args(["seat", "pick", "live-1", "guest", "--index", "3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("seat move live-1 guest --to 3"));
    // Already there: nothing to do.
    env.cmd()
        .args(["seat", "pick", "live-1", "guest", "--index", "2"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains("already on seat 2"));
    pick.assert_calls(0);
}

#[test]
fn a_negative_or_bad_index_is_a_usage_error_and_nothing_is_sent() {
    let env = TestEnv::new();
    let read = mount_any(&env.server, "get_seat_list");
    let lock = mount_any(&env.server, "lock_seat");
    env.cmd()
        .args(["seat", "lock", "live-1", "--index", "-1"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("--index")
                .and(predicates::str::contains("must be 0 or more")),
        );
    env.cmd()
        .args(["seat", "move", "live-1", "bob", "--to", "x"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("--to").and(predicates::str::contains("not a seat number")),
        );
    read.assert_calls(0);
    lock.assert_calls(0);
}

#[test]
fn kick_always_sends_data_and_skips_a_user_on_no_seat() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let plain = mount_ok(
        &env.server,
        "kick_user_off_seat",
        json!({"RoomId": "live-1", "Member_Account": "guest", "Data": ""}),
    );
    let with_msg = mount_ok(
        &env.server,
        "kick_user_off_seat",
        json!({"RoomId": "live-1", "Member_Account": "guest", "Data": "thanks!"}),
    );
    env.cmd()
        .args(["seat", "kick", "live-1", "guest"])
        .assert()
        .code(0)
        .stdout("kicked guest off their seat\n");
    env.cmd()
        .args(["seat", "kick", "live-1", "guest", "--message", "thanks!"])
        .assert()
        .code(0);
    env.cmd()
        .args(["seat", "kick", "live-1", "nobody"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains("nobody is not on a seat"));
    plain.assert_calls(1);
    with_msg.assert_calls(1);
}

#[test]
fn lock_warns_it_kicks_the_user_and_unlock_sends_false() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let lock = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 0, "ForbidTaken": true}),
    );
    let unlock = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 1, "ForbidTaken": false}),
    );
    env.cmd()
        .args(["seat", "lock", "live-1", "--index", "0"])
        .assert()
        .code(0)
        .stdout("locked seat 0\n")
        .stderr(predicates::str::contains(
            "locking it kicks host off the seat",
        ));
    env.cmd()
        .args(["seat", "unlock", "live-1", "--index", "1"])
        .assert()
        .code(0)
        .stdout("unlocked seat 1\n");
    lock.assert_calls(1);
    unlock.assert_calls(1);
}

#[test]
fn lock_and_unlock_skip_a_seat_already_so() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let lock = mount_any(&env.server, "lock_seat");
    env.cmd()
        .args(["seat", "lock", "live-1", "--index", "1"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("already locked"));
    env.cmd()
        .args(["seat", "unlock", "live-1", "--index", "3", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"status\":\"unchanged\",\"room_id\":\"live-1\"}\n")
        .stderr(predicates::str::contains("already unlocked"));
    lock.assert_calls(0);
}

#[test]
fn mute_with_neither_flag_means_both_and_flags_pick_one() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let both = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 0, "ForbidAudio": true, "ForbidVideo": true, "ForbidTaken": false}),
    );
    // lock_seat does not document that an omitted flag keeps its value: the
    // flags not changed go as the seat holds them (seat 2's audio ban stays
    // when its video is changed, and the reverse; the lock stays as it is).
    let video = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 0, "ForbidVideo": true, "ForbidTaken": false, "ForbidAudio": false}),
    );
    let unmute_audio = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 2, "ForbidAudio": false, "ForbidTaken": false, "ForbidVideo": false}),
    );
    let video_keeps_audio_ban = mount_ok(
        &env.server,
        "lock_seat",
        json!({"RoomId": "live-1", "Index": 2, "ForbidVideo": true, "ForbidTaken": false, "ForbidAudio": true}),
    );
    env.cmd()
        .args(["seat", "mute", "live-1", "--index", "0"])
        .assert()
        .code(0)
        .stdout("muted audio and video of seat 0\n");
    env.cmd()
        .args(["seat", "mute", "live-1", "--index", "0", "--video"])
        .assert()
        .code(0)
        .stdout("muted video of seat 0\n");
    env.cmd()
        .args(["seat", "unmute", "live-1", "--index", "2", "--audio"])
        .assert()
        .code(0)
        .stdout("unmuted audio of seat 2\n");
    env.cmd()
        .args(["seat", "mute", "live-1", "--index", "2", "--video"])
        .assert()
        .code(0)
        .stdout("muted video of seat 2\n");
    both.assert_calls(1);
    video.assert_calls(1);
    unmute_audio.assert_calls(1);
    video_keeps_audio_ban.assert_calls(1);
}

#[test]
fn move_refuses_a_user_on_no_seat_and_points_to_pick() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let mv = mount_any(&env.server, "move_user_to_seat");
    env.cmd()
        .args(["seat", "move", "live-1", "viewer9", "--to", "3"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("viewer9 is on no seat of room \"live-1\"")
                .and(predicates::str::contains(
                    "livectl seat pick live-1 viewer9 --index 3",
                ))
                .and(predicates::str::contains("nothing was sent")),
        );
    mv.assert_calls(0);
}

#[test]
fn mute_refuses_an_empty_seat_and_skips_what_is_muted_already() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let lock = mount_any(&env.server, "lock_seat");
    env.cmd()
        .args(["seat", "mute", "live-1", "--index", "3"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("is empty")
                .and(predicates::str::contains("nothing was sent")),
        );
    env.cmd()
        .args(["seat", "mute", "live-1", "--index", "2", "--audio"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "audio of seat 2 of room \"live-1\" already forbidden",
        ));
    lock.assert_calls(0);
}

#[test]
fn move_sends_the_policy_and_refuses_a_taken_seat_under_fail() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    let free = mount_ok(
        &env.server,
        "move_user_to_seat",
        json!({"RoomId": "live-1", "SeatIndex": 3, "Member_Account": "guest", "Policy": 0}),
    );
    let swap = mount_ok(
        &env.server,
        "move_user_to_seat",
        json!({"RoomId": "live-1", "SeatIndex": 0, "Member_Account": "guest", "Policy": 2}),
    );
    let kick = mount_ok(
        &env.server,
        "move_user_to_seat",
        json!({"RoomId": "live-1", "SeatIndex": 0, "Member_Account": "guest", "Policy": 1}),
    );
    env.cmd()
        .args(["seat", "move", "live-1", "guest", "--to", "3"])
        .assert()
        .code(0)
        .stdout("moved guest to seat 3\n");
    env.cmd()
        .args(["seat", "move", "live-1", "guest", "--to", "0"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("taken by host").and(predicates::str::contains("--if-taken")),
        );
    env.cmd()
        .args([
            "seat",
            "move",
            "live-1",
            "guest",
            "--to",
            "0",
            "--if-taken",
            "swap",
        ])
        .assert()
        .code(0);
    env.cmd()
        .args([
            "seat",
            "move",
            "live-1",
            "guest",
            "--to",
            "0",
            "--if-taken",
            "kick",
        ])
        .assert()
        .code(0);
    free.assert_calls(1);
    swap.assert_calls(1);
    kick.assert_calls(1);
}

#[test]
fn a_service_refusal_has_its_code_and_exit_5_and_a_json_failure_line() {
    let env = TestEnv::new();
    mount_seats(&env.server);
    env.server.mock(|when, then| {
        when.path(mic("pick_user_on_seat"));
        then.status(200)
            .json_body(fail_reply(100210, "seat occupied"));
    });
    env.cmd()
        .args(["seat", "pick", "live-1", "bob", "--index", "3"])
        .assert()
        .code(5)
        .stderr(
            predicates::str::contains("bob was not put on seat 3 of room \"live-1\": 100210")
                .and(predicates::str::contains("Id-fail-100210")),
        );
    let out = env
        .cmd()
        .args([
            "seat", "pick", "live-1", "bob", "--index", "3", "-o", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v = json_out(&out);
    assert_eq!(v["status"], "failed");
    assert_eq!(v["error_code"], 100210);
}

#[test]
fn a_missing_room_reads_not_found() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(mic("get_seat_list"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    env.cmd()
        .args(["seat", "list", "nope"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("room \"nope\" not found: 100004"));
}

#[test]
fn dry_run_needs_no_secret_and_reads_nothing() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["seat", "lock", "live-1", "--index", "2", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("/v4/room_engine_http_mic/lock_seat?"),
        "{text}"
    );
    assert!(text.contains("usersig=<redacted>"), "{text}");
    assert!(text.contains("\"ForbidTaken\": true"), "{text}");
    assert!(!text.contains("get_seat_list"), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&stderr(&out));
}

#[test]
fn a_room_without_seats_says_so_and_changes_are_refused() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(mic("get_seat_list"));
        then.status(200).json_body(reply(json!({"SeatList": []})));
    });
    let lock = mount_any(&env.server, "lock_seat");
    env.cmd()
        .args(["seat", "list", "live-1"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("room \"live-1\" has no seats\n");
    env.cmd()
        .args(["seat", "lock", "live-1", "--index", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("has no seats"));
    lock.assert_calls(0);
}
