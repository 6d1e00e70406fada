//! Unit tests of `profile add|remove|use|set|unset` editing: pure text in, text out.

use super::*;
use crate::config;

const PATH: &str = "/tmp/livectl-test/config.toml";

fn new(name: &str) -> NewProfile {
    NewProfile {
        name: name.into(),
        sdkappid: Some(1400000002),
        identifier: Some("administrator".into()),
        region: Some("singapore".into()),
        endpoint: None,
        secret: Some(NewSecret::Env("LIVE_KEY".into())),
        usersig_ttl: None,
    }
}

const COMMENTED: &str = "\
# livectl config, hand-written
default_profile = \"prod\" # the usual one

# production app
[profiles.prod]
sdkappid = 1400000001  # from the console
identifier = \"administrator\"
region = \"singapore\"
secret_key_env = \"LIVE_PROD_KEY\"

[profiles.test]
sdkappid = 1400000009
secret_key_file = \"/etc/livectl/test.key\"
";

#[test]
fn add_then_remove_gives_back_the_same_text() {
    let path = Path::new(PATH);
    let (added, is_default) = add_to(COMMENTED, path, &new("staging"), false, false).unwrap();
    assert!(!is_default);
    assert!(
        added.starts_with(COMMENTED),
        "existing text kept as is:\n{added}"
    );
    assert!(
        added.contains("[profiles.staging]\nsdkappid = 1400000002\n"),
        "{added}"
    );
    config::parse_file(&added, path).unwrap();
    let (removed, was_default) = remove_from(&added, path, "staging").unwrap();
    assert!(!was_default);
    assert_eq!(removed, COMMENTED);
}

#[test]
fn first_profile_becomes_the_default_and_round_trips_to_empty() {
    let path = Path::new(PATH);
    let (text, is_default) = add_to("", path, &new("a"), false, false).unwrap();
    assert!(is_default);
    let raw = config::parse_file(&text, path).unwrap();
    assert_eq!(raw.default_profile.as_deref(), Some("a"));
    let p = &raw.profiles["a"];
    assert_eq!(p.sdkappid, Some(1400000002));
    assert_eq!(p.region.as_deref(), Some("singapore"));
    assert_eq!(p.secret_key_env.as_deref(), Some("LIVE_KEY"));
    let (text, was_default) = remove_from(&text, path, "a").unwrap();
    assert!(was_default);
    assert_eq!(text.trim(), "");
}

#[test]
fn default_flag_keeps_the_comment_after_default_profile() {
    let (text, is_default) = add_to(COMMENTED, Path::new(PATH), &new("s"), true, false).unwrap();
    assert!(is_default);
    assert!(
        text.contains("default_profile = \"s\" # the usual one\n"),
        "{text}"
    );
}

#[test]
fn existing_profile_needs_force_and_is_replaced_in_place() {
    let path = Path::new(PATH);
    let err = add_to(COMMENTED, path, &new("prod"), false, false).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(crate::error::exit_code(&err), 2);
    let (text, is_default) = add_to(COMMENTED, path, &new("prod"), false, true).unwrap();
    assert!(is_default, "prod stays the default");
    let prod = text.find("[profiles.prod]").unwrap();
    assert!(
        prod < text.find("[profiles.test]").unwrap(),
        "keeps its place:\n{text}"
    );
    assert!(text.contains("# production app\n[profiles.prod]"), "{text}");
    let raw = config::parse_file(&text, path).unwrap();
    assert_eq!(raw.profiles["prod"].sdkappid, Some(1400000002));
    assert_eq!(
        raw.profiles["prod"].secret_key_env.as_deref(),
        Some("LIVE_KEY")
    );
}

#[test]
fn removing_the_default_drops_default_profile() {
    let (text, was_default) = remove_from(COMMENTED, Path::new(PATH), "prod").unwrap();
    assert!(was_default);
    let raw = config::parse_file(&text, Path::new(PATH)).unwrap();
    assert!(raw.default_profile.is_none());
    assert!(raw.profiles.contains_key("test") && !raw.profiles.contains_key("prod"));
    assert!(
        text.starts_with("# livectl config, hand-written\n\n[profiles.test]\n"),
        "{text}"
    );
}

#[test]
fn removing_a_missing_profile_names_the_ones_there() {
    let err = remove_from(COMMENTED, Path::new(PATH), "nope").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("profile \"nope\"") && msg.contains("prod, test"),
        "{msg}"
    );
    assert_eq!(crate::error::exit_code(&err), 3);
}

#[test]
fn inline_secret_is_stored_as_secret_key() {
    let mut p = new("k");
    p.secret = Some(NewSecret::Inline(Secret::new("the-key-value")));
    let (text, _) = add_to("", Path::new(PATH), &p, false, false).unwrap();
    let raw = config::parse_file(&text, Path::new(PATH)).unwrap();
    assert_eq!(
        raw.profiles["k"].secret_key.as_ref().unwrap().expose(),
        "the-key-value"
    );
}

#[test]
fn invalid_toml_error_does_not_quote_the_line() {
    let err = add_to(
        "secret = \"abc-secret\n",
        Path::new(PATH),
        &new("a"),
        false,
        false,
    )
    .unwrap_err();
    assert!(!err.to_string().contains("abc-secret"), "{err}");
    assert!(err.to_string().contains("line 1"), "{err}");
}

/// Only the keys given: the rest of the profile as `profile add` sees it
/// with `--force` and nothing else.
fn only(name: &str) -> NewProfile {
    NewProfile {
        name: name.into(),
        sdkappid: None,
        identifier: None,
        region: None,
        endpoint: None,
        secret: None,
        usersig_ttl: None,
    }
}

