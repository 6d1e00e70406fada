//! `livectl create` (one room) against an httpmock server.

mod common;
#[path = "create/seat.rs"]
mod seat;
#[path = "create/traps.rs"]
mod traps;

use common::*;
use httpmock::Method::POST;
use serde_json::{Value, json};

#[test]
fn creates_a_room_with_exactly_the_flags_given() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("create_room"))
            .header("content-type", "application/json")
            .header("user-agent", concat!("livectl/", env!("CARGO_PKG_VERSION")))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {
                "RoomId": "live-room", "RoomType": "Live", "RoomName": "live name",
                "Owner_Account": "host1", "MaxMemberCount": 400, "CoverURL": "cover url",
                "IsMessageDisabled": true, "Category": [1, 2, 3], "IsPublicVisible": true,
                "IsSeatEnabled": false, "TakeSeatMode": "ApplyToTake", "MaxSeatCount": 8,
                "ActivityStatus": 1, "SeatTemplate": "AudioSalon", "IsUnlimitedRoomEnabled": true,
                "Custom": "text", "Level": 3
            }}));
        then.status(200).json_body(ok_reply("live-room"));
    });
    let out = env
        .cmd()
        .args([
            "create",
            "--room-id",
            "live-room",
            "--name",
            "live name",
            "--owner",
            "host1",
        ])
        .args([
            "--max-members",
            "400",
            "--cover-url",
            "cover url",
            "--message-disabled",
        ])
        .args([
            "--category",
            "1,2,3",
            "--public=true",
            "--seat-enabled=false",
            "--seat-mode",
            "applytotake",
        ])
        .args(["--max-seats", "8", "--activity-status", "1"])
        .args(["--seat-template", "AUDIOSALON", "--unlimited"])
        .args(["--field", "Custom=text", "--field", "Level:=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "live-room\n");
    // AudioSalon takes a seat count: nothing to warn about.
    assert_eq!(stderr(&out), "");
    mock.assert_calls(1);
}

#[test]
fn fields_not_given_are_not_sent() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.method(POST)
            .path(path("create_room"))
            .is_true(valid_request)
            .json_body(json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "IsUnlimitedRoomEnabled": true}}));
        then.status(200).json_body(ok_reply("r1"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "r1\n");
    mock.assert_calls(1);
}

#[test]
fn random_changes_per_request() {
    let env = TestEnv::new();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let rec = seen.clone();
    let mock = env.server.mock(move |when, then| {
        when.path(path("create_room"))
            .is_true(valid_request)
            .is_true(move |req| {
                rec.lock()
                    .unwrap()
                    .push(req.query_params_map()["random"].clone());
                true
            });
        then.status(200).json_body(ok_reply("r1"));
    });
    for _ in 0..3 {
        env.cmd()
            .args(["create", "--room-id", "r1"])
            .assert()
            .code(0);
    }
    mock.assert_calls(3);
    let distinct: std::collections::HashSet<String> =
        seen.lock().unwrap().iter().cloned().collect();
    assert!(
        distinct.len() >= 2,
        "random should change per request: {distinct:?}"
    );
}

#[test]
fn taken_room_exits_6_with_code_text_fix_and_request_id() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.status(200)
            .json_body(fail_reply(100003, "room id already exists"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "live-room"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("room \"live-room\" was not created: 100003 room id already exists"),
        "{err}"
    );
    assert!(err.contains("choose another room ID"), "{err}");
    assert!(err.contains("RequestId Id-fail-100003"), "{err}");
    mock.assert_calls(1);
}

#[test]
fn json_output_for_success_and_failure() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"ok"}}"#);
        then.status(200).json_body(ok_reply("ok"));
    });
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"bad"}}"#);
        then.status(200).json_body(fail_reply(100002, "bad param"));
    });
    let out = env
        .cmd()
        .args(["create", "--room-id", "ok", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The result, and the room noun of what was set (as get shows a room).
    assert_eq!(
        v,
        json!({"status": "created", "room_id": "ok", "request_id": "Id-ok-1", "attempts": 1,
               "room": {"room_id": "ok", "seat_template": "VideoDynamicGrid9Seats",
                        "unlimited": true, "extra": {"RoomType": "Live"}}})
    );

    let out = env
        .cmd()
        .args(["-o", "json", "create", "--room-id", "bad"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], "failed");
    assert_eq!(v["room_id"], "bad");
    assert_eq!(v["error_code"], 100002);
    assert_eq!(v["error_info"], "bad param");
    assert_eq!(v["retryable"], false);
    assert_eq!(v["request_id"], "Id-fail-100002");
    assert!(
        v["explanation"]
            .as_str()
            .unwrap()
            .contains("invalid parameter")
    );
    assert!(stderr(&out).contains("100002 bad param"));
}

#[test]
fn limits_are_checked_before_sending() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_reply("x"));
    });
    let long_id = "x".repeat(49);
    let long_name = "n".repeat(101);
    let long_cover = "c".repeat(201);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--room-id", &long_id],
            "--room-id: is 49 bytes; the limit is 48 bytes",
        ),
        (
            vec!["--room-id", "r", "--name", &long_name],
            "--name: is 101 bytes; the limit is 100 bytes",
        ),
        (
            vec!["--room-id", "r", "--cover-url", &long_cover],
            "--cover-url: is 201 bytes; the limit is 200 bytes",
        ),
        (
            vec!["--room-id", "r", "--category", "1,2,3,4"],
            "--category: has 4 tags; the limit is 3",
        ),
        (vec!["--room-id", "房间"], "--room-id: contains '房'"),
        (
            vec!["--room-id", "r", "--field", "RoomName=x"],
            "use --name instead",
        ),
        (
            vec!["--room-id", "r", "--field", "RoomType=Other"],
            "RoomType is always Live",
        ),
        (
            vec!["--room-id", "r", "--max-members", "0"],
            "must be greater than 0",
        ),
        (
            vec!["--room-id", "r", "--seat-mode", "grab"],
            "not a seat mode",
        ),
        (vec!["--room-id", "r", "--public=perhaps"], "not a boolean"),
        (vec!["--room-id", "r", "--category", "a"], "not an integer"),
        (vec!["--room-id", "r", "--field", "novalue"], "NAME=VALUE"),
        (
            vec!["--room-id", "r", "--field", "SeatTemplate=1"],
            "--field SeatTemplate: SeatTemplate is modelled by the tool; use --seat-template instead",
        ),
        (
            vec!["--room-id", "r", "--field", "IsUnlimitedRoomEnabled:=true"],
            "use --unlimited instead",
        ),
        (
            vec!["--room-id", "r", "--unlimited=perhaps"],
            "not a boolean",
        ),
        (vec!["--room-id", "r", "--seat-template", ""], "is empty"),
        (vec!["--name", "x"], "no room given"),
    ];
    for (args, want) in cases {
        let out = env.cmd().arg("create").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
    mock.assert_calls(0);
}

