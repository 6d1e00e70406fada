//! Checks on single settings, shared by config reading and `profile
//! add|set`: [`check_setting`] is the one check of a profile key's value
//! (the endpoint URL, the UserSig lifetime, the region, ...), plus the
//! refusal of a secret key given where a name belongs. No message here ever
//! holds a key-shaped value or an endpoint's password.

use std::path::Path;

use super::{RawFile, Source, Sourced, at_line};
use crate::error::Error;
use crate::region;
use crate::secret::{key_in_wrong_place, looks_like_key};
use crate::usersig::{TTL_MAX, TTL_MIN};

/// A UserSig lifetime must be 5 to 15552000 seconds.
pub fn check_ttl(ttl: u64) -> Result<(), String> {
    if (TTL_MIN..=TTL_MAX).contains(&ttl) {
        Ok(())
    } else {
        Err(format!(
            "{ttl} is out of range: use {TTL_MIN} to {TTL_MAX} seconds"
        ))
    }
}

/// How a setting is named in a message: `flag --region`, `environment
/// variable LIVECTL_REGION`, or `` `region` in profile "p" of config file F``.
pub fn setting_name(key: &str, source: &Source) -> String {
    match source {
        Source::Flag(f) => format!("flag {f}"),
        Source::Env(v) => format!("environment variable {v}"),
        Source::File { path, profile } => format!(
            "`{key}` in profile \"{profile}\" of config file {}",
            path.display()
        ),
        Source::Arg(cmd) => format!("the {key} value given to `livectl {cmd}`"),
        Source::Default => format!("`{key}`"),
    }
}

/// The keys a profile may hold, in the order they are written.
pub const PROFILE_KEYS: &[&str] = &[
    "sdkappid",
    "identifier",
    "region",
    "endpoint",
    "secret_key_env",
    "secret_key_file",
    "secret_key",
    "usersig_ttl",
];

/// A profile setting's value once checked, as it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    Int(u64),
    Text(String),
}

impl Checked {
    pub fn text(self) -> String {
        match self {
            Checked::Int(n) => n.to_string(),
            Checked::Text(t) => t,
        }
    }

    pub fn int(&self) -> u64 {
        match self {
            Checked::Int(n) => *n,
            Checked::Text(_) => unreachable!("checked as a number"),
        }
    }
}

/// The one check of a profile setting, whoever gives it: the config file
/// (and the environment) when read, `profile add` flags, `profile set`
/// arguments. Returns the value as stored (a region's canonical name, an
/// endpoint without its trailing slash). A bad value from the command line
/// exits 2, from the environment or a file 3. `secret_key` is not checked
/// here: it is never given as an argument.
pub fn check_setting(key: &str, value: &str, source: &Source) -> anyhow::Result<Checked> {
    let name = setting_name(key, source);
    let fail = |msg: String| {
        if source.is_command_line() {
            Error::usage(msg)
        } else {
            Error::config(msg)
        }
    };
    let number = |expects: &str| -> anyhow::Result<u64> {
        refuse_key(value, key, source, expects)?;
        value
            .trim()
            .parse::<u64>()
            .map_err(|_| fail(format!("{name} \"{value}\" is not a number; {expects}")))
    };
    match key {
        "sdkappid" => {
            let expects = "it is the app's SDKAppID from the console, e.g. 1400000001";
            let n = number(expects)?;
            if n == 0 || n > u64::from(u32::MAX) {
                return Err(fail(format!("{name} {n} is out of range: {expects}")));
            }
            Ok(Checked::Int(n))
        }
        "usersig_ttl" => {
            let n = number("give the UserSig lifetime in seconds, e.g. 3600")?;
            check_ttl(n).map_err(|m| fail(format!("{name}: {m}")))?;
            Ok(Checked::Int(n))
        }
        "identifier" => {
            let expects = "an App admin account, e.g. administrator";
            refuse_key(value, key, source, expects)?;
            if value.trim().is_empty() {
                return Err(fail(format!("{name} is empty: give {expects}")));
            }
            Ok(Checked::Text(value.trim().to_string()))
        }
        "region" => {
            refuse_key(value, key, source, "a region name, e.g. singapore")?;
            let found = region::find(value).ok_or_else(|| {
                fail(format!(
                    "unknown region \"{value}\" (from {source}); valid regions: {}",
                    region::valid_names()
                ))
            })?;
            Ok(Checked::Text(found.name.to_string()))
        }
        "endpoint" => {
            let given = Sourced {
                value: value.to_string(),
                source: source.clone(),
            };
            Ok(Checked::Text(check_endpoint(&given)?))
        }
        "secret_key_env" => {
            refuse_key(
                value,
                key,
                source,
                "the NAME of an environment variable that holds the key (to store the key itself use --secret-key-stdin)",
            )?;
            let valid = value
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                // Never echo it: it may be the key pasted in the wrong place.
                return Err(fail(format!(
                    "{name} takes the NAME of an environment variable (letters, digits, _), \
                     not the key; to store the key itself use --secret-key-stdin"
                )));
            }
            Ok(Checked::Text(value.to_string()))
        }
        "secret_key_file" => {
            refuse_key(value, key, source, "the path of a file that holds the key")?;
            if value.trim().is_empty() {
                return Err(fail(format!(
                    "{name} is empty: give the path of a file that holds the key"
                )));
            }
            Ok(Checked::Text(value.to_string()))
        }
        _ => Err(fail(format!(
            "unknown setting \"{key}\"{}; a profile holds {}; see `livectl help config`",
            crate::output::close_match(key, PROFILE_KEYS)
                .map(|m| format!(" (did you mean \"{m}\"?)"))
                .unwrap_or_default(),
            PROFILE_KEYS.join(", ")
        ))),
    }
}

