//! The environment as config resolution sees it: a lookup injected from the
//! top ([`ProcessEnv`] in the binary, a [`MapEnv`] in unit tests), so no test
//! depends on what the developer has exported.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where environment variables (and the user's config directory) come from.
pub trait Env {
    /// The raw value of variable `name`, if set.
    fn raw(&self, name: &str) -> Option<String>;

    /// The user's config directory (`$XDG_CONFIG_HOME`, `~/.config`, ...).
    fn config_dir(&self) -> Option<PathBuf>;

    /// The value of `name`; empty counts as unset (CI often sets blanks).
    fn var(&self, name: &str) -> Option<String> {
        self.raw(name).filter(|v| !v.trim().is_empty())
    }
}

/// The process's real environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn raw(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn config_dir(&self) -> Option<PathBuf> {
        dirs::config_dir()
    }
}

/// A fixed environment, for tests: only the variables given, and no config
/// directory unless one is set.
#[derive(Default, Clone, Debug)]
pub struct MapEnv {
    pub vars: BTreeMap<String, String>,
    pub config_dir: Option<PathBuf>,
}

impl<const N: usize> From<[(&str, &str); N]> for MapEnv {
    fn from(vars: [(&str, &str); N]) -> Self {
        MapEnv {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            config_dir: None,
        }
    }
}

impl Env for MapEnv {
    fn raw(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn config_dir(&self) -> Option<PathBuf> {
        self.config_dir.clone()
    }
}
