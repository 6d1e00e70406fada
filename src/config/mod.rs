//! The config file and the environment (cli.md section 1): raw serde structs
//! read from TOML, then resolved into [`Settings`], where each value remembers
//! where it came from (flag, environment, file, default). Knows nothing of
//! clap: the flags arrive as [`Overrides`], the environment as an [`Env`]
//! (the process's in the binary, a map in tests).

mod check;
mod env;
mod file;
#[cfg(test)]
mod precedence_tests;
mod require;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use check::{
    Checked, PROFILE_KEYS, check_endpoint, check_setting, check_ttl, redact_userinfo, refuse_key,
    setting_name,
};
pub use env::{Env, MapEnv, ProcessEnv};
pub use file::{
    CONFIG_MAX_BYTES, KEY_FILE_MAX_BYTES, LoadedFile, RawFile, RawProfile, at_line, config_path,
    load_file, load_file_in, parse_file, read_bounded, read_file, read_file_in, read_small,
    readable_by_others,
};

use crate::error::Error;
use crate::region;
use crate::secret::Secret;

pub const ENV_CONFIG: &str = "LIVECTL_CONFIG";
pub const ENV_PROFILE: &str = "LIVECTL_PROFILE";
pub const ENV_SDKAPPID: &str = "LIVECTL_SDKAPPID";
pub const ENV_IDENTIFIER: &str = "LIVECTL_IDENTIFIER";
pub const ENV_SECRET_KEY: &str = "LIVECTL_SECRET_KEY";
pub const ENV_REGION: &str = "LIVECTL_REGION";
pub const ENV_ENDPOINT: &str = "LIVECTL_ENDPOINT";
pub const DEFAULT_TTL: u64 = 3600;

/// Where a setting came from, for `profile show` and error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(String),
    File {
        path: PathBuf,
        profile: String,
    },
    /// An argument of a command that edits the file (`profile set`).
    Arg(&'static str),
    Default,
}

impl Source {
    /// Given on the command line: a bad value is a usage error (exit 2).
    pub fn is_command_line(&self) -> bool {
        matches!(self, Source::Flag(_) | Source::Arg(_))
    }

