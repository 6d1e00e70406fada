//! `livectl profile add|remove|use|set|unset`: checks the values with the
//! check config reading applies ([`config::check_setting`]), reads the
//! secret key from stdin,
//! and replaces the config file atomically (a 0600 temp file in the same
//! directory, then a rename). The text edits are in [`super::edit`].

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::edit::{NewProfile, NewSecret, add_to, remove_from, set_in, unset_in, use_in};
use super::{ProfileAddArgs, ProfileSetArgs, ProfileUnsetArgs};
use crate::cmd::Ctx;
use crate::config::{self, Checked, Source};
use crate::error::Error;
use crate::output;
use crate::secret::Secret;

/// Checks a profile name: letters, digits, `-` and `_`, so it needs no
/// quoting in the file or the shell; never a key pasted in its place.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    refuse_key_name(name)?;
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "profile name \"{name}\" is not valid: use 1 to 64 letters, digits, - or _"
        )))
    }
}

/// Refuses a profile name (argument of `profile add|show|remove`) shaped
/// like a secret key, without echoing it.
pub fn refuse_key_name(name: &str) -> anyhow::Result<()> {
    if crate::secret::looks_like_key(name) {
        return Err(Error::usage(crate::secret::key_in_wrong_place(
            "the profile name",
            "a short name like prod",
        )));
    }
    Ok(())
}

/// Checks the flags of `profile add` (the secret is read separately), each
/// with [`config::check_setting`], the check applied when the file is read.
pub fn validate(
    a: &ProfileAddArgs,
    region: Option<&str>,
    endpoint: Option<&str>,
) -> anyhow::Result<NewProfile> {
    check_name(&a.name)?;
    let check = |key: &str, flag: &'static str, v: Option<String>| {
        v.map(|v| config::check_setting(key, &v, &Source::Flag(flag)))
            .transpose()
    };
    let text = |c: Option<Checked>| c.map(Checked::text);
    let int = |c: Option<Checked>| c.map(|c| c.int());
    Ok(NewProfile {
        name: a.name.clone(),
        sdkappid: int(check(
            "sdkappid",
            "--sdkappid",
            a.sdkappid.map(|n| n.to_string()),
        )?),
        identifier: text(check("identifier", "--identifier", a.identifier.clone())?),
        region: text(check("region", "--region", region.map(String::from))?),
        endpoint: text(check("endpoint", "--endpoint", endpoint.map(String::from))?),
        secret: text(check(
            "secret_key_env",
            "--secret-key-env",
            a.secret_key_env.clone(),
        )?)
        .map(NewSecret::Env),
        usersig_ttl: int(check(
            "usersig_ttl",
            "--usersig-ttl",
            a.usersig_ttl.map(|n| n.to_string()),
        )?),
    })
}

/// Reads the secret key from `input`: one line from a terminal, else all of
/// it; trimmed. Empty is an error.
pub fn read_secret(input: &mut impl BufRead, terminal: bool) -> anyhow::Result<Secret> {
    let mut text = String::new();
    let read = if terminal {
        input.read_line(&mut text)
    } else {
        input.read_to_string(&mut text)
    };
    read.map_err(|e| Error::usage(format!("cannot read the secret key from stdin: {e}")))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(Error::usage(
            "no secret key on stdin: pipe it in, e.g. `livectl profile add prod --sdkappid N --secret-key-stdin < key.txt`",
        ));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        // Never echo it: it is (or contains) the key.
        return Err(Error::usage(
            "the secret key on stdin contains spaces or several lines; give the key alone, as copied from the console",
        ));
    }
    Ok(Secret::new(key))
}

/// Replaces `path` with `text`: a 0600 temp file in the same directory,
/// synced, then renamed over it, so a crash leaves the old file or the new
/// one, never half of one. Creates a missing directory 0700.
pub fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |what: &str, e: std::io::Error| {
        Error::config(format!("cannot {what} {}: {e}", path.display()))
    };
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)
            .map_err(|e| fail("create the directory of", e))?;
    }
    // tempfile creates the file 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".config.toml.")
        .tempfile_in(dir)
        .map_err(|e| fail("write", e))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| fail("write", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("write", e))?;
    tmp.persist(path).map_err(|e| fail("replace", e.error))?;
    Ok(())
}

