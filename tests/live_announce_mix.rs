//! `livectl announce` (send_group_msg) and `livectl mix resume|set`
//! (resume_mcu_task, set_mix_stream): exact bodies against httpmock, the
//! limits checked before sending, and both against the emulator.

mod common;

use common::*;
use serde_json::json;

#[test]
fn announce_sends_a_group_message_with_random_and_priority() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path("/v4/group_open_http_svc/send_group_msg")
            .is_true(valid_request)
            .json_body_includes(
                r#"{"GroupId":"live-1","MsgPriority":"High","From_Account":"host",
                "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"We start in 5"}}]}"#,
            )
            .is_true(|req| {
                let b: serde_json::Value = serde_json::from_slice(req.body().as_ref()).unwrap();
                b["Random"].is_u64()
            });
        then.status(200).json_body(
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "RequestId": "Id-g", "MsgTime": 1_764_151_200, "MsgSeq": 42}),
        );
    });
    env.cmd()
        .args(["announce", "live-1", "--text", "We start in 5", "--from", "host"])
        .args(["--priority", "high", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"status\":\"sent\",\"room_id\":\"live-1\",\"msg_time\":1764151200,\"msg_seq\":42,\"request_id\":\"Id-g\"}\n");
    m.assert_calls(1);
    // Over 12 KB: refused, nothing sent.
    env.cmd()
        .args(["announce", "live-1", "--text", &"x".repeat(12 * 1024 + 1)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at most 12288 bytes"));
    m.assert_calls(1);
}

#[test]
fn mix_set_sends_the_grid_or_a_layout_file_and_resume_the_room() {
    let env = TestEnv::new();
    let grid = env.server.mock(|when, then| {
        when.path(path("set_mix_stream"))
            .json_body(json!({"RoomId": "live-1", "LayoutMode": 0}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    let layout = json!({"VideoEncode": {"Width": 1080, "Height": 1920},
        "LayoutInfo": {"LayoutList": [{"LocationX": 0, "LocationY": 0, "ImageWidth": 1080,
            "ImageHeight": 960, "RoomId": "live-1", "Member_Account": "host", "StreamType": 0,
            "ZOrder": 0}]}});
    let file = env.write("cohost.json", &layout.to_string());
    let mut sent = layout.clone();
    sent["RoomId"] = json!("live-1");
    sent["LayoutMode"] = json!(1000);
    let custom = env.server.mock(|when, then| {
        when.path(path("set_mix_stream")).json_body(sent);
        then.status(200).json_body(ok_reply("live-1"));
    });
    let resume = env.server.mock(|when, then| {
        when.path(path("resume_mcu_task"))
            .json_body(json!({"RoomId": "live-1"}));
        then.status(200).json_body(ok_reply("live-1"));
    });
    env.cmd()
        .args(["mix", "set", "live-1", "--grid"])
        .assert()
        .code(0);
    env.cmd()
        .args(["mix", "set", "live-1", "--layout"])
        .arg(&file)
        .assert()
        .code(0);
    env.cmd()
        .args(["mix", "resume", "live-1"])
        .assert()
        .code(0)
        .stdout("resumed: room live-1\n");
    let bad = env.write("bad.json", r#"{"LayoutList": []}"#);
    env.cmd()
        .args(["mix", "set", "live-1", "--layout"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs \"LayoutInfo\""));
    env.cmd().args(["mix", "set", "live-1"]).assert().code(2);
    grid.assert_calls(1);
    custom.assert_calls(1);
    resume.assert_calls(1);
}

#[test]
fn battles_send_milliseconds_and_score_operations() {
    let env = TestEnv::new();
    let start = env.server.mock(|when, then| {
        when.path("/v4/live_engine_http_pk/create_battle")
            .is_true(valid_request)
            .json_body(json!({"FromRoomId": "live-1", "ToRoomIdList": ["live-2", "live-3"],
                              "Duration": 300_000, "ExtensionInfo": "final"}));
        then.status(200).json_body(json!({"ErrorCode": 0, "ActionStatus": "OK",
            "RequestId": "Id-b", "Response": {"BattleId": "b-9",
            "Result": [{"RoomId": "live-2", "ResultCode": 0}, {"RoomId": "live-3", "ResultCode": 3}]}}));
    });
    let set = env.server.mock(|when, then| {
        when.path("/v4/live_engine_http_pk/set_battle_score")
            .json_body(json!({"BattleId": "b-9", "OpType": 2,
                              "ScoreList": [{"RoomId": "live-2", "Score": 0}]}));
        then.status(200)
            .json_body(json!({"ErrorCode": 0, "ActionStatus": "OK",
            "RequestId": "Id-s", "Response": {"Result": [{"RoomId": "live-2", "ResultCode": 0}]}}));
    });
    let out = env
        .cmd()
        .args([
            "battle", "start", "live-1", "--with", "live-2", "live-3", "--for", "5m",
        ])
        .args(["--extension", "final"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "b-9\n");
    assert!(stderr(&out).contains("room \"live-3\": already in another battle (ResultCode 3)"));
    env.cmd()
        .args(["battle", "score", "b-9", "live-2=0", "--set"])
        .assert()
        .code(0)
        .stdout("live-2=0\n");
    env.cmd()
        .args(["battle", "score", "b-9", "live-2"])
        .assert()
        .code(2);
    start.assert_calls(1);
    set.assert_calls(1);
}
