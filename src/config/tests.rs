//! Unit tests of config resolution.

use super::*;
use std::path::Path;

fn file(text: &str) -> LoadedFile {
    LoadedFile {
        path: PathBuf::from("/tmp/c.toml"),
        raw: parse_file(text, Path::new("/tmp/c.toml")).unwrap(),
    }
}

#[test]
fn unknown_key_names_key_and_file_and_line() {
    let err = parse_file("[profiles.a]\nsdkapid = 1\n", Path::new("/x/c.toml")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/x/c.toml, line 2"), "{msg}");
    assert!(msg.contains("sdkapid"), "{msg}");
}

#[test]
fn parse_errors_never_quote_the_line() {
    let err = parse_file(
        "[profiles.a]\nsecret_key = \"topsecretvalue\n",
        Path::new("c.toml"),
    )
    .unwrap_err();
    assert!(!err.to_string().contains("topsecretvalue"), "{err}");
}

#[test]
fn default_profile_then_profile_named_default() {
    let f = file("default_profile = \"b\"\n[profiles.a]\nsdkappid=1\n[profiles.b]\nsdkappid=2\n");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.profile.unwrap().value, "b");
    let f = file("[profiles.default]\nsdkappid=3\n");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.sdkappid.unwrap().value, 3);
    let f = file("[profiles.x]\nsdkappid=3\n");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert!(s.profile.is_none() && s.sdkappid.is_none());
}

#[test]
fn flag_profile_must_exist() {
    let f = file("[profiles.a]\n");
    let ov = Overrides {
        profile: Some("b".into()),
        ..Default::default()
    };
    let err = resolve_with_env(&ov, None, Some(&f), &MapEnv::default()).unwrap_err();
    assert!(err.to_string().contains("profile \"b\""));
}

#[test]
fn region_flag_beats_file_and_endpoint_overrides_region() {
    let f = file("[profiles.default]\nregion = \"sgp\"\n");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.endpoint.value, "https://adminapisgp.im.qcloud.com");
    let ov = Overrides {
        region: Some("us".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.region.value, "silicon-valley");
    assert_eq!(s.endpoint.value, "https://adminapiusa.im.qcloud.com");
    let ov = Overrides {
        endpoint: Some("http://127.0.0.1:9/".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.endpoint.value, "http://127.0.0.1:9");
}

#[test]
fn plain_http_only_to_loopback() {
    let check = |u: &str| {
        check_endpoint(&Sourced {
            value: u.into(),
            source: Source::Flag("--endpoint"),
        })
    };
    assert!(check("http://localhost:8080").is_ok());
    assert!(check("http://[::1]:8080").is_ok());
    assert!(check("http://127.0.0.2").is_ok());
    assert!(check("https://example.com").is_ok());
    let err = check("http://example.com").unwrap_err();
    assert!(err.to_string().contains("loopback"));
    assert!(check("ftp://x").is_err());
    assert!(check("https://x/?a=b").is_err());
}

#[test]
fn one_secret_source_only() {
    let f = file("[profiles.default]\nsecret_key = \"k\"\nsecret_key_env = \"V\"\n");
    let err =
        resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap_err();
    assert!(err.to_string().contains("more than one"));
    assert!(!err.to_string().contains("\"k\""));
}

#[test]
fn ttl_bounds() {
    assert!(check_ttl(4).is_err());
    assert!(check_ttl(5).is_ok());
    assert!(check_ttl(15_552_000).is_ok());
    assert!(check_ttl(15_552_001).is_err());
    let f = file("[profiles.default]\nusersig_ttl = 1\n");
    assert!(resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).is_err());
}

#[test]
fn debug_of_settings_hides_inline_secret() {
    let f = file("[profiles.default]\nsecret_key = \"inline-secret-value\"\n");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert!(!format!("{s:?}").contains("inline-secret-value"));
}

#[test]
fn the_example_config_parses() {
    let raw = parse_file(
        include_str!("../../config.example.toml"),
        Path::new("config.example.toml"),
    )
    .unwrap();
    assert_eq!(raw.default_profile.as_deref(), Some("prod"));
    assert_eq!(raw.profiles.len(), 2);
}

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn exit(e: &anyhow::Error) -> u8 {
    crate::error::exit_code(e)
}