/// The file to edit: `--config`, `LIVECTL_CONFIG` or the default, through a
/// symlink to the file it points at.
fn target(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let (path, _) = config::config_path(&ctx.overrides());
    let path = path.ok_or_else(|| {
        Error::config("cannot find the config directory (no HOME?); pass --config FILE")
    })?;
    Ok(std::fs::canonicalize(&path).unwrap_or(path))
}

/// The current text of the file; a missing file is empty. Bounded like
/// every read of the config file.
fn read_text(path: &Path) -> anyhow::Result<Option<String>> {
    match config::read_small(path, config::CONFIG_MAX_BYTES) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::config(format!(
            "cannot read config file {}: {e}",
            path.display()
        ))),
    }
}

pub fn add(ctx: &Ctx, a: &ProfileAddArgs) -> anyhow::Result<()> {
    let mut p = validate(
        a,
        ctx.overrides.region.as_deref(),
        ctx.overrides.endpoint.as_deref(),
    )?;
    let path = target(ctx)?;
    let text = read_text(&path)?.unwrap_or_default();
    // Refuse to add to a file livectl cannot read: the result would not work.
    config::parse_file(&text, &path)?;
    if a.secret_key_stdin {
        let stdin = std::io::stdin();
        let terminal = stdin.is_terminal();
        if terminal {
            output::note(
                "paste the secret key (from the console: Basic configuration), then Enter:",
            );
        }
        p.secret = Some(NewSecret::Inline(read_secret(&mut stdin.lock(), terminal)?));
    }
    let existed = config::parse_file(&text, &path)?
        .profiles
        .contains_key(&p.name);
    let (new_text, is_default) = add_to(&text, &path, &p, a.default, a.force)?;
    config::parse_file(&new_text, &path)
        .map_err(|e| anyhow::anyhow!("livectl wrote an invalid file: {e}"))?;
    write_atomic(&path, &new_text)?;
    let default = if is_default { " (default profile)" } else { "" };
    let done = if existed { "changed" } else { "added" };
    output::note(format!(
        "{done} profile \"{}\" in {}{default}",
        p.name,
        path.display()
    ));
    match &p.secret {
        None if !existed && config::env_var(config::ENV_SECRET_KEY).is_none() => {
            output::warn(format!(
                "profile \"{0}\" has no secret key source: set {1} when using it, or run \
             `livectl profile set {0} secret_key_env VAR` or `livectl profile add {0} --force --secret-key-stdin < key.txt`",
                p.name,
                config::ENV_SECRET_KEY
            ))
        }
        Some(NewSecret::Env(var)) if config::env_var(var).is_none() => output::warn(format!(
            "environment variable {var} is not set in this shell; export it before using profile \"{}\"",
            p.name
        )),
        _ => {}
    }
    output::note("check it with `livectl doctor`");
    Ok(())
}

/// Reads the config file (which must exist and be valid), applies `edit`
/// to its text, checks the result as config reading would, and replaces
/// the file atomically. Returns the path.
fn edit_file(
    ctx: &Ctx,
    edit: impl FnOnce(&str, &Path) -> anyhow::Result<String>,
) -> anyhow::Result<PathBuf> {
    let path = target(ctx)?;
    let Some(text) = read_text(&path)? else {
        return Err(Error::config(format!(
            "no config file at {}; add a profile first: `livectl profile add NAME --sdkappid N`",
            path.display()
        )));
    };
    config::parse_file(&text, &path)?;
    let new_text = edit(&text, &path)?;
    config::parse_file(&new_text, &path)
        .map_err(|e| anyhow::anyhow!("livectl would write an invalid file: {e}"))?;
    write_atomic(&path, &new_text)?;
    Ok(path)
}

