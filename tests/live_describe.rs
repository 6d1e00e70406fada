//! `livectl describe ROOM`: nine reads in one view; a failed section says
//! why and the rest still shows; the room info read decides the exit code.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::{Value, json};

fn reply(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-d",
           "Response": response})
}

/// (command path, exact body, Response) of a room with members, seats,
/// admins, robots and metadata.
fn room() -> Vec<(String, Value, Value)> {
    let live = |c: &str| path(c);
    vec![
        (
            live("get_room_info"),
            json!({"RoomId": "live-1"}),
            json!({"RoomInfo": {
            "RoomId": "live-1", "RoomName": "直播间 Launch", "Owner_Account": "host",
            "RoomType": "Live", "CreateTime": 1_764_151_200, "ViewCount": 1200, "IsPublicVisible": true}}),
        ),
        (
            live("get_room_stats"),
            json!({"RoomId": "live-1"}),
            json!({"TotalViewers": 1200,
            "TotalGiftsSent": 35, "TotalGiftCoins": 9000, "TotalUniqueGiftSenders": 12,
            "TotalLikesReceived": 4000, "TotalMsgCount": 850}),
        ),
        (
            "/v4/room_engine_http_mic/get_seat_list".to_string(),
            json!({"RoomId": "live-1"}),
            json!({"SeatList": [
                {"Index": 0, "Member_Account": "host", "IsTakenDisabled": false, "IsAudioDisabled": false, "IsVideoDisabled": false},
                {"Index": 1, "Member_Account": "", "IsTakenDisabled": true, "IsAudioDisabled": false, "IsVideoDisabled": false}]}),
        ),
        (
            live("get_admin_list"),
            json!({"RoomId": "live-1"}),
            json!({"Admin_Account": ["alice", "bob"]}),
        ),
        (
            live("get_robot"),
            json!({"RoomId": "live-1"}),
            json!({"RobotList_Account": ["obs_bot"]}),
        ),
        (
            live("get_room_metadata"),
            json!({"RoomId": "live-1", "Keys": []}),
            json!({"Metadata": [{"Key": "topic", "Value": "launch"}]}),
        ),
        (
            live("get_member_list"),
            json!({"RoomId": "live-1", "Next": ""}),
            json!({"Next": "", "MemberCount": 57, "MemberList": [{"Member_Account": "v1"}]}),
        ),
        (
            live("get_banned_member_list"),
            json!({"RoomId": "live-1", "Offset": 0, "Limit": 100}),
            json!({"BannedAccountList": [{"Member_Account": "troll", "BannedUntil": 1_764_154_800}], "NextOffset": 0}),
        ),
        (
            live("get_muted_member_list"),
            json!({"RoomId": "live-1"}),
            json!({"MutedAccountList": []}),
        ),
    ]
}

/// Mounts the room; `fail` maps a command path to the code it answers.
fn mount(server: &MockServer, fail: &[(&str, i64)]) {
    for (p, body, resp) in room() {
        let answer = match fail.iter().find(|(c, _)| p.ends_with(&format!("/{c}"))) {
            Some((_, code)) => fail_reply(*code, "scripted"),
            None => reply(resp),
        };
        server.mock(|when, then| {
            when.method(POST)
                .path(p)
                .is_true(valid_request)
                .json_body(body);
            then.status(200).json_body(answer);
        });
    }
}

const TEXT: &str = "\
Room:
  Room ID:  live-1
  Name:     直播间 Launch
  Owner:    host
  Public:   yes
  Viewers:  1200
  Created:  2025-11-26 10:00 +00:00
  RoomType: Live
Statistics:
  Viewers:        1200
  Gifts:          35
  Coins:          9000
  Unique senders: 12
  Likes:          4000
  Messages:       850
Seats:
  INDEX  USER  LOCKED  AUDIO      VIDEO
  0      host  no      allowed    allowed
  1      -     yes     allowed    allowed
Admins:     alice, bob
Robots:     obs_bot
Metadata:
  KEY    VALUE
  topic  launch
Members:    57 online
Banned:     1
Muted:      0
";

