//! `livectl create --from-csv` against a stateful fake service on loopback.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

#[test]
fn every_row_sent_with_its_exact_body_and_reported() {
    let env = TestEnv::new();
    let csv = env.write(
        "rooms.csv",
        "RoomId,name,max_members,category,public,seat_mode\n\
         a,Alpha,10,\"1,2\",yes,applytotake\n\
         b,,,3;4,0,\n",
    );
    let mut mocks = Vec::new();
    for (id, info) in [
        (
            "a",
            json!({"RoomId":"a","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","RoomName":"Alpha","MaxMemberCount":10,"Category":[1,2],"IsPublicVisible":true,"TakeSeatMode":"ApplyToTake","ActivityStatus":7,"IsUnlimitedRoomEnabled":true}),
        ),
        (
            "b",
            json!({"RoomId":"b","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","RoomName":"flag name","Category":[3,4],"IsPublicVisible":false,"ActivityStatus":7,"IsUnlimitedRoomEnabled":true}),
        ),
    ] {
        mocks.push(env.server.mock(|when, then| {
            when.path(path("create_room"))
                .is_true(valid_request)
                .json_body(json!({"RoomInfo": info}));
            then.status(200).json_body(ok_reply(id));
        }));
    }
    let report = env.dir.path().join("report.jsonl");
    let out = env
        .cmd()
        .args(["create", "--from-csv"])
        .arg(&csv)
        .args(["--name", "flag name", "--activity-status", "7", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for m in &mocks {
        m.assert_calls(1);
    }
    let lines: BTreeSet<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines, BTreeSet::from(["a".to_string(), "b".to_string()]));
    let mut rep = read_report(&report);
    rep.sort_by_key(|r| r["line"].as_u64());
    assert_eq!(
        rep[0],
        json!({"line":2,"room_id":"a","status":"created","error_code":null,"error_info":null,"request_id":"Id-ok-1","attempts":1})
    );
    assert_eq!(rep[1]["line"], 3);
    let err = stderr(&out);
    assert!(
        err.contains("created 2, exists 0, failed 0, skipped 0"),
        "{err}"
    );
}

#[test]
fn bad_rows_stop_the_run_before_any_request() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_reply("x"));
    });
    let csv = env.write(
        "rooms.csv",
        "room_id,max_members\nr1,1\nr2,zero\nr1,2\nr3,0\n",
    );
    let out = env
        .cmd()
        .args(["create", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let f = csv.display();
    assert!(
        err.contains(&format!(
            "{f}:3: max_members: \"zero\" is not a positive integer"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:5: max_members: must be greater than 0")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:4: room_id: \"r1\" repeats line 2")),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    mock.assert_calls(0);
}

#[test]
fn retryable_and_rate_limit_answers_still_create_each_room_once() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(
        &[
            ("r2", &[100001]),
            ("r4", &[60018, 60007]),
            ("r7", &[70500, 100001]),
        ],
        Duration::ZERO,
    );
    let csv = env.write("rooms.csv", &rooms_csv(10));
    let report = env.dir.path().join("report.jsonl");
    let out = fake
        .cmd(&env)
        .args(["create", "--concurrency", "3", "--rate", "1000", "--report"])
        .arg(&report)
        .arg("--from-csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = fake.lock();
    let mut created = s.rooms.keys().cloned().collect::<Vec<_>>();
    created.sort();
    let mut want: Vec<String> = (1..=10).map(|i| format!("r{i}")).collect();
    want.sort();
    assert_eq!(created, want, "each room created exactly once");
    assert_eq!(
        s.sent("create_room").len(),
        15,
        "10 rows + 5 scripted failures"
    );
    let rep = read_report(&report);
    assert_eq!(rep.len(), 10);
    assert!(rep.iter().all(|r| r["status"] == "created"));
    let attempts: BTreeMap<String, u64> = rep
        .iter()
        .map(|r| {
            (
                r["room_id"].as_str().unwrap().to_string(),
                r["attempts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts["r2"], 2);
    assert_eq!(attempts["r4"], 3);
    assert_eq!(attempts["r7"], 3);
    assert_eq!(attempts["r1"], 1);
}

#[test]
fn one_taken_room_fails_that_row_and_exits_8() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[("r3", &[100003])], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(5));
    let report = env.dir.path().join("report.jsonl");
    let out = fake
        .cmd(&env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let rep = read_report(&report);
    let st = statuses(&rep);
    assert_eq!(st["r3"], "failed");
    assert_eq!(st.values().filter(|s| *s == "created").count(), 4);
    let r3 = rep.iter().find(|r| r["room_id"] == "r3").unwrap();
    assert_eq!(r3["error_code"], 100003);
    assert_eq!(r3["request_id"], "Id-fail-100003");
    assert_eq!(r3["line"], 4);
    let err = stderr(&out);
    assert!(
        err.contains(":4: room \"r3\" was not created: 100003"),
        "{err}"
    );
    assert!(err.contains("failed 1"), "{err}");
    // Failed rows are an end, not an error: the row's error once, then the
    // summary last, and nothing after it.
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(
        err.trim_end().lines().last().unwrap().contains("failed 1"),
        "{err}"
    );
}

#[test]
fn exists_fails_without_exists_ok_and_passes_with_it() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[("r1", &[100010])], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(2));
    let out = fake
        .cmd(&env)
        .args(["create", "-o", "json", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let recs: Vec<Value> = json_lines(&out);
    let r1 = recs.iter().find(|r| r["room_id"] == "r1").unwrap();
    assert_eq!(r1["status"], "exists");
    // The summary agrees with exit 8: the row is a failed one, and why.
    let err = stderr(&out);
    assert!(
        err.contains(
            "created 1, exists 0, failed 1 (1 already existed: not counted as success without --exists-ok), skipped 0"
        ),
        "{err}"
    );

    let env = TestEnv::new();
    let fake = Fake::with_codes(&[("r1", &[100010])], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(2));
    let out = fake
        .cmd(&env)
        .args(["create", "--exists-ok", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("created 1, exists 1, failed 0"), "{err}");
    // Text mode says which row found its room there already.
    assert!(
        err.contains("rooms.csv:2: room \"r1\": exists; counted as done"),
        "{err}"
    );
    let text = stdout(&out);
    let listed: BTreeSet<&str> = text.lines().collect();
    assert_eq!(listed, BTreeSet::from(["r1", "r2"]), "both rooms are there");
}

#[test]
fn stdin_csv_and_report_refuses_overwrite() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let report = env.write(
        "report.jsonl",
        "{\"room_id\":\"old\",\"status\":\"created\"}\n",
    );
    let out = fake
        .cmd(&env)
        .args(["create", "--from-csv", "-", "--report"])
        .arg(&report)
        .write_stdin(rooms_csv(2))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--resume"));
    let out = fake
        .cmd(&env)
        .args(["create", "--from-csv", "-"])
        .write_stdin(rooms_csv(2))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn dry_run_prints_every_request_and_sends_nothing() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let csv = env.write("rooms.csv", &rooms_csv(3));
    let out = env
        .bare_cmd()
        .args(["create", "--dry-run", "-o", "json", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[2]["body"],
        json!({"RoomInfo":{"RoomId":"r3","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","RoomName":"Room 3","IsUnlimitedRoomEnabled":true}})
    );
    assert!(
        lines[0]["url"]
            .as_str()
            .unwrap()
            .contains("usersig=<redacted>")
    );
    mock.assert_calls(0);
}

#[test]
fn a_dry_run_of_many_rows_finds_every_invalid_row_and_repeat_and_plans_the_rest() {
    let env = TestEnv::new();
    let mut text = String::from("room_id,name,max_members\n");
    for i in 1..=20_000 {
        let cell = match i {
            777 => "x".to_string(),
            9_001 => "0".to_string(),
            _ => "10".to_string(),
        };
        let id = if i == 15_000 {
            "ev-123".to_string()
        } else {
            format!("ev-{i}")
        };
        text.push_str(&format!("{id},Room {i},{cell}\n"));
    }
    text.push_str("ev-20001,\"unclosed,1\n");
    let csv = env.write("rooms.csv", &text);
    let out = env
        .bare_cmd()
        .args(["create", "--dry-run", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("rooms.csv:778: max_members:"), "{err}");
    assert!(err.contains("rooms.csv:9002: max_members:"), "{err}");
    assert!(
        err.contains("rooms.csv:15001: room_id: \"ev-123\" repeats line 124"),
        "{err}"
    );
    assert!(err.contains("rooms.csv:20002:"), "{err}");
    assert!(err.contains("4 problem(s) in"), "{err}");
    assert_eq!(
        stdout(&out),
        "would create 19,997 rooms: ev-1 … ev-20000 (4 rows invalid)\n"
    );
}

fn spawn_batch(
    env: &TestEnv,
    fake: &Fake,
    csv: &std::path::Path,
    report: &std::path::Path,
    extra: &[&str],
) -> std::process::Child {
    let mut cmd = fake.process(env);
    cmd.args([
        "create",
        "--concurrency",
        "4",
        "--rate",
        "1000",
        "--from-csv",
    ])
    .arg(csv)
    .arg("--report")
    .arg(report)
    .args(extra)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Waits (without asserting on time) until the report has `n` lines.
fn wait_for_lines(report: &std::path::Path, n: usize) {
    for _ in 0..3000 {
        if read_report(report).len() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the report never reached {n} lines");
}

#[test]
fn sigint_finishes_rows_in_flight_and_exits_130() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::from_millis(30));
    let csv = env.write("rooms.csv", &rooms_csv(200));
    let report = env.dir.path().join("report.jsonl");
    let child = spawn_batch(&env, &fake, &csv, &report, &[]);
    wait_for_lines(&report, 8);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rep = read_report(&report);
    assert!(rep.len() < 200);
    let reported: BTreeSet<String> = rep
        .iter()
        .map(|r| r["room_id"].as_str().unwrap().to_string())
        .collect();
    let received: BTreeSet<String> = fake.lock().sent("create_room").iter().cloned().collect();
    assert_eq!(
        reported, received,
        "the report matches what the server received"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not started"));
    // The exact command that continues: the same arguments and --resume.
    let line = format!(
        "--from-csv {} --report {} --resume",
        csv.display(),
        report.display()
    );
    assert!(err.contains("interrupted: "), "{err}");
    assert!(err.contains("to continue"), "{err}");
    assert!(err.trim_end().ends_with(&line), "{err}");
}

/// Sends `signal` (`-INT`) to `pid` with `kill`.
fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn two_interrupts_close_together_are_one_and_the_run_still_sums_up() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::from_millis(200));
    let csv = env.write("rooms.csv", &rooms_csv(200));
    let report = env.dir.path().join("report.jsonl");
    let child = spawn_batch(&env, &fake, &csv, &report, &[]);
    wait_for_lines(&report, 4);
    // As fast as two `kill` processes go: what `timeout -s INT` and some
    // supervisors do (the process, then its group).
    signal(child.id(), "-INT");
    signal(child.id(), "-INT");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains(", not started "), "the summary: {err}");
    assert!(!err.contains("again"), "one interrupt, not two: {err}");
    let line = format!(
        "--from-csv {} --report {} --resume",
        csv.display(),
        report.display()
    );
    assert!(err.trim_end().ends_with(&line), "{err}");
    // The rows in flight finished and were reported.
    let reported: BTreeSet<String> = read_report(&report)
        .iter()
        .map(|r| r["room_id"].as_str().unwrap().to_string())
        .collect();
    let received: BTreeSet<String> = fake.lock().sent("create_room").iter().cloned().collect();
    assert_eq!(reported, received);
}

#[test]
fn a_later_second_interrupt_stops_waiting_for_rows_in_flight_but_not_the_summary() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    // r1 and r2 answer at once; r3..r6 are still in flight a minute later.
    for id in ["r3", "r4", "r5", "r6"] {
        fake.script(id, &[Step::normal().after(Duration::from_secs(60))]);
    }
    let csv = env.write("rooms.csv", &rooms_csv(40));
    let report = env.dir.path().join("report.jsonl");
    let child = spawn_batch(&env, &fake, &csv, &report, &[]);
    wait_for_requests(&fake, 6);
    signal(child.id(), "-INT");
    // Longer than livectl's 500 ms for one interrupt: a second one.
    std::thread::sleep(Duration::from_millis(800));
    signal(child.id(), "-INT");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted again: not waiting for 4 row(s) in flight"),
        "{err}"
    );
    assert!(err.contains("created 2, "), "the summary: {err}");
    assert!(
        err.contains("38 row(s) not started or not settled"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("--resume"), "{err}");
    assert_eq!(
        read_report(&report).len(),
        2,
        "rows in flight are not reported"
    );
}

/// Waits (without asserting on time) until the fake got `n` requests.
fn wait_for_requests(fake: &Fake, n: usize) {
    for _ in 0..3000 {
        if fake.lock().sent("create_room").len() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the fake never got {n} requests");
}

#[test]
fn sigterm_ends_with_143_and_says_how_to_rerun_safely_without_a_report() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::from_millis(30));
    let csv = env.write("rooms.csv", &rooms_csv(200));
    let child = fake
        .process(&env)
        .args([
            "create",
            "-q",
            "--concurrency",
            "2",
            "--name",
            "it's on",
            "--from-csv",
        ])
        .arg(&csv)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_requests(&fake, 4);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("terminated: "), "{err}");
    // -q drops the summary, not the way to continue.
    assert!(!err.contains(", not started "), "{err}");
    assert!(err.contains("nothing to resume from"), "{err}");
    let line = format!(
        "create -q --concurrency 2 --name \"it's on\" --from-csv {} --exists-ok",
        csv.display()
    );
    assert!(err.trim_end().ends_with(&line), "{err}");
    // Rows in flight finished: every room the server made is on stdout.
    let made = fake.lock().sent("create_room").len();
    assert!(made < 200, "stopped part way");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), made);
}