/// `profile use NAME`: sets `default_profile`, nothing else.
pub fn use_profile(ctx: &Ctx, name: &str) -> anyhow::Result<()> {
    refuse_key_name(name)?;
    let path = edit_file(ctx, |text, path| use_in(text, path, name))?;
    output::note(format!(
        "profile \"{name}\" is now the default in {}",
        path.display()
    ));
    if let Some(var) = config::env_var(config::ENV_PROFILE) {
        output::warn(format!(
            "{} is set (to \"{var}\") and beats the default; unset it to use \"{name}\"",
            config::ENV_PROFILE
        ));
    }
    Ok(())
}

/// `profile set NAME KEY VALUE`: one key, with the check config reading
/// applies. The key itself is never an argument.
pub fn set(ctx: &Ctx, a: &ProfileSetArgs) -> anyhow::Result<()> {
    refuse_key_name(&a.name)?;
    if a.key == "secret_key" {
        return Err(Error::usage(format!(
            "the secret key is never given as an argument (it would show in ps and in shell history); \
             store it with `livectl profile add {0} --force --secret-key-stdin < key.txt`, or keep it in \
             an environment variable: `livectl profile set {0} secret_key_env VAR`",
            a.name
        )));
    }
    let value = config::check_setting(&a.key, &a.value, &Source::Arg("profile set"))?;
    let mut removed = Vec::new();
    let path = edit_file(ctx, |text, path| {
        let (t, r) = set_in(text, path, &a.name, &a.key, &value)?;
        removed = r;
        Ok(t)
    })?;
    let shown = match (&value, a.key.as_str()) {
        (_, "endpoint") => config::redact_userinfo(&value.clone().text()),
        (v, _) => v.clone().text(),
    };
    output::note(format!(
        "set {} = {shown} in profile \"{}\" of {}",
        a.key,
        a.name,
        path.display()
    ));
    if !removed.is_empty() {
        output::note(format!(
            "removed {} (a profile has exactly one secret source)",
            removed.join(", ")
        ));
    }
    Ok(())
}

/// `profile unset NAME KEY`: removes one key.
pub fn unset(ctx: &Ctx, a: &ProfileUnsetArgs) -> anyhow::Result<()> {
    refuse_key_name(&a.name)?;
    let mut was = false;
    let path = edit_file(ctx, |text, path| {
        let (t, w) = unset_in(text, path, &a.name, &a.key)?;
        was = w;
        Ok(t)
    })?;
    if was {
        output::note(format!(
            "removed {} from profile \"{}\" of {}",
            a.key,
            a.name,
            path.display()
        ));
    } else {
        output::note(format!(
            "profile \"{}\" had no {}; nothing changed",
            a.name, a.key
        ));
    }
    Ok(())
}

