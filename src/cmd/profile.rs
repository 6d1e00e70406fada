//! `livectl profile list|show|add|remove|use|set|unset`: reading profiles
//! lives here; the commands that write live in [`write`] (checks, atomic file replacement)
//! and [`edit`] (the TOML edits). Secrets never reach the output:
//! `show` gives `****` plus the last four characters at most, and `list` only
//! names the secret's source.

mod args;
pub mod edit;
pub mod write;

pub use args::{
    ProfileAddArgs, ProfileCommand, ProfileRemoveArgs, ProfileSetArgs, ProfileShowArgs,
    ProfileUnsetArgs, ProfileUseArgs,
};

use serde_json::{Value, json};

use crate::cmd::Ctx;
use crate::config::{self, SecretSource, Settings, Source, Sourced};
use crate::output::{self, Format};

pub fn run(ctx: &Ctx, cmd: &ProfileCommand) -> anyhow::Result<()> {
    match cmd {
        ProfileCommand::List => list(ctx),
        ProfileCommand::Show(a) => show(ctx, a.name.as_deref()),
        ProfileCommand::Add(a) => write::add(ctx, a),
        ProfileCommand::Remove(a) => write::remove(ctx, &a.name, a.yes),
        ProfileCommand::Use(a) => write::use_profile(ctx, &a.name),
        ProfileCommand::Set(a) => write::set(ctx, a),
        ProfileCommand::Unset(a) => write::unset(ctx, a),
    }
}

/// One row of `profile list`, from the file as written (not validated, so a
/// broken profile still shows up).
#[derive(Debug, PartialEq)]
pub struct ListRow {
    pub name: String,
    pub default: bool,
    pub sdkappid: Option<u64>,
    pub identifier: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub secret: String,
    pub usersig_ttl: Option<u64>,
}

/// The rows of `profile list`; the default is `default_profile`, else a
/// profile named `default` (the same rule as choosing one).
pub fn list_rows(raw: &config::RawFile) -> Vec<ListRow> {
    let default = raw.default_profile.clone().or_else(|| {
        raw.profiles
            .contains_key("default")
            .then(|| "default".to_string())
    });
    raw.profiles
        .iter()
        .map(|(name, p)| ListRow {
            name: name.clone(),
            default: default.as_deref() == Some(name.as_str()),
            sdkappid: p.sdkappid,
            identifier: p.identifier.clone(),
            region: p.region.clone(),
            // Resolution refuses user:password@ in an endpoint; the list,
            // which shows broken profiles too, hides it.
            endpoint: p.endpoint.as_deref().map(config::redact_userinfo),
            secret: p.secret_source_label(),
            usersig_ttl: p.usersig_ttl,
        })
        .collect()
}

fn list(ctx: &Ctx) -> anyhow::Result<()> {
    let (path, file) = config::load_file(&ctx.overrides())?;
    let Some(file) = file else {
        let at = path.map_or("(no config directory)".into(), |p| p.display().to_string());
        output::note(format!(
            "no config file at {at}; add a profile with `livectl profile add NAME --sdkappid N ...`"
        ));
        return Ok(());
    };
    let rows = list_rows(&file.raw);
    if rows.is_empty() {
        output::note(format!(
            "no profiles in {}; add one with `livectl profile add NAME`",
            file.path.display()
        ));
    }
    match ctx.format() {
        Format::Json => {
            for r in &rows {
                output::print_json(&json!({
                    "name": r.name, "default": r.default, "sdkappid": r.sdkappid,
                    "identifier": r.identifier, "region": r.region, "endpoint": r.endpoint,
                    "secret_source": r.secret, "usersig_ttl": r.usersig_ttl,
                }));
            }
        }
        Format::Text if rows.is_empty() => {}
        Format::Text => {
            let header = [
                "  NAME",
                "SDKAPPID",
                "IDENTIFIER",
                "REGION/ENDPOINT",
                "SECRET",
            ];
            let mut table = vec![header.map(String::from).to_vec()];
            for r in &rows {
                let mark = if r.default { "* " } else { "  " };
                let place = match (&r.endpoint, &r.region) {
                    (Some(e), _) => e.clone(),
                    (None, Some(reg)) => reg.clone(),
                    (None, None) => format!("{} (default)", crate::region::DEFAULT_REGION),
                };
                table.push(vec![
                    format!("{mark}{}", r.name),
                    r.sdkappid.map_or("-".into(), |v| v.to_string()),
                    r.identifier.clone().unwrap_or_else(|| "-".into()),
                    place,
                    r.secret.clone(),
                ]);
            }
            for line in output::columns(&table) {
                output::println(line);
            }
        }
    }
    Ok(())
}