#[test]
fn rate_above_the_service_limit_warns_and_quiet_silences_the_summary() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(3));
    let out = fake
        .cmd(&env)
        .args(["create", "--rate", "500", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: --rate 500 is above the service's documented default limit of 200/s"
        ),
        "{err}"
    );
    assert!(
        err.contains("created 3, exists 0, failed 0, skipped 0, not started 0 in"),
        "{err}"
    );

    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(3));
    let out = fake
        .cmd(&env)
        .args(["create", "-q", "--rate", "500", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "--quiet: no warning, no summary");
    assert_eq!(stdout(&out).lines().count(), 3, "results still on stdout");
}

#[test]
fn verbose_batch_lines_name_their_row() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(6));
    let out = fake
        .cmd(&env)
        .args(["create", "-v", "--concurrency", "3", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let posts: Vec<&str> = err.lines().filter(|l| l.contains("POST ")).collect();
    assert_eq!(posts.len(), 6, "{err}");
    for n in 1..=6 {
        // Row rN is on line N+1 (after the header).
        let prefix = format!("{}:{} room \"r{n}\": POST ", csv.display(), n + 1);
        assert_eq!(
            posts.iter().filter(|l| l.starts_with(&prefix)).count(),
            1,
            "{prefix}\n{err}"
        );
        assert!(
            posts
                .iter()
                .any(|l| l.starts_with(&prefix) && l.contains("create_room")),
            "{err}"
        );
    }
}

#[test]
fn identical_failures_are_said_once_and_grouped_in_the_summary() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(
        &[
            ("r2", &[100003]),
            ("r3", &[100003]),
            ("r4", &[100003]),
            ("r5", &[100004]),
        ],
        Duration::ZERO,
    );
    let csv = env.write("rooms.csv", &rooms_csv(6));
    let out = fake
        .cmd(&env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .args(["--concurrency", "1", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let err = stderr(&out);
    // One full line per cause, not one per row; the others short under -v.
    assert_eq!(err.matches("error:").count(), 2, "{err}");
    assert_eq!(err.matches("was not created: 100003").count(), 1, "{err}");
    assert_eq!(err.matches("failed: 100003 (as above)").count(), 2, "{err}");
    assert!(err.contains("failed 3 rows: 100003 "), "{err}");
    assert!(err.contains("failed 1 row: 100004 "), "{err}");
}