/// Refuses a key-shaped `value` for setting `key` (which takes `expects`):
/// exit 2 for a flag, 3 for the environment or a file. Never echoes it.
pub fn refuse_key(value: &str, key: &str, source: &Source, expects: &str) -> anyhow::Result<()> {
    if !looks_like_key(value) {
        return Ok(());
    }
    let msg = key_in_wrong_place(&setting_name(key, source), expects);
    Err(if source.is_command_line() {
        Error::usage(msg)
    } else {
        Error::config(msg)
    })
}

/// Refuses a config file whose names hold a key: `default_profile`, a
/// profile's name, `identifier`, `region`, `endpoint`, `secret_key_env`,
/// `secret_key_file`. Names the file, the line and the key, never the value.
pub fn check_raw(raw: &RawFile, text: &str, path: &Path) -> anyhow::Result<()> {
    let refuse = |value: &str, what: String, expects: &str| {
        if !looks_like_key(value) {
            return Ok(());
        }
        let at = text.find(value).map_or(String::new(), |start| {
            at_line(text, Some(start..start + value.len()))
        });
        let setting = format!("config file {}{at}: {what}", path.display());
        Err(Error::config(key_in_wrong_place(&setting, expects)))
    };
    if let Some(d) = &raw.default_profile {
        refuse(d, "`default_profile`".into(), "a profile name")?;
    }
    for (name, p) in &raw.profiles {
        refuse(
            name,
            "a profile name ([profiles.NAME])".into(),
            "a short name like prod",
        )?;
        let file_path = p
            .secret_key_file
            .as_ref()
            .map(|f| f.to_string_lossy().into_owned());
        for (key, value, expects) in [
            (
                "identifier",
                p.identifier.as_deref(),
                "an App admin account, e.g. administrator",
            ),
            (
                "region",
                p.region.as_deref(),
                "a region name, e.g. singapore",
            ),
            (
                "endpoint",
                p.endpoint.as_deref(),
                "a base URL, e.g. https://adminapisgp.im.qcloud.com",
            ),
            (
                "secret_key_env",
                p.secret_key_env.as_deref(),
                "the NAME of an environment variable that holds the key",
            ),
            (
                "secret_key_file",
                file_path.as_deref(),
                "the path of a file that holds the key",
            ),
        ] {
            if let Some(v) = value {
                refuse(v, format!("`{key}` in profile \"{name}\""), expects)?;
            }
        }
    }
    Ok(())
}

/// `value` with any `user:password@` of a URL replaced by `***@`, for
/// messages and `profile list`.
pub fn redact_userinfo(value: &str) -> String {
    let start = value.find("://").map_or(0, |i| i + 3);
    let rest = &value[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &value[..start], &rest[at..]),
        None => value.to_string(),
    }
}

/// Checks an endpoint URL: https, or http only to a loopback host (the
/// UserSig travels in the URL); no key-shaped part and no `user:password@`.
/// Returns it without a trailing slash.
pub fn check_endpoint(e: &Sourced<String>) -> anyhow::Result<String> {
    refuse_key(
        &e.value,
        "endpoint",
        &e.source,
        "a base URL, e.g. https://adminapisgp.im.qcloud.com",
    )?;
    let fail = |why: String| {
        let msg = format!(
            "endpoint \"{}\" (from {}): {why}",
            redact_userinfo(&e.value),
            e.source
        );
        if e.source.is_command_line() {
            Error::usage(msg)
        } else {
            Error::config(msg)
        }
    };
    let url = reqwest::Url::parse(e.value.trim()).map_err(|err| {
        fail(format!(
            "not a URL ({err}); use e.g. https://adminapisgp.im.qcloud.com"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail(
            "holds a user name or password (user:password@host); remove it: livectl signs each \
             request with a UserSig and sends no credentials in the URL"
                .into(),
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(fail(
                "plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), since the UserSig travels in the URL; use https://".into(),
            ));
        }
        other => {
            return Err(fail(format!(
                "scheme \"{other}\" is not supported; use https://"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
        return Err(fail("give the base URL only, without a query".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}
