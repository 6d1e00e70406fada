//! `profile use|set|unset` and `profile add --force` against the real
//! binary: one key changes, comments and every other key stay, secrets only
//! through the safe ways, bad values write nothing; `profile show` names the
//! variables an explicit profile ignores; `doctor` suggests these commands.

use super::*;
use predicates::str::contains;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn use_set_and_unset_change_one_thing_and_keep_comments() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    env.bare_cmd()
        .args(["profile", "use", "ci"])
        .assert()
        .code(0)
        .stderr(contains("profile \"ci\" is now the default"));
    let want = COMMENTED.replace("default_profile = \"prod\"", "default_profile = \"ci\"");
    assert_eq!(read(&path), want);

    env.bare_cmd()
        .args(["profile", "set", "prod", "sdkappid", "1400000007"])
        .assert()
        .code(0);
    let want = want.replace(
        "sdkappid = 1400000001  # from the console",
        "sdkappid = 1400000007  # from the console",
    );
    assert_eq!(read(&path), want);

    env.bare_cmd()
        .args(["profile", "set", "prod", "region", "jpn"])
        .assert()
        .code(0)
        .stderr(contains("set region = tokyo"));
    env.bare_cmd()
        .args(["profile", "unset", "prod", "region"])
        .assert()
        .code(0);
    assert_eq!(read(&path), want.replace("region = \"singapore\"\n", ""));
    assert_eq!(mode(&path), 0o600);

    env.bare_cmd()
        .args(["profile", "use", "nope"])
        .assert()
        .code(3)
        .stderr(contains("profiles there: prod, ci"));
}

#[test]
fn set_refuses_the_key_itself_and_bad_values_and_writes_nothing() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    let key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let out = env
        .bare_cmd()
        .args(["profile", "set", "ci", "secret_key", key])
        .assert()
        .code(2)
        .stderr(contains("--secret-key-stdin"));
    assert!(!stderr(out.get_output()).contains(key));
    env.bare_cmd()
        .args(["profile", "set", "prod", "region", "mars"])
        .assert()
        .code(2)
        .stderr(contains("unknown region \"mars\""));
    env.bare_cmd()
        .args(["profile", "set", "prod", "usersig_ttl", "1"])
        .assert()
        .code(2)
        .stderr(contains("usersig_ttl"));
    // prod stores its key: a pointer would drop it.
    env.bare_cmd()
        .args(["profile", "set", "prod", "secret_key_env", "K"])
        .assert()
        .code(2)
        .stderr(contains("livectl profile unset prod secret_key"));
    env.bare_cmd()
        .args(["profile", "set", "prod", "colour", "red"])
        .assert()
        .code(2)
        .stderr(contains("unknown setting \"colour\""));
    assert_eq!(read(&path), COMMENTED, "nothing written");

    // A pointer replaces a pointer: one secret source.
    env.bare_cmd()
        .args(["profile", "set", "ci", "secret_key_file", "/etc/ci.key"])
        .assert()
        .code(0)
        .stderr(contains("removed secret_key_env"));
    let text = read(&path);
    assert!(
        text.contains("secret_key_file = \"/etc/ci.key\"") && !text.contains("CI_LIVE_KEY"),
        "{text}"
    );
}

#[test]
fn add_force_keeps_the_keys_it_was_not_given() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    env.bare_cmd()
        .args([
            "profile",
            "add",
            "prod",
            "--force",
            "--sdkappid",
            "1400000005",
        ])
        .assert()
        .code(0)
        .stderr(contains("changed profile \"prod\""));
    let text = read(&path);
    let want = COMMENTED.replace(
        "sdkappid = 1400000001  # from the console",
        "sdkappid = 1400000005  # from the console",
    );
    assert_eq!(text, want, "region, identifier and the stored key kept");

    // A new stored key through stdin replaces the old one; the rest stays.
    let new_key = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    env.bare_cmd()
        .args(["profile", "add", "prod", "--force", "--secret-key-stdin"])
        .write_stdin(format!("{new_key}\n"))
        .assert()
        .code(0);
    let text = read(&path);
    assert!(
        text.contains(new_key) && text.contains("region = \"singapore\""),
        "{text}"
    );
    assert!(!text.contains(KEY), "{text}");

    // Without --force: refused, pointing to profile set.
    env.bare_cmd()
        .args(["profile", "add", "prod", "--sdkappid", "1"])
        .assert()
        .code(2)
        .stderr(contains("livectl profile set prod KEY VALUE"));
}

#[test]
fn show_names_the_variables_an_explicit_profile_ignores() {
    let env = TestEnv::new();
    commented_config(&env);
    let out = env
        .bare_cmd()
        .env("LIVECTL_SDKAPPID", "1400000099")
        .env("LIVECTL_IDENTIFIER", "envadmin")
        .args(["--profile", "prod", "profile", "show"])
        .assert()
        .code(0)
        .stdout(contains("ignored environment"))
        .stdout(contains("LIVECTL_SDKAPPID, LIVECTL_IDENTIFIER"));
    let text = stdout(out.get_output());
    assert!(
        text.contains("1400000001") && !text.contains("1400000099"),
        "{text}"
    );
    assert!(!text.contains("envadmin"), "{text}");

    let out = env
        .bare_cmd()
        .env("LIVECTL_SECRET_KEY", "env-secret-key-value-1234")
        .args(["profile", "show", "prod", "-o", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["ignored_environment"]["value"], "LIVECTL_SECRET_KEY");
    assert!(!all(&out).contains("env-secret-key-value"), "{}", all(&out));
}

#[test]
fn doctor_suggests_the_commands_that_keep_settings() {
    let env = TestEnv::new();
    let path = env.default_config();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        format!(
            "[profiles.p]\nsdkappid = 1400000001\nidentifier = \"administrator\"\nendpoint = \"{}\"\n",
            env.server.base_url()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env
        .bare_cmd()
        .args(["doctor", "--profile", "p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "fix: set LIVECTL_SECRET_KEY, or run `livectl profile set p secret_key_env VAR`"
        ),
        "{text}"
    );
    assert!(!text.contains("--force --secret-key-env"), "{text}");

    // Credential variables under --profile: one warn line, names only.
    let out = env
        .bare_cmd()
        .env("LIVECTL_IDENTIFIER", "envadmin")
        .args(["doctor", "--profile", "p"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("warn  environment: ignoring LIVECTL_IDENTIFIER"),
        "{text}"
    );
    assert!(!all(&out).contains("envadmin"), "{}", all(&out));
}

#[test]
fn help_documents_the_rules() {
    let env = TestEnv::new();
    env.bare_cmd()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(contains(
            "LIVECTL_SDKAPPID, LIVECTL_IDENTIFIER and LIVECTL_SECRET_KEY are ignored",
        ));
    env.bare_cmd()
        .args(["help", "config"])
        .assert()
        .code(0)
        .stdout(contains("An explicit profile is one set of credentials"))
        .stdout(contains("at the same level the endpoint beats the"))
        .stdout(contains(
            "LIVECTL_REGION   file endpoint      the region's domain",
        ))
        .stdout(contains("livectl profile use NAME"))
        .stdout(contains("livectl profile set NAME KEY VALUE"));
    env.bare_cmd()
        .args(["profile", "set", "--help"])
        .assert()
        .code(0)
        .stdout(contains("--secret-key-stdin"));
}
