//! Unit tests of the settings rules of cli.md section 6: region and endpoint
//! decided together (a test per row of the table in `livectl help config`),
//! an explicit profile as one set of credentials, every missing credential
//! at once, and the hint when no profile is the default.

use super::*;
use std::path::Path;

fn file(text: &str) -> LoadedFile {
    LoadedFile {
        path: PathBuf::from("/tmp/c.toml"),
        raw: parse_file(text, Path::new("/tmp/c.toml")).unwrap(),
    }
}

#[derive(Clone, Copy)]
enum At {
    Flag,
    Env,
    File,
}

const REGION: [(At, &str, &str); 3] = [
    (At::Flag, "tokyo", "https://adminapijpn.im.qcloud.com"),
    (At::Env, "seoul", "https://adminapikr.im.qcloud.com"),
    (At::File, "sgp", "https://adminapisgp.im.qcloud.com"),
];
const ENDPOINT: [(At, &str); 3] = [
    (At::Flag, "https://flag.example"),
    (At::Env, "https://env.example"),
    (At::File, "https://file.example"),
];

/// Resolves with a region and an endpoint each given at a level (or not
/// at all); returns the endpoint in force and its source.
fn place(region: Option<At>, endpoint: Option<At>) -> (String, Source, Option<String>) {
    let mut ov = Overrides::default();
    let mut env = MapEnv::default();
    let mut text = String::from("[profiles.default]\n");
    let pick_r = |a: At| REGION.iter().find(|r| r.0 as u8 == a as u8).unwrap().1;
    let pick_e = |a: At| ENDPOINT.iter().find(|e| e.0 as u8 == a as u8).unwrap().1;
    match region {
        Some(At::Flag) => ov.region = Some(pick_r(At::Flag).into()),
        Some(At::Env) => {
            env.vars.insert(ENV_REGION.into(), pick_r(At::Env).into());
        }
        Some(At::File) => text.push_str(&format!("region = \"{}\"\n", pick_r(At::File))),
        None => {}
    }
    match endpoint {
        Some(At::Flag) => ov.endpoint = Some(pick_e(At::Flag).into()),
        Some(At::Env) => {
            env.vars.insert(ENV_ENDPOINT.into(), pick_e(At::Env).into());
        }
        Some(At::File) => text.push_str(&format!("endpoint = \"{}\"\n", pick_e(At::File))),
        None => {}
    }
    let f = file(&text);
    let s = resolve_with_env(&ov, None, Some(&f), &env).unwrap();
    (
        s.endpoint.value,
        s.endpoint.source,
        s.unused_endpoint.map(|e| e.value),
    )
}

fn region_domain(a: At) -> &'static str {
    REGION.iter().find(|r| r.0 as u8 == a as u8).unwrap().2
}

// Rows where the region's source is higher: the region's domain is used,
// and the lower endpoint is reported as unused.
#[test]
fn row_flag_region_beats_env_endpoint() {
    let (e, src, unused) = place(Some(At::Flag), Some(At::Env));
    assert_eq!(e, region_domain(At::Flag));
    assert_eq!(src, Source::Flag("--region"));
    assert_eq!(unused.as_deref(), Some("https://env.example"));
}

#[test]
fn row_flag_region_beats_file_endpoint() {
    let (e, src, unused) = place(Some(At::Flag), Some(At::File));
    assert_eq!(e, region_domain(At::Flag));
    assert_eq!(src, Source::Flag("--region"));
    assert_eq!(unused.as_deref(), Some("https://file.example"));
}

#[test]
fn row_env_region_beats_file_endpoint() {
    let (e, src, _) = place(Some(At::Env), Some(At::File));
    assert_eq!(e, region_domain(At::Env));
    assert_eq!(src, Source::Env(ENV_REGION.into()));
}

// Rows where the endpoint's source is higher.
#[test]
fn row_flag_endpoint_beats_env_region() {
    let (e, src, unused) = place(Some(At::Env), Some(At::Flag));
    assert_eq!(
        (e.as_str(), src),
        ("https://flag.example", Source::Flag("--endpoint"))
    );
    assert_eq!(unused, None);
}

#[test]
fn row_flag_endpoint_beats_file_region() {
    let (e, _, _) = place(Some(At::File), Some(At::Flag));
    assert_eq!(e, "https://flag.example");
}

#[test]
fn row_env_endpoint_beats_file_region() {
    let (e, src, _) = place(Some(At::File), Some(At::Env));
    assert_eq!(e, "https://env.example");
    assert_eq!(src, Source::Env(ENV_ENDPOINT.into()));
}