pub fn remove(ctx: &Ctx, name: &str, yes: bool) -> anyhow::Result<()> {
    refuse_key_name(name)?;
    let confirm = crate::cmd::confirm::Confirm {
        yes,
        dry_run: false,
    };
    let doing = format!("removing profile \"{name}\"");
    confirm.check(&doing)?;
    let path = target(ctx)?;
    let Some(text) = read_text(&path)? else {
        return Err(Error::config(format!(
            "no config file at {}, so no profile \"{name}\" to remove",
            path.display()
        )));
    };
    let (new_text, was_default) = remove_from(&text, &path, name)?;
    confirm.ask(
        &format!(
            "remove profile \"{name}\" from {}? Its settings and secret key are deleted.",
            path.display()
        ),
        &doing,
    )?;
    write_atomic(&path, &new_text)?;
    let default = if was_default {
        "; it was the default, so no profile is default now"
    } else {
        ""
    };
    output::note(format!(
        "removed profile \"{name}\" from {}{default}",
        path.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> ProfileAddArgs {
        let cli = crate::cli::Cli::try_parse_from(
            ["livectl", "profile", "add"]
                .iter()
                .chain(extra.iter())
                .copied(),
        )
        .unwrap();
        match cli.command {
            crate::cli::Command::Profile(crate::cmd::profile::ProfileCommand::Add(a)) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn validate_uses_the_config_rules() {
        let ok = validate(
            &args(&["p", "--sdkappid", "1400000001", "--usersig-ttl", "60"]),
            Some("sgp"),
            None,
        )
        .unwrap();
        assert_eq!(ok.region.as_deref(), Some("singapore"));
        assert_eq!(ok.usersig_ttl, Some(60));
        let usage = |a: &[&str], r: Option<&str>, e: Option<&str>| {
            let err = validate(&args(a), r, e).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{err}");
            err.to_string()
        };
        assert!(usage(&["p", "--sdkappid", "0"], None, None).contains("--sdkappid"));
        assert!(usage(&["p", "--sdkappid", "4294967296"], None, None).contains("out of range"));
        assert!(usage(&["p", "--sdkappid", "1"], Some("mars"), None).contains("unknown region"));
        assert!(
            usage(&["p", "--sdkappid", "1"], None, Some("http://example.com")).contains("loopback")
        );
        assert!(
            usage(&["p", "--sdkappid", "1", "--usersig-ttl", "1"], None, None)
                .contains("--usersig-ttl")
        );
        assert!(usage(&["bad name", "--sdkappid", "1"], None, None).contains("profile name"));
        let msg = usage(
            &["p", "--sdkappid", "1", "--secret-key-env", "5bd2850f-key"],
            None,
            None,
        );
        assert!(!msg.contains("5bd2850f"), "{msg}");
        let ep = validate(
            &args(&["p", "--sdkappid", "1"]),
            None,
            Some("http://127.0.0.1:8080/"),
        )
        .unwrap();
        assert_eq!(ep.endpoint.as_deref(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn a_key_given_for_a_name_is_refused_unseen() {
        // Starts with a letter: a valid variable name by its characters.
        let key = "ad2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
        for (a, r, e, flag) in [
            (vec![key, "--sdkappid", "1"], None, None, "the profile name"),
            (
                vec!["p", "--sdkappid", "1", "--secret-key-env", key],
                None,
                None,
                "flag --secret-key-env",
            ),
            (
                vec!["p", "--sdkappid", "1", "--identifier", key],
                None,
                None,
                "flag --identifier",
            ),
            (
                vec!["p", "--sdkappid", "1"],
                Some(key),
                None,
                "flag --region",
            ),
            (
                vec!["p", "--sdkappid", "1"],
                None,
                Some(format!("https://{key}.example")),
                "flag --endpoint",
            ),
        ] {
            let err = validate(&args(&a), r, e.as_deref()).unwrap_err();
            let msg = err.to_string();
            assert_eq!(crate::error::exit_code(&err), 2, "{msg}");
            assert!(
                msg.starts_with(&format!("{flag} looks like a secret key")),
                "{msg}"
            );
            assert!(!msg.contains(&key[..16]), "{msg}");
        }
        assert!(refuse_key_name(key).is_err());
        assert!(refuse_key_name("prod.eu").is_ok());
    }

    #[test]
    fn secret_from_stdin_is_trimmed_and_required() {
        let key = read_secret(&mut "  the-key \n".as_bytes(), false).unwrap();
        assert_eq!(key.expose(), "the-key");
        let key = read_secret(&mut "line-one\nline-two\n".as_bytes(), true).unwrap();
        assert_eq!(key.expose(), "line-one");
        let err = read_secret(&mut "\n".as_bytes(), false).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        let err = read_secret(&mut "key-one\nkey-two\n".as_bytes(), false).unwrap_err();
        assert!(!err.to_string().contains("key-one"), "{err}");
        assert_eq!(crate::error::exit_code(&err), 2);
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_creates_0700_dir_and_0600_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("config.toml");
        write_atomic(&path, "a = 1\n").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");
        write_atomic(&path, "a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temp file left behind");
    }
}
