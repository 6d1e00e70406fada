//! A secret key given where a name belongs (an environment variable, a flag,
//! a config value, a profile name) and an endpoint with `user:password@`:
//! refused by every command (`create`, `profile list|show|add`, `doctor`)
//! with the setting named, and the value in no output.

use predicates::str::contains;

use super::all;
use crate::common::*;

/// Key-shaped, but not the sandbox's KEY (so a leak of either is caught);
/// starts with a letter, like a valid variable name.
const WRONG: &str = "ad2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const PASSWORD: &str = "hunter2-Pass";

/// Neither key, nor a password, nor a long part of them, in `text`. (Not
/// `assert_no_secret`: its UserSig check also matches "eJ" in a temp dir's
/// name, and no request is signed here.)
fn assert_unseen(text: &str) {
    for needle in [KEY, &KEY[KEY.len() - 12..], WRONG, &WRONG[20..40], PASSWORD] {
        assert!(!text.contains(needle), "{needle} leaked:\n{text}");
    }
}

/// Any request at all: none may be sent.
fn any_request(env: &TestEnv) -> httpmock::Mock<'_> {
    env.server.mock(|when, then| {
        when.path_includes("/");
        then.status(200).json_body(ok_reply("r1"));
    })
}

/// Runs `args` under `cmd`, expecting `code` and `says` on stderr, and the
/// secrets nowhere.
fn refused(mut cmd: assert_cmd::Command, args: &[&str], code: i32, says: &str) {
    let a = cmd.args(args).assert().code(code);
    let err = as_said(&String::from_utf8_lossy(&a.get_output().stderr));
    assert!(err.contains(says), "{err}");
    assert_unseen(&all(a.get_output()));
}

#[test]
fn a_key_in_an_environment_variable_for_a_name_is_refused_everywhere() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    for var in [
        "LIVECTL_PROFILE",
        "LIVECTL_REGION",
        "LIVECTL_ENDPOINT",
        "LIVECTL_SDKAPPID",
        "LIVECTL_IDENTIFIER",
    ] {
        let says = format!("environment variable {var} looks like a secret key (value not shown)");
        for args in [
            &["create", "--room-id", "r1"][..],
            &["create", "--room-id", "r1", "-vv", "-o", "json"],
            &["profile", "show"],
            &["profile", "show", "-o", "json"],
        ] {
            let mut cmd = env.cmd();
            cmd.env(var, WRONG);
            refused(cmd, args, 3, &says);
        }
        // doctor reports it as its failed check, on stdout, exit 3.
        let mut cmd = env.cmd();
        cmd.env(var, WRONG);
        let a = cmd.arg("doctor").assert().code(3).stdout(contains(&says));
        assert_unseen(&all(a.get_output()));
    }
    mock.assert_calls(0);
}

#[test]
fn a_key_in_a_flag_for_a_name_is_a_usage_error() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    let url = format!("https://{WRONG}.example.com");
    for (flag, value) in [
        ("--profile", WRONG),
        ("--region", WRONG),
        ("--endpoint", url.as_str()),
    ] {
        let says = format!("flag {flag} looks like a secret key");
        for cmd in ["create", "profile", "doctor"] {
            let args: Vec<&str> = match cmd {
                "create" => vec![flag, value, "create", "--room-id", "r1"],
                "profile" => vec![flag, value, "profile", "show"],
                _ => vec![flag, value, "doctor"],
            };
            let a = env.cmd().args(&args).assert().code(2);
            let out = all(a.get_output());
            assert!(out.contains(&says), "{args:?}: {out}");
            assert_unseen(&out);
        }
    }
    // A profile name given as the argument of show and remove.
    refused(
        env.cmd(),
        &["profile", "show", WRONG],
        2,
        "the profile name looks like a secret key",
    );
    refused(
        env.cmd(),
        &["profile", "remove", WRONG],
        2,
        "the profile name looks like a secret key",
    );
    mock.assert_calls(0);
}

#[test]
fn profile_add_refuses_a_key_for_a_name_and_writes_nothing() {
    let env = TestEnv::new();
    let base = ["profile", "add", "p", "--sdkappid", "1400000001"];
    for (extra, says) in [
        (
            &["--secret-key-env", WRONG][..],
            "flag --secret-key-env looks like a secret key",
        ),
        (
            &["--identifier", WRONG],
            "flag --identifier looks like a secret key",
        ),
        (
            &["--region", WRONG],
            "flag --region looks like a secret key",
        ),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        refused(env.bare_cmd(), &args, 2, says);
    }
    refused(
        env.bare_cmd(),
        &["profile", "add", WRONG, "--sdkappid", "1"],
        2,
        "the profile name looks like a secret key",
    );
    assert!(!env.default_config().exists(), "nothing written");
}

