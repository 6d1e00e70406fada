//! `livectl emulator` as a child process on port 0: the real client against
//! it (create/get/update/list/destroy, a batch through `--fail-rate`,
//! `--state` across a restart), credentials refused with the right codes, a
//! UserSig from an independent TLSSigAPIv2 implementation, and the banner,
//! log and shutdown. Live-event endpoints are in `tests/emulator/live.rs`;
//! hostile clients and load in `hostile.rs`; durability, locking, clock
//! and log safety in `durable.rs`.

mod common;

#[path = "emulator/accounts.rs"]
mod accounts;
#[path = "emulator/audience.rs"]
mod audience;
#[path = "emulator/contract.rs"]
mod contract;
#[path = "emulator/durable.rs"]
mod durable;
#[path = "emulator/harness.rs"]
mod harness;
#[path = "emulator/hostile.rs"]
mod hostile;
#[path = "emulator/live.rs"]
mod live;
#[path = "emulator/seats.rs"]
mod seats;
#[path = "emulator/tlssig.rs"]
mod tlssig;
#[path = "emulator/webhook.rs"]
mod webhook;

use common::{assert_no_secret, read_report, rooms_csv};
use harness::{DEMO_APP, DEMO_KEY, Emu, code, now};
use predicates::str::contains;
use serde_json::{Value, json};

#[test]
fn first_line_is_the_url_then_the_banner_with_the_exports() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    assert!(emu.url.starts_with("http://127.0.0.1:"), "{}", emu.url);
    assert!(!emu.url.ends_with(":0"));
    let (status, err) = emu.stop();
    assert!(
        status.success(),
        "SIGTERM ends it cleanly: {status:?}\n{err}"
    );
    for line in [
        "export LIVECTL_ENDPOINT=http://127.0.0.1:",
        "export LIVECTL_SDKAPPID=1400000000",
        "export LIVECTL_IDENTIFIER=administrator",
        &format!("export LIVECTL_SECRET_KEY={DEMO_KEY}"),
        "NOT a secret",
    ] {
        assert!(err.contains(line), "banner lacks {line:?}:\n{err}");
    }
}

#[test]
fn the_client_creates_gets_updates_lists_and_destroys() {
    let emu = Emu::start(&["--listen", ":0", "--seat-template-optional"]);
    emu.client()
        .args([
            "create",
            "--room-id",
            "live-1",
            "--name",
            "Friday show",
            "--public",
        ])
        .assert()
        .code(0)
        .stdout("live-1\n");
    let got = emu
        .client()
        .args(["get", "--room-id", "live-1", "-o", "json"])
        .output()
        .unwrap();
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["name"], "Friday show", "{got}");
    assert_eq!(got["owner"], "administrator");
    emu.client()
        .args(["update", "--room-id", "live-1", "--name", "Saturday show"])
        .assert()
        .code(0);
    emu.client()
        .args(["list"])
        .assert()
        .code(0)
        .stdout(contains("live-1").and(contains("Saturday show")));
    emu.client()
        .args(["create", "--room-id", "live-1"])
        .assert()
        .code(6)
        .stderr(contains("100010"));
    emu.client()
        .args(["destroy", "--room-id", "live-1", "--yes"])
        .assert()
        .code(0);
    emu.client()
        .args(["get", "--room-id", "live-1"])
        .assert()
        .code(5)
        .stderr(contains("100004"));
}

use predicates::prelude::PredicateBooleanExt;

