//! `livectl list`: paging by cursor, `--limit`, text and JSON, failures mid-way.

use super::*;
use crate::common::*;
use httpmock::HttpMockRequest;
use httpmock::Method::POST;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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
    let out = env.cmd().env("TZ", "UTC").args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(*order.lock().unwrap(), ["", "c1", "c2"]);
    for m in &mocks {
        m.assert_calls(1);
    }
    let row = |id: &str| {
        format!(
            "{id:<20}  {:<20}  {:<14}  5        2023-11-14 22:13 +00:00",
            format!("name {id}"),
            "host"
        )
    };
    let mut want = vec![format!(
        "{:<20}  {:<20}  {:<14}  VIEWERS  CREATED",
        "ROOM ID", "NAME", "OWNER"
    )];
    want.extend(["p1-0", "p1-1", "p2-0", "p2-1", "p3-0"].map(row));
    assert_eq!(without_distance(&stdout(&out)), want.join("\n") + "\n");
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

#[test]
fn list_json_keeps_fields_the_tool_does_not_model() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("get_room_list"))
            .json_body(json!({"Next": "", "Count": 20}));
        then.status(200)
            .json_body(ok_with(json!({"Next": "", "RoomList": [{
                "RoomId": "r1", "ViewCount": "5", "SeatLayoutTemplateId": 600,
                "RoomStatus": 1, "CustomInfo": ""
            }]})));
    });
    let out = env.cmd().args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\"room_id\":\"r1\",\"view_count\":5,\"extra\":{\"SeatLayoutTemplateId\":600,\"RoomStatus\":1,\"CustomInfo\":\"\"}}\n"
    );
    mock.assert_calls(1);
}