#[test]
fn a_key_in_the_config_file_for_a_name_is_refused_by_every_reader() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    for (body, says) in [
        (
            format!("[profiles.default]\nsdkappid = 1\nregion = \"{WRONG}\"\n"),
            "line 3: `region` in profile \"default\" looks like a secret key",
        ),
        (
            format!("[profiles.default]\nsdkappid = 1\nendpoint = \"https://h.example/{WRONG}\"\n"),
            "line 3: `endpoint` in profile \"default\" looks like a secret key",
        ),
        (
            format!("[profiles.default]\nsecret_key_env = \"{WRONG}\"\n"),
            "line 2: `secret_key_env` in profile \"default\" looks like a secret key",
        ),
        (
            format!("default_profile = \"{WRONG}\"\n[profiles.a]\n"),
            "line 1: `default_profile` looks like a secret key",
        ),
        (
            format!("[profiles.{WRONG}]\nsdkappid = 1\n"),
            "line 1: a profile name ([profiles.NAME]) looks like a secret key",
        ),
    ] {
        let conf = env.write("conf/config.toml", &body);
        let c = conf.to_str().unwrap();
        for args in [
            &["--config", c, "create", "--room-id", "r1"][..],
            &["--config", c, "profile", "list"],
            &["--config", c, "profile", "list", "-o", "json"],
            &["--config", c, "profile", "show"],
            &["--config", c, "profile", "add", "q", "--sdkappid", "2"],
        ] {
            refused(env.bare_cmd(), args, 3, says);
        }
        let a = env
            .cmd()
            .args(["--config", c, "doctor"])
            .assert()
            .code(3)
            .stdout(contains(says));
        assert_unseen(&all(a.get_output()));
        assert_eq!(std::fs::read_to_string(&conf).unwrap(), body, "unchanged");
    }
    mock.assert_calls(0);
}

#[test]
fn endpoint_userinfo_is_refused_and_never_printed() {
    let env = TestEnv::new();
    let mock = any_request(&env);
    let port = env.server.port();
    let with_user = format!("http://user:{PASSWORD}@127.0.0.1:{port}");
    let says = "holds a user name or password";
    for args in [
        &["create", "--room-id", "r1"][..],
        &["profile", "show"],
        &["doctor"],
    ] {
        let mut cmd = env.cmd();
        cmd.env("LIVECTL_ENDPOINT", &with_user);
        let a = cmd.args(args).assert().code(3);
        let out = all(a.get_output());
        assert!(
            out.contains(says) && out.contains("http://***@127.0.0.1"),
            "{out}"
        );
        assert_unseen(&out);
        let mut flag: Vec<&str> = vec!["--endpoint", &with_user];
        flag.extend(args);
        let a = env.cmd().args(&flag).assert().code(2);
        assert_unseen(&all(a.get_output()));
    }
    // profile add --endpoint: refused, nothing written.
    refused(
        env.bare_cmd(),
        &[
            "--endpoint",
            &with_user,
            "profile",
            "add",
            "p",
            "--sdkappid",
            "1",
        ],
        2,
        says,
    );
    assert!(!env.default_config().exists());
    // In a file: the list (which shows broken profiles) hides it; using it
    // is refused.
    let conf = env.write(
        "conf/config.toml",
        &format!("[profiles.default]\nsdkappid = 1\nendpoint = \"{with_user}\"\n"),
    );
    let c = conf.to_str().unwrap();
    for args in [&["profile", "list"][..], &["profile", "list", "-o", "json"]] {
        let a = env
            .bare_cmd()
            .arg("--config")
            .arg(c)
            .args(args)
            .assert()
            .code(0);
        let out = all(a.get_output());
        assert!(out.contains("http://***@127.0.0.1"), "{out}");
        assert_unseen(&out);
    }
    for args in [
        &["profile", "show"][..],
        &["doctor"],
        &["create", "--room-id", "r1"],
    ] {
        let mut cmd = env.bare_cmd();
        cmd.arg("--config").arg(c);
        refused(cmd, args, 3, says);
    }
    mock.assert_calls(0);
}
