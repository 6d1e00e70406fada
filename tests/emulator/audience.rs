//! `livectl emulator join|leave`: an audience on a running emulator, with
//! the usual credentials; refused for an endpoint that is not on this
//! machine; and the 100005 error on an emulator names the command.

use predicates::prelude::*;
use serde_json::json;

use super::harness::{Emu, code};

#[test]
fn join_and_leave_make_an_audience_that_the_other_commands_see() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "show", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    // Before: picking a viewer fails, and the error names the way in.
    let out = emu
        .client()
        .args(["seat", "pick", "show", "u1", "--index", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("livectl emulator join ROOM USER"), "{err}");
    emu.client()
        .args(["emulator", "join", "show", "u1", "u2", "u3"])
        .assert()
        .code(0)
        .stdout("u1\nu2\nu3\n");
    emu.client()
        .args(["seat", "pick", "show", "u1", "--index", "1"])
        .assert()
        .code(0);
    // A user the emulator has no account for is imported by join (an
    // audience member's app has one), so it can then be seated.
    emu.client()
        .args(["emulator", "join", "show", "guest7"])
        .assert()
        .code(0);
    emu.client()
        .args(["seat", "pick", "show", "guest7", "--index", "2"])
        .assert()
        .code(0);
    emu.client()
        .args(["emulator", "leave", "--room-id", "show", "u3", "-o", "json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            r#""status":"left","room_id":"show","user":"u3""#,
        ));
    let out = emu
        .client()
        .args(["member", "list", "show"])
        .output()
        .unwrap();
    let members = String::from_utf8_lossy(&out.stdout);
    assert!(
        members.contains("u1") && members.contains("u2"),
        "{members}"
    );
    assert!(!members.contains("u3"), "{members}");
}

#[test]
fn join_is_refused_when_the_endpoint_is_not_an_emulator() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    emu.client()
        .env("LIVECTL_ENDPOINT", "https://adminapisgp.im.qcloud.com")
        .args(["emulator", "join", "show", "u1"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("talks to a running `livectl emulator`")
                .and(predicates::str::contains("nothing was sent")),
        );
}

#[test]
fn a_crowd_joins_chats_likes_and_sends_gifts_and_the_stats_move() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "show", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    let out = emu
        .client()
        .args([
            "emulator",
            "crowd",
            "show",
            "--members",
            "5",
            "--messages",
            "20",
            "--likes",
            "10",
            "--gifts",
            "5",
            "--churn",
            "2",
            "--for",
            "1s",
            "--seed",
            "7",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("crowd in room \"show\": 5 members joined (seed 7)"),
        "{err}"
    );
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["members"], 5);
    assert!(done["messages"].as_u64().unwrap() >= 10, "{done}");
    let stats = emu
        .client()
        .args(["stats", "show", "-o", "json"])
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["total_msg_count"], done["messages"]);
    assert_eq!(stats["total_likes_received"], done["likes"]);
    assert_eq!(stats["total_gifts_sent"], done["gifts"]);
    assert!(stats["total_viewers"].as_u64().unwrap() >= 5, "{stats}");
    let members = emu
        .client()
        .args(["member", "list", "show"])
        .output()
        .unwrap();
    let members = String::from_utf8_lossy(&members.stdout);
    assert_eq!(
        members.lines().filter(|l| l.starts_with("viewer-")).count(),
        5,
        "{members}"
    );
}

#[test]
fn a_room_created_without_unlimited_cannot_be_mixed() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    emu.client()
        .args(["create", "plain", "--unlimited=false"])
        .assert()
        .code(0);
    emu.client()
        .args(["mix", "resume", "plain", "--retries", "0"])
        .assert()
        // 100424 (no mix task) is retryable by the code table: exit 7.
        .code(7)
        .stderr(predicates::str::contains("100424"));
    emu.client().args(["create", "mixable"]).assert().code(0);
    emu.client()
        .args(["mix", "resume", "mixable"])
        .assert()
        .code(0);
    // An announcement counts as a room message.
    emu.client()
        .args(["announce", "mixable", "--text", "hi"])
        .assert()
        .code(0);
    let out = emu
        .client()
        .args(["stats", "mixable", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total_msg_count"], 1);
}

#[test]
fn a_battle_on_the_emulator_keeps_its_scores() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    for r in ["red", "blue"] {
        emu.client().args(["create", r]).assert().code(0);
    }
    let out = emu
        .client()
        .args(["battle", "start", "red", "--with", "blue", "--for", "10m"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    emu.client()
        .args(["battle", "score", &id, "red=10", "blue=4"])
        .assert()
        .code(0);
    emu.client()
        .args(["battle", "score", &id, "red=5"])
        .assert()
        .code(0);
    emu.client()
        .args(["battle", "score", &id, "blue=1", "--set"])
        .assert()
        .code(0);
    let out = emu
        .client()
        .args(["battle", "info", &id, "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], 1, "{v}");
    assert_eq!(v["duration_ms"], 600_000);
    assert_eq!(
        v["rooms"][0],
        json!({"room_id": "red", "score": 15, "owner": "administrator"})
    );
    assert_eq!(
        v["rooms"][1],
        json!({"room_id": "blue", "score": 1, "owner": "administrator"})
    );
    // A room in a running battle is refused for another (ResultCode 3).
    emu.client().args(["create", "green"]).assert().code(0);
    emu.client()
        .args(["battle", "start", "green", "--with", "blue", "--for", "1m"])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("already in another battle"));
}

#[test]
fn gifts_are_added_sent_and_counted() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    emu.client().args(["create", "show"]).assert().code(0);
    emu.client()
        .args(["gift", "add", "rose", "--name", "Rose", "--coins", "10"])
        .assert()
        .code(0);
    emu.client()
        .args(["gift", "get", "rose", "-o", "json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(r#""DefaultName":"Rose""#));
    emu.client()
        .args(["emulator", "join", "show", "fan7"])
        .assert()
        .code(0);
    emu.client()
        .args([
            "gift", "send", "show", "--from", "fan7", "--gift", "rose", "--count", "3",
        ])
        .assert()
        .code(0);
    let out = emu
        .client()
        .args(["gift", "count", "show", "--user", "fan7", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["total_count"].clone(), v["total_coins"].clone()),
        (json!(3), json!(30))
    );
    // A gift not in the catalogue is refused; removing needs --yes off a terminal.
    emu.client()
        .args(["gift", "send", "show", "--from", "fan7", "--gift", "tulip"])
        .assert()
        .code(5);
    emu.client()
        .args(["gift", "remove", "rose"])
        .assert()
        .code(2);
    emu.client()
        .args(["gift", "remove", "rose", "--yes"])
        .assert()
        .code(0);
}
