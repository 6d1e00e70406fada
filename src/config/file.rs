//! The config file as written: the raw serde structs (unknown keys are
//! errors), where the file is, reading it (and any small local file: bounded,
//! regular files only), and the permission warning.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::check::check_raw;
use super::{ENV_CONFIG, Env, Overrides, ProcessEnv};
use crate::error::Error;
use crate::secret::{Secret, scrub_keys};

/// Largest config file read: real ones are a few hundred bytes.
pub const CONFIG_MAX_BYTES: u64 = 1 << 20;
/// Largest secret key file read: a key is 64 characters.
pub const KEY_FILE_MAX_BYTES: u64 = 64 << 10;

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

/// The config file's path (from the process's environment) and whether it
/// was named explicitly.
pub fn config_path(ov: &Overrides) -> (Option<PathBuf>, bool) {
    config_path_in(ov, &ProcessEnv)
}

fn config_path_in(ov: &Overrides, env: &dyn Env) -> (Option<PathBuf>, bool) {
    if let Some(p) = &ov.config {
        return (Some(p.clone()), true);
    }
    if let Some(p) = env.var(ENV_CONFIG) {
        return (Some(PathBuf::from(p)), true);
    }
    (
        env.config_dir()
            .map(|d| d.join("livectl").join("config.toml")),
        false,
    )
}

/// Parses config text and refuses a key where a name belongs. Errors name
/// the file, line and key, never a value or the line (it may hold a key).
pub fn parse_file(text: &str, path: &Path) -> anyhow::Result<RawFile> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let at = at_line(text, e.span());
        let msg = describe(e.message(), text, e.span());
        Error::config(format!("config file {}{at}: {msg}", path.display()))
    })?;
    check_raw(&raw, text, path)?;
    Ok(raw)
}

/// A TOML error's message without the value it may quote. serde's type
/// errors read `invalid type: string "VALUE", expected u64`: keep the key
/// (from the line the error points at), what was found and what is expected.
fn describe(message: &str, text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let message = message.trim();
    let key = span.and_then(|s| key_at(text, s.start));
    let typed = ["invalid type: ", "invalid value: ", "invalid length: "]
        .iter()
        .find_map(|p| message.strip_prefix(p));
    if let Some(rest) = typed {
        // "string \"...\", expected u64" -> found "string", expected "u64".
        let found = rest
            .split([' ', ','])
            .next()
            .unwrap_or_default()
            .to_string();
        let found = match found.as_str() {
            "floating" => "a decimal number".to_string(),
            "integer" => "a number".to_string(),
            "string" | "map" | "sequence" | "boolean" => format!("a {found}"),
            _ => "a value".to_string(),
        };
        let expected = rest.rsplit_once("expected ").map_or("", |(_, e)| e);
        let expected = match expected.trim() {
            "u64" | "u32" | "i64" => "a whole number without quotes, e.g. 1400000001",
            "a string" => "a string in quotes",
            "path string" => "a file path in quotes",
            "a map" => "a table",
            _ => "another type (see `livectl help config`)",
        };
        let what = key.map_or("a value".into(), |k| format!("`{k}`"));
        return format!(
            "{what} has the wrong type: found {found} (not shown), expected {expected}"
        );
    }
    let mut msg = scrub_keys(message);
    if msg.starts_with("unknown field") {
        msg = format!("{msg}; remove or rename the key (every key: `livectl help config`)");
    }
    msg
}

/// The key of the `key = value` line holding byte `pos`, if it is a plain key.
fn key_at(text: &str, pos: usize) -> Option<String> {
    let pos = pos.min(text.len());
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (plain && !crate::secret::looks_like_key(key)).then(|| key.to_string())
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
    load_file_in(ov, &ProcessEnv)
}

/// [`load_file`] with the environment given.
pub fn load_file_in(
    ov: &Overrides,
    env: &dyn Env,
) -> anyhow::Result<(Option<PathBuf>, Option<LoadedFile>)> {
    let loaded = read_file_in(ov, env)?;
    if let Some(f) = &loaded.1 {
        warn_if_readable_by_others(&f.path);
    }
    Ok(loaded)
}

/// Reads and parses the config file, silently (`doctor` reports on its
/// own). A file named by `--config` or `LIVECTL_CONFIG` must exist; the
/// default one may be missing. Returns the path looked at and the file.
pub fn read_file(ov: &Overrides) -> anyhow::Result<(Option<PathBuf>, Option<LoadedFile>)> {
    read_file_in(ov, &ProcessEnv)
}

/// [`read_file`] with the environment given.
pub fn read_file_in(
    ov: &Overrides,
    env: &dyn Env,
) -> anyhow::Result<(Option<PathBuf>, Option<LoadedFile>)> {
    let (path, explicit) = config_path_in(ov, env);
    let Some(path) = path else {
        return Ok((None, None));
    };
    match read_small(&path, CONFIG_MAX_BYTES) {
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

/// Reads a small local file as text, failing fast on anything else: the
/// type is checked before opening (a FIFO would block, `/dev/zero` never
/// ends, a directory is no file), the size before reading, and at most
/// `limit` + 1 bytes are read (a file that grows meanwhile). The errors say
/// what the path is; callers add which file it is.
pub fn read_small(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::{Error as IoError, ErrorKind};
    let refuse = |why: String| IoError::new(ErrorKind::InvalidInput, why);
    let kib = limit.div_ceil(1024);
    let meta = std::fs::metadata(path)?;
    check_regular(&meta).map_err(refuse)?;
    if meta.len() > limit {
        return Err(refuse(format!(
            "it is {} bytes, larger than the {kib} KiB livectl reads; give the right file",
            meta.len()
        )));
    }
    let file = std::fs::File::open(path)?;
    // The path may have been swapped between the check and the open.
    check_regular(&file.metadata()?).map_err(refuse)?;
    let bytes = read_bounded(file, limit)?.ok_or_else(|| {
        refuse(format!(
            "it holds more than it says, larger than the {kib} KiB livectl reads; give the right file"
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text".into()))
}

/// At most `limit` bytes of `r`, or `None` when it holds more (read: at
/// most `limit` + 1 bytes, whatever the source).
pub fn read_bounded(r: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    r.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Only a regular file (through symlinks) is read.
fn check_regular(meta: &std::fs::Metadata) -> Result<(), String> {
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(());
    }
    let what = if ft.is_dir() {
        "a directory"
    } else {
        unix_kind(&ft)
    };
    Err(format!(
        "it is {what}, not a regular file; give the path of a file"
    ))
}

#[cfg(unix)]
fn unix_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a named pipe (FIFO)"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn unix_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
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
