//! Batch run safety against the observing fake (tests/common `Fake`):
//! exactly once (kill -9 and `--resume`, lost answers), `--concurrency`,
//! `--rate` counted at the server, `--fail-fast`, and stopping a run that is
//! bound to fail (wrong key, unreachable endpoint).

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

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

// ---- Observed by the fake service (tests/common `Fake`) ----

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `create --from-csv CSV --report REPORT ARGS` against `fake`.
fn batch_on(fake: &Fake, env: &TestEnv, rows: usize, args: &[&str]) -> std::process::Output {
    let csv = env.write("rooms.csv", &rooms_csv(rows));
    fake.cmd(env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(env.dir.path().join("report.jsonl"))
        .args(args)
        .output()
        .unwrap()
}

fn report_of(env: &TestEnv) -> Vec<Value> {
    read_report(&env.dir.path().join("report.jsonl"))
}

#[test]
fn concurrency_keeps_that_many_requests_in_flight_and_no_more() {
    let env = TestEnv::new();
    let fake = Fake::start(ms(50));
    let out = batch_on(&fake, &env, 24, &["--concurrency", "4", "--rate", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = fake.lock();
    assert_eq!(
        s.max_in_flight, 4,
        "--concurrency 4: four at once, never five"
    );
    assert_eq!(s.rooms.len(), 24);
    assert!(s.doubles().is_empty(), "{:?}", s.doubles());
}

#[test]
fn no_one_second_window_holds_more_than_rate_starts_retries_included() {
    let env = TestEnv::new();
    let fake = Fake::start(ms(5));
    // Retries are starts too.
    fake.script("r5", &[Step::code(100001)])
        .script("r6", &[Step::http(503), Step::code(100001)]);
    let out = batch_on(&fake, &env, 60, &["--concurrency", "16", "--rate", "20"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = fake.lock();
    assert_eq!(s.hits.len(), 63, "60 rows and 3 retries");
    let most = s.max_in_one_second();
    assert!(
        most <= 20,
        "{most} requests arrived within one second at --rate 20"
    );
}

#[test]
fn fail_fast_starts_no_row_after_the_failure_one_worker() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::ZERO);
    fake.script("r2", &[Step::code(100003)]);
    let out = batch_on(&fake, &env, 20, &["--concurrency", "1", "--fail-fast"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(fake.lock().sent("create_room"), ["r1", "r2"]);
    assert!(stderr(&out).contains("not started 18"), "{}", stderr(&out));
}

#[test]
fn fail_fast_lets_rows_in_flight_finish_and_starts_no_other() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::ZERO);
    // r1..r4 start together; r2 fails first, while the others are in flight.
    for id in ["r1", "r3", "r4"] {
        fake.script(id, &[Step::normal().after(ms(900))]);
    }
    fake.script("r2", &[Step::code(100003).after(ms(300))]);
    let out = batch_on(
        &fake,
        &env,
        40,
        &["--concurrency", "4", "--rate", "1000", "--fail-fast"],
    );
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let mut sent = fake.lock().sent("create_room");
    sent.sort();
    assert_eq!(sent, ["r1", "r2", "r3", "r4"], "no row after r2 failed");
    let st = statuses(&report_of(&env));
    assert_eq!(st.len(), 4, "rows in flight settled: {st:?}");
    assert_eq!(st["r2"], "failed");
    assert_eq!(st["r3"], "created");
}

#[test]
fn a_wrong_key_stops_the_batch_at_once_with_one_error_and_exit_4() {
    let env = TestEnv::new();
    let fake = Fake::start(ms(20));
    let csv = env.write("rooms.csv", &rooms_csv(300));
    let report = env.dir.path().join("report.jsonl");
    // The fake refuses this key (70003): its UserSig does not verify.
    let out = fake
        .cmd(&env)
        .env("LIVECTL_SECRET_KEY", "0".repeat(64))
        .args([
            "create",
            "--concurrency",
            "4",
            "--rate",
            "1000",
            "--from-csv",
        ])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let s = fake.lock();
    let refused = s.hits.len();
    assert!(refused >= 1);
    assert!(refused <= 4, "{refused} requests after the first refusal");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("70003")).collect();
    assert_eq!(errors.len(), 1, "one error line:\n{err}");
    assert!(errors[0].starts_with("error: "), "{err}");
    assert!(
        err.contains("the service refused the credentials, so every row would fail"),
        "{err}"
    );
    assert!(err.contains("--resume"), "{err}");
    let rep = read_report(&report);
    assert_eq!(rep.len(), refused, "rows not started are not in the report");
    assert!(
        err.contains(&format!("not started {}", 300 - refused)),
        "{err}"
    );
}

#[test]
fn an_unreachable_endpoint_stops_the_batch_with_exit_7() {
    let env = TestEnv::new();
    let csv = env.write("rooms.csv", &rooms_csv(200));
    let report = env.dir.path().join("report.jsonl");
    let out = env
        .cmd()
        .env("LIVECTL_ENDPOINT", "http://127.0.0.1:1")
        .args([
            "create",
            "--retries",
            "1",
            "--concurrency",
            "4",
            "--rate",
            "1000",
        ])
        .arg("--from-csv")
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(7), "{err}");
    assert!(
        err.contains("not started): 5 rows in a row got no answer"),
        "{err}"
    );
    let settled = read_report(&report).len();
    assert!(
        (5..=8).contains(&settled),
        "stops after 5 (+ the rows in flight): {settled}"
    );
    assert!(
        err.contains(&format!("not started {}", 200 - settled)),
        "{err}"
    );
}

#[test]
fn per_row_refusals_do_not_stop_the_batch() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::ZERO);
    for id in ["r1", "r2", "r3", "r4", "r5", "r6"] {
        fake.script(id, &[Step::code(100002)]);
    }
    fake.script("r7", &[Step::code(100003)]);
    let out = batch_on(&fake, &env, 12, &["--concurrency", "2"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(fake.lock().hits.len(), 12);
    assert_eq!(fake.lock().rooms.len(), 5);
}

#[test]
fn a_lost_answer_then_100010_is_created_only_when_this_run_made_it() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::ZERO);
    let hour_ago = unix_now() - 3600;
    // r1: made by the attempt whose answer was lost (a 502 after the work).
    fake.script("r1", &[Step::applied_then_http(502)]);
    // r2: there before the run; the first attempt's answer was a 502.
    fake.existing("r2", hour_ago)
        .script("r2", &[Step::http(502)]);
    // r3: made by a lost attempt, and the read-back fails.
    fake.script(
        "r3",
        &[
            Step::applied_then_http(502),
            Step::normal(),
            Step::code(100006),
        ],
    );
    let out = batch_on(&fake, &env, 4, &["--concurrency", "1"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let rep = report_of(&env);
    let by_id = |id: &str| rep.iter().find(|r| r["room_id"] == id).unwrap().clone();
    assert_eq!(by_id("r1")["status"], "created");
    assert_eq!(by_id("r1")["by"], "this run");
    assert_eq!(
        by_id("r2")["status"],
        "exists",
        "never `created` for a room that was there"
    );
    assert_eq!(by_id("r2")["by"], "before this job");
    assert_eq!(by_id("r3")["status"], "exists");
    assert_eq!(
        by_id("r3")["by"],
        "unknown: an earlier attempt may have made it"
    );
    assert_eq!(by_id("r4")["status"], "created");
    assert!(by_id("r4").get("by").is_none(), "no doubt, no `by`");
    let err = stderr(&out);
    assert!(
        err.contains("room \"r3\" exists, and an earlier attempt"),
        "{err}"
    );
    let s = fake.lock();
    assert_eq!(s.creates["r1"], 2);
    assert!(s.sent("get_room_info").contains(&"r2".to_string()));
}

#[test]
fn killed_run_resumes_and_creates_each_room_exactly_once() {
    let env = TestEnv::new();
    let fake = Fake::start(ms(30));
    let old = unix_now() - 3600;
    fake.existing("r60", old);
    let csv = env.write("rooms.csv", &rooms_csv(60));
    let report = env.dir.path().join("report.jsonl");
    let spawn = |extra: &[&str]| {
        fake.process(&env)
            .args([
                "create",
                "--concurrency",
                "4",
                "--rate",
                "1000",
                "--from-csv",
            ])
            .arg(&csv)
            .arg("--report")
            .arg(&report)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut child = spawn(&[]);
    wait_for_lines(&report, 10);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let first: BTreeSet<String> = read_report(&report)
        .iter()
        .map(|r| r["room_id"].as_str().unwrap().to_string())
        .collect();
    assert!(first.len() < 60, "the run was killed part way");
    // Let requests that were in flight at the kill land on the server.
    std::thread::sleep(ms(100));
    let in_flight: BTreeSet<String> = {
        let s = fake.lock();
        s.creates
            .keys()
            .filter(|k| !first.contains(*k))
            .cloned()
            .collect()
    };

    let out = spawn(&["--resume"]).wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = fake.lock();
    for id in &first {
        assert_eq!(
            s.creates[id], 1,
            "{id} was done by the first run: not sent again"
        );
    }
    for id in &in_flight {
        assert_eq!(
            s.creates[id], 2,
            "{id} was in flight at the kill: sent once more"
        );
    }
    assert_eq!(s.rooms.len(), 60);
    let rep = read_report(&report);
    let st = statuses(&rep);
    assert_eq!(st.len(), 60, "the report names every room");
    for r in rep.iter().skip(first.len()) {
        let id = r["room_id"].as_str().unwrap();
        match r["status"].as_str().unwrap() {
            "skipped" => assert!(first.contains(id)),
            "created" => assert!(!first.contains(id) && !in_flight.contains(id)),
            "exists" if id == "r60" => assert_eq!(r["by"], "before this job"),
            "exists" => {
                assert!(in_flight.contains(id), "{id}");
                assert_eq!(r["by"], "an earlier run", "{r}");
            }
            other => panic!("{id}: {other}"),
        }
    }
}

#[test]
fn batch_destroy_stops_on_a_wrong_key_too() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(100));
    let out = fake
        .cmd(&env)
        .env("LIVECTL_SECRET_KEY", "0".repeat(64))
        .args(["destroy", "--yes", "--concurrency", "2", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(fake.lock().hits.len() <= 2, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
}
