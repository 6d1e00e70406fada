//! `livectl get`, `update`, `destroy` (one room) and `list` against an
//! httpmock server: request path and exact body, text and JSON output, the
//! answer's type drift, 100004 handling, and list paging and failures.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn ok_with(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "RequestId": "Id-ok-1", "Response": response})
}

fn room_reply(info: Value) -> Value {
    ok_with(json!({"RoomInfo": info}))
}

fn list_reply(ids: &[&str], next: &str) -> Value {
    let rooms: Vec<Value> = ids
        .iter()
        .map(|id| json!({"RoomId": id, "RoomName": format!("name {id}"), "Owner_Account": "host", "ViewCount": 5, "CreateTime": 1_700_000_000}))
        .collect();
    ok_with(json!({"RoomList": rooms, "Next": next}))
}

fn json_response(v: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(v.to_string())
        .build()
}

fn lines(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// ---- get ----

#[test]
fn get_prints_aligned_readable_fields() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_room_info"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "live-1", "RoomName": "Friday show", "Owner_Account": "host1",
            "MaxMemberCount": 500, "CoverURL": "https://c/x.png", "IsMessageDisabled": false,
            "Category": [1, 2], "IsPublicVisible": true, "IsSeatEnabled": true,
            "TakeSeatMode": "ApplyToTake", "MaxSeatCount": 8, "ActivityStatus": 3,
            "Notice": "welcome", "ViewCount": 42, "CreateTime": 1_700_000_000,
            "SeatTemplate": {"Unknown": true}
        })));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
Room ID:           live-1
Name:              Friday show
Owner:             host1
Max members:       500
Cover URL:         https://c/x.png
Messages disabled: no
Category:          1,2
Public:            yes
Seats enabled:     yes
Seat mode:         ApplyToTake
Max seats:         8
Activity status:   3
Notice:            welcome
Viewers:           42
Created:           2023-11-14 22:13:20 UTC
"
    );
    mock.assert_calls(1);
}

#[test]
fn get_json_has_snake_case_keys_whatever_the_answer_types() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info")).json_body(json!({"RoomId": "plain"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "plain", "RoomName": "n", "Owner_Account": "1001", "MaxMemberCount": 500,
            "IsMessageDisabled": true, "IsPublicVisible": false, "IsSeatEnabled": true,
            "TakeSeatMode": "FreeToTake", "MaxSeatCount": 8, "ViewCount": 0, "CreateTime": 1_700_000_000
        })));
    });
    // An older revision: numbers for the owner and seat mode, bools and
    // integers as strings or 0/1.
    env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "drift"}));
        then.status(200).json_body(room_reply(json!({
            "RoomId": "drift", "RoomName": "n", "Owner_Account": 1001, "MaxMemberCount": "500",
            "IsMessageDisabled": "true", "IsPublicVisible": 0, "IsSeatEnabled": "1",
            "TakeSeatMode": 1, "MaxSeatCount": "8", "ViewCount": "0", "CreateTime": "1700000000",
            "Extra": [1, 2, 3]
        })));
    });
    let want = |id: &str| {
        json!({
            "room_id": id, "name": "n", "owner": "1001", "max_members": 500,
            "message_disabled": true, "public": false, "seat_enabled": true,
            "seat_mode": "FreeToTake", "max_seats": 8, "view_count": 0, "create_time": 1_700_000_000
        })
    };
    for id in ["plain", "drift"] {
        let out = env
            .cmd()
            .args(["get", "--room-id", id, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(lines(&out), vec![want(id)], "{id}");
    }
    // TakeSeatMode 2 is ApplyToTake.
    env.server.mock(|when, then| {
        when.path(path("get_room_info"))
            .json_body(json!({"RoomId": "apply"}));
        then.status(200)
            .json_body(room_reply(json!({"RoomId": "apply", "TakeSeatMode": 2})));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "apply", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        lines(&out),
        vec![json!({"room_id": "apply", "seat_mode": "ApplyToTake"})]
    );
}

#[test]
fn get_missing_room_exits_5_naming_the_room() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["get", "--room-id", "gone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("error: room \"gone\" not found: 100004 room not exist (no such room"),
        "{err}"
    );
    assert!(err.contains("RequestId Id-fail-100004"), "{err}");

    let out = env
        .cmd()
        .args(["get", "--room-id", "gone", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v = &lines(&out)[0];
    assert_eq!(
        (v["status"].as_str(), v["error_code"].as_i64()),
        (Some("failed"), Some(100004))
    );
    assert_eq!(v["request_id"], "Id-fail-100004");
    mock.assert_calls(2);
}

// ---- update ----

#[test]
fn update_sends_the_room_id_and_changed_fields_only() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("update_room_info"))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {
                "RoomId": "live-1", "RoomName": "new name", "MaxMemberCount": 300,
                "IsMessageDisabled": false, "Category": [4], "IsPublicVisible": true,
                "TakeSeatMode": "FreeToTake", "ActivityStatus": -1, "Notice": "hello", "Custom": 5
            }}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "update",
            "--room-id",
            "live-1",
            "--name",
            "new name",
            "--max-members",
            "300",
        ])
        .args([
            "--message-disabled=false",
            "--category",
            "4",
            "--public",
            "--seat-mode",
            "FREETOTAKE",
        ])
        .args([
            "--activity-status",
            "-1",
            "--notice",
            "hello",
            "--field",
            "Custom=5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-1\n");
    mock.assert_calls(1);
}