/// The ErrorCodes of a `--log` file, in order.
fn logged_codes(path: &std::path::Path) -> Vec<i64> {
    read_report(path)
        .iter()
        .map(|l| l["error_code"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_batch_succeeds_through_seeded_failures_and_the_run_is_reproducible() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let emu = Emu::start(&[
            "--listen",
            ":0",
            "--seat-template-optional",
            "--fail-rate",
            "0.25",
            "--seed",
            "7",
            "--log",
            "emu.log",
        ]);
        let csv = emu.write("rooms.csv", &rooms_csv(30));
        emu.client()
            .args(["create", "--from-csv"])
            .arg(&csv)
            .args([
                "--report",
                "report.jsonl",
                "--concurrency",
                "1",
                "--retries",
                "6",
            ])
            .assert()
            .code(0);
        let report = read_report(&emu.path("report.jsonl"));
        assert_eq!(report.len(), 30);
        assert!(
            report.iter().all(|r| r["status"] == "created"),
            "{report:?}"
        );
        assert!(
            report.iter().any(|r| r["attempts"].as_u64() > Some(1)),
            "some rows were retried"
        );
        let list = emu.post(
            "live_engine_http_srv/get_room_list",
            json!({"Next": "", "Count": 20}),
        );
        assert_eq!(code(&list), 0);
        let codes = logged_codes(&emu.path("emu.log"));
        assert!(
            codes.contains(&100001),
            "--fail-rate answered 100001: {codes:?}"
        );
        runs.push(codes);
    }
    assert_eq!(runs[0], runs[1], "the same seed gives the same answers");
}

#[test]
fn state_survives_a_restart_and_is_written_0600() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(
        dir.path(),
        &[
            "--listen",
            ":0",
            "--state",
            "rooms.json",
            "--seat-template-optional",
        ],
        &[],
    );
    emu.client()
        .args(["create", "--room-id", "kept"])
        .assert()
        .code(0);
    let set = emu.post(
        "live_engine_http_srv/set_room_metadata",
        json!({"RoomId": "kept", "Metadata": [{"Key": "k", "Value": "v"}]}),
    );
    assert_eq!(code(&set), 0);
    let (status, err) = emu.stop();
    assert!(status.success(), "{err}");
    assert!(err.contains("state saved to rooms.json"), "{err}");
    let file = dir.path().join("rooms.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let again = Emu::start_in(
        dir.path(),
        &["--listen", ":0", "--state", "rooms.json"],
        &[],
    );
    again
        .client()
        .args(["get", "--room-id", "kept"])
        .assert()
        .code(0)
        .stdout(contains("kept"));
    let meta = again.post(
        "live_engine_http_srv/get_room_metadata",
        json!({"RoomId": "kept", "Keys": []}),
    );
    assert_eq!(
        meta["Response"]["Metadata"],
        json!([{"Key": "k", "Value": "v"}])
    );
    let (status, err) = again.stop_with("-INT");
    assert!(status.success(), "SIGINT ends it cleanly too: {err}");
    assert!(err.contains("1 rooms loaded"), "{err}");
}