#[test]
fn the_environment_is_injected() {
    let env = MapEnv::from([
        ("LIVECTL_SDKAPPID", "1400000009"),
        ("LIVECTL_IDENTIFIER", "admin9"),
        ("LIVECTL_REGION", "tokyo"),
        ("LIVECTL_SECRET_KEY", "the-key"),
    ]);
    let s = resolve_with_env(&Overrides::default(), None, None, &env).unwrap();
    assert_eq!(s.sdkappid.as_ref().unwrap().value, 1_400_000_009);
    assert_eq!(s.identifier.as_ref().unwrap().value, "admin9");
    assert_eq!(s.endpoint.value, "https://adminapijpn.im.qcloud.com");
    assert_eq!(s.require_secret().unwrap().expose(), "the-key");
    // A profile's secret_key_env is read from the same environment.
    let f = file("[profiles.default]\nsecret_key_env = \"MY_KEY\"\n");
    let env = MapEnv::from([("MY_KEY", " k2 ")]);
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &env).unwrap();
    assert_eq!(s.require_secret().unwrap().expose(), "k2");
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &MapEnv::default()).unwrap();
    assert!(
        s.require_secret()
            .unwrap_err()
            .to_string()
            .contains("MY_KEY")
    );
    // The config path comes from the injected environment too.
    let env = MapEnv {
        config_dir: Some(PathBuf::from("/cfg")),
        ..MapEnv::default()
    };
    let (path, _) = read_file_in(&Overrides::default(), &env).unwrap();
    assert_eq!(path, Some(PathBuf::from("/cfg/livectl/config.toml")));
}

#[test]
fn a_key_in_the_environment_where_a_name_belongs_is_refused_unseen() {
    for var in [
        "LIVECTL_PROFILE",
        "LIVECTL_REGION",
        "LIVECTL_ENDPOINT",
        "LIVECTL_SDKAPPID",
        "LIVECTL_IDENTIFIER",
    ] {
        let f = file("[profiles.default]\nsdkappid = 1\n");
        let env = MapEnv::from([(var, KEY)]);
        let err = resolve_with_env(&Overrides::default(), None, Some(&f), &env).unwrap_err();
        let msg = err.to_string();
        assert_eq!(exit(&err), 3, "{var}: {msg}");
        assert!(
            msg.contains(&format!(
                "environment variable {var} looks like a secret key"
            )),
            "{msg}"
        );
        assert!(!msg.contains(&KEY[..16]), "{msg}");
        // The endpoint also as a URL holding the key.
        if var == "LIVECTL_ENDPOINT" {
            let env = MapEnv::from([(var, &*format!("https://h.example/{KEY}"))]);
            let err = resolve_with_env(&Overrides::default(), None, None, &env).unwrap_err();
            assert!(!err.to_string().contains(&KEY[..16]), "{err}");
        }
    }
}

#[test]
fn a_key_in_a_flag_where_a_name_belongs_is_a_usage_error() {
    let f = file("[profiles.default]\nsdkappid = 1\n");
    for ov in [
        Overrides {
            profile: Some(KEY.into()),
            ..Default::default()
        },
        Overrides {
            region: Some(KEY.into()),
            ..Default::default()
        },
        Overrides {
            endpoint: Some(format!("https://{KEY}.example.com")),
            ..Default::default()
        },
    ] {
        let err = resolve_with_env(&ov, None, Some(&f), &MapEnv::default()).unwrap_err();
        let msg = err.to_string();
        assert_eq!(exit(&err), 2, "{msg}");
        assert!(msg.starts_with("flag --") && msg.contains("looks like a secret key"));
        assert!(!msg.contains(&KEY[..16]), "{msg}");
    }
}

#[test]
fn a_key_in_the_file_where_a_name_belongs_is_refused_with_its_line() {
    for (body, what) in [
        (
            format!("default_profile = \"{KEY}\"\n"),
            "`default_profile`",
        ),
        (
            format!("[profiles.{KEY}]\nsdkappid = 1\n"),
            "a profile name",
        ),
        (
            format!("[profiles.a]\nsdkappid = 1\nregion = \"{KEY}\"\n"),
            "`region` in profile \"a\"",
        ),
        (
            format!("[profiles.a]\nsdkappid = 1\nendpoint = \"https://x/{KEY}\"\n"),
            "`endpoint` in profile \"a\"",
        ),
        (
            format!("[profiles.a]\nsdkappid = 1\nidentifier = \"{KEY}\"\n"),
            "`identifier` in profile \"a\"",
        ),
        (
            format!("[profiles.a]\nsdkappid = 1\nsecret_key_env = \"{KEY}\"\n"),
            "`secret_key_env` in profile \"a\"",
        ),
        (
            format!("[profiles.a]\nsdkappid = 1\nsecret_key_file = \"{KEY}\"\n"),
            "`secret_key_file` in profile \"a\"",
        ),
    ] {
        let err = parse_file(&body, Path::new("/x/c.toml")).unwrap_err();
        let msg = err.to_string();
        assert_eq!(exit(&err), 3, "{msg}");
        let line = body.lines().position(|l| l.contains(KEY)).unwrap() + 1;
        assert!(
            msg.starts_with(&format!("config file /x/c.toml, line {line}: {what}"))
                && msg.contains("looks like a secret key (value not shown)"),
            "{msg}"
        );
        assert!(!msg.contains(&KEY[..16]), "{msg}");
    }
    // The inline secret_key is where a key belongs.
    parse_file(
        &format!("[profiles.a]\nsecret_key = \"{KEY}\"\n"),
        Path::new("c"),
    )
    .unwrap();
}