#[test]
fn update_json_output() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("update_room_info"))
            .json_body(json!({"RoomInfo": {"RoomId": "r1", "CoverURL": "u"}}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args([
            "-o",
            "json",
            "update",
            "--room-id",
            "r1",
            "--cover-url",
            "u",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        vec![json!({"status": "updated", "room_id": "r1", "request_id": "Id-ok-1", "attempts": 1})]
    );
    mock.assert_calls(1);
}

#[test]
fn update_without_fields_exits_2_naming_the_flags_and_sends_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["update", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nothing to update for room \"r1\""), "{err}");
    for flag in [
        "--name",
        "--max-members",
        "--public",
        "--seat-mode",
        "--notice",
        "--field",
    ] {
        assert!(err.contains(flag), "{flag}: {err}");
    }
    mock.assert_calls(0);
}

#[test]
fn update_limit_violation_exits_2_naming_the_flag_and_limit() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["update", "--room-id", "r1", "--notice", &"n".repeat(101)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--notice: is 101 bytes; the limit is 100 bytes"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    mock.assert_calls(0);
}

#[test]
fn update_dry_run_prints_the_request_and_needs_no_secret() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .bare_cmd()
        .env("LIVECTL_ENDPOINT", env.server.base_url())
        .args(["update", "--room-id", "r1", "--public=false", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "POST {}{}?",
            env.server.base_url(),
            path("update_room_info")
        )),
        "{text}"
    );
    assert!(text.contains("usersig=<redacted>"), "{text}");
    let body: Value = serde_json::from_str(&text[text.find('{').unwrap()..]).unwrap();
    assert_eq!(
        body,
        json!({"RoomInfo": {"RoomId": "r1", "IsPublicVisible": false}})
    );
    mock.assert_calls(0);
}

// ---- destroy ----

#[test]
fn destroy_sends_the_room_id_and_prints_it() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("destroy_room"))
            .is_true(valid_request)
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "live-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-1\n");
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "live-1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "destroyed", "room_id": "live-1", "request_id": "Id-ok-1", "attempts": 1})
        ]
    );
    mock.assert_calls(2);
}

#[test]
fn destroy_missing_room_exits_5_unless_missing_ok() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "gone"}));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "gone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("room \"gone\" not found"), "{err}");
    assert!(err.contains("--missing-ok"), "{err}");
    assert!(err.contains("100004 room not exist"), "{err}");
    assert!(err.contains("RequestId Id-fail-100004"), "{err}");

    let out = env
        .cmd()
        .args(["destroy", "--room-id", "gone", "--missing-ok"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "gone\n");
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "gone", "--missing-ok", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "missing", "room_id": "gone", "error_code": 100004, "request_id": "Id-fail-100004", "attempts": 1})
        ]
    );
    mock.assert_calls(3);
}

