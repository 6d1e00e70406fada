//! The batch's input and report are safe: line numbers of CRLF files, a
//! report that is the input CSV, a report that is not a livectl report, a
//! report in use by another run, a report that cannot be written, and
//! resumes that do not pile up `skipped` lines, rows appended to the CSV
//! while a batch runs.

mod common;

use common::*;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::time::Duration;

/// The number of create requests the fake received per room ID.
fn per_room(fake: &Fake) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for id in &fake.lock().sent("create_room") {
        *counts.entry(id.clone()).or_default() += 1;
    }
    counts
}

/// A CRLF file: a blank line at 3, a quoted cell over lines 4-5, and
/// `max_members` of line 6 set to `six`.
fn crlf_csv(six: &str) -> String {
    format!(
        "room_id,name,max_members\r\nr1,a,1\r\n\r\nr2,\"two\r\nlines\",1\r\nr3,b,{six}\r\nr4,c,1\r\n"
    )
}

#[test]
fn crlf_file_names_the_line_an_editor_shows_in_errors_and_report() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &crlf_csv("zero"));
    fake.cmd(&env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("rooms.csv:6: max_members: \"zero\"").and(contains("rooms.csv:5:").not()));
    assert!(fake.lock().sent("create_room").is_empty(), "nothing sent");

    let csv = env.write("rooms.csv", &crlf_csv("1"));
    let report = env.dir.path().join("r.jsonl");
    fake.cmd(&env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .assert()
        .code(0);
    let lines: BTreeMap<String, u64> = read_report(&report)
        .iter()
        .map(|r| {
            (
                r["room_id"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: BTreeMap<String, u64> = [("r1", 2), ("r2", 4), ("r3", 6), ("r4", 7)]
        .iter()
        .map(|(id, l)| (id.to_string(), *l))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn report_that_is_the_input_csv_is_refused() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let text = rooms_csv(2);
    env.write("rooms.csv", &text);
    std::fs::create_dir(env.dir.path().join("sub")).unwrap();
    for resume in [false, true] {
        let mut cmd = fake.cmd(&env);
        cmd.args([
            "create",
            "--from-csv",
            "rooms.csv",
            "--report",
            "./sub/../rooms.csv",
        ]);
        if resume {
            cmd.arg("--resume");
        }
        cmd.assert()
            .code(2)
            .stderr(contains("is the CSV file given to --from-csv"));
    }
    assert!(fake.lock().sent("create_room").is_empty(), "nothing sent");
    assert_eq!(
        std::fs::read_to_string(env.dir.path().join("rooms.csv")).unwrap(),
        text
    );
}

#[test]
fn resume_on_a_file_that_is_not_a_report_is_refused() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(2));
    // The mistake this guards against: the CSV's sibling given as report.
    let other = env.write("other.csv", "room_id,name\nr1,x\n");
    fake.cmd(&env)
        .args(["create", "--resume", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&other)
        .assert()
        .code(2)
        .stderr(contains(
            "other.csv: line 1 is not a livectl report entry (it is not JSON)",
        ));
    assert!(fake.lock().sent("create_room").is_empty(), "nothing sent");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "room_id,name\nr1,x\n"
    );
}

#[test]
fn a_report_in_use_by_another_run_is_refused_at_once() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(2));
    let report = env.write("r.jsonl", "");
    // Another run holds the lock, as a running livectl does.
    let held = std::fs::OpenOptions::new()
        .append(true)
        .open(&report)
        .unwrap();
    held.try_lock().unwrap();
    for resume in [false, true] {
        let mut cmd = fake.cmd(&env);
        cmd.args(["create", "--from-csv"])
            .arg(&csv)
            .arg("--report")
            .arg(&report);
        if resume {
            cmd.arg("--resume");
        }
        cmd.timeout(Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(contains(format!(
                "another livectl run is using report file {}",
                report.display()
            )));
    }
    assert!(fake.lock().sent("create_room").is_empty(), "nothing sent");
    drop(held);
    fake.cmd(&env)
        .args(["create", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .assert()
        .code(0);
    assert_eq!(read_report(&report).len(), 2);
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_write_failure_stops_the_run_and_prints_the_summary() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(20));
    let out = fake
        .cmd(&env)
        .args(["create", "--concurrency", "2", "--from-csv"])
        .arg(&csv)
        .args(["--report", "/dev/full"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot write report file /dev/full: No space left on device"),
        "{err}"
    );
    // Every row sent is accounted for in the summary, and stdout names it.
    let created = fake.lock().rooms.len();
    assert!((1..20).contains(&created), "the run stopped: {created}");
    assert!(
        err.contains(&format!(
            "created {created}, exists 0, failed 0, skipped 0, not started {}",
            20 - created
        )),
        "{err}"
    );
    assert_eq!(stdout(&out).lines().count(), created);
}

#[test]
fn resuming_twice_appends_no_skipped_lines() {
    let env = TestEnv::new();
    let fake = Fake::with_codes(&[("r2", &[100002])], Duration::ZERO);
    let csv = env.write("rooms.csv", &rooms_csv(3));
    let report = env.dir.path().join("r.jsonl");
    let run = |resume: bool| {
        let mut cmd = fake.cmd(&env);
        cmd.args(["create", "--from-csv"])
            .arg(&csv)
            .arg("--report")
            .arg(&report);
        if resume {
            cmd.arg("--resume");
        }
        cmd.output().unwrap()
    };
    assert_eq!(run(false).status.code(), Some(8));
    let out = run(true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("created 1, exists 0, failed 0, skipped 2"));
    let out = run(true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("created 0, exists 0, failed 0, skipped 3"));

    let rep = read_report(&report);
    let got: Vec<(&str, &str)> = rep
        .iter()
        .map(|r| {
            (
                r["room_id"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got.iter().all(|(_, s)| *s != "skipped"), "{got:?}");
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            ("r1", "created"),
            ("r2", "created"),
            ("r2", "failed"),
            ("r3", "created")
        ]
    );
    let want: BTreeMap<String, usize> = [("r1", 1), ("r2", 2), ("r3", 1)]
        .iter()
        .map(|(id, n)| (id.to_string(), *n))
        .collect();
    assert_eq!(per_room(&fake), want, "each row sent once more at most");
}

#[test]
fn rows_appended_while_a_batch_runs_are_not_sent() {
    let env = TestEnv::new();
    let fake = Fake::start(Duration::from_millis(5));
    // About 100 bytes a row: far more than one read-ahead buffer.
    let mut text = String::from("room_id,name\n");
    for i in 1..=1000 {
        text.push_str(&format!("r{i},{}\n", "n".repeat(90)));
    }
    let csv = env.write("rooms.csv", &text);
    let report = env.dir.path().join("report.jsonl");
    let child = fake
        .process(&env)
        .args([
            "create",
            "--concurrency",
            "8",
            "--rate",
            "1000",
            "--from-csv",
        ])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..3000 {
        if !read_report(&report).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&csv)
        .unwrap()
        .write_all(b"x1,unchecked\nx2,unchecked\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let sent = fake.lock().sent("create_room");
    assert!(
        sent.iter().all(|id| id.starts_with('r')),
        "unchecked rows sent"
    );
    assert_eq!(sent.len(), 1000, "{err}");
    assert!(
        err.contains(
            "rooms.csv grew while the batch ran; rows added after the check were not read"
        ),
        "{err}"
    );
}