// Rows at the same level: the endpoint beats the region.
#[test]
fn row_same_level_flag_endpoint_beats_flag_region() {
    assert_eq!(
        place(Some(At::Flag), Some(At::Flag)).0,
        "https://flag.example"
    );
}

#[test]
fn row_same_level_env_endpoint_beats_env_region() {
    assert_eq!(place(Some(At::Env), Some(At::Env)).0, "https://env.example");
}

#[test]
fn row_same_level_file_endpoint_beats_file_region() {
    assert_eq!(
        place(Some(At::File), Some(At::File)).0,
        "https://file.example"
    );
}

// Rows with one of them only, and neither.
#[test]
fn row_file_endpoint_beats_the_default_region() {
    let (e, _, _) = place(None, Some(At::File));
    assert_eq!(e, "https://file.example");
}

#[test]
fn row_region_alone_gives_its_domain() {
    for a in [At::Flag, At::Env, At::File] {
        assert_eq!(place(Some(a), None).0, region_domain(a));
    }
}

#[test]
fn row_neither_gives_the_default_region() {
    let (e, src, _) = place(None, None);
    assert_eq!(e, "https://console.tim.qq.com");
    assert_eq!(src, Source::Default);
}

#[test]
fn an_unused_lower_endpoint_is_not_checked() {
    // A region flag makes the file's endpoint irrelevant: it is not in force.
    let f = file("[profiles.default]\nendpoint = \"http://example.com\"\n");
    let ov = Overrides {
        region: Some("sgp".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &MapEnv::default()).unwrap();
    assert_eq!(s.endpoint.value, "https://adminapisgp.im.qcloud.com");
}

const PROD: &str = "[profiles.prod]\nsdkappid = 1400000001\nidentifier = \"fileadmin\"\n\
                    secret_key = \"file-key-value-abcd\"\n\
                    [profiles.other]\nsdkappid = 1400000002\n";

fn cred_env() -> MapEnv {
    MapEnv::from([
        (ENV_SDKAPPID, "1400000099"),
        (ENV_IDENTIFIER, "envadmin"),
        (ENV_SECRET_KEY, "env-key-value-wxyz"),
    ])
}

#[test]
fn an_explicit_profile_ignores_the_credential_variables() {
    let f = file(PROD);
    let ov = Overrides {
        profile: Some("prod".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &cred_env()).unwrap();
    assert_eq!(s.sdkappid.as_ref().unwrap().value, 1400000001);
    assert_eq!(s.identifier.as_ref().unwrap().value, "fileadmin");
    assert_eq!(s.require_secret().unwrap().expose(), "file-key-value-abcd");
    assert_eq!(s.ignored_env, CREDENTIAL_VARS);
    let w = s.ignored_warning().unwrap();
    assert!(
        w.contains("LIVECTL_SDKAPPID, LIVECTL_IDENTIFIER, LIVECTL_SECRET_KEY"),
        "{w}"
    );
    // Names only, never values.
    assert!(!w.contains("1400000099") && !w.contains("envadmin") && !w.contains("wxyz"));
    // Only the variables that are set are named.
    let env = MapEnv::from([(ENV_SECRET_KEY, "env-key-value-wxyz")]);
    let s = resolve_with_env(&ov, None, Some(&f), &env).unwrap();
    assert_eq!(s.ignored_env, [ENV_SECRET_KEY]);
    assert!(
        resolve_with_env(&ov, None, Some(&f), &MapEnv::default())
            .unwrap()
            .ignored_warning()
            .is_none()
    );
}

#[test]
fn a_profile_from_the_environment_or_the_default_keeps_env_precedence() {
    let f = file(&format!("default_profile = \"prod\"\n{PROD}"));
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &cred_env()).unwrap();
    assert_eq!(s.sdkappid.unwrap().value, 1400000099);
    assert!(s.ignored_env.is_empty());
    let mut env = cred_env();
    env.vars.insert(ENV_PROFILE.into(), "prod".into());
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &env).unwrap();
    assert_eq!(s.identifier.unwrap().value, "envadmin");
    assert!(s.ignored_env.is_empty());
}