#[test]
fn destroy_answered_100004_on_a_retry_counts_as_destroyed() {
    // The first attempt's answer is lost (502): it may have destroyed the
    // room, so the retry's "no such room" means done, not failed.
    let env = TestEnv::new();
    let tries = Arc::new(AtomicUsize::new(0));
    let t = tries.clone();
    let mock = env.server.mock(move |when, then| {
        when.path(path("destroy_room"))
            .json_body(json!({"RoomId": "r1"}));
        then.respond_with(move |_: &HttpMockRequest| {
            if t.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder().status(502).build()
            } else {
                json_response(&fail_reply(100004, "room not exist"))
            }
        });
    });
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "r1", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        vec![
            json!({"status": "destroyed", "room_id": "r1", "request_id": "Id-fail-100004", "attempts": 2})
        ]
    );
    mock.assert_calls(2);
}

#[test]
fn destroy_other_failures_name_the_room_and_code() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("destroy_room"));
        then.status(200)
            .json_body(fail_reply(100006, "no permission"));
    });
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "theirs", "--missing-ok"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(
        err.contains("room \"theirs\" was not destroyed: 100006 no permission"),
        "{err}"
    );
    assert!(err.contains("RequestId Id-fail-100006"), "{err}");
}

#[test]
fn destroy_dry_run_and_unbuilt_batch_send_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_with(json!({})));
    });
    let out = env
        .cmd()
        .args(["destroy", "--room-id", "r1", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = &lines(&out)[0];
    assert_eq!(v["body"], json!({"RoomId": "r1"}));
    assert!(v["url"].as_str().unwrap().contains("/destroy_room?"), "{v}");
    assert_no_secret(&stdout(&out));

    env.write("rooms.csv", "room_id\nr1\n");
    let out = env
        .cmd()
        .args(["destroy", "--from-csv", "rooms.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not implemented yet"),
        "{}",
        stderr(&out)
    );
    mock.assert_calls(0);
}

// ---- list ----

/// Three pages, each answered by a mock that matches its cursor; the order
/// of the requests is recorded.
fn three_pages(
    env: &TestEnv,
    count: u64,
    sizes: [usize; 3],
) -> (Vec<httpmock::Mock<'_>>, Arc<Mutex<Vec<String>>>) {
    let order = Arc::new(Mutex::new(Vec::new()));
    let pages = [("", "c1"), ("c1", "c2"), ("c2", "")];
    let mut mocks = Vec::new();
    for (i, (cursor, next)) in pages.into_iter().enumerate() {
        let ids: Vec<String> = (0..sizes[i]).map(|n| format!("p{}-{n}", i + 1)).collect();
        let seen = order.clone();
        mocks.push(env.server.mock(move |when, then| {
            when.method(POST)
                .path(path("get_room_list"))
                .is_true(valid_request)
                .json_body(json!({"Next": cursor, "Count": count}));
            then.respond_with(move |_: &HttpMockRequest| {
                seen.lock().unwrap().push(cursor.to_string());
                let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                json_response(&list_reply(&refs, next))
            });
        }));
    }
    (mocks, order)
}

#[test]
fn list_follows_the_cursor_across_three_pages_as_a_table() {
    let env = TestEnv::new();
    let (mocks, order) = three_pages(&env, 20, [2, 2, 1]);
    let out = env.cmd().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(*order.lock().unwrap(), ["", "c1", "c2"]);
    for m in &mocks {
        m.assert_calls(1);
    }
    let row = |id: &str| {
        format!(
            "{id:<20}  {:<20}  {:<14}  5        2023-11-14 22:13:20 UTC",
            format!("name {id}"),
            "host"
        )
    };
    let mut want = vec![format!(
        "{:<20}  {:<20}  {:<14}  VIEWERS  CREATED",
        "ROOM ID", "NAME", "OWNER"
    )];
    want.extend(["p1-0", "p1-1", "p2-0", "p2-1", "p3-0"].map(row));
    assert_eq!(stdout(&out), want.join("\n") + "\n");
}

#[test]
fn list_limit_stops_early_and_asks_for_what_remains() {
    let env = TestEnv::new();
    let first = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "", "Count": 20}));
        let ids: Vec<String> = (0..20).map(|n| format!("a{n}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        then.status(200).json_body(list_reply(&refs, "c1"));
    });
    // The service may send more than asked; only the limit is printed.
    let second = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "c1", "Count": 3}));
        then.status(200)
            .json_body(list_reply(&["b0", "b1", "b2", "b3"], "c2"));
    });
    let third = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body_includes(r#"{"Next":"c2"}"#);
        then.status(200).json_body(list_reply(&["c0"], ""));
    });
    let out = env
        .cmd()
        .args(["list", "--limit", "23", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rooms = lines(&out);
    assert_eq!(rooms.len(), 23);
    assert_eq!(
        rooms[0],
        json!({"room_id": "a0", "name": "name a0", "owner": "host", "view_count": 5, "create_time": 1_700_000_000})
    );
    assert_eq!(rooms[22]["room_id"], "b2");
    first.assert_calls(1);
    second.assert_calls(1);
    third.assert_calls(0);
}

#[test]
fn list_limit_within_the_first_page_asks_for_that_many() {
    let env = TestEnv::new();
    let (mocks, order) = three_pages(&env, 2, [2, 2, 2]);
    let out = env
        .cmd()
        .args(["list", "--limit", "2", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out).len(), 2);
    assert_eq!(*order.lock().unwrap(), [""]);
    mocks[0].assert_calls(1);
    mocks[1].assert_calls(0);
}

#[test]
fn list_failure_mid_way_keeps_what_was_listed_and_names_the_page() {
    let env = TestEnv::new();
    let first = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "", "Count": 20}));
        then.status(200).json_body(list_reply(&["r1", "r2"], "c1"));
    });
    let second = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "c1", "Count": 20}));
        then.status(200)
            .json_body(fail_reply(60020, "plan expired"));
    });
    let out = env.cmd().args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let ids: Vec<Value> = lines(&out).iter().map(|r| r["room_id"].clone()).collect();
    assert_eq!(ids, [json!("r1"), json!("r2")]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: listing rooms stopped at page 2 (rooms listed before it: 2): 60020 plan expired"
        ),
        "{err}"
    );
    assert!(err.contains("renew the plan"), "{err}");
    assert!(err.contains("RequestId Id-fail-60020"), "{err}");
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
fn list_transport_failure_exits_7_after_the_retries() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "", "Count": 20}));
        then.status(200).json_body(list_reply(&["r1"], "c1"));
    });
    let broken = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "c1", "Count": 20}));
        then.status(502);
    });
    let out = env
        .cmd()
        .args(["list", "--retries", "1", "-vv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(err.contains("listing rooms stopped at page 2"), "{err}");
    assert!(err.contains("HTTP 502"), "{err}");
    assert!(err.contains("after 2 attempts"), "{err}");
    assert_no_secret(&err);
    assert!(stdout(&out).contains("r1"));
    broken.assert_calls(2);
}

#[test]
fn list_rate_limited_page_is_retried() {
    let env = TestEnv::new();
    let tries = Arc::new(AtomicUsize::new(0));
    let t = tries.clone();
    let mock = env.server.mock(move |when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "", "Count": 20}));
        then.respond_with(move |_: &HttpMockRequest| {
            if t.fetch_add(1, Ordering::SeqCst) == 0 {
                json_response(&fail_reply(60007, "rate limit"))
            } else {
                json_response(&list_reply(&["r1"], ""))
            }
        });
    });
    let out = env.cmd().args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out).len(), 1);
    mock.assert_calls(2);
}

#[test]
fn list_of_nothing_says_only_public_rooms_appear() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("get_room_list"));
        then.status(200)
            .json_body(ok_with(json!({"RoomList": [], "Next": ""})));
    });
    let out = env.cmd().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("only publicly visible rooms"),
        "{}",
        stderr(&out)
    );
    mock.assert_calls(1);
}