#[test]
fn describe_shows_a_room_with_members_seats_admins_robots_and_metadata() {
    let env = TestEnv::new();
    mount(&env.server, &[]);
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .args(["describe", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(without_distance(&stdout(&out)), TEXT);
    assert_eq!(stderr(&out), "");
}

#[test]
fn json_has_a_key_per_section_with_the_service_values() {
    let env = TestEnv::new();
    mount(&env.server, &[]);
    let out = env
        .cmd()
        .args(["describe", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    // Each section in the nouns of the JSON contract (`livectl help json`).
    assert_eq!(
        v["room"],
        json!({"room_id": "live-1", "name": "直播间 Launch", "owner": "host", "public": true,
               "view_count": 1200, "create_time": 1_764_151_200, "extra": {"RoomType": "Live"}})
    );
    assert_eq!(
        v["stats"],
        json!({"room_id": "live-1", "total_viewers": 1200, "total_gifts_sent": 35,
               "total_gift_coins": 9000, "total_unique_gift_senders": 12,
               "total_likes_received": 4000, "total_msg_count": 850})
    );
    assert_eq!(
        v["seats"],
        json!([
            {"room_id": "live-1", "index": 0, "user": "host", "locked": false,
             "audio_forbidden": false, "video_forbidden": false},
            {"room_id": "live-1", "index": 1, "locked": true,
             "audio_forbidden": false, "video_forbidden": false}])
    );
    assert_eq!(v["admins"], json!(["alice", "bob"]));
    assert_eq!(v["robots"], json!(["obs_bot"]));
    assert_eq!(
        v["metadata"],
        json!([{"room_id": "live-1", "key": "topic", "value": "launch"}])
    );
    assert_eq!(v["members_online"], 57);
    assert_eq!(v["banned"], 1);
    assert_eq!(v["muted"], 0);
    assert_eq!(v.as_object().unwrap().len(), 9);
}

#[test]
fn a_failed_section_says_why_and_the_rest_still_shows() {
    let env = TestEnv::new();
    mount(
        &env.server,
        &[("get_seat_list", 100211), ("get_robot", 100006)],
    );
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .args(["describe", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Seats:      could not read: 100211 scripted ("),
        "{text}"
    );
    assert!(
        text.contains("Robots:     could not read: 100006 scripted ("),
        "{text}"
    );
    assert!(text.contains("Admins:     alice, bob\n"), "{text}");
    assert!(text.contains("Members:    57 online\n"), "{text}");
    let out = env
        .cmd()
        .args(["describe", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_out(&out);
    assert_eq!(v["seats"]["error"]["code"], 100211);
    assert_eq!(v["seats"]["error"]["request_id"], "Id-fail-100211");
    assert!(v["seats"]["error"]["explanation"].is_string());
    assert_eq!(v["admins"], json!(["alice", "bob"]));
}

#[test]
fn a_failed_room_info_read_is_the_error() {
    let env = TestEnv::new();
    mount(&env.server, &[("get_room_info", 100004)]);
    env.cmd()
        .args(["describe", "live-1"])
        .assert()
        .code(5)
        .stdout("")
        .stderr(predicates::str::contains(
            "room \"live-1\" not found: 100004",
        ));
    let out = env
        .cmd()
        .args(["describe", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(json_out(&out)["status"], "failed");
}

#[test]
fn dry_run_prints_every_read_and_needs_no_secret() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["describe", "live-1", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 9);
    for (line, (p, body, _)) in lines.iter().zip(room()) {
        assert!(
            line["url"].as_str().unwrap().contains(&format!("{p}?")),
            "{line}"
        );
        assert_eq!(line["body"], body);
    }
    assert_no_secret(&stdout(&out));
}

/// Answers on a loopback socket only once all `n` requests have arrived
/// (waiting at most `wait`); a request still alone by then gets 100002.
/// Only reads sent in parallel all succeed.
fn gathering_server(n: usize, wait: std::time::Duration) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::{Arc, Condvar, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let arrived = Arc::new((Mutex::new(0usize), Condvar::new()));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let arrived = arrived.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut len = 0;
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    if h.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let (count, cv) = &*arrived;
                let mut c = count.lock().unwrap();
                *c += 1;
                cv.notify_all();
                let (c, _) = cv.wait_timeout_while(c, wait, |c| *c < n).unwrap();
                let answer = if *c >= n {
                    let resp = room()
                        .into_iter()
                        .find(|(p, _, _)| path.starts_with(&format!("{p}?")))
                        .map(|(_, _, r)| r)
                        .unwrap_or(Value::Null);
                    reply(resp)
                } else {
                    fail_reply(100002, "alone: the reads were not parallel")
                };
                drop(c);
                let text = answer.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn the_nine_reads_run_in_parallel() {
    let env = TestEnv::new();
    let endpoint = gathering_server(9, std::time::Duration::from_secs(3));
    let out = env
        .cmd()
        .env("LIVECTL_ENDPOINT", endpoint)
        .args(["describe", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    for (key, section) in v.as_object().unwrap() {
        assert!(section.get("error").is_none(), "{key}: {section}");
    }
}
