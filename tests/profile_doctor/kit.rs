//! `doctor` against an httpmock server (pass, rejected credentials, clock
//! skew, unreachable, missing settings), `completions`, `man` and `--help`.

use clap::CommandFactory;
use httpmock::Method::POST;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, SystemTime};

use super::{all, commented_config};
use crate::common::*;

/// A mock of `get_room_info` on a doctor's random room, answering `code`
/// with the given `Date` header.
fn doctor_mock(env: &TestEnv, code: i64, date: SystemTime) -> httpmock::Mock<'_> {
    env.server.mock(|when, then| {
        when.method(POST)
            .path(path("get_room_info"))
            .is_true(valid_request)
            .is_true(|req| {
                let body: Value = serde_json::from_slice(req.body_ref()).unwrap_or_default();
                body["RoomId"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("livectl-doctor-"))
            });
        then.status(200)
            .header("date", httpdate::fmt_http_date(date))
            .json_body(fail_reply(code, "text"));
    })
}

#[test]
fn doctor_passes_when_the_service_answers_no_such_room() {
    let env = TestEnv::new();
    let mock = doctor_mock(&env, 100004, SystemTime::now());
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let text = stdout(&out);
    for line in [
        "ok    sdkappid: 1400000001 (from environment LIVECTL_SDKAPPID)",
        "ok    secret key: ****3b5e",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(
        text.contains("warn  endpoint:")
            && text.contains("ok    dns:")
            && text.contains("ok    reach:")
    );
    assert!(text.contains("ok    clock: local clock is "), "{text}");
    assert!(
        text.contains("ok    credentials: get_room_info on a random room ID answered 100004"),
        "{text}"
    );
    assert_no_secret(&all(&out));
    mock.assert_calls(1);

    let out = env.cmd().args(["doctor", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    for line in stdout(&out).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(
            ["ok", "warn"].contains(&v["status"].as_str().unwrap()),
            "{v}"
        );
        assert!(v["check"].is_string() && v["detail"].is_string() && v.get("fix").is_some());
    }
    mock.assert_calls(2);
}

#[test]
fn doctor_rejected_credentials_exit_4_with_the_likely_cause() {
    let env = TestEnv::new();
    let mock = doctor_mock(&env, 70009, SystemTime::now());
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", all(&out));
    let text = stdout(&out);
    assert!(
        text.contains("fail  credentials: the service rejected the credentials: 70009"),
        "{text}"
    );
    assert!(text.contains("another app's secret key"), "{text}");
    assert!(stderr(&out).contains("70009") && stderr(&out).contains("RequestId Id-fail-70009"));
    assert_no_secret(&all(&out));
    mock.assert_calls(1);
}

#[test]
fn doctor_clock_skew_warns_then_fails() {
    let env = TestEnv::new();
    doctor_mock(&env, 100004, SystemTime::now() - Duration::from_secs(120));
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(
        stdout(&out).contains("warn  clock: local clock is 1"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains(" s ahead of the service's"),
        "{}",
        stdout(&out)
    );

    let env = TestEnv::new();
    doctor_mock(&env, 100004, SystemTime::now() + Duration::from_secs(600));
    let out = env.cmd().arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let text = stdout(&out);
    let clock = text
        .lines()
        .find(|l| l.starts_with("fail  clock: local clock is "))
        .unwrap_or_default();
    assert!(clock.contains(" s behind the service's"), "{text}");
    assert!(text.contains("fix: sync the clock"), "{text}");
}

#[test]
fn doctor_unreachable_endpoint_exits_7() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .env("LIVECTL_ENDPOINT", "http://127.0.0.1:1")
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", all(&out));
    assert!(
        stdout(&out).contains("fail  reach: could not connect"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("doctor: check `reach` failed"),
        "{}",
        stderr(&out)
    );
    assert_no_secret(&all(&out));
}

#[test]
fn doctor_missing_config_or_credentials_exit_3() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["doctor", "--config", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    assert!(
        stdout(&out).contains("fail  config file: cannot read"),
        "{}",
        stdout(&out)
    );

    // No credentials at all: each missing setting is named; the endpoint is
    // the mock server so nothing leaves loopback.
    let out = env
        .bare_cmd()
        .env("LIVECTL_ENDPOINT", env.server.base_url())
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let text = stdout(&out);
    for check in [
        "fail  sdkappid: not set",
        "fail  identifier: not set",
        "fail  secret key:",
        "ok    reach: TCP",
    ] {
        assert!(text.contains(check), "{check} in\n{text}");
    }
    assert!(text.contains("fix: set LIVECTL_SDKAPPID"), "{text}");

    let path = commented_config(&env);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env
        .bare_cmd()
        .args([
            "doctor",
            "--profile",
            "ci",
            "--endpoint",
            "http://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let text = stdout(&out);
    assert!(
        text.contains("warn  config permissions")
            && text.contains(&format!("chmod 600 {}", path.display()))
    );
    assert!(text.contains(
        "fail  secret key: the secret key is read from environment variable CI_LIVE_KEY"
    ));
}

#[test]
fn completions_for_every_shell_and_a_man_page_naming_every_command() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env
            .bare_cmd()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(
            stdout(&out).len() > 500 && stdout(&out).contains("doctor"),
            "{shell}"
        );
    }
    let out = env.bare_cmd().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH livectl 1") && page.contains("Exit codes"));
    fn walk(cmd: &clap::Command, prefix: &str, page: &str) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{prefix}-{}", sub.get_name());
            assert!(
                page.contains(&format!(".TH {name} 1")),
                "no page for {name}"
            );
            walk(sub, &name, page);
        }
    }
    walk(&livectl::cli::Cli::command(), "livectl", &page);
}

#[test]
fn help_documents_flags_environment_and_exit_codes() {
    let env = TestEnv::new();
    let top = stdout(&env.bare_cmd().arg("--help").output().unwrap());
    for word in [
        "Exit codes:",
        "LIVECTL_SECRET_KEY",
        "LIVECTL_REGION",
        "130  interrupted",
        "Global options:",
    ] {
        assert!(top.contains(word), "{word}");
    }
    let add = stdout(
        &env.bare_cmd()
            .args(["profile", "add", "--help"])
            .output()
            .unwrap(),
    );
    for flag in [
        "--sdkappid",
        "--identifier",
        "--secret-key-stdin",
        "--secret-key-env",
        "--usersig-ttl",
        "--default",
        "--force",
        "--region",
        "--endpoint",
        "Examples:",
    ] {
        assert!(add.contains(flag), "{flag}");
    }
    let doctor = stdout(&env.bare_cmd().args(["doctor", "--help"]).output().unwrap());
    assert!(doctor.contains("100004") && doctor.contains("Exit codes:"));
}
