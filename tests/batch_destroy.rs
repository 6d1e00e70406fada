//! `livectl destroy --from-csv` against a stateful fake service: failures,
//! resume, --missing-ok, dry run, the confirmation prompt on a terminal, and
//! `--yes` off one.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;

/// The observing fake with `existing` rooms and scripted codes first.
fn destroy_fake(existing: &[&str], script: &[(&str, i64)]) -> Fake {
    let fake = Fake::start(std::time::Duration::ZERO);
    for id in existing {
        fake.existing(id, unix_now());
    }
    for (id, code) in script {
        fake.script(id, &[Step::code(*code)]);
    }
    fake
}

/// The destroy requests the fake got, each checked to be `{"RoomId":…}` only.
fn destroys(fake: &Fake) -> Vec<String> {
    let s = fake.lock();
    for h in s.hits.iter().filter(|h| h.command == "destroy_room") {
        assert_eq!(
            h.body.as_object().unwrap().len(),
            1,
            "body is {{\"RoomId\":..}} only"
        );
    }
    s.sent("destroy_room")
}

#[test]
fn destroy_from_csv_with_a_failure_then_resume() {
    let env = TestEnv::new();
    let fake = destroy_fake(&["r1", "r2", "r3", "r4"], &[("r3", 100006)]);
    let csv = env.write(
        "gone.csv",
        "status,room_id\ncreated,r1\ncreated,r2\ncreated,r3\ncreated,r4\ncreated,r5\n",
    );
    let report = env.dir.path().join("destroy.jsonl");
    let out = fake
        .cmd(&env)
        .args(["destroy", "--yes", "--missing-ok", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let st = statuses(&read_report(&report));
    assert_eq!(st["r3"], "failed");
    assert_eq!(st["r5"], "missing");
    for r in ["r1", "r2", "r4"] {
        assert_eq!(st[r], "destroyed");
    }
    assert!(
        stderr(&out).contains("room \"r3\" was not destroyed: 100006"),
        "{}",
        stderr(&out)
    );

    let out = fake
        .cmd(&env)
        .args(["destroy", "--yes", "--resume", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = destroys(&fake);
    let left: Vec<String> = fake.lock().rooms.keys().cloned().collect();
    assert!(left.is_empty(), "every room is gone: {left:?}");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &sent {
        *counts.entry(r.as_str()).or_default() += 1;
    }
    assert_eq!(
        counts,
        BTreeMap::from([("r1", 1), ("r2", 1), ("r3", 2), ("r4", 1), ("r5", 1)])
    );
    let rep = read_report(&report);
    assert_eq!(
        rep.len(),
        6,
        "5 rows, then r3 again; skipped rows are not written"
    );
    assert!(rep.iter().all(|r| r["status"] != "skipped"));
    assert!(
        stderr(&out).contains("destroyed 1, missing 0, failed 0, skipped 4"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn destroy_from_csv_missing_room_fails_without_missing_ok() {
    let env = TestEnv::new();
    let fake = destroy_fake(&["r1"], &[]);
    let csv = env.write("gone.csv", "room_id\nr1\nr2\n");
    let out = fake
        .cmd(&env)
        .args(["destroy", "--yes", "-o", "json", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let recs: Vec<Value> = json_lines(&out);
    let r2 = recs.iter().find(|r| r["room_id"] == "r2").unwrap();
    assert_eq!(r2["status"], "failed");
    assert_eq!(r2["error_code"], 100004);
    assert!(
        stderr(&out).contains(
            "destroyed 1, missing 0, failed 1 (1 already gone: not counted as success without --missing-ok), skipped 0"
        ),
        "{}",
        stderr(&out)
    );
    // With --missing-ok it is done, and text mode says it was gone already.
    fake.cmd(&env)
        .args(["destroy", "--yes", "--missing-ok", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "gone.csv:3: room \"r2\": already gone; counted as done",
        ))
        .stderr(predicates::str::contains(
            "destroyed 0, missing 2, failed 0",
        ));
    // A dry run says what it would do and sends nothing; -v shows every
    // request.
    let out = env
        .bare_cmd()
        .args(["destroy", "--dry-run", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "would destroy 2 rooms: r1 … r2\n");
    let out = env
        .bare_cmd()
        .args(["destroy", "--dry-run", "-v", "--from-csv"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).matches("destroy_room?").count(), 2);
    assert!(stdout(&out).ends_with("would destroy 2 rooms: r1 … r2\n"));
}

/// Runs `livectl ARGS` on a pseudo-terminal (util-linux `script`), typing
/// `answer` on its stdin. Without `script` the test fails: a test that
/// passes without running protects nothing.
fn on_a_terminal(env: &TestEnv, fake: &Fake, args: &str, answer: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("livectl");
    let mut child = env
        .process("script")
        .env("LIVECTL_ENDPOINT", &fake.url)
        .args(["-qec", &format!("'{}' {args}", bin.display()), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("this test needs util-linux `script` (a pseudo-terminal); install util-linux");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn destroy_from_csv_asks_on_a_terminal() {
    let env = TestEnv::new();
    let fake = destroy_fake(&["r1", "r2"], &[]);
    env.write("gone.csv", "room_id\nr1\nr2\n");
    let out = on_a_terminal(&env, &fake, "destroy --from-csv gone.csv", "n\n");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("destroy 2 rooms listed in gone.csv? [y/N]"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("not confirmed: nothing was sent"),
        "{}",
        stdout(&out)
    );
    assert!(destroys(&fake).is_empty(), "declined: nothing sent");

    let out = on_a_terminal(&env, &fake, "destroy --from-csv gone.csv", "y\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(destroys(&fake).len(), 2);

    // --yes skips the question.
    let env = TestEnv::new();
    let fake = destroy_fake(&["r1", "r2"], &[]);
    env.write("gone.csv", "room_id\nr1\nr2\n");
    let out = on_a_terminal(&env, &fake, "destroy --yes --from-csv gone.csv", "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("[y/N]"));
    assert_eq!(destroys(&fake).len(), 2);
}

#[test]
fn destroy_from_csv_off_a_terminal_needs_yes() {
    let env = TestEnv::new();
    let fake = destroy_fake(&["r1", "r2"], &[]);
    let csv = env.write("gone.csv", "room_id\nr1\nr2\n");
    for args in [
        &["destroy", "--from-csv"][..],
        &["destroy", "--missing-ok", "--from-csv"],
    ] {
        fake.cmd(&env)
            .args(args)
            .arg(&csv)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "destroying rooms needs --yes when stdin is not a terminal",
            ));
    }
    // The CSV on stdin: not a terminal either.
    fake.cmd(&env)
        .args(["destroy", "--from-csv", "-"])
        .write_stdin("room_id\nr1\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs --yes"));
    assert!(destroys(&fake).is_empty(), "nothing sent");
    // A dry run sends nothing and needs no --yes.
    fake.cmd(&env)
        .args(["destroy", "--dry-run", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(0);
    fake.cmd(&env)
        .args(["destroy", "--yes", "--from-csv"])
        .arg(&csv)
        .assert()
        .code(0);
    assert_eq!(destroys(&fake).len(), 2);
}