#[test]
fn a_value_of_the_wrong_type_is_named_not_quoted() {
    for (body, key, expected) in [
        (
            format!("[profiles.a]\nsdkappid = \"{KEY}\"\n"),
            "sdkappid",
            "a whole number",
        ),
        (
            format!("[profiles.a]\nusersig_ttl = \"{KEY}\"\n"),
            "usersig_ttl",
            "a whole number",
        ),
        (
            "[profiles.a]\nusersig_ttl = \"short\"\n".into(),
            "usersig_ttl",
            "a whole number",
        ),
        ("[profiles.a]\nregion = 5\n".into(), "region", "a string"),
        (
            "[profiles.a]\nsdkappid = -5\n".into(),
            "sdkappid",
            "a whole number",
        ),
    ] {
        let err = parse_file(&body, Path::new("/x/c.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!(
                "config file /x/c.toml, line 2: `{key}` has the wrong type"
            )),
            "{msg}"
        );
        assert!(msg.contains(&format!("expected {expected}")), "{msg}");
        assert!(
            !msg.contains(&KEY[..16]) && !msg.contains("short") && !msg.contains("-5"),
            "{msg}"
        );
    }
    // A key pasted as a key name: named unknown, not shown.
    let err = parse_file(&format!("[profiles.a]\n{KEY} = 1\n"), Path::new("c")).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `<redacted>`"),
        "{err}"
    );
    // A value where a table belongs.
    let err = parse_file(&format!("profiles = \"{KEY}\"\n"), Path::new("c")).unwrap_err();
    assert!(!err.to_string().contains(&KEY[..16]), "{err}");
}

#[test]
fn endpoint_userinfo_is_refused_without_the_password() {
    for (source, code) in [
        (Source::Flag("--endpoint"), 2),
        (Source::Env("LIVECTL_ENDPOINT".into()), 3),
    ] {
        let err = check_endpoint(&Sourced {
            value: "https://user:hunter2pw@adminapisgp.im.qcloud.com".into(),
            source,
        })
        .unwrap_err();
        let msg = err.to_string();
        assert_eq!(exit(&err), code, "{msg}");
        assert!(
            msg.contains("user name or password") && msg.contains("***@adminapisgp"),
            "{msg}"
        );
        assert!(
            !msg.contains("hunter2") && !msg.contains("user:hunter"),
            "{msg}"
        );
    }
    // Unparseable with userinfo: still not echoed.
    let err = check_endpoint(&Sourced {
        value: "https://user:hunter2pw@[::1".into(),
        source: Source::Flag("--endpoint"),
    })
    .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert_eq!(redact_userinfo("https://u:p@h/x@y"), "https://***@h/x@y");
    assert_eq!(redact_userinfo("u:p@h"), "***@h");
    assert_eq!(redact_userinfo("https://h/a@b"), "https://h/a@b");
}

/// An endless source: counts what is asked of it, and fails the test past
/// a bound instead of filling memory.
struct Endless(u64);

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        assert!(self.0 < 1 << 24, "read without a bound");
        buf.fill(b'x');
        Ok(buf.len())
    }
}

#[test]
fn bounded_reads_stop_at_the_limit() {
    assert_eq!(read_bounded(Endless(0), 100).unwrap(), None);
    assert_eq!(read_bounded(&b"abc"[..], 3).unwrap().unwrap(), b"abc");
    assert_eq!(read_bounded(&b"abcd"[..], 3).unwrap(), None);
}

#[cfg(unix)]
#[test]
fn small_reads_refuse_devices_directories_and_big_files() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_small(dir.path(), 10).unwrap_err().to_string();
    assert!(err.contains("a directory"), "{err}");
    let err = read_small(Path::new("/dev/zero"), 10)
        .unwrap_err()
        .to_string();
    assert!(err.contains("a device"), "{err}");
    let p = dir.path().join("f");
    std::fs::write(&p, "x".repeat(10)).unwrap();
    assert_eq!(read_small(&p, 10).unwrap().len(), 10);
    let err = read_small(&p, 9).unwrap_err().to_string();
    assert!(err.contains("it is 10 bytes, larger than"), "{err}");
    // Refused by its size, before any read: a sparse 1 GiB file.
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(1 << 30).unwrap();
    let err = read_small(&p, 1 << 20).unwrap_err().to_string();
    assert!(
        err.contains("it is 1073741824 bytes, larger than the 1024 KiB"),
        "{err}"
    );
    // A regular file whose size says 0 but which holds more: the read
    // itself stops at the limit.
    #[cfg(target_os = "linux")]
    {
        let err = read_small(Path::new("/proc/self/maps"), 10).unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
    }
    std::fs::write(&p, [0xff, 0xfe]).unwrap();
    assert!(
        read_small(&p, 10)
            .unwrap_err()
            .to_string()
            .contains("UTF-8")
    );
}
