//! Credentials and config (cli.md section 1), and the no-secret-leak sweep.

mod common;
#[path = "config/local_files.rs"]
mod local_files;
#[path = "config/settings.rs"]
mod settings;

use common::*;

const FILE_KEY: &str = "file-secret-key-0123456789abcdefXYZW";

fn config_with(env: &TestEnv, body: &str) -> std::path::PathBuf {
    let p = env.write("conf/config.toml", body);
    set_mode(&p, 0o600);
    p
}

fn set_mode(p: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A mock that accepts any create signed with `key` for `sdkappid`.
fn accept_signed<'a>(
    env: &'a TestEnv,
    sdkappid: u64,
    identifier: &'static str,
    key: &'static str,
) -> httpmock::Mock<'a> {
    env.server.mock(move |when, then| {
        when.path(path("create_room")).is_true(move |req| {
            let q = req.query_params_map();
            let Ok(doc) = livectl::usersig::decode(&q["usersig"]) else {
                return false;
            };
            let want = livectl::usersig::sig_field(
                sdkappid,
                &livectl::secret::Secret::new(key),
                identifier,
                doc["TLS.time"].as_u64().unwrap(),
                doc["TLS.expire"].as_u64().unwrap(),
            );
            q["sdkappid"] == sdkappid.to_string()
                && q["identifier"] == identifier
                && doc["TLS.sig"] == want.as_str()
        });
        then.status(200).json_body(ok_reply("r1"));
    })
}

#[test]
fn profile_from_file_with_inline_secret() {
    let env = TestEnv::new();
    let mock = accept_signed(&env, 1400000002, "admin2", FILE_KEY);
    let conf = config_with(
        &env,
        &format!(
            "default_profile = \"prod\"\n[profiles.prod]\nsdkappid = 1400000002\nidentifier = \"admin2\"\nsecret_key = \"{FILE_KEY}\"\nendpoint = \"{}\"\n",
            env.server.base_url()
        ),
    );
    let out = env
        .bare_cmd()
        .args(["--config"])
        .arg(&conf)
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    mock.assert_calls(1);
}

#[test]
fn default_path_profile_choice_and_env_precedence() {
    let env = TestEnv::new();
    let conf = env.default_config();
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    std::fs::write(
        &conf,
        format!(
            "[profiles.default]\nsdkappid = 1400000003\nidentifier = \"d\"\nsecret_key_env = \"MY_KEY\"\nendpoint = \"{0}\"\n\
             [profiles.other]\nsdkappid = 1400000004\nidentifier = \"o\"\nsecret_key_file = \"key.txt\"\nendpoint = \"{0}\"\n",
            env.server.base_url()
        ),
    )
    .unwrap();
    set_mode(&conf, 0o600);
    env.write("key.txt", &format!("{FILE_KEY}\n"));
    set_mode(&env.dir.path().join("key.txt"), 0o600);

    // The profile named `default`, secret from the variable it names.
    let m = accept_signed(&env, 1400000003, "d", FILE_KEY);
    let out = env
        .bare_cmd()
        .env("MY_KEY", FILE_KEY)
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    m.assert_calls(1);

    // LIVECTL_PROFILE picks another; its secret comes from a file.
    let mut m = accept_signed(&env, 1400000004, "o", FILE_KEY);
    let out = env
        .bare_cmd()
        .env("LIVECTL_PROFILE", "other")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    m.assert_calls(1);

    m.delete();
    // A profile from LIVECTL_PROFILE: env values beat the file's.
    let m = accept_signed(&env, 1400000009, "o", FILE_KEY);
    let out = env
        .bare_cmd()
        .env("LIVECTL_PROFILE", "other")
        .env("LIVECTL_SDKAPPID", "1400000009")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    m.assert_calls(1);

    // --profile beats LIVECTL_PROFILE, and its credentials are one set:
    // LIVECTL_SDKAPPID is ignored (tests/config/explicit.rs for the rest).
    let m = accept_signed(&env, 1400000004, "o", FILE_KEY);
    let out = env
        .bare_cmd()
        .env("LIVECTL_PROFILE", "nope")
        .env("LIVECTL_SDKAPPID", "1400000009")
        .args(["create", "--room-id", "r1", "--profile", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    m.assert_calls(1);

    // An unknown profile is a config error naming the ones there are.
    let out = env
        .bare_cmd()
        .args(["--profile", "nope", "create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("profiles there: default, other"),
        "{}",
        stderr(&out)
    );

    // The secret variable named by the profile is missing.
    let out = env
        .bare_cmd()
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("MY_KEY"));
}

#[test]
fn missing_values_exit_3_naming_the_variable() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("LIVECTL_SDKAPPID"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .env_remove("LIVECTL_SECRET_KEY")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("LIVECTL_SECRET_KEY"));
    let out = env
        .cmd()
        .env("LIVECTL_SDKAPPID", "abc")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn named_config_file_must_exist() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args(["--config", "nope.toml", "create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("nope.toml"));
    let out = env
        .cmd()
        .env("LIVECTL_CONFIG", "gone.toml")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("gone.toml"));
}

#[test]
fn unknown_keys_are_errors_naming_key_and_file() {
    let env = TestEnv::new();
    let conf = config_with(
        &env,
        "[profiles.default]\nsdkappid = 1\nsecretkey = \"x\"\n",
    );
    let out = env
        .cmd()
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("secretkey")
            && err.contains(&conf.display().to_string())
            && err.contains("line 3"),
        "{err}"
    );
}

#[test]
fn readable_config_gets_a_chmod_warning() {
    let env = TestEnv::new();
    let conf = config_with(&env, "[profiles.default]\n");
    set_mode(&conf, 0o644);
    let out = env
        .cmd()
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains(&format!("chmod 600 {}", conf.display())),
        "{}",
        stderr(&out)
    );
    set_mode(&conf, 0o600);
    let out = env
        .cmd()
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("chmod"));
}