/// One line of `profile show`: a setting, its value as shown, where it came
/// from, and why it is missing or unreadable, if it is.
#[derive(Debug)]
pub struct ShowRow {
    pub setting: &'static str,
    pub value: Option<String>,
    pub source: String,
    /// `flag`, `env`, `file` or `default`, for scripts.
    pub kind: Option<&'static str>,
    pub problem: Option<String>,
}

fn kind(s: &Source) -> &'static str {
    match s {
        Source::Flag(_) | Source::Arg(_) => "flag",
        Source::Env(_) => "env",
        Source::File { .. } => "file",
        Source::Default => "default",
    }
}

fn row<T: ToString>(setting: &'static str, v: Option<&Sourced<T>>, missing: &str) -> ShowRow {
    ShowRow {
        setting,
        value: v.map(|s| s.value.to_string()),
        source: v.map_or("-".into(), |s| s.source.to_string()),
        kind: v.map(|s| kind(&s.source)),
        problem: v
            .is_none()
            .then(|| missing.to_string())
            .filter(|m| !m.is_empty()),
    }
}

/// Where the secret key is read from, for people: never the key itself.
pub fn secret_origin(src: &Sourced<SecretSource>) -> String {
    match &src.value {
        SecretSource::Env(var) if src.source == Source::Env(var.clone()) => {
            format!("environment {var}")
        }
        SecretSource::Env(var) => format!("environment {var}, named by {}", src.source),
        SecretSource::File(path) => format!("file {}, named by {}", path.display(), src.source),
        SecretSource::Inline(_) => format!("inline secret_key in {}", src.source),
    }
}

/// Every setting of `s` with its source. The secret is read to show it
/// masked; when it cannot be read the row says why instead.
pub fn show_rows(s: &Settings) -> Vec<ShowRow> {
    let config_file = ShowRow {
        setting: "config file",
        value: s.config_path.as_ref().map(|p| p.display().to_string()),
        source: if s.config_found { "found" } else { "not found" }.to_string(),
        kind: None,
        problem: None,
    };
    let secret = match &s.secret {
        None => ShowRow {
            setting: "secret key",
            value: None,
            source: "-".into(),
            kind: None,
            problem: Some(format!(
                "not set: {}",
                s.how_to_set(config::ENV_SECRET_KEY, "secret_key_env")
            )),
        },
        Some(src) => {
            let (value, problem) = match s.require_secret() {
                Ok(key) => (Some(key.masked()), None),
                Err(e) => (None, Some(format!("cannot be read: {e}"))),
            };
            let kind = Some(kind(&src.source));
            ShowRow {
                setting: "secret key",
                value,
                source: secret_origin(src),
                kind,
                problem,
            }
        }
    };
    let missing = |env: &str, key: &str| format!("not set: {}", s.how_to_set(env, key));
    let mut endpoint = row("endpoint", Some(&s.endpoint), "");
    if let Some(e) = &s.unused_endpoint {
        endpoint.problem = Some(format!(
            "the endpoint \"{}\" from {} is not used: the region from {} is a higher source \
             (flag > environment > file; see `livectl help config`)",
            e.value, e.source, s.region.source
        ));
    }
    let mut rows = vec![
        match &s.profile {
            Some(p) => row("profile", Some(p), ""),
            None => ShowRow {
                setting: "profile",
                value: Some("(none)".into()),
                source: "no profile chosen: flags and environment only".into(),
                kind: None,
                problem: None,
            },
        },
        config_file,
        row(
            "sdkappid",
            s.sdkappid.as_ref(),
            &missing(config::ENV_SDKAPPID, "sdkappid"),
        ),
        row(
            "identifier",
            s.identifier.as_ref(),
            &missing(config::ENV_IDENTIFIER, "identifier"),
        ),
        row("region", Some(&s.region), ""),
        endpoint,
        secret,
        row("usersig_ttl", Some(&s.usersig_ttl), ""),
    ];
    if !s.ignored_env.is_empty() {
        rows.push(ShowRow {
            setting: "ignored environment",
            value: Some(s.ignored_env.join(", ")),
            source: "set but not used: --profile takes sdkappid, identifier and secret key from the profile".into(),
            kind: Some("ignored"),
            problem: None,
        });
    }
    rows
}

impl ShowRow {
    fn json(&self) -> Value {
        // The secret key's value is its masked form, named so.
        let value_key = if self.setting == "secret key" {
            "masked"
        } else {
            "value"
        };
        let value = match (self.setting, &self.value) {
            ("sdkappid" | "usersig_ttl", Some(v)) => {
                v.parse::<u64>().map_or(json!(v), |n| json!(n))
            }
            (_, v) => json!(v),
        };
        json!({
            value_key: value,
            "source": self.source,
            "source_kind": self.kind,
            "problem": self.problem,
        })
    }
}

