//! `livectl create` with seat layouts, `--unlimited` and `--field` (string vs
//! JSON), single and from CSV: exact bodies and the warnings on stderr.

use crate::common::*;
use httpmock::Method::POST;
use serde_json::{Value, json};

/// create_room answering success only to exactly `info`; returns the mock.
fn expect_create(env: &TestEnv, info: Value) -> httpmock::Mock<'_> {
    env.server.mock(|when, then| {
        when.method(POST)
            .path(path("create_room"))
            .is_true(valid_request)
            .json_body(json!({ "RoomInfo": info }));
        then.status(200)
            .json_body(ok_reply(info["RoomId"].as_str().unwrap()));
    })
}

#[test]
fn seat_template_none_sends_no_seat_template() {
    let env = TestEnv::new();
    let mock = expect_create(
        &env,
        json!({"RoomId": "r1", "RoomType": "Live", "IsUnlimitedRoomEnabled": true}),
    );
    env.cmd()
        .args(["create", "--room-id", "r1", "--seat-template", "None"])
        .assert()
        .code(0)
        .stdout("r1\n")
        .stderr("");
    mock.assert_calls(1);
}

#[test]
fn known_seat_templates_are_sent_in_canonical_spelling() {
    let env = TestEnv::new();
    for (given, sent) in [
        ("videofixedfloat7seats", "VideoFixedFloat7Seats"),
        ("KARAOKE", "Karaoke"),
        // Both landscape spellings are known; neither is turned into the other.
        ("videolandscape4seats", "VideoLandscape4Seats"),
        ("VIDEOLANDSCAPE4SEAT", "VideoLandscape4Seat"),
    ] {
        let mut mock = expect_create(
            &env,
            json!({"RoomId": "r1", "RoomType": "Live", "SeatTemplate": sent, "IsUnlimitedRoomEnabled": true}),
        );
        env.cmd()
            .args(["create", "--room-id", "r1", "--seat-template", given])
            .assert()
            .code(0)
            .stderr("");
        mock.assert_calls(1);
        mock.delete();
    }
}

#[test]
fn unknown_seat_template_is_sent_as_given_with_a_warning() {
    let env = TestEnv::new();
    let mock = expect_create(
        &env,
        json!({"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoMosaic16Seats", "IsUnlimitedRoomEnabled": true}),
    );
    env.cmd()
        .args(["create", "--room-id", "r1", "--seat-template", "VideoMosaic16Seats"])
        .assert()
        .code(0)
        .stdout("r1\n")
        .stderr(predicates::str::contains(
            "warning: room \"r1\": SeatTemplate \"VideoMosaic16Seats\" is not a layout livectl knows; it is sent as given",
        ));
    mock.assert_calls(1);
    // --quiet silences warnings, not the request.
    env.cmd()
        .args([
            "create",
            "--room-id",
            "r1",
            "--seat-template",
            "VideoMosaic16Seats",
            "-q",
        ])
        .assert()
        .code(0)
        .stderr("");
    mock.assert_calls(2);
}