#[test]
fn a_state_file_that_is_not_one_is_refused_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.json"), "not json").unwrap();
    harness::bare(dir.path())
        .args(["emulator", "--listen", ":0", "--state", "bad.json"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(3)
        .stderr(contains("bad.json").and(contains("not a livectl emulator state file")));
}

#[test]
fn an_address_in_use_is_a_listen_error_with_exit_7() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    harness::bare(dir.path())
        .args(["emulator", "--listen", &addr])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(7)
        .stderr(contains(format!("error: cannot listen on {addr}")).and(contains("--listen")));
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let dir = tempfile::tempdir().unwrap();
    harness::bare(dir.path())
        .args(["emulator", "--listen", "0.0.0.0:0"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(contains("--allow-remote"));
}

#[test]
fn a_client_with_another_key_is_refused_with_70009() {
    let emu = Emu::start(&["--listen", ":0"]);
    emu.client()
        .env(
            "LIVECTL_SECRET_KEY",
            "0000000000000000000000000000000000000000000000000000000000000000",
        )
        .args(["get", "--room-id", "r1"])
        .assert()
        .code(4)
        .stderr(contains("70009"));
}

#[test]
fn an_expired_usersig_is_refused_with_70001() {
    let emu = Emu::start(&["--listen", ":0"]);
    let t = now() - 7200;
    let sig = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", t, 3600);
    let a = emu.post_signed(
        "live_engine_http_srv/get_room_list",
        &sig,
        json!({"Next": "", "Count": 1}),
    );
    assert_eq!(code(&a), 70001, "{a}");
    let fresh = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", t, 3600 * 3);
    let a = emu.post_signed(
        "live_engine_http_srv/get_room_list",
        &fresh,
        json!({"Next": "", "Count": 1}),
    );
    assert_eq!(code(&a), 0, "{a}");
}

#[test]
fn an_independent_usersig_is_accepted_and_a_one_byte_change_refused() {
    let emu = Emu::start(&["--listen", ":0"]);
    let t = now();
    let sig = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", t, 600);
    let body = json!({"Next": "", "Count": 1});
    assert_eq!(
        code(&emu.post_signed("live_engine_http_srv/get_room_list", &sig, body.clone())),
        0
    );
    let tampered = tlssig::mint_with(
        DEMO_APP,
        "administrator",
        t,
        600,
        |mac| mac[0] ^= 1,
        DEMO_KEY,
    );
    let a = emu.post_signed(
        "live_engine_http_srv/get_room_list",
        &tampered,
        body.clone(),
    );
    assert_eq!(code(&a), 70009, "{a}");
    // One byte of the UserSig string itself: it no longer decodes or verifies.
    let mut bytes = sig.into_bytes();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let a = emu.post_signed(
        "live_engine_http_srv/get_room_list",
        &String::from_utf8(bytes).unwrap(),
        body,
    );
    assert!(matches!(code(&a), 70003 | 70009), "{a}");
}

#[test]
fn the_url_is_checked_like_the_service_does() {
    let emu = Emu::start(&["--listen", ":0"]);
    let sig = tlssig::mint(DEMO_KEY, DEMO_APP, "administrator", now(), 600);
    let q = |app: &str, who: &str| {
        format!("sdkappid={app}&identifier={who}&usersig={sig}&random=9&contenttype=json")
    };
    let list = |query: String| {
        emu.post_query(
            "live_engine_http_srv/get_room_list",
            &query,
            json!({"Next": ""}),
        )
    };
    assert_eq!(code(&list(q("1400000001", "administrator"))), 60006);
    assert_eq!(code(&list(q("1400000000", "someone"))), 60010);
    let bob = tlssig::mint(DEMO_KEY, DEMO_APP, "bob", now(), 600);
    let query = format!(
        "sdkappid=1400000000&identifier=administrator&usersig={bob}&random=9&contenttype=json"
    );
    assert_eq!(code(&list(query)), 70013);
    let other_app = tlssig::mint(DEMO_KEY, 1400000001, "administrator", now(), 600);
    let query = format!(
        "sdkappid=1400000000&identifier=administrator&usersig={other_app}&random=9&contenttype=json"
    );
    assert_eq!(code(&list(query)), 70014);
    assert_eq!(code(&list("identifier=administrator".into())), 60012);
    assert_eq!(
        code(&emu.post("live_engine_http_srv/no_such_thing", json!({}))),
        60009
    );
    let get = reqwest::blocking::get(format!(
        "{}/v4/live_engine_http_srv/get_room_list?{}",
        emu.url,
        q("1400000000", "administrator")
    ))
    .unwrap();
    assert_eq!(get.status(), 200, "every answer is HTTP 200");
    assert_eq!(code(&get.json().unwrap()), 60002, "GET is not a command");
}

#[test]
fn the_configured_key_is_served_and_never_printed() {
    let key = "my-own-app-secret-key-0123456789abcdef";
    let env = [
        ("LIVECTL_SDKAPPID", "1400000077"),
        ("LIVECTL_SECRET_KEY", key),
    ];
    let dir = tempfile::tempdir().unwrap();
    let emu = Emu::start_in(
        dir.path(),
        &[
            "--listen",
            ":0",
            "--log",
            "emu.log",
            "-v",
            "--seat-template-optional",
        ],
        &env,
    );
    emu.client()
        .env("LIVECTL_SDKAPPID", "1400000077")
        .env("LIVECTL_SECRET_KEY", key)
        .args(["create", "--room-id", "mine"])
        .assert()
        .code(0);
    emu.client()
        .env("LIVECTL_SDKAPPID", "1400000077")
        .args(["get", "--room-id", "mine"])
        .assert()
        .code(4)
        .stderr(contains("70009"));
    let log = std::fs::read_to_string(dir.path().join("emu.log")).unwrap();
    let (status, err) = emu.stop();
    assert!(status.success());
    assert!(err.contains("export LIVECTL_SDKAPPID=1400000077"), "{err}");
    assert!(
        err.contains("environment LIVECTL_SECRET_KEY"),
        "says where the key came from:\n{err}"
    );
    assert!(!err.contains(key) && !log.contains(key));
    assert!(err.contains("create_room"), "-v logs each request:\n{err}");
    assert_no_secret(&err);
    assert_no_secret(&log);
    assert_eq!(log.lines().count(), 2, "one JSON line per request:\n{log}");
    assert!(!log.contains("usersig"), "{log}");
}
