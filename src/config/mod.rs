//! The config file and the environment (cli.md section 1): raw serde structs
//! read from TOML, then resolved into [`Settings`], where each value remembers
//! where it came from (flag, environment, file, default). Knows nothing of
//! clap: the flags arrive as [`Overrides`], the environment as an [`Env`]
//! (the process's in the binary, a map in tests).

mod check;
mod env;
mod file;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use check::{check_endpoint, check_ttl, redact_userinfo, refuse_key, setting_name};
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
    File { path: PathBuf, profile: String },
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::File { path, profile } => {
                write!(f, "config file {} (profile {profile})", path.display())
            }
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
/// environment, else profile, else default.
pub fn resolve(ov: &Overrides) -> anyhow::Result<Settings> {
    resolve_in(ov, &ProcessEnv)
}

/// [`resolve`] with the environment given.
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

    let sdkappid = match env.var(ENV_SDKAPPID) {
        Some(v) => {
            let source = Source::Env(ENV_SDKAPPID.into());
            refuse_key(&v, "sdkappid", &source, "the app's SDKAppID, a number")?;
            let value = v.trim().parse::<u64>().map_err(|_| {
                Error::config(format!(
                    "{ENV_SDKAPPID}=\"{v}\" is not a number; set it to the app's SDKAppID, e.g. 1400000001"
                ))
            })?;
            Some(Sourced { value, source })
        }
        None => raw.sdkappid.map(|v| Sourced {
            value: v,
            source: file_src(),
        }),
    };
    if let Some(s) = &sdkappid
        && (s.value == 0 || s.value > u64::from(u32::MAX))
    {
        return Err(Error::config(format!(
            "sdkappid {} (from {}) is out of range; it is the app's SDKAppID from the console, e.g. 1400000001",
            s.value, s.source
        )));
    }
    let identifier = env
        .var(ENV_IDENTIFIER)
        .map(|v| Sourced {
            value: v,
            source: Source::Env(ENV_IDENTIFIER.into()),
        })
        .or_else(|| {
            raw.identifier.clone().map(|v| Sourced {
                value: v,
                source: file_src(),
            })
        });
    if let Some(i) = &identifier {
        refuse_key(
            &i.value,
            "identifier",
            &i.source,
            "an App admin account, e.g. administrator",
        )?;
    }

    let region = if let Some(r) = &ov.region {
        Sourced {
            value: r.clone(),
            source: Source::Flag("--region"),
        }
    } else if let Some(r) = env.var(ENV_REGION) {
        Sourced {
            value: r,
            source: Source::Env(ENV_REGION.into()),
        }
    } else if let Some(r) = &raw.region {
        Sourced {
            value: r.clone(),
            source: file_src(),
        }
    } else {
        Sourced {
            value: region::DEFAULT_REGION.into(),
            source: Source::Default,
        }
    };
    refuse_key(
        &region.value,
        "region",
        &region.source,
        "a region name, e.g. singapore",
    )?;
    let Some(reg) = region::find(&region.value) else {
        let msg = format!(
            "unknown region \"{}\" (from {}); valid regions: {}",
            region.value,
            region.source,
            region::valid_names()
        );
        return Err(if matches!(region.source, Source::Flag(_)) {
            Error::usage(msg)
        } else {
            Error::config(msg)
        });
    };
    let region = Sourced {
        value: reg.name.to_string(),
        source: region.source,
    };

    let endpoint = if let Some(e) = &ov.endpoint {
        Sourced {
            value: e.clone(),
            source: Source::Flag("--endpoint"),
        }
    } else if let Some(e) = env.var(ENV_ENDPOINT) {
        Sourced {
            value: e,
            source: Source::Env(ENV_ENDPOINT.into()),
        }
    } else if let Some(e) = &raw.endpoint {
        Sourced {
            value: e.clone(),
            source: file_src(),
        }
    } else {
        Sourced {
            value: format!("https://{}", reg.domain),
            source: region.source.clone(),
        }
    };
    let endpoint = Sourced {
        value: check_endpoint(&endpoint)?,
        source: endpoint.source,
    };

    let mut given = Vec::new();
    if let Some(v) = &raw.secret_key_env {
        given.push(SecretSource::Env(v.clone()));
    }
    if let Some(p) = &raw.secret_key_file {
        given.push(SecretSource::File(p.clone()));
    }
    if let Some(s) = &raw.secret_key {
        given.push(SecretSource::Inline(s.clone()));
    }
    if given.len() > 1 {
        return Err(Error::config(format!(
            "{}: profile sets more than one of secret_key_env, secret_key_file, secret_key; keep exactly one",
            file_src()
        )));
    }
    let secret = if env.var(ENV_SECRET_KEY).is_some() {
        Some(Sourced {
            value: SecretSource::Env(ENV_SECRET_KEY.into()),
            source: Source::Env(ENV_SECRET_KEY.into()),
        })
    } else {
        given.pop().map(|s| Sourced {
            value: s,
            source: file_src(),
        })
    };

    let env_secret = match secret.as_ref().map(|s| &s.value) {
        Some(SecretSource::Env(var)) => env.var(var).map(Secret::new),
        _ => None,
    };

    let usersig_ttl = match raw.usersig_ttl {
        Some(t) => {
            check_ttl(t).map_err(|m| Error::config(format!("{}: usersig_ttl: {m}", file_src())))?;
            Sourced {
                value: t,
                source: file_src(),
            }
        }
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
        env_secret,
    })
}