#[test]
fn max_seats_with_a_video_layout_warns_and_is_still_sent() {
    let env = TestEnv::new();
    let default = expect_create(
        &env,
        json!({"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "MaxSeatCount": 6, "IsUnlimitedRoomEnabled": true}),
    );
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1", "--max-seats", "6"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("MaxSeatCount (--max-seats, CSV max_seats) only takes effect with the AudioSalon and Karaoke layouts; VideoDynamicGrid9Seats (the default) is a video layout"),
        "{err}"
    );
    default.assert_calls(1);
    let grid = expect_create(
        &env,
        json!({"RoomId": "r2", "RoomType": "Live", "SeatTemplate": "VideoFixedGrid9Seats", "MaxSeatCount": 6, "IsUnlimitedRoomEnabled": true}),
    );
    env.cmd()
        .args(["create", "--room-id", "r2", "--max-seats", "6"])
        .args(["--seat-template", "videofixedgrid9seats"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "VideoFixedGrid9Seats is a video layout",
        ));
    grid.assert_calls(1);
}

#[test]
fn unlimited_is_sent_true_by_default_and_false_opts_out() {
    let env = TestEnv::new();
    for (flag, want) in [
        (Some("--unlimited"), true),
        (Some("--unlimited=false"), false),
        (None, true),
    ] {
        let mut mock = expect_create(
            &env,
            json!({"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "IsUnlimitedRoomEnabled": want}),
        );
        env.cmd()
            .args(["create", "--room-id", "r1"])
            .args(flag)
            .assert()
            .code(0);
        mock.assert_calls(1);
        mock.delete();
    }
}

#[test]
fn field_equals_sends_a_string_and_hints_colon_equals_sends_json() {
    let env = TestEnv::new();
    let base = json!({"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "IsUnlimitedRoomEnabled": true});
    let with = |k: &str, v: Value| {
        let mut info = base.clone();
        info[k] = v;
        info
    };
    let string = expect_create(&env, with("A", json!("1")));
    env.cmd()
        .args(["create", "--room-id", "r1", "--field", "A=1"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "hint: --field A=1 sends the string \"1\"; for the JSON number write --field A:=1",
        ));
    string.assert_calls(1);
    let number = expect_create(&env, with("A", json!(1)));
    env.cmd()
        .args(["create", "--room-id", "r1", "--field", "A:=1"])
        .assert()
        .code(0)
        .stderr("");
    number.assert_calls(1);
    // A string that holds JSON is sent as it is, with no hint.
    let custom = expect_create(&env, with("CustomInfo", json!("{\"vip\":true}")));
    env.cmd()
        .args([
            "create",
            "--room-id",
            "r1",
            "--field",
            "CustomInfo={\"vip\":true}",
        ])
        .assert()
        .code(0)
        .stderr("");
    custom.assert_calls(1);
}

#[test]
fn field_colon_equals_with_invalid_json_exits_2_naming_the_flag() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_reply("r1"));
    });
    for cmd in [
        vec!["create", "--room-id", "r1", "--field", "A:=nope"],
        vec!["update", "--room-id", "r1", "--field", "A:=nope"],
    ] {
        env.cmd()
            .args(&cmd)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--field"))
            .stderr(predicates::str::contains(
                "A:= takes JSON, and \"nope\" is not valid JSON",
            ));
    }
    mock.assert_calls(0);
}

#[test]
fn help_names_the_default_seat_template() {
    let env = TestEnv::new();
    let out = env.bare_cmd().args(["create", "--help"]).output().unwrap();
    let help = stdout(&out);
    assert!(
        help.contains("--seat-template <NAME>")
            && help.contains("[default: VideoDynamicGrid9Seats]")
            && help.contains("--unlimited[=<BOOL>]")
            && help.contains("NAME:=JSON"),
        "{help}"
    );
    assert!(!help.contains("SeatTemplate=1"), "the old wrong example");
}

#[test]
fn batch_seat_template_column_and_warnings_once_per_batch() {
    let env = TestEnv::new();
    let csv = env.write(
        "rooms.csv",
        "room_id,SeatTemplate,max_seats,unlimited\n\
         a,karaoke,8,yes\n\
         b,,6,\n\
         c,none,,0\n\
         d,Mosaic,,\n\
         e,videofixedgrid9seats,4,\n\
         f,Mosaic2,,\n",
    );
    let mut mocks = Vec::new();
    for info in [
        json!({"RoomId":"a","RoomType":"Live","SeatTemplate":"Karaoke","MaxSeatCount":8,"IsUnlimitedRoomEnabled":true}),
        json!({"RoomId":"b","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","MaxSeatCount":6,"IsUnlimitedRoomEnabled":false}),
        json!({"RoomId":"c","RoomType":"Live","IsUnlimitedRoomEnabled":false}),
        json!({"RoomId":"d","RoomType":"Live","SeatTemplate":"Mosaic","IsUnlimitedRoomEnabled":false}),
        json!({"RoomId":"e","RoomType":"Live","SeatTemplate":"VideoFixedGrid9Seats","MaxSeatCount":4,"IsUnlimitedRoomEnabled":false}),
        json!({"RoomId":"f","RoomType":"Live","SeatTemplate":"Mosaic2","IsUnlimitedRoomEnabled":false}),
    ] {
        mocks.push(expect_create(&env, info));
    }
    let out = env
        .cmd()
        .args([
            "create",
            "--unlimited=false",
            "--concurrency",
            "1",
            "--from-csv",
        ])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for m in &mocks {
        m.assert_calls(1);
    }
    let err = stderr(&out);
    assert_eq!(
        err.matches("only takes effect with the AudioSalon").count(),
        1,
        "{err}"
    );
    assert_eq!(
        err.matches("is not a layout livectl knows").count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches("said once per batch").count(), 2, "{err}");

    // The dry run shows the same bodies, and says it once too.
    let out = env
        .bare_cmd()
        .args(["create", "--dry-run", "-o", "json", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bodies: Vec<Value> = json_lines(&out).iter().map(|l| l["body"].clone()).collect();
    assert_eq!(
        bodies[1]["RoomInfo"]["SeatTemplate"],
        "VideoDynamicGrid9Seats"
    );
    assert_eq!(bodies[2]["RoomInfo"].get("SeatTemplate"), None);
    assert_eq!(stderr(&out).matches("only takes effect").count(), 1);
}
