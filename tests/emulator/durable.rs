//! The emulator's own safety (issue 18 §4): a confirmed write survives
//! `kill -9`; `--state` refuses special files and a second emulator; the
//! clock cannot wrap; client text in logs is escaped, one line per request;
//! `--allow-remote` with a configured key warns.

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::json;

use super::harness::{self, Emu, code};

const STATE_ARGS: [&str; 4] = ["--listen", ":0", "--state", "rooms.json"];

#[test]
fn a_confirmed_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(dir.path(), &STATE_ARGS, &[]);
    for i in 0..300 {
        let made = emu.post(
            "live_engine_http_srv/create_room",
            json!({"RoomInfo": {"RoomId": format!("r{i}"), "RoomType": "Live", "SeatTemplate": "AudioSalon"}}),
        );
        assert_eq!(code(&made), 0, "{made}");
    }
    for i in (0..300).step_by(3) {
        let gone = emu.post(
            "live_engine_http_srv/destroy_room",
            json!({"RoomId": format!("r{i}")}),
        );
        assert_eq!(code(&gone), 0, "{gone}");
    }
    // At once: no time for a periodic save.
    let (status, _) = emu.stop_with("-KILL");
    assert!(!status.success());
    let again = Emu::start_in(dir.path(), &STATE_ARGS, &[]);
    for i in 0..300 {
        let got = again.post(
            "live_engine_http_srv/get_room_info",
            json!({"RoomId": format!("r{i}")}),
        );
        let want = if i % 3 == 0 { 100004 } else { 0 };
        assert_eq!(code(&got), want, "room r{i} after kill -9: {got}");
    }
    let (status, err) = again.stop();
    assert!(status.success());
    assert!(err.contains("200 rooms loaded"), "{err}");
}

#[test]
fn an_imported_account_survives_kill_9_with_its_profile() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(dir.path(), &STATE_ARGS, &[]);
    let got = emu.post(
        "im_open_login_svc/account_import",
        json!({"UserID": "fan", "Nick": "Fan"}),
    );
    assert_eq!(code(&got), 0, "{got}");
    let (status, _) = emu.stop_with("-KILL");
    assert!(!status.success());
    let again = Emu::start_in(dir.path(), &STATE_ARGS, &[]);
    let got = again.post(
        "profile/portrait_get",
        json!({"To_Account": ["fan"], "TagList": ["Tag_Profile_IM_Nick"]}),
    );
    assert_eq!(
        got["UserProfileItem"][0]["ProfileItem"],
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "Fan"}]),
        "{got}"
    );
    again.stop();
}

#[test]
fn special_files_are_refused_as_state_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    for (state, kind) in [
        ("/dev/zero", "a device"),
        ("fifo", "a FIFO"),
        ("adir", "a directory"),
    ] {
        harness::bare(dir.path())
            .args(["emulator", "--listen", ":0", "--state", state])
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(3)
            .stderr(
                contains(state)
                    .and(contains(kind))
                    .and(contains("regular file")),
            );
    }
}

#[test]
fn a_second_emulator_on_the_same_state_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = Emu::start_in(dir.path(), &STATE_ARGS, &[]);
    harness::bare(dir.path())
        .args(["emulator"])
        .args(STATE_ARGS)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(3)
        .stderr(contains("another livectl emulator").and(contains("rooms.json.lock")));
    let (status, _) = first.stop();
    assert!(status.success(), "the first one is untouched");
}

#[test]
fn the_clock_cannot_wrap() {
    let dir = tempfile::tempdir().unwrap();
    harness::bare(dir.path())
        .args(["emulator", "--listen", ":0", "--clock-offset"])
        .arg(i64::MAX.to_string())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(contains("--clock-offset"));
    let emu = Emu::start(&["--listen", ":0"]);
    let advance = |s: i64| emu.post("livectl_emulator/advance_clock", json!({"Seconds": s}));
    let now = advance(0)["Response"]["Now"].as_u64().unwrap();
    for huge in [i64::MAX, i64::MAX / 1000, 200 * 365 * 86_400] {
        let a = advance(huge);
        assert_eq!(code(&a), 100002, "{a}");
        assert!(
            a["ErrorInfo"].as_str().unwrap().contains("out of range"),
            "{a}"
        );
    }
    let later = advance(0)["Response"]["Now"].as_u64().unwrap();
    assert!(
        later - now < 3600,
        "the clock did not move: {now} -> {later}"
    );
}

#[test]
fn client_text_in_logs_is_escaped_one_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(
        dir.path(),
        &["--listen", ":0", "-v", "--log", "emu.log"],
        &[],
    );
    let evil = "r\u{1b}[2J\nPOST forged_command room=x -> 0 Id-emu-forged";
    let a = emu.post(
        "live_engine_http_srv/get_room_info",
        json!({"RoomId": evil}),
    );
    assert_eq!(code(&a), 100004);
    // Unauthenticated: the wrong SDKAppID.
    let a = emu.post_query(
        "live_engine_http_srv/get_room_info",
        "sdkappid=1&identifier=x&usersig=y",
        json!({"RoomId": evil}),
    );
    assert_eq!(code(&a), 60006);
    let log = std::fs::read_to_string(dir.path().join("emu.log")).unwrap();
    let (status, err) = emu.stop();
    assert!(status.success());
    assert!(
        !err.contains('\u{1b}'),
        "a raw escape reached the terminal:\n{err}"
    );
    assert!(err.contains("r\\e[2J\\nPOST forged_command"), "{err}");
    let lines = err.lines().filter(|l| l.contains(" -> ")).count();
    assert_eq!(lines, 2, "one line per request:\n{err}");
    assert!(
        !err.lines().any(|l| l.starts_with("POST forged_command")),
        "{err}"
    );
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(!log.contains('\u{1b}'), "{log}");
}

#[test]
fn allow_remote_with_a_configured_key_warns_that_usersigs_cross_the_network() {
    let dir = tempfile::tempdir().unwrap();
    // 192.0.2.1 (TEST-NET-1) is on no interface: the bind fails after the warnings.
    let remote = ["emulator", "--listen", "192.0.2.1:0", "--allow-remote"];
    harness::bare(dir.path())
        .args(remote)
        .env("LIVECTL_SECRET_KEY", "my-own-key-0123456789")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(7)
        .stderr(contains("your configured secret key").and(contains("plain http")));
    harness::bare(dir.path())
        .args(remote)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(7)
        .stderr(contains("your configured secret key").not());
}
