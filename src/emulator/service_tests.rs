//! The service without sockets, on a clock that stands still: routing,
//! URL checks, the rate limits and fail rate, and room rules that need
//! exact time (100012, get_room_list's 10/s).

use serde_json::{Value, json};

use super::auth::Credentials;
use super::faults::{EmulatorClock, Faults};
use super::service::{Request, Rules, Service};
use super::state::{FORMAT, State};
use crate::secret::Secret;
use crate::usersig;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T0: u64 = 1_700_000_000_000;

fn service(faults: Faults) -> Service {
    Service::new(
        Credentials {
            sdkappid: 1400000000,
            identifier: "administrator".into(),
            key: Secret::new(KEY),
        },
        EmulatorClock::fixed(T0),
        faults,
        Rules::default(),
        {
            let mut st = State {
                format: FORMAT,
                ..State::default()
            };
            super::accounts::seed(&mut st, "administrator");
            st
        },
    )
}

fn plain() -> Service {
    service(Faults::new(Default::default(), 0.0, 1, None))
}

fn url(svc: &Service, path: &str) -> String {
    let sig = usersig::generate(
        1400000000,
        &Secret::new(KEY),
        "administrator",
        3600,
        svc.clock.now_s(),
    );
    format!(
        "/v4/{path}?sdkappid=1400000000&identifier=administrator&usersig={}&random=42&contenttype=json",
        sig.expose()
    )
}

fn call_as(svc: &Service, method: &str, path: &str, body: &[u8]) -> Value {
    let url = url(svc, path);
    let a = svc.handle(&Request {
        method,
        url: &url,
        body,
        too_long: false,
    });
    serde_json::from_slice(&a.body).unwrap()
}

fn call(svc: &Service, path: &str, body: Value) -> Value {
    call_as(svc, "POST", path, body.to_string().as_bytes())
}

fn code(v: &Value) -> i64 {
    v["ErrorCode"].as_i64().unwrap()
}

fn create(svc: &Service, id: &str) -> Value {
    call(
        svc,
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": id, "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats"}}),
    )
}

#[test]
fn answers_have_the_common_fields() {
    let svc = plain();
    let ok = create(&svc, "r1");
    assert_eq!(ok["ActionStatus"], "OK");
    assert_eq!(ok["ErrorInfo"], "");
    assert_eq!(ok["RoomId"], "r1");
    assert!(ok["RequestId"].as_str().unwrap().starts_with("Id-"));
    let bad = call(
        &svc,
        "live_engine_http_srv/get_room_info",
        json!({"RoomId": "nope"}),
    );
    assert_eq!(bad["ActionStatus"], "FAIL");
    assert_eq!(code(&bad), 100004);
}

#[test]
fn routing_method_and_body_codes() {
    let svc = plain();
    assert_eq!(
        code(&call(
            &svc,
            "live_engine_http_srv/no_such_command",
            json!({})
        )),
        60009
    );
    assert_eq!(code(&call(&svc, "other_srv/create_room", json!({}))), 60009);
    assert_eq!(
        code(&call_as(
            &svc,
            "GET",
            "live_engine_http_srv/get_room_list",
            b""
        )),
        60002
    );
    assert_eq!(
        code(&call_as(
            &svc,
            "POST",
            "live_engine_http_srv/get_room_list",
            b"{oops"
        )),
        60003
    );
    assert_eq!(
        code(&call_as(
            &svc,
            "POST",
            "live_engine_http_srv/get_room_list",
            b""
        )),
        60003
    );
}

#[test]
fn second_create_within_a_second_is_100012_then_exists() {
    let svc = plain();
    assert_eq!(code(&create(&svc, "r1")), 0);
    call(
        &svc,
        "live_engine_http_srv/destroy_room",
        json!({"RoomId": "r1"}),
    );
    assert_eq!(
        code(&create(&svc, "r1")),
        100012,
        "recreated within the second"
    );
    svc.clock.advance(999).unwrap();
    assert_eq!(code(&create(&svc, "r1")), 100012);
    svc.clock.advance(1).unwrap();
    assert_eq!(code(&create(&svc, "r1")), 0, "a second later it is allowed");
    svc.clock.advance(1000).unwrap();
    assert_eq!(
        code(&create(&svc, "r1")),
        100010,
        "exists and is the caller's"
    );
    let other = call(
        &svc,
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "Karaoke", "Owner_Account": "bob"}}),
    );
    assert_eq!(code(&other), 100003, "exists with another owner");
}

