//! Edits the config text for `profile add|remove|use|set|unset` with
//! `toml_edit`, so other profiles, other keys, comments and order survive. Pure: text in, text out; the
//! file itself is read and written in [`super::write`].

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, TableLike, value};

use crate::config::{Checked, PROFILE_KEYS};
use crate::error::Error;
use crate::secret::Secret;

/// The keys that name where the secret key comes from: a profile has one.
pub const SECRET_KEYS: [&str; 3] = ["secret_key_env", "secret_key_file", "secret_key"];

/// Where a new profile's secret key comes from.
#[derive(Debug)]
pub enum NewSecret {
    /// Stored in the file as `secret_key` (the file is 0600).
    Inline(Secret),
    /// Stored as `secret_key_env`: the name of a variable, not the key.
    Env(String),
}

/// A validated profile, ready to be written: the keys given (on an
/// existing profile, only these change).
#[derive(Debug)]
pub struct NewProfile {
    pub name: String,
    pub sdkappid: Option<u64>,
    pub identifier: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub secret: Option<NewSecret>,
    pub usersig_ttl: Option<u64>,
}

fn parse_doc(text: &str, path: &Path) -> anyhow::Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        // The message may quote the line, which may hold a key: keep the
        // line number only (parse_file below gives the detailed message).
        let at = crate::config::at_line(text, e.span());
        Error::config(format!(
            "config file {}{at} is not valid TOML; fix it first",
            path.display()
        ))
    })
}

fn profiles_mut<'a>(
    doc: &'a mut DocumentMut,
    path: &Path,
) -> anyhow::Result<&'a mut dyn TableLike> {
    let item = doc.entry("profiles").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    item.as_table_like_mut().ok_or_else(|| {
        Error::config(format!(
            "config file {}: `profiles` is not a table",
            path.display()
        ))
    })
}

/// Adds `p` to the config text, or with `force` changes the keys `p` gives
/// on an existing profile of that name, keeping the others (a new secret
/// source replaces the old one). Returns the new text and whether `p` is
/// the default profile (asked for, or the first profile of the file).
pub fn add_to(
    text: &str,
    path: &Path,
    p: &NewProfile,
    make_default: bool,
    force: bool,
) -> anyhow::Result<(String, bool)> {
    let mut doc = parse_doc(text, path)?;
    let profiles = profiles_mut(&mut doc, path)?;
    let exists = profiles.contains_key(&p.name);
    if exists && !force {
        return Err(Error::usage(format!(
            "profile \"{}\" already exists in {}; pass --force to change the keys given (the others \
             are kept), or change one key with `livectl profile set {} KEY VALUE`",
            p.name,
            path.display(),
            p.name
        )));
    }
    let first = profiles.iter().all(|(name, _)| name == p.name);
    if !exists {
        if p.sdkappid.is_none() {
            return Err(Error::usage(format!(
                "--sdkappid is required for a new profile: `livectl profile add {} --sdkappid 1400000001`",
                p.name
            )));
        }
        profiles.remove(&p.name);
        profiles.insert(&p.name, Item::Table(Table::new()));
    }
    let t = profile_in(profiles, path, &p.name)?;
    if let Some(n) = p.sdkappid {
        set_key(t, "sdkappid", &Checked::Int(n));
    }
    match (&p.identifier, exists) {
        (Some(i), _) => set_key(t, "identifier", &Checked::Text(i.clone())),
        (None, false) => set_key(t, "identifier", &Checked::Text("administrator".into())),
        (None, true) => {}
    }
    if let Some(r) = &p.region {
        set_key(t, "region", &Checked::Text(r.clone()));
    }
    if let Some(e) = &p.endpoint {
        set_key(t, "endpoint", &Checked::Text(e.clone()));
    }
    let secret = match &p.secret {
        Some(NewSecret::Env(var)) => Some(("secret_key_env", var.as_str())),
        Some(NewSecret::Inline(key)) => Some(("secret_key", key.expose())),
        None => None,
    };
    if let Some((key, v)) = secret {
        // The new source replaces the old: exactly one secret source.
        for other in SECRET_KEYS.iter().filter(|k| **k != key) {
            t.remove(other);
        }
        set_key(t, key, &Checked::Text(v.to_string()));
    }
    if let Some(ttl) = p.usersig_ttl {
        set_key(t, "usersig_ttl", &Checked::Int(ttl));
    }
    if make_default || first {
        set_default(&mut doc, &p.name);
    }
    // The same rule as choosing a profile: default_profile, else `default`.
    let is_default = match doc.get("default_profile").and_then(Item::as_str) {
        Some(d) => d == p.name,
        None => p.name == "default",
    };
    Ok((doc.to_string(), is_default))
}

/// Sets `key` of a profile table, keeping the comments around its value.
fn set_key(t: &mut dyn TableLike, key: &str, v: &Checked) {
    let new: toml_edit::Value = match v {
        Checked::Int(n) => i64::try_from(*n).expect("checked: in range").into(),
        Checked::Text(s) => s.as_str().into(),
    };
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = new;
            *old.decor_mut() = decor;
        }
        None => {
            t.insert(key, Item::Value(new));
        }
    }
}