impl Settings {
    fn missing(&self, what: &str, env: &str, key: &str) -> anyhow::Error {
        Error::config(format!("no {what}: {}", self.how_to_set(env, key)))
    }

    /// How to supply a missing setting: its variable, or `key` in the
    /// profile (for errors and `doctor`'s fix lines).
    pub fn how_to_set(&self, env: &str, key: &str) -> String {
        let file = match (&self.config_path, &self.profile) {
            (Some(p), Some(prof)) => {
                format!("`{key}` in profile \"{}\" of {}", prof.value, p.display())
            }
            (Some(p), None) => format!("`{key}` in a profile of {}", p.display()),
            _ => format!("`{key}` in a config profile"),
        };
        format!("set {env} or {file} (livectl profile add)")
    }

    pub fn require_sdkappid(&self) -> anyhow::Result<u64> {
        self.sdkappid
            .as_ref()
            .map(|s| s.value)
            .ok_or_else(|| self.missing("sdkappid", ENV_SDKAPPID, "sdkappid"))
    }

    pub fn require_identifier(&self) -> anyhow::Result<String> {
        self.identifier
            .as_ref()
            .map(|s| s.value.clone())
            .ok_or_else(|| {
                self.missing(
                    "identifier (an App admin account)",
                    ENV_IDENTIFIER,
                    "identifier",
                )
            })
    }

    /// Reads the secret key from its source.
    pub fn require_secret(&self) -> anyhow::Result<Secret> {
        let Some(src) = &self.secret else {
            return Err(self.missing("secret key", ENV_SECRET_KEY, "secret_key_env"));
        };
        let key = match &src.value {
            SecretSource::Env(var) => self.env_secret.as_ref().map(|k| k.expose().to_string()).ok_or_else(|| {
                Error::config(format!(
                    "the secret key is read from environment variable {var} (from {}), which is not set; export it",
                    src.source
                ))
            })?,
            SecretSource::File(path) => {
                if readable_by_others(path) {
                    crate::output::warn(format!(
                        "secret key file {} is readable by other users; fix: chmod 600 {}",
                        path.display(),
                        path.display()
                    ));
                }
                read_small(path, KEY_FILE_MAX_BYTES).map_err(|e| {
                    Error::config(format!("cannot read secret_key_file {} (from {}): {e}", path.display(), src.source))
                })?
            }
            SecretSource::Inline(s) => s.expose().to_string(),
        };
        let key = key.trim().to_string();
        if key.is_empty() {
            return Err(Error::config(format!(
                "the secret key (from {}) is empty",
                src.source
            )));
        }
        Ok(Secret::new(key))
    }
}
