//! The config file as written: the raw serde structs (unknown keys are
//! errors), where the file is, reading it, and the permission warning.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{ENV_CONFIG, Overrides, env_var};
use crate::error::Error;
use crate::secret::Secret;

/// The config file as written. Unknown keys are errors.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, RawProfile>,
}

/// One `[profiles.NAME]` table as written.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub sdkappid: Option<u64>,
    pub identifier: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub secret_key_env: Option<String>,
    pub secret_key_file: Option<PathBuf>,
    pub secret_key: Option<Secret>,
    pub usersig_ttl: Option<u64>,
}

impl RawProfile {
    /// Which secret source the profile names, for `profile list`.
    pub fn secret_source_label(&self) -> String {
        match (
            &self.secret_key_env,
            &self.secret_key_file,
            &self.secret_key,
        ) {
            (Some(v), None, None) => format!("env {v}"),
            (None, Some(p), None) => format!("file {}", p.display()),
            (None, None, Some(_)) => "inline".to_string(),
            (None, None, None) => "none".to_string(),
            _ => "several (invalid)".to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// The loaded config file.
pub struct LoadedFile {
    pub path: PathBuf,
    pub raw: RawFile,
}

/// The config file's path and whether it was named explicitly.
pub fn config_path(ov: &Overrides) -> (Option<PathBuf>, bool) {
    if let Some(p) = &ov.config {
        return (Some(p.clone()), true);
    }
    if let Some(p) = env_var(ENV_CONFIG) {
        return (Some(PathBuf::from(p)), true);
    }
    (
        dirs::config_dir().map(|d| d.join("livectl").join("config.toml")),
        false,
    )
}

/// Parses config text; errors name the file and line, never quote the line
/// (it may hold a secret key).
pub fn parse_file(text: &str, path: &Path) -> anyhow::Result<RawFile> {
    toml::from_str(text).map_err(|e| {
        let at = at_line(text, e.span());
        let mut msg = e.message().trim().to_string();
        if msg.starts_with("unknown field") {
            msg = format!("{msg}; remove or rename the key (see config.example.toml)");
        }
        Error::config(format!("config file {}{at}: {msg}", path.display()))
    })
}

/// `, line N` for a parse error's span, or nothing: the position of a TOML
/// error without quoting the line, which may hold a secret key.
pub fn at_line(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| {
        format!(
            ", line {}",
            text[..s.start.min(text.len())].matches('\n').count() + 1
        )
    })
    .unwrap_or_default()
}

/// Loads the config file if there is one, warning when others can read it.
pub fn load_file(ov: &Overrides) -> anyhow::Result<(Option<PathBuf>, Option<LoadedFile>)> {
    let loaded = read_file(ov)?;
    if let Some(f) = &loaded.1 {
        warn_if_readable_by_others(&f.path);
    }
    Ok(loaded)
}

/// Reads and parses the config file, silently (`doctor` reports on its
/// own). A file named by `--config` or `LIVECTL_CONFIG` must exist; the
/// default one may be missing. Returns the path looked at and the file.
pub fn read_file(ov: &Overrides) -> anyhow::Result<(Option<PathBuf>, Option<LoadedFile>)> {
    let (path, explicit) = config_path(ov);
    let Some(path) = path else {
        return Ok((None, None));
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let raw = parse_file(&text, &path)?;
            Ok((Some(path.clone()), Some(LoadedFile { path, raw })))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok((Some(path), None)),
        Err(e) => Err(Error::config(format!(
            "cannot read config file {}: {e}; check the path given by --config or {ENV_CONFIG}",
            path.display()
        ))),
    }
}

/// Mode bits readable by group or others, on Unix.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn warn_if_readable_by_others(path: &Path) {
    if readable_by_others(path) {
        crate::output::warn(format!(
            "config file {} is readable by other users; fix: chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
}
