//! Settings that never surprise (cli.md section 6), through the binary: an
//! explicit profile is one set of credentials, region and endpoint follow
//! one precedence, every missing credential is named at once, and several
//! profiles without a default say which to choose.

use super::*;
use predicates::str::contains;

const ENV_KEY: &str = "env-secret-key-must-not-be-used-9876";

#[test]
fn an_explicit_profile_sends_its_own_credentials_with_one_warning() {
    let env = TestEnv::new();
    let mock = accept_signed(&env, 1400000002, "admin2", FILE_KEY);
    let conf = config_with(
        &env,
        &format!(
            "[profiles.prod]\nsdkappid = 1400000002\nidentifier = \"admin2\"\nsecret_key = \"{FILE_KEY}\"\nendpoint = \"{}\"\n",
            env.server.base_url()
        ),
    );
    let out = env
        .bare_cmd()
        .env("LIVECTL_SDKAPPID", "1400000099")
        .env("LIVECTL_IDENTIFIER", "envadmin")
        .env("LIVECTL_SECRET_KEY", ENV_KEY)
        .arg("--config")
        .arg(&conf)
        .args(["--profile", "prod", "create", "--room-id", "r1"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    mock.assert_calls(1);
    let warning = "ignoring LIVECTL_SDKAPPID, LIVECTL_IDENTIFIER, LIVECTL_SECRET_KEY";
    assert_eq!(err.matches(warning).count(), 1, "{err}");
    for value in ["1400000099", "envadmin", ENV_KEY, FILE_KEY] {
        assert!(!err.contains(value), "{value} in {err}");
    }

    // The same profile chosen by LIVECTL_PROFILE: the variables win, as
    // before, and nothing is ignored.
    let out = env
        .bare_cmd()
        .env("LIVECTL_PROFILE", "prod")
        .env("LIVECTL_SDKAPPID", "1400000099")
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("sdkappid=1400000099"),
        "{}",
        stdout(&out)
    );
    assert!(!stderr(&out).contains("ignoring"), "{}", stderr(&out));
}

/// The URL a dry run would send to, with a file endpoint on loopback.
fn dry_url(env: &TestEnv, conf: &std::path::Path, vars: &[(&str, &str)], flags: &[&str]) -> String {
    let mut cmd = env.bare_cmd();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd
        .arg("--config")
        .arg(conf)
        .args(flags)
        .args(["create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().next().unwrap_or_default().to_string()
}

#[test]
fn region_and_endpoint_follow_one_precedence() {
    let env = TestEnv::new();
    let conf = config_with(
        &env,
        "[profiles.default]\nendpoint = \"http://127.0.0.1:9\"\n",
    );
    let sgp = "https://adminapisgp.im.qcloud.com/";
    // flag region > file endpoint
    assert!(dry_url(&env, &conf, &[], &["--region", "sgp"]).contains(sgp));
    // env region > file endpoint
    assert!(dry_url(&env, &conf, &[("LIVECTL_REGION", "sgp")], &[]).contains(sgp));
    // flag region > env endpoint
    let url = dry_url(
        &env,
        &conf,
        &[("LIVECTL_ENDPOINT", "http://127.0.0.1:7")],
        &["--region", "sgp"],
    );
    assert!(url.contains(sgp), "{url}");
    // flag endpoint > env region
    let url = dry_url(
        &env,
        &conf,
        &[("LIVECTL_REGION", "sgp")],
        &["--endpoint", "http://127.0.0.1:8"],
    );
    assert!(url.contains("http://127.0.0.1:8/"), "{url}");
    // same level: endpoint > region
    let url = dry_url(
        &env,
        &conf,
        &[
            ("LIVECTL_REGION", "sgp"),
            ("LIVECTL_ENDPOINT", "http://127.0.0.1:7"),
        ],
        &[],
    );
    assert!(url.contains("http://127.0.0.1:7/"), "{url}");
    // the file alone
    assert!(dry_url(&env, &conf, &[], &[]).contains("http://127.0.0.1:9/"));

    // `profile show` says the file's endpoint is not used, and why.
    env.bare_cmd()
        .arg("--config")
        .arg(&conf)
        .args(["--region", "sgp", "profile", "show"])
        .assert()
        .code(0)
        .stdout(contains(
            "the endpoint \"http://127.0.0.1:9\" from config file",
        ))
        .stdout(contains(
            "is not used: the region from flag --region is a higher source",
        ));
}

#[test]
fn every_missing_credential_is_named_at_once() {
    let env = TestEnv::new();
    let assert = env
        .bare_cmd()
        .args(["create", "--room-id", "r1"])
        .assert()
        .code(3)
        .stderr(contains("no sdkappid, identifier or secret key:"))
        .stderr(contains("livectl help config"));
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for var in [
        "LIVECTL_SDKAPPID",
        "LIVECTL_IDENTIFIER",
        "LIVECTL_SECRET_KEY",
    ] {
        assert!(err.contains(&format!("set {var}")), "{var} in {err}");
    }
}

#[test]
fn several_profiles_and_no_default_say_which_to_choose() {
    let env = TestEnv::new();
    let conf = config_with(&env, "[profiles.a]\n[profiles.b]\n[profiles.c]\n");
    env.bare_cmd()
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r1"])
        .assert()
        .code(3)
        .stderr(contains("3 profiles in "))
        .stderr(contains(
            "none is the default: pass --profile a|b|c or run `livectl profile use NAME`",
        ));
}
