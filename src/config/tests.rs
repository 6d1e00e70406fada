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
    let s = resolve_with(&Overrides::default(), None, Some(&f)).unwrap();
    assert_eq!(s.profile.unwrap().value, "b");
    let f = file("[profiles.default]\nsdkappid=3\n");
    let s = resolve_with(&Overrides::default(), None, Some(&f)).unwrap();
    assert_eq!(s.sdkappid.unwrap().value, 3);
    let f = file("[profiles.x]\nsdkappid=3\n");
    let s = resolve_with(&Overrides::default(), None, Some(&f)).unwrap();
    assert!(s.profile.is_none() && s.sdkappid.is_none());
}

#[test]
fn flag_profile_must_exist() {
    let f = file("[profiles.a]\n");
    let ov = Overrides {
        profile: Some("b".into()),
        ..Default::default()
    };
    let err = resolve_with(&ov, None, Some(&f)).unwrap_err();
    assert!(err.to_string().contains("profile \"b\""));
}

#[test]
fn region_flag_beats_file_and_endpoint_overrides_region() {
    let f = file("[profiles.default]\nregion = \"sgp\"\n");
    let s = resolve_with(&Overrides::default(), None, Some(&f)).unwrap();
    assert_eq!(s.endpoint.value, "https://adminapisgp.im.qcloud.com");
    let ov = Overrides {
        region: Some("us".into()),
        ..Default::default()
    };
    let s = resolve_with(&ov, None, Some(&f)).unwrap();
    assert_eq!(s.region.value, "silicon-valley");
    assert_eq!(s.endpoint.value, "https://adminapiusa.im.qcloud.com");
    let ov = Overrides {
        endpoint: Some("http://127.0.0.1:9/".into()),
        ..Default::default()
    };
    let s = resolve_with(&ov, None, Some(&f)).unwrap();
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
    let err = resolve_with(&Overrides::default(), None, Some(&f)).unwrap_err();
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
    assert!(resolve_with(&Overrides::default(), None, Some(&f)).is_err());
}

#[test]
fn debug_of_settings_hides_inline_secret() {
    let f = file("[profiles.default]\nsecret_key = \"inline-secret-value\"\n");
    let s = resolve_with(&Overrides::default(), None, Some(&f)).unwrap();
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