#[test]
fn get_room_list_allows_ten_per_second() {
    let svc = plain();
    let list = || {
        code(&call(
            &svc,
            "live_engine_http_srv/get_room_list",
            json!({"Next": "", "Count": 20}),
        ))
    };
    let codes: Vec<i64> = (0..11).map(|_| list()).collect();
    assert_eq!(codes[..10], [0; 10]);
    assert_eq!(codes[10], 60007);
    // Other commands are not limited by it.
    assert_eq!(code(&create(&svc, "r1")), 0);
    svc.clock.advance(1000).unwrap();
    assert_eq!(list(), 0, "a new second");
}

#[test]
fn rate_limit_answers_60007_above_n_per_second() {
    let svc = service(Faults::new(Default::default(), 0.0, 1, Some(3)));
    let info = || {
        code(&call(
            &svc,
            "live_engine_http_srv/get_room_info",
            json!({"RoomId": "x"}),
        ))
    };
    let codes: Vec<i64> = (0..5).map(|_| info()).collect();
    assert_eq!(codes, [100004, 100004, 100004, 60007, 60007]);
    svc.clock.advance(1000).unwrap();
    assert_eq!(info(), 100004);
    // Emulator-only commands are never limited.
    let adv = call(
        &svc,
        "livectl_emulator/advance_clock",
        json!({"Seconds": 0}),
    );
    let adv2 = call(
        &svc,
        "livectl_emulator/advance_clock",
        json!({"Seconds": 0}),
    );
    let adv3 = call(
        &svc,
        "livectl_emulator/advance_clock",
        json!({"Seconds": 0}),
    );
    assert_eq!((code(&adv), code(&adv2), code(&adv3)), (0, 0, 0));
}

#[test]
fn fail_rate_one_fails_every_service_call_and_changes_nothing() {
    let svc = service(Faults::new(Default::default(), 1.0, 1, None));
    assert_eq!(code(&create(&svc, "r1")), 100001);
    assert!(svc.state.lock().unwrap().rooms.is_empty());
}

#[test]
fn auth_comes_before_the_handler() {
    let svc = plain();
    let url = "/v4/live_engine_http_srv/create_room?sdkappid=1400000000&identifier=administrator&usersig=&random=1&contenttype=json";
    let body = json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "Karaoke"}})
        .to_string();
    let a = svc.handle(&Request {
        method: "POST",
        url,
        body: body.as_bytes(),
        too_long: false,
    });
    let v: Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(code(&v), 70002);
    assert!(svc.state.lock().unwrap().rooms.is_empty());
}

#[test]
fn room_fields_are_checked_by_the_tools_rules() {
    let svc = plain();
    let make = |info: Value| {
        code(&call(
            &svc,
            "live_engine_http_srv/create_room",
            json!({ "RoomInfo": info }),
        ))
    };
    let base = |extra: Value| {
        let mut m = json!({"RoomId": "ok", "RoomType": "Live", "SeatTemplate": "Karaoke"});
        m.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        m
    };
    assert_eq!(make(base(json!({"RoomName": "x".repeat(101)}))), 100002);
    assert_eq!(make(base(json!({"RoomId": "x".repeat(49)}))), 100002);
    assert_eq!(make(base(json!({"Category": [1, 2, 3, 4]}))), 100002);
    assert_eq!(make(base(json!({"TakeSeatMode": "freetotake"}))), 100002);
    assert_eq!(make(base(json!({"MaxMemberCount": 0}))), 100002);
    assert_eq!(make(base(json!({"RoomType": "Conference"}))), 100002);
    assert_eq!(
        make(json!({"RoomId": "ok", "RoomType": "Live"})),
        100002,
        "SeatTemplate is required"
    );
    assert_eq!(make(base(json!({"SeatTemplate": "Nine"}))), 100002);
    let info = call(
        &svc,
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": base(json!({"RoomName": "x".repeat(101)}))}),
    );
    assert!(
        info["ErrorInfo"].as_str().unwrap().contains("RoomName"),
        "{info}"
    );
    assert_eq!(
        make(base(
            json!({"RoomName": "x".repeat(100), "MaxSeatCount": 4})
        )),
        0
    );
    let seats = call(
        &svc,
        "room_engine_http_mic/get_seat_list",
        json!({"RoomId": "ok"}),
    );
    assert_eq!(
        seats["Response"]["SeatList"].as_array().unwrap().len(),
        4,
        "AudioSalon/Karaoke take MaxSeatCount"
    );
}