#[test]
fn plain_http_only_to_loopback_and_regions_checked() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args([
            "--endpoint",
            "http://example.com",
            "create",
            "--room-id",
            "r1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a bad flag is a usage error");
    assert!(stderr(&out).contains("loopback"));
    let out = env
        .cmd()
        .env("LIVECTL_ENDPOINT", "http://10.0.0.1")
        .args(["create", "--room-id", "r1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "a bad environment value is a config error"
    );
    let out = env
        .bare_cmd()
        .args(["--region", "mars", "create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("silicon-valley"));
    for (region, host) in [
        ("cn", "console.tim.qq.com"),
        ("us", "adminapiusa.im.qcloud.com"),
        ("jakarta", "adminapiidn.im.qcloud.com"),
    ] {
        let out = env
            .bare_cmd()
            .args(["--region", region, "create", "--room-id", "r1", "--dry-run"])
            .output()
            .unwrap();
        assert!(
            stdout(&out).starts_with(&format!("POST https://{host}/v4/")),
            "{region}"
        );
    }
    let out = env
        .bare_cmd()
        .env("LIVECTL_REGION", "kr")
        .args(["create", "--room-id", "r1", "--dry-run"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("POST https://adminapikr.im.qcloud.com/"));
}

#[test]
fn usersig_ttl_from_the_profile() {
    let env = TestEnv::new();
    let conf = config_with(&env, "[profiles.default]\nusersig_ttl = 120\n");
    let out = env
        .cmd()
        .arg("--config")
        .arg(&conf)
        .arg("usersig")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        livectl::usersig::decode(stdout(&out).trim()).unwrap()["TLS.expire"],
        120
    );
    let conf = config_with(&env, "[profiles.default]\nusersig_ttl = 99999999\n");
    let out = env
        .cmd()
        .arg("--config")
        .arg(&conf)
        .arg("usersig")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("5 to 15552000"));
}

/// Every mode at every verbosity: neither the key nor a UserSig appears in
/// stdout or stderr (only `livectl usersig` prints one).
#[test]
fn no_secret_in_any_output() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"ok"}}"#);
        then.status(200).json_body(ok_reply("ok"));
    });
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"bad"}}"#);
        then.status(200).json_body(fail_reply(70003, "sig invalid"));
    });
    env.server.mock(|when, then| {
        when.path(path("create_room"))
            .json_body_includes(r#"{"RoomInfo":{"RoomId":"flaky"}}"#);
        then.status(502).body("bad gateway");
    });
    env.write("rooms.csv", "room_id\nok\nbad\nflaky\n");
    let runs: Vec<Vec<&str>> = vec![
        vec!["create", "--room-id", "ok", "-vv"],
        vec!["create", "--room-id", "ok", "-vv", "-o", "json"],
        vec!["create", "--room-id", "bad", "-vv"],
        vec!["create", "--room-id", "bad", "-vv", "-o", "json"],
        vec!["create", "--room-id", "flaky", "-vv", "--retries", "1"],
        vec!["create", "--room-id", "ok", "-vv", "--dry-run"],
        vec![
            "create",
            "--room-id",
            "ok",
            "-vv",
            "--endpoint",
            "http://127.0.0.1:1",
            "--retries",
            "0",
        ],
        vec![
            "create",
            "--from-csv",
            "rooms.csv",
            "-vv",
            "-o",
            "json",
            "--retries",
            "1",
        ],
        vec!["create", "--from-csv", "rooms.csv", "--dry-run", "-vv"],
        vec!["explain", "70003", "-vv"],
    ];
    for args in runs {
        let out = env.cmd().args(&args).output().unwrap();
        assert_no_secret(&stdout(&out));
        assert_no_secret(&stderr(&out));
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            shown.contains("<redacted>") || args.contains(&"explain"),
            "{args:?} showed its requests"
        );
    }
    // A broken config file with an inline key does not echo it.
    let conf = config_with(
        &env,
        &format!("[profiles.default]\nsecret_key = \"{KEY}\nsdkappid = 1\n"),
    );
    let out = env
        .bare_cmd()
        .arg("--config")
        .arg(&conf)
        .args(["create", "--room-id", "r", "-vv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_no_secret(&stderr(&out));
}
