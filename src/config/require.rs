//! What a run needs from [`Settings`]: the credentials, each required when
//! a request is signed; every missing one named in one error with how to set
//! it (through commands that change nothing else), the hint when no profile
//! is chosen among several, and the warning about credential variables that
//! `--profile` ignores.

use super::{
    ENV_IDENTIFIER, ENV_SDKAPPID, ENV_SECRET_KEY, KEY_FILE_MAX_BYTES, SecretSource, Settings,
    read_small, readable_by_others,
};
use crate::error::Error;
use crate::secret::Secret;

impl Settings {
    /// The one warning about credential variables ignored under `--profile`.
    pub fn ignored_warning(&self) -> Option<String> {
        if self.ignored_env.is_empty() {
            return None;
        }
        let p = self.profile.as_ref().map_or("", |p| p.value.as_str());
        Some(format!(
            "ignoring {} (set in the environment): --profile {p} uses the profile's own sdkappid, \
             identifier and secret key; unset them or drop --profile (see `livectl help config`)",
            self.ignored_env.join(", ")
        ))
    }

    /// The name to put in a `livectl profile ...` suggestion.
    fn profile_name(&self) -> &str {
        self.profile.as_ref().map_or("NAME", |p| p.value.as_str())
    }

    /// How to supply a missing setting: its variable, or `key` in the
    /// profile through a command that changes nothing else (for errors and
    /// `doctor`'s fix lines).
    pub fn how_to_set(&self, env: &str, key: &str) -> String {
        let example = match key {
            "sdkappid" => "1400000001",
            "identifier" => "administrator",
            _ => "VAR",
        };
        let stored = if key == "secret_key_env" {
            format!(
                ", or store the key: `livectl profile add {} --force --secret-key-stdin < key.txt`",
                self.profile_name()
            )
        } else {
            String::new()
        };
        let action = match &self.profile {
            Some(p) => format!(
                "run `livectl profile set {} {key} {example}`{stored}",
                p.value
            ),
            None if self.profile_names.is_empty() => {
                "add a profile: `livectl profile add NAME --sdkappid N --secret-key-env VAR`"
                    .to_string()
            }
            None => format!(
                "choose a profile (--profile NAME or `livectl profile use NAME`) and run \
                 `livectl profile set NAME {key} {example}`"
            ),
        };
        if self.ignored_env.contains(&env) {
            format!("{action} ({env} is ignored with --profile)")
        } else {
            format!("set {env}, or {action}")
        }
    }

    /// Every missing credential at once: one error listing each with how to
    /// set it, or, when the file has profiles but none was chosen, which to
    /// choose. `None` when nothing is missing.
    pub fn missing_credentials(&self) -> Option<anyhow::Error> {
        let mut missing = Vec::new();
        if self.sdkappid.is_none() {
            missing.push(("sdkappid", ENV_SDKAPPID, "sdkappid"));
        }
        if self.identifier.is_none() {
            missing.push(("identifier", ENV_IDENTIFIER, "identifier"));
        }
        if self.secret.is_none() {
            missing.push(("secret key", ENV_SECRET_KEY, "secret_key_env"));
        }
        if missing.is_empty() {
            return None;
        }
        let what = match missing.as_slice() {
            [one] => one.0.to_string(),
            [init @ .., last] => {
                let init: Vec<&str> = init.iter().map(|m| m.0).collect();
                format!("{} or {}", init.join(", "), last.0)
            }
            [] => unreachable!("not empty"),
        };
        if self.profile.is_none() && !self.profile_names.is_empty() {
            let n = self.profile_names.len();
            let (count, none) = if n == 1 {
                ("1 profile".to_string(), "it is not the default")
            } else {
                (format!("{n} profiles"), "none is the default")
            };
            let file = self
                .config_path
                .as_ref()
                .map_or(String::new(), |p| format!(" in {}", p.display()));
            return Some(Error::config(format!(
                "{count}{file}, {none}: pass --profile {} or run `livectl profile use NAME` \
                 (without a profile there is no {what})",
                self.profile_names.join("|")
            )));
        }
        let help = "see `livectl help config`";
        Some(Error::config(match missing.as_slice() {
            [(_, env, key)] => format!("no {what}: {}; {help}", self.how_to_set(env, key)),
            _ => {
                let lines: Vec<String> = missing
                    .iter()
                    .map(|(what, env, key)| format!("  {what}: {}", self.how_to_set(env, key)))
                    .collect();
                format!("no {what}:\n{}\n{help}", lines.join("\n"))
            }
        }))
    }

    fn missing(&self) -> anyhow::Error {
        self.missing_credentials()
            .unwrap_or_else(|| anyhow::anyhow!("a credential is missing"))
    }

    pub fn require_sdkappid(&self) -> anyhow::Result<u64> {
        self.sdkappid
            .as_ref()
            .map(|s| s.value)
            .ok_or_else(|| self.missing())
    }

    pub fn require_identifier(&self) -> anyhow::Result<String> {
        self.identifier
            .as_ref()
            .map(|s| s.value.clone())
            .ok_or_else(|| self.missing())
    }

    /// Reads the secret key from its source.
    pub fn require_secret(&self) -> anyhow::Result<Secret> {
        let Some(src) = &self.secret else {
            return Err(self.missing());
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
