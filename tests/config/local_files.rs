//! What livectl reads from local files, and how it reports them: bounded
//! reads of regular files only (`--config`, `LIVECTL_CONFIG`,
//! `secret_key_file`), and TOML type errors that never quote the value.

use super::config_with;
use crate::common::*;

/// A value of the wrong type (here the key pasted as `sdkappid` or
/// `usersig_ttl`) is reported by file, line, key and expected type only.
#[test]
fn a_wrong_type_is_reported_without_its_value() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path_includes("/");
        then.status(200).json_body(ok_reply("r1"));
    });
    for key in ["sdkappid", "usersig_ttl"] {
        let conf = config_with(&env, &format!("[profiles.default]\n{key} = \"{KEY}\"\n"));
        let c = conf.to_str().unwrap();
        let says = format!(
            "{c}, line 2: `{key}` has the wrong type: found a string (not shown), expected a whole number"
        );
        for args in [
            &["create", "--room-id", "r1"][..],
            &["profile", "list"],
            &["profile", "show"],
        ] {
            let a = env
                .bare_cmd()
                .arg("--config")
                .arg(c)
                .args(args)
                .assert()
                .code(3)
                .stderr(predicates::str::contains(says.as_str()));
            let out = a.get_output();
            assert!(!stderr(out).contains(&KEY[..20]) && !stdout(out).contains(&KEY[..20]));
        }
        let a = env
            .bare_cmd()
            .args(["--config", c, "doctor"])
            .assert()
            .code(3)
            .stdout(predicates::str::contains(says.as_str()));
        assert!(!stdout(a.get_output()).contains(&KEY[..20]));
    }
    mock.assert_calls(0);
}

/// `--config`, `LIVECTL_CONFIG` and `secret_key_file` that are a device, a
/// FIFO, a directory or too big fail fast (exit 3, the file named) instead of
/// blocking or reading without end. The timeout only turns a hang into a
/// failure.
#[test]
fn local_files_are_read_bounded_and_regular_only() {
    let env = TestEnv::new();
    let mock = env.server.mock(|when, then| {
        when.path_includes("/");
        then.status(200).json_body(ok_reply("r1"));
    });
    let fifo = env.dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo is needed for this test");
    assert!(made.success());
    let dir = env.dir.path().join("adir");
    std::fs::create_dir(&dir).unwrap();
    let big_conf = env.write("big.toml", &format!("# {}\n", "x".repeat(1 << 20)));
    let big_key = env.write("big.key", &"k".repeat(65 << 10));
    let cases: [(&std::path::Path, &str); 4] = [
        (std::path::Path::new("/dev/zero"), "a device"),
        (&fifo, "a named pipe (FIFO)"),
        (&dir, "a directory"),
        (&big_conf, "larger than the 1024 KiB"),
    ];
    for (p, why) in cases {
        let says = format!("cannot read config file {}: ", p.display());
        let check = |mut cmd: assert_cmd::Command| {
            cmd.timeout(std::time::Duration::from_secs(30))
                .assert()
                .code(3)
                .stderr(predicates::str::contains(says.as_str()))
                .stderr(predicates::str::contains(why));
        };
        let mut c = env.cmd();
        c.arg("--config").arg(p).args(["create", "--room-id", "r1"]);
        check(c);
        let mut c = env.cmd();
        c.env("LIVECTL_CONFIG", p).args(["profile", "list"]);
        check(c);
        let mut c = env.bare_cmd();
        c.arg("--config")
            .arg(p)
            .args(["profile", "add", "p", "--sdkappid", "1"]);
        check(c);
        env.cmd()
            .arg("--config")
            .arg(p)
            .arg("doctor")
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(3)
            .stdout(predicates::str::contains(says.as_str()))
            .stdout(predicates::str::contains(why));
    }
    let key_cases: [(&std::path::Path, &str); 4] = [
        (std::path::Path::new("/dev/zero"), "a device"),
        (&fifo, "a named pipe (FIFO)"),
        (&dir, "a directory"),
        (&big_key, "larger than the 64 KiB"),
    ];
    for (p, why) in key_cases {
        let conf = config_with(
            &env,
            &format!(
                "[profiles.default]\nsdkappid = 1400000001\nidentifier = \"administrator\"\nsecret_key_file = \"{}\"\n",
                p.display()
            ),
        );
        let says = format!("cannot read secret_key_file {}", p.display());
        env.bare_cmd()
            .arg("--config")
            .arg(&conf)
            .args(["--endpoint", &env.server.base_url()])
            .args(["create", "--room-id", "r1"])
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(3)
            .stderr(predicates::str::contains(says.as_str()))
            .stderr(predicates::str::contains(why));
        env.bare_cmd()
            .arg("--config")
            .arg(&conf)
            .args(["--endpoint", &env.server.base_url(), "doctor"])
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(3)
            .stdout(predicates::str::contains(says.as_str()))
            .stdout(predicates::str::contains(why));
    }
    mock.assert_calls(0);
}
