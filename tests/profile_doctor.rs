//! The operator's kit against the real binary: `profile list|show|add|remove`
//! here (sources, masking, file modes, round trips); `doctor` against an
//! httpmock server, `completions`, `man` and `--help` in
//! `profile_doctor/kit.rs`. No test touches the network beyond loopback:
//! every doctor run has an endpoint on 127.0.0.1.

mod common;
#[path = "profile_doctor/edit.rs"]
mod edit;
#[path = "profile_doctor/kit.rs"]
mod kit;
#[path = "profile_doctor/wrong_place.rs"]
mod wrong_place;

use common::*;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const COMMENTED: &str = "\
# livectl config, hand-written
default_profile = \"prod\" # the usual one

# production app
[profiles.prod]
sdkappid = 1400000001  # from the console
identifier = \"administrator\"
region = \"singapore\"
secret_key = \"5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e\"

[profiles.ci]
sdkappid = 1400000009
identifier = \"admin2\"
secret_key_env = \"CI_LIVE_KEY\"
";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Writes COMMENTED at the default config path, 0600.
fn commented_config(env: &TestEnv) -> std::path::PathBuf {
    let path = env.default_config();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, COMMENTED).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn all(out: &std::process::Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

#[test]
fn list_marks_the_default_and_names_secret_sources_only() {
    let env = TestEnv::new();
    commented_config(&env);
    let out = env.bare_cmd().args(["profile", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("* prod  1400000001  administrator  singapore"),
        "{text}"
    );
    assert!(
        text.contains("  ci    1400000009  admin2         china (default)  env CI_LIVE_KEY"),
        "{text}"
    );
    assert_no_secret(&all(&out));

    let out = env
        .bare_cmd()
        .args(["profile", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<Value> = json_lines(&out);
    assert_eq!(rows.len(), 2);
    let prod = rows.iter().find(|r| r["name"] == "prod").unwrap();
    assert_eq!(
        (prod["default"].clone(), prod["secret_source"].clone()),
        (true.into(), "inline".into())
    );
    assert_no_secret(&all(&out));
}

#[test]
fn show_gives_each_source_and_masks_the_secret() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    let file = format!("config file {} (profile prod)", path.display());
    let out = env
        .bare_cmd()
        .env("LIVECTL_REGION", "tokyo")
        .args(["profile", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("sdkappid").contains(" 1400000001 ") && line("sdkappid").ends_with(&file),
        "{text}"
    );
    assert!(
        line("region").contains("tokyo") && line("region").ends_with("environment LIVECTL_REGION")
    );
    assert!(
        line("endpoint").contains("https://adminapijpn.im.qcloud.com"),
        "{text}"
    );
    assert!(line("secret key").contains("****3b5e"), "{text}");
    assert!(
        line("secret key").contains(&format!("inline secret_key in {file}")),
        "{text}"
    );
    assert!(line("usersig_ttl").ends_with("default"), "{text}");
    assert!(
        line("profile").contains(&format!("config file {}", path.display())),
        "{text}"
    );
    assert_no_secret(&all(&out));

    let out = env
        .bare_cmd()
        .env("LIVECTL_REGION", "tokyo")
        .args(["profile", "show", "-o", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["region"]["source"], "environment LIVECTL_REGION");
    assert_eq!(v["region"]["source_kind"], "env");
    assert_eq!(v["sdkappid"]["value"], 1400000001u64);
    assert_eq!(v["secret_key"]["masked"], "****3b5e");
    assert!(v["secret_key"].get("value").is_none());
    assert_no_secret(&all(&out));
}

#[test]
fn show_of_a_named_profile_says_why_its_secret_cannot_be_read() {
    let env = TestEnv::new();
    commented_config(&env);
    let out = env
        .bare_cmd()
        .args(["profile", "show", "ci"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("(unreadable)") && text.contains("environment CI_LIVE_KEY, named by"),
        "{text}"
    );
    assert!(
        text.contains("secret key: cannot be read") && text.contains("export it"),
        "{text}"
    );

    let out = env
        .bare_cmd()
        .env("CI_LIVE_KEY", KEY)
        .args(["profile", "show", "ci", "-o", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["secret_key"]["masked"], "****3b5e");
    assert_eq!(v["identifier"]["value"], "admin2");
    assert_no_secret(&all(&out));

    let out = env
        .bare_cmd()
        .args(["profile", "show", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("profile \"nope\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn add_creates_a_private_file_and_the_profile_works() {
    let env = TestEnv::new();
    let out = env
        .bare_cmd()
        .args([
            "profile",
            "add",
            "prod",
            "--sdkappid",
            "1400000001",
            "--region",
            "sgp",
            "--secret-key-stdin",
        ])
        .write_stdin(format!("  {KEY}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("added profile \"prod\"")
            && stderr(&out).contains("(default profile)")
    );
    assert_no_secret(&all(&out));
    let path = env.default_config();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let raw = std::fs::read_to_string(&path).unwrap();
    assert!(
        raw.contains(&format!("secret_key = \"{KEY}\""))
            && raw.contains("default_profile = \"prod\"")
    );

    let out = env.bare_cmd().args(["profile", "show"]).output().unwrap();
    assert!(
        stdout(&out).contains("****3b5e") && stdout(&out).contains("singapore"),
        "{}",
        stdout(&out)
    );

    // --config names a file in a directory that does not exist yet.
    let other = env.dir.path().join("new-dir").join("c.toml");
    let out = env
        .bare_cmd()
        .args([
            "profile",
            "add",
            "ci",
            "--sdkappid",
            "7",
            "--secret-key-env",
            "CI_KEY",
        ])
        .arg("--config")
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("CI_KEY is not set"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        (mode(&other), mode(other.parent().unwrap())),
        (0o600, 0o700)
    );
}

#[test]
fn add_and_remove_keep_other_profiles_and_comments() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    let out = env
        .bare_cmd()
        .args([
            "profile",
            "add",
            "staging",
            "--sdkappid",
            "1400000002",
            "--identifier",
            "ops",
        ])
        .args([
            "--secret-key-env",
            "STAGING_KEY",
            "--usersig-ttl",
            "600",
            "--endpoint",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("(default profile)"));
    let added = std::fs::read_to_string(&path).unwrap();
    assert!(added.starts_with(COMMENTED), "{added}");
    assert!(
        added.contains("[profiles.staging]\nsdkappid = 1400000002\nidentifier = \"ops\"\n"),
        "{added}"
    );
    assert!(added.contains(
        "endpoint = \"http://127.0.0.1:9\"\nsecret_key_env = \"STAGING_KEY\"\nusersig_ttl = 600\n"
    ));

    let out = env
        .bare_cmd()
        .args(["profile", "remove", "staging", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("removed profile \"staging\""));
    assert_eq!(stdout(&out), "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), COMMENTED);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn replacing_needs_force_and_removing_the_default_unsets_it() {
    let env = TestEnv::new();
    let path = commented_config(&env);
    let add_ci = || {
        let mut cmd = env.bare_cmd();
        cmd.args([
            "profile",
            "add",
            "ci",
            "--sdkappid",
            "5",
            "--secret-key-env",
            "K",
        ]);
        cmd
    };
    let out = add_ci().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("profile \"ci\" already exists") && stderr(&out).contains("--force")
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        COMMENTED,
        "nothing written"
    );

    let out = add_ci().arg("--force").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[profiles.ci]\nsdkappid = 5\n") && text.contains("[profiles.prod]"),
        "{text}"
    );

    let out = env
        .bare_cmd()
        .args(["profile", "remove", "prod", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("default_profile") && !text.contains("[profiles.prod]"),
        "{text}"
    );
    assert!(
        text.starts_with("# livectl config, hand-written\n"),
        "{text}"
    );

    let out = env
        .bare_cmd()
        .args(["profile", "remove", "prod", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("profiles there: ci"),
        "{}",
        stderr(&out)
    );

    let out = env
        .bare_cmd()
        .args(["profile", "add", "x", "--sdkappid", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .bare_cmd()
        .args(["profile", "add", "x", "--sdkappid", "1", "--region", "mars"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