    /// Flag beats environment beats file beats default (cli.md section 1).
    fn rank(&self) -> u8 {
        match self {
            Source::Flag(_) | Source::Arg(_) => 3,
            Source::Env(_) => 2,
            Source::File { .. } => 1,
            Source::Default => 0,
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::File { path, profile } => {
                write!(f, "config file {} (profile {profile})", path.display())
            }
            Source::Arg(cmd) => write!(f, "argument of `livectl {cmd}`"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// Values given on the command line (already parsed by clap).
#[derive(Default, Clone, Debug)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
}

/// How to get the secret key; resolved only when a request must be signed,
/// so `--dry-run` needs none.
#[derive(Clone, Debug)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
    Inline(Secret),
}

/// The settings in force for this run.
#[derive(Debug)]
pub struct Settings {
    pub config_path: Option<PathBuf>,
    pub config_found: bool,
    pub profile: Option<Sourced<String>>,
    pub sdkappid: Option<Sourced<u64>>,
    pub identifier: Option<Sourced<String>>,
    pub region: Sourced<String>,
    /// Base URL, from the endpoint setting or the region's domain.
    pub endpoint: Sourced<String>,
    pub secret: Option<Sourced<SecretSource>>,
    pub usersig_ttl: Sourced<u64>,
    /// Credential variables that are set but ignored, because `--profile`
    /// chose a complete set of credentials (names only).
    pub ignored_env: Vec<&'static str>,
    /// An endpoint that is set but not used: a region from a higher source
    /// beats it.
    pub unused_endpoint: Option<Sourced<String>>,
    /// The profiles of the config file, to say which to choose.
    pub profile_names: Vec<String>,
    /// The value of the variable a `SecretSource::Env` names, read with the
    /// rest of the environment at resolution.
    env_secret: Option<Secret>,
}

/// Reads a variable of the process's environment; empty counts as unset.
/// For the binary's top level only: config resolution takes an [`Env`].
pub fn env_var(name: &str) -> Option<String> {
    ProcessEnv.var(name)
}

/// Picks the profile: flag, env, `default_profile`, a profile named `default`.
fn choose_profile(
    ov: &Overrides,
    file: Option<&LoadedFile>,
    env: &dyn Env,
) -> anyhow::Result<Option<Sourced<String>>> {
    let chosen = if let Some(p) = &ov.profile {
        Some(Sourced {
            value: p.clone(),
            source: Source::Flag("--profile"),
        })
    } else if let Some(p) = env.var(ENV_PROFILE) {
        Some(Sourced {
            value: p,
            source: Source::Env(ENV_PROFILE.into()),
        })
    } else if let Some(f) = file {
        let src = Source::File {
            path: f.path.clone(),
            profile: "default_profile".into(),
        };
        match &f.raw.default_profile {
            Some(p) => Some(Sourced {
                value: p.clone(),
                source: src,
            }),
            None if f.raw.profiles.contains_key("default") => Some(Sourced {
                value: "default".into(),
                source: Source::Default,
            }),
            None => None,
        }
    } else {
        None
    };
    if let Some(p) = &chosen {
        refuse_key(&p.value, "profile", &p.source, "a profile name")?;
        let known = file.is_some_and(|f| f.raw.profiles.contains_key(&p.value));
        if !known {
            let names: Vec<&str> = file
                .map(|f| f.raw.profiles.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let where_ = match file {
                Some(f) => format!("config file {}", f.path.display()),
                None => "config file (none found)".to_string(),
            };
            let have = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            return Err(Error::config(format!(
                "profile \"{}\" (from {}) is not in the {where_}; profiles there: {have}. Add it with `livectl profile add {}`",
                p.value, p.source, p.value
            )));
        }
    }
    Ok(chosen)
}

/// Resolves every setting from the process's environment: flag, else
/// environment, else profile, else default. Warns once about credential
/// variables ignored under `--profile`.
pub fn resolve(ov: &Overrides) -> anyhow::Result<Settings> {
    let s = resolve_in(ov, &ProcessEnv)?;
    if let Some(w) = s.ignored_warning() {
        crate::output::warn(w);
    }
    Ok(s)
}

/// [`resolve`] with the environment given (and no warning printed).
pub fn resolve_in(ov: &Overrides, env: &dyn Env) -> anyhow::Result<Settings> {
    let (config_path, file) = load_file_in(ov, env)?;
    resolve_with_env(ov, config_path, file.as_ref(), env)
}

/// Resolves against a file already read, with the process's environment.
pub fn resolve_with(
    ov: &Overrides,
    config_path: Option<PathBuf>,
    file: Option<&LoadedFile>,
) -> anyhow::Result<Settings> {
    resolve_with_env(ov, config_path, file, &ProcessEnv)
}

/// The credential variables an explicit profile replaces.
pub const CREDENTIAL_VARS: [&str; 3] = [ENV_SDKAPPID, ENV_IDENTIFIER, ENV_SECRET_KEY];

/// The first of `candidates` that is set: they are given highest first.
fn first_set(candidates: [Option<Sourced<String>>; 3]) -> Option<Sourced<String>> {
    candidates.into_iter().flatten().next()
}

/// Resolves against a file already read, with the environment given.
pub fn resolve_with_env(
    ov: &Overrides,
    config_path: Option<PathBuf>,
    file: Option<&LoadedFile>,
    env: &dyn Env,
) -> anyhow::Result<Settings> {
    let profile = choose_profile(ov, file, env)?;
    let raw = match (&profile, file) {
        (Some(p), Some(f)) => f.raw.profiles.get(&p.value).cloned().unwrap_or_default(),
        _ => RawProfile::default(),
    };
    let file_src = || Source::File {
        path: file.map(|f| f.path.clone()).unwrap_or_default(),
        profile: profile
            .as_ref()
            .map(|p| p.value.clone())
            .unwrap_or_default(),
    };
    let sourced = |value: String, source: Source| Sourced { value, source };
    let from_env = |var: &'static str| env.var(var).map(|v| sourced(v, Source::Env(var.into())));
    let from_file = |v: Option<&String>| v.map(|v| sourced(v.clone(), file_src()));

    // A profile chosen by --profile is a complete set of credentials: the
    // credential variables would mix another app's key into it.
    let explicit = profile
        .as_ref()
        .is_some_and(|p| matches!(p.source, Source::Flag(_)));
    let ignored_env: Vec<&'static str> = if explicit {
        CREDENTIAL_VARS
            .into_iter()
            .filter(|v| env.var(v).is_some())
            // A profile may name LIVECTL_SECRET_KEY as its secret_key_env.
            .filter(|v| raw.secret_key_env.as_deref() != Some(*v))
            .collect()
    } else {
        Vec::new()
    };
    let cred_env = |var: &'static str| if explicit { None } else { from_env(var) };

    let check = |key: &str, s: Sourced<String>| -> anyhow::Result<Sourced<Checked>> {
        Ok(Sourced {
            value: check_setting(key, &s.value, &s.source)?,
            source: s.source,
        })
    };
    let sdkappid = cred_env(ENV_SDKAPPID)
        .or_else(|| from_file(raw.sdkappid.map(|n| n.to_string()).as_ref()))
        .map(|s| check("sdkappid", s))
        .transpose()?
        .map(|s| Sourced {
            value: s.value.int(),
            source: s.source,
        });
    let identifier = cred_env(ENV_IDENTIFIER)
        .or_else(|| from_file(raw.identifier.as_ref()))
        .map(|s| check("identifier", s))
        .transpose()?
        .map(|s| Sourced {
            value: s.value.text(),
            source: s.source,
        });

    // Region and endpoint are one setting: the highest source of either
    // wins, and at the same level the endpoint beats the region.
    let region = first_set([
        ov.region
            .clone()
            .map(|r| sourced(r, Source::Flag("--region"))),
        from_env(ENV_REGION),
        from_file(raw.region.as_ref()),
    ])
    .unwrap_or_else(|| sourced(region::DEFAULT_REGION.into(), Source::Default));
    let region = check("region", region)?;
    let region = Sourced {
        value: region.value.text(),
        source: region.source,
    };
    let reg = region::find(&region.value).expect("checked");
    let endpoint_given = first_set([
        ov.endpoint
            .clone()
            .map(|e| sourced(e, Source::Flag("--endpoint"))),
        from_env(ENV_ENDPOINT),
        from_file(raw.endpoint.as_ref()),
    ]);
    let (endpoint, unused_endpoint) = match endpoint_given {
        Some(e) if e.source.rank() >= region.source.rank() => {
            let e = check("endpoint", e)?;
            (
                Sourced {
                    value: e.value.text(),
                    source: e.source,
                },
                None,
            )
        }
        lower => (
            sourced(format!("https://{}", reg.domain), region.source.clone()),
            lower.map(|e| Sourced {
                value: redact_userinfo(&e.value),
                source: e.source,
            }),
        ),
    };

    let mut given = Vec::new();
    if let Some(v) = &raw.secret_key_env {
        let v = check_setting("secret_key_env", v, &file_src())?.text();
        given.push(SecretSource::Env(v));
    }
    if let Some(p) = &raw.secret_key_file {
        check_setting("secret_key_file", &p.to_string_lossy(), &file_src())?;
        given.push(SecretSource::File(p.clone()));
    }
    if let Some(s) = &raw.secret_key {
        given.push(SecretSource::Inline(s.clone()));
    }
    if given.len() > 1 {
        return Err(Error::config(format!(
            "{}: profile sets more than one of secret_key_env, secret_key_file, secret_key; keep exactly one \
             (`livectl profile unset {} KEY` removes one)",
            file_src(),
            profile.as_ref().map_or("NAME", |p| p.value.as_str())
        )));
    }
    let secret = match cred_env(ENV_SECRET_KEY) {
        Some(_) => Some(Sourced {
            value: SecretSource::Env(ENV_SECRET_KEY.into()),
            source: Source::Env(ENV_SECRET_KEY.into()),
        }),
        None => given.pop().map(|s| Sourced {
            value: s,
            source: file_src(),
        }),
    };

    let env_secret = match secret.as_ref().map(|s| &s.value) {
        Some(SecretSource::Env(var)) => env.var(var).map(Secret::new),
        _ => None,
    };

    let usersig_ttl = match raw.usersig_ttl {
        Some(t) => Sourced {
            value: check("usersig_ttl", sourced(t.to_string(), file_src()))?
                .value
                .int(),
            source: file_src(),
        },
        None => Sourced {
            value: DEFAULT_TTL,
            source: Source::Default,
        },
    };

    Ok(Settings {
        config_found: file.is_some(),
        config_path,
        profile,
        sdkappid,
        identifier,
        region,
        endpoint,
        secret,
        usersig_ttl,
        ignored_env,
        unused_endpoint,
        profile_names: file
            .map(|f| f.raw.profiles.keys().cloned().collect())
            .unwrap_or_default(),
        env_secret,
    })
}