fn show(ctx: &Ctx, name: Option<&str>) -> anyhow::Result<()> {
    let mut ov = ctx.overrides();
    if let Some(n) = name {
        write::refuse_key_name(n)?;
        ov.profile = Some(n.to_string());
    }
    let mut rows = show_rows(&config::resolve(&ov)?);
    if name.is_some() {
        rows[0].source = "named on the command line".into();
        rows[0].kind = Some("argument");
    }
    match ctx.format() {
        Format::Json => {
            let obj = rows.iter().map(|r| (r.setting.replace(' ', "_"), r.json()));
            output::print_json(&Value::Object(obj.collect()));
        }
        Format::Text => {
            let mut table = vec![vec!["SETTING".to_string(), "VALUE".into(), "SOURCE".into()]];
            for r in &rows {
                let unreadable = r
                    .problem
                    .as_deref()
                    .is_some_and(|p| p.starts_with("cannot"));
                let missing = if unreadable {
                    "(unreadable)"
                } else {
                    "(not set)"
                };
                let value = r.value.clone().unwrap_or_else(|| missing.into());
                table.push(vec![r.setting.to_string(), value, r.source.clone()]);
            }
            for line in output::columns(&table) {
                output::println(line);
            }
            for r in rows.iter().filter(|r| r.problem.is_some()) {
                output::println(format!(
                    "{}: {}",
                    r.setting,
                    r.problem.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::path::{Path, PathBuf};

    fn raw(text: &str) -> config::RawFile {
        config::parse_file(text, Path::new("c.toml")).unwrap()
    }

    #[test]
    fn list_marks_the_default_and_names_the_secret_source_only() {
        let f = raw(
            "default_profile = \"b\"\n[profiles.a]\nsdkappid = 1\nsecret_key = \"topsecret-1234\"\n\
             [profiles.b]\nregion = \"sgp\"\nsecret_key_env = \"K\"\n",
        );
        let rows = list_rows(&f);
        assert_eq!(rows.len(), 2);
        assert!(!rows[0].default && rows[1].default);
        assert_eq!(rows[0].secret, "inline");
        assert_eq!(rows[1].secret, "env K");
        assert!(!format!("{rows:?}").contains("topsecret"));
        let f = raw("[profiles.default]\n[profiles.x]\n");
        assert!(list_rows(&f)[0].default);
    }

    #[test]
    fn show_masks_an_inline_secret_and_names_its_file() {
        let f = config::LoadedFile {
            path: PathBuf::from("/tmp/c.toml"),
            raw: raw("[profiles.default]\nsdkappid = 7\nsecret_key = \"inline-secret-abcd\"\n"),
        };
        let s = config::resolve_with_env(
            &Overrides::default(),
            Some(f.path.clone()),
            Some(&f),
            &config::MapEnv::default(),
        )
        .unwrap();
        let rows = show_rows(&s);
        let secret = rows.iter().find(|r| r.setting == "secret key").unwrap();
        assert_eq!(secret.value.as_deref(), Some("****abcd"));
        assert!(
            secret
                .source
                .starts_with("inline secret_key in config file /tmp/c.toml")
        );
        assert!(!format!("{rows:?}").contains("inline-secret"));
        assert_eq!(secret.json()["masked"], "****abcd");
        assert!(secret.json().get("value").is_none());
        let ttl = rows.iter().find(|r| r.setting == "usersig_ttl").unwrap();
        assert_eq!(
            (ttl.source.as_str(), ttl.kind),
            ("default", Some("default"))
        );
        assert_eq!(ttl.json()["value"], 3600);
    }

    #[test]
    fn show_says_why_a_secret_cannot_be_read() {
        let f = config::LoadedFile {
            path: PathBuf::from("/tmp/c.toml"),
            raw: raw("[profiles.default]\nsecret_key_env = \"LIVECTL_TEST_UNSET_VAR_4\"\n"),
        };
        let s = config::resolve_with_env(
            &Overrides::default(),
            None,
            Some(&f),
            &config::MapEnv::default(),
        )
        .unwrap();
        let rows = show_rows(&s);
        let secret = rows.iter().find(|r| r.setting == "secret key").unwrap();
        assert!(secret.value.is_none());
        let src = &secret.source;
        assert!(
            src.starts_with("environment LIVECTL_TEST_UNSET_VAR_4, named by config file"),
            "{src}"
        );
        let problem = secret.problem.as_deref().unwrap();
        assert!(
            problem.starts_with("cannot be read") && problem.contains("not set"),
            "{problem}"
        );
    }
}