#[test]
fn update_changes_only_updatable_fields() {
    let svc = plain();
    create(&svc, "r1");
    let up = |info: Value| {
        code(&call(
            &svc,
            "live_engine_http_srv/update_room_info",
            json!({ "RoomInfo": info }),
        ))
    };
    assert_eq!(
        up(json!({"RoomId": "r1", "RoomName": "new", "Notice": "hi"})),
        0
    );
    assert_eq!(up(json!({"RoomId": "r1", "Owner_Account": "bob"})), 100002);
    assert_eq!(up(json!({"RoomId": "r1", "MaxSeatCount": 3})), 100002);
    assert_eq!(
        up(json!({"RoomId": "r1", "IsUnlimitedRoomEnabled": true})),
        0,
        "the console sends it on every update"
    );
    assert_eq!(
        up(json!({"RoomId": "r1", "SeatTemplate": "Karaoke"})),
        100002
    );
    assert_eq!(
        up(json!({"RoomId": "r1", "Notice": "n".repeat(101)})),
        100002
    );
    assert_eq!(up(json!({"RoomId": "gone", "RoomName": "x"})), 100004);
    let got = call(
        &svc,
        "live_engine_http_srv/get_room_info",
        json!({"RoomId": "r1"}),
    );
    assert_eq!(got["Response"]["RoomInfo"]["RoomName"], "new");
    assert_eq!(got["Response"]["RoomInfo"]["Notice"], "hi");
    assert_eq!(
        got["Response"]["RoomInfo"]["Owner_Account"],
        "administrator"
    );
}

#[test]
fn list_pages_public_rooms_by_views() {
    let svc = plain();
    for i in 0..25 {
        create(&svc, &format!("r{i:02}"));
    }
    call(
        &svc,
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "hidden", "RoomType": "Live", "SeatTemplate": "Karaoke", "IsPublicVisible": false}}),
    );
    call(
        &svc,
        "livectl_emulator/join_room",
        json!({"RoomId": "r24", "MemberList_Account": ["a", "b"]}),
    );
    let page = |next: &str| {
        call(
            &svc,
            "live_engine_http_srv/get_room_list",
            json!({"Next": next, "Count": 20}),
        )
    };
    let p1 = page("");
    let l1 = p1["Response"]["RoomList"].as_array().unwrap();
    assert_eq!(l1.len(), 20);
    assert_eq!(l1[0]["RoomId"], "r24", "most viewed first");
    assert_eq!(l1[0]["ViewCount"], 2);
    let next = p1["Response"]["Next"].as_str().unwrap().to_string();
    assert!(!next.is_empty());
    let p2 = page(&next);
    assert_eq!(p2["Response"]["RoomList"].as_array().unwrap().len(), 5);
    assert_eq!(p2["Response"]["Next"], "");
    let all: Vec<Value> = l1
        .iter()
        .chain(p2["Response"]["RoomList"].as_array().unwrap())
        .cloned()
        .collect();
    assert!(
        all.iter().all(|r| r["RoomId"] != "hidden"),
        "private rooms are not listed"
    );
    let too_many = call(
        &svc,
        "live_engine_http_srv/get_room_list",
        json!({"Next": "", "Count": 21}),
    );
    assert_eq!(code(&too_many), 100002);
}