const STORED: &str = "\
[profiles.prod]
sdkappid = 1400000001  # from the console
identifier = \"ops\"
region = \"singapore\"
secret_key = \"stored-key-value-0123\"
usersig_ttl = 600
";

#[test]
fn force_keeps_the_keys_it_was_not_given() {
    let path = Path::new(PATH);
    let p = NewProfile {
        sdkappid: Some(1400000005),
        ..only("prod")
    };
    let (text, _) = add_to(STORED, path, &p, false, true).unwrap();
    let raw = config::parse_file(&text, path).unwrap();
    let prod = &raw.profiles["prod"];
    assert_eq!(prod.sdkappid, Some(1400000005));
    assert_eq!(
        prod.identifier.as_deref(),
        Some("ops"),
        "not reset to administrator"
    );
    assert_eq!(prod.region.as_deref(), Some("singapore"));
    assert_eq!(prod.usersig_ttl, Some(600));
    assert!(prod.secret_key.is_some(), "the stored key is kept:\n{text}");
    assert!(
        text.contains("sdkappid = 1400000005  # from the console"),
        "{text}"
    );
}

#[test]
fn force_with_a_new_secret_source_replaces_the_old_one() {
    let path = Path::new(PATH);
    let p = NewProfile {
        secret: Some(NewSecret::Env("NEW_KEY".into())),
        ..only("prod")
    };
    let (text, _) = add_to(STORED, path, &p, false, true).unwrap();
    let raw = config::parse_file(&text, path).unwrap();
    assert_eq!(
        raw.profiles["prod"].secret_key_env.as_deref(),
        Some("NEW_KEY")
    );
    assert!(raw.profiles["prod"].secret_key.is_none(), "{text}");
    assert_eq!(raw.profiles["prod"].region.as_deref(), Some("singapore"));
}

#[test]
fn a_new_profile_needs_sdkappid_and_gets_the_default_identifier() {
    let path = Path::new(PATH);
    let err = add_to(STORED, path, &only("new"), false, true).unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 2);
    assert!(err.to_string().contains("--sdkappid is required"), "{err}");
    let p = NewProfile {
        sdkappid: Some(7),
        ..only("new")
    };
    let (text, _) = add_to(STORED, path, &p, false, false).unwrap();
    let raw = config::parse_file(&text, path).unwrap();
    assert_eq!(
        raw.profiles["new"].identifier.as_deref(),
        Some("administrator")
    );
}

#[test]
fn use_sets_default_profile_only() {
    let path = Path::new(PATH);
    let text = use_in(COMMENTED, path, "test").unwrap();
    assert_eq!(
        text,
        COMMENTED.replace("default_profile = \"prod\"", "default_profile = \"test\"")
    );
    let text = use_in(STORED, path, "prod").unwrap();
    assert!(text.starts_with("default_profile = \"prod\"\n"), "{text}");
    let err = use_in(COMMENTED, path, "nope").unwrap_err();
    assert!(
        err.to_string().contains("profiles there: prod, test"),
        "{err}"
    );
}

#[test]
fn set_changes_one_key_and_keeps_comments() {
    let path = Path::new(PATH);
    let (text, removed) = set_in(
        COMMENTED,
        path,
        "prod",
        "sdkappid",
        &Checked::Int(1400000007),
    )
    .unwrap();
    assert!(removed.is_empty());
    assert_eq!(
        text,
        COMMENTED.replace(
            "sdkappid = 1400000001  # from the console",
            "sdkappid = 1400000007  # from the console"
        )
    );
    let (text, _) = set_in(
        COMMENTED,
        path,
        "test",
        "region",
        &Checked::Text("tokyo".into()),
    )
    .unwrap();
    assert!(text.ends_with("secret_key_file = \"/etc/livectl/test.key\"\nregion = \"tokyo\"\n"));
    let err = set_in(
        COMMENTED,
        path,
        "nope",
        "region",
        &Checked::Text("x".into()),
    )
    .unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 3);
}

#[test]
fn set_keeps_exactly_one_secret_source() {
    let path = Path::new(PATH);
    // A variable replaces a file (a pointer replaces a pointer).
    let (text, removed) = set_in(
        COMMENTED,
        path,
        "test",
        "secret_key_env",
        &Checked::Text("K".into()),
    )
    .unwrap();
    assert_eq!(removed, ["secret_key_file"]);
    config::parse_file(&text, path).unwrap();
    assert!(!text.contains("secret_key_file"), "{text}");
    // A stored key is never dropped by set.
    let err = set_in(
        STORED,
        path,
        "prod",
        "secret_key_file",
        &Checked::Text("/k".into()),
    )
    .unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 2);
    assert!(
        err.to_string().contains("profile unset prod secret_key"),
        "{err}"
    );
    assert!(!err.to_string().contains("stored-key-value"), "{err}");
}

#[test]
fn unset_removes_one_key() {
    let path = Path::new(PATH);
    let (text, was) = unset_in(COMMENTED, path, "prod", "region").unwrap();
    assert!(was);
    assert_eq!(text, COMMENTED.replace("region = \"singapore\"\n", ""));
    let (same, was) = unset_in(COMMENTED, path, "prod", "endpoint").unwrap();
    assert!(!was);
    assert_eq!(same, COMMENTED);
    let err = unset_in(COMMENTED, path, "prod", "colour").unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 2);
    assert!(err.to_string().contains("sdkappid, identifier"), "{err}");
}