#[test]
fn an_explicit_profile_missing_a_credential_says_the_variable_is_ignored() {
    let f = file(PROD);
    let ov = Overrides {
        profile: Some("other".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &cred_env()).unwrap();
    let err = s.require_identifier().unwrap_err();
    let msg = err.to_string();
    assert_eq!(crate::error::exit_code(&err), 3);
    assert!(
        msg.contains("LIVECTL_IDENTIFIER is ignored with --profile")
            && msg.contains("livectl profile set other identifier"),
        "{msg}"
    );
}

#[test]
fn a_profile_may_name_livectl_secret_key_as_its_variable() {
    let f = file("[profiles.p]\nsecret_key_env = \"LIVECTL_SECRET_KEY\"\n");
    let ov = Overrides {
        profile: Some("p".into()),
        ..Default::default()
    };
    let s = resolve_with_env(&ov, None, Some(&f), &cred_env()).unwrap();
    assert!(s.ignored_env.iter().all(|v| *v != ENV_SECRET_KEY));
    assert_eq!(s.require_secret().unwrap().expose(), "env-key-value-wxyz");
}

#[test]
fn every_missing_credential_in_one_error() {
    let s = resolve_with_env(&Overrides::default(), None, None, &MapEnv::default()).unwrap();
    for err in [
        s.require_sdkappid().unwrap_err(),
        s.require_identifier().unwrap_err(),
        s.require_secret().unwrap_err(),
    ] {
        let msg = err.to_string();
        assert_eq!(crate::error::exit_code(&err), 3);
        for want in [
            "sdkappid",
            "identifier",
            "secret key",
            ENV_SDKAPPID,
            ENV_IDENTIFIER,
            ENV_SECRET_KEY,
            "livectl help config",
        ] {
            assert!(msg.contains(want), "{want} not in {msg}");
        }
    }
    // One missing: named alone.
    let env = MapEnv::from([(ENV_SDKAPPID, "1"), (ENV_IDENTIFIER, "a")]);
    let s = resolve_with_env(&Overrides::default(), None, None, &env).unwrap();
    let msg = s.require_secret().unwrap_err().to_string();
    assert!(
        msg.starts_with("no secret key: set LIVECTL_SECRET_KEY"),
        "{msg}"
    );
    assert!(!msg.contains(ENV_SDKAPPID), "{msg}");
}

#[test]
fn several_profiles_and_no_default_say_which_to_choose() {
    let f = file("[profiles.a]\nsdkappid = 1\n[profiles.b]\n[profiles.c]\n");
    let s = resolve_with_env(
        &Overrides::default(),
        Some(f.path.clone()),
        Some(&f),
        &MapEnv::default(),
    )
    .unwrap();
    let err = s.require_sdkappid().unwrap_err();
    let msg = err.to_string();
    assert_eq!(crate::error::exit_code(&err), 3);
    assert!(
        msg.starts_with(
            "3 profiles in /tmp/c.toml, none is the default: pass --profile a|b|c or run `livectl profile use NAME`"
        ),
        "{msg}"
    );
    // The environment alone is enough: no profile needed.
    let env = MapEnv::from([
        (ENV_SDKAPPID, "1"),
        (ENV_IDENTIFIER, "a"),
        (ENV_SECRET_KEY, "k"),
    ]);
    let s = resolve_with_env(&Overrides::default(), None, Some(&f), &env).unwrap();
    assert!(s.missing_credentials().is_none());
}

#[test]
fn one_check_for_the_file_and_the_command_line() {
    // The same bad value is refused from the file (exit 3) and from
    // `profile set` (exit 2), by the same function.
    for (key, bad) in [
        ("secret_key_env", "1BAD-NAME"),
        ("region", "mars"),
        ("endpoint", "http://example.com"),
        ("identifier", " "),
    ] {
        let text = format!("[profiles.default]\n{key} = \"{bad}\"\n");
        let err = resolve_with_env(
            &Overrides::default(),
            None,
            Some(&file(&text)),
            &MapEnv::default(),
        )
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 3, "{key}: {err}");
        let err = check_setting(key, bad, &Source::Arg("profile set")).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2, "{key}: {err}");
    }
    for (key, bad) in [("sdkappid", "4294967296"), ("usersig_ttl", "1")] {
        let text = format!("[profiles.default]\n{key} = {bad}\n");
        let err = resolve_with_env(
            &Overrides::default(),
            None,
            Some(&file(&text)),
            &MapEnv::default(),
        )
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 3, "{key}: {err}");
        assert!(check_setting(key, bad, &Source::Arg("profile set")).is_err());
    }
    assert_eq!(
        check_setting("region", "sgp", &Source::Arg("profile set")).unwrap(),
        Checked::Text("singapore".into())
    );
    let err = check_setting("colour", "red", &Source::Arg("profile set")).unwrap_err();
    assert!(
        err.to_string().contains("unknown setting \"colour\""),
        "{err}"
    );
}