#[test]
fn dry_run_needs_no_credentials_and_sends_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let out = env
        .bare_cmd()
        .args([
            "create",
            "--room-id",
            "live-room",
            "--name",
            "live name",
            "--public",
            "--category",
            "1,2",
        ])
        .args(["--region", "sgp", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(
        "POST https://adminapisgp.im.qcloud.com/v4/live_engine_http_srv/create_room?sdkappid=<sdkappid>&identifier=<identifier>&usersig=<redacted>&random=<random>&contenttype=json\n{\n"
    ), "{text}");
    let body: Value = serde_json::from_str(text.split_once('\n').unwrap().1).unwrap();
    assert_eq!(
        body,
        json!({"RoomInfo":{"RoomId":"live-room","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","RoomName":"live name","Category":[1,2],"IsPublicVisible":true,"IsUnlimitedRoomEnabled":true}})
    );
    mock.assert_calls(0);

    // With credentials, the URL shows them but still no UserSig.
    let out = env
        .cmd()
        .args(["create", "--room-id", "r", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["method"], "POST");
    assert!(
        v["url"]
            .as_str()
            .unwrap()
            .contains("sdkappid=1400000001&identifier=administrator&usersig=<redacted>")
    );
    mock.assert_calls(0);
}

#[test]
fn verbose_logs_requests_with_the_usersig_redacted() {
    let env = TestEnv::new();
    let _ = scripted(&env, vec![100001]);
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("usersig=<redacted>"), "{err}");
    assert!(
        err.contains("ErrorCode=100001 RequestId=Id-fail-100001"),
        "{err}"
    );
    assert!(err.contains("retry 1 of 3"), "{err}");
    assert!(err.contains("ErrorCode=0 RequestId=Id-ok-1"), "{err}");
    assert!(!err.contains("\"RoomType\""), "bodies only at -vv");
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1", "-vv"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("\"RoomType\":\"Live\""));
    assert_no_secret(&stderr(&out));
}

#[test]
fn explain_is_offline() {
    let env = TestEnv::new();
    let out = env.bare_cmd().args(["explain", "100003"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("100003: room ID already exists\nfix: choose another room ID"));
    let out = env.bare_cmd().args(["explain"]).output().unwrap();
    assert!(stdout(&out).lines().count() > 50);
    let out = env
        .bare_cmd()
        .args(["explain", "60006", "-o", "json"])
        .output()
        .unwrap();
    let v = json_out(&out);
    assert_eq!(v["exit_code"], 4);
    assert!(v["fix"].as_str().unwrap().contains("wrong region?"));
    let out = env.bare_cmd().args(["explain", "123"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usersig_prints_one_that_verifies() {
    let env = TestEnv::new();
    let out = env.cmd().args(["usersig", "--ttl", "60"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sig = stdout(&out).trim().to_string();
    assert!(usersig_valid(&sig));
    assert_eq!(livectl::usersig::decode(&sig).unwrap()["TLS.expire"], 60);
    let out = env.cmd().args(["usersig", "--ttl", "4"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn closed_stdout_ends_quietly() {
    let env = TestEnv::new();
    let csv = env.write("big.csv", &rooms_csv(5000));
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    // A dry run of 5000 rows with -v prints about 1 MB, far more than a pipe
    // holds; `head` closes the pipe after one line.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' create --dry-run -v --from-csv '{}' | head -n 1; exit ${{PIPESTATUS[0]}}",
            bin.display(),
            csv.display()
        ))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "livectl itself exits 0: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out).lines().count(), 1);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn help_and_usage_errors() {
    let env = TestEnv::new();
    let out = env.bare_cmd().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(
        help.contains("exit-codes") && help.contains("environment"),
        "the topics are listed: {help}"
    );
    env.bare_cmd()
        .args(["help", "exit-codes"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("130  interrupted"))
        .stdout(predicates::str::contains("143  terminated (SIGTERM)"));
    env.bare_cmd()
        .args(["help", "environment"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("LIVECTL_SECRET_KEY"));
    env.bare_cmd()
        .args(["help", "csv"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("room_id,name,max_members"));
    env.bare_cmd()
        .args(["help", "no-such-topic"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("topics are csv, config"));
    env.bare_cmd()
        .arg("version")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("service API"));
    let out = env.bare_cmd().args(["create", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("Examples:"));
    let out = env
        .bare_cmd()
        .args(["create", "--room-id", "r", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains('\x1b'),
        "no colour when not a terminal"
    );
}
