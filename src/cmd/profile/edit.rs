//! Edits the config text for `profile add|remove` with `toml_edit`, so
//! other profiles, comments and order survive. Pure: text in, text out; the
//! file itself is read and written in [`super::write`].

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, TableLike, value};

use crate::error::Error;
use crate::secret::Secret;

/// Where a new profile's secret key comes from.
#[derive(Debug)]
pub enum NewSecret {
    /// Stored in the file as `secret_key` (the file is 0600).
    Inline(Secret),
    /// Stored as `secret_key_env`: the name of a variable, not the key.
    Env(String),
}

/// A validated profile, ready to be written.
#[derive(Debug)]
pub struct NewProfile {
    pub name: String,
    pub sdkappid: u64,
    pub identifier: String,
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

/// Adds `p` to the config text. Returns the new text and whether `p` became
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
            "profile \"{}\" already exists in {}; pass --force to replace it",
            p.name,
            path.display()
        )));
    }
    let first = profiles.iter().all(|(name, _)| name == p.name);
    let mut t = Table::new();
    t["sdkappid"] = value(i64::try_from(p.sdkappid).expect("checked: at most u32::MAX"));
    t["identifier"] = value(&p.identifier);
    if let Some(r) = &p.region {
        t["region"] = value(r);
    }
    if let Some(e) = &p.endpoint {
        t["endpoint"] = value(e);
    }
    match &p.secret {
        Some(NewSecret::Env(var)) => t["secret_key_env"] = value(var),
        Some(NewSecret::Inline(key)) => t["secret_key"] = value(key.expose()),
        None => {}
    }
    if let Some(ttl) = p.usersig_ttl {
        t["usersig_ttl"] = value(i64::try_from(ttl).expect("checked: at most 15552000"));
    }
    match profiles.get_mut(&p.name).and_then(Item::as_table_mut) {
        // Replace in place: the table keeps its position and the comment
        // above it.
        Some(old) => {
            old.clear();
            old.extend(t.iter().map(|(k, v)| (k.to_string(), v.clone())));
        }
        None => {
            profiles.remove(&p.name);
            profiles.insert(&p.name, Item::Table(t));
        }
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