/// The table of profile `name`, or an error listing the profiles there.
fn profile_in<'a>(
    profiles: &'a mut dyn TableLike,
    path: &Path,
    name: &str,
) -> anyhow::Result<&'a mut dyn TableLike> {
    if !profiles.contains_key(name) {
        let names: Vec<String> = profiles.iter().map(|(k, _)| k.to_string()).collect();
        let have = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        return Err(Error::config(format!(
            "profile \"{name}\" is not in {}; profiles there: {have}; add it with `livectl profile add {name} --sdkappid N`",
            path.display()
        )));
    }
    profiles
        .get_mut(name)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| {
            Error::config(format!(
                "config file {}: profile \"{name}\" is not a table",
                path.display()
            ))
        })
}

/// Makes `name` the default profile; it must exist.
pub fn use_in(text: &str, path: &Path, name: &str) -> anyhow::Result<String> {
    let mut doc = parse_doc(text, path)?;
    profile_in(profiles_mut(&mut doc, path)?, path, name)?;
    set_default(&mut doc, name);
    Ok(doc.to_string())
}

/// Sets one key (already checked) of profile `name`. Setting
/// `secret_key_env` or `secret_key_file` removes the other; a stored
/// `secret_key` is never dropped this way. Returns the new text and the
/// keys removed.
pub fn set_in(
    text: &str,
    path: &Path,
    name: &str,
    key: &str,
    v: &Checked,
) -> anyhow::Result<(String, Vec<&'static str>)> {
    let mut doc = parse_doc(text, path)?;
    let t = profile_in(profiles_mut(&mut doc, path)?, path, name)?;
    let mut removed = Vec::new();
    if SECRET_KEYS.contains(&key) {
        if key != "secret_key" && t.contains_key("secret_key") {
            return Err(Error::usage(format!(
                "profile \"{name}\" stores its secret key in the file (secret_key), and a profile has \
                 exactly one secret source; setting {key} would drop the stored key. If you no longer \
                 need it, remove it first: `livectl profile unset {name} secret_key`"
            )));
        }
        for other in SECRET_KEYS.iter().filter(|k| **k != key) {
            if t.remove(other).is_some() {
                removed.push(*other);
            }
        }
    }
    set_key(t, key, v);
    Ok((doc.to_string(), removed))
}

/// Removes one key of profile `name`. Returns the new text and whether the
/// key was there.
pub fn unset_in(text: &str, path: &Path, name: &str, key: &str) -> anyhow::Result<(String, bool)> {
    if !PROFILE_KEYS.contains(&key) {
        return Err(Error::usage(format!(
            "unknown setting \"{key}\"{}; a profile holds {}; see `livectl help config`",
            crate::output::close_match(key, PROFILE_KEYS)
                .map(|m| format!(" (did you mean \"{m}\"?)"))
                .unwrap_or_default(),
            PROFILE_KEYS.join(", ")
        )));
    }
    let mut doc = parse_doc(text, path)?;
    let t = profile_in(profiles_mut(&mut doc, path)?, path, name)?;
    let was = t.remove(key).is_some();
    Ok((doc.to_string(), was))
}

fn set_default(doc: &mut DocumentMut, name: &str) {
    match doc.get_mut("default_profile").and_then(Item::as_value_mut) {
        Some(v) => {
            // Keep the comment after the value.
            let decor = v.decor().clone();
            *v = name.into();
            *v.decor_mut() = decor;
        }
        None => doc["default_profile"] = value(name),
    }
}

/// Removes profile `name` (and `default_profile` when it named it). Returns
/// the new text and whether it was the default.
pub fn remove_from(text: &str, path: &Path, name: &str) -> anyhow::Result<(String, bool)> {
    let mut doc = parse_doc(text, path)?;
    let profiles = profiles_mut(&mut doc, path)?;
    if profiles.remove(name).is_none() {
        let names: Vec<String> = profiles.iter().map(|(k, _)| k.to_string()).collect();
        let have = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        return Err(Error::config(format!(
            "profile \"{name}\" is not in {}; profiles there: {have}",
            path.display()
        )));
    }
    let was_default = doc.get("default_profile").and_then(Item::as_str) == Some(name);
    if was_default {
        remove_default(&mut doc);
    }
    Ok((doc.to_string(), was_default))
}

/// Removes `default_profile`, moving the comment above it (often the file's
/// header) onto whatever now comes first in the file.
fn remove_default(doc: &mut DocumentMut) {
    let prefix = |d: &toml_edit::Decor| {
        d.prefix()
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let comment = doc
        .as_table_mut()
        .key_mut("default_profile")
        .map(|k| prefix(k.leaf_decor()));
    doc.remove("default_profile");
    let Some(comment) = comment.filter(|c| !c.trim().is_empty()) else {
        return;
    };
    let root = doc.as_table_mut();
    if let Some((mut key, _)) = root.iter_mut().find(|(_, v)| v.is_value()) {
        let d = key.leaf_decor_mut();
        d.set_prefix(format!("{comment}{}", prefix(d)));
    } else if let Some(t) = min_position(root).and_then(|pos| table_at(root, pos)) {
        let d = t.decor_mut();
        d.set_prefix(format!("{comment}{}", prefix(d)));
    }
}

/// The smallest document position of a table written out in `t`.
fn min_position(t: &Table) -> Option<usize> {
    t.iter()
        .filter_map(|(_, v)| v.as_table())
        .flat_map(|s| [s.position().filter(|_| !s.is_implicit()), min_position(s)])
        .flatten()
        .min()
}

fn table_at(t: &mut Table, pos: usize) -> Option<&mut Table> {
    for (_, v) in t.iter_mut() {
        if let Some(s) = v.as_table_mut() {
            if !s.is_implicit() && s.position() == Some(pos) {
                return Some(s);
            }
            if let Some(found) = table_at(s, pos) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
