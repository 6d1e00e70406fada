//! The app's accounts (live-api.md §18.5): account_import,
//! multiaccount_import, account_check, portrait_get, portrait_set, and the
//! rule that a room's owner, a new owner, a robot and a user picked onto a
//! seat must be imported (§18.6: 70107). The app admin and [`DEMO_USERS`]
//! are imported at start; `--accounts open` accepts any user, as the
//! emulator did before it modelled accounts.

use serde_json::{Value, json};

use super::service::Call;
use super::state::Account;
use super::wire::{Body, Fail, Out, accounts, bad, fail, opt_text, text};
use crate::limits::{ACCOUNTS_PER_CALL, PROFILE_VALUE_MAX};

/// Users imported at start besides the admin: the names of the README's
/// walk-through and of the tests' rooms.
pub const DEMO_USERS: &[&str] = &["host", "u1", "u2", "u3", "u4", "bot1", "bot2", "bot3"];

/// Imports the admin and [`DEMO_USERS`] (profiles already there are kept).
pub fn seed(state: &mut super::state::State, admin: &str) {
    for u in std::iter::once(admin).chain(DEMO_USERS.iter().copied()) {
        state.accounts.entry(u.to_string()).or_default();
    }
}

const NICK: &str = "Tag_Profile_IM_Nick";
const IMAGE: &str = "Tag_Profile_IM_Image";
/// A UserID's most bytes.
const USER_ID_MAX: usize = 32;

/// 70107 unless `user` is imported (or accounts are open). `field` names
/// the body field, so the text says which user and where.
pub fn require(c: &Call, field: &str, user: &str) -> Result<(), Fail> {
    if c.rules.open_accounts || c.state.accounts.contains_key(user) {
        return Ok(());
    }
    Err(fail(
        70107,
        format!("{field}: account \"{user}\" is not imported (account_import first)"),
    ))
}

/// An account as imported: 70402 for a bad UserID, 40601 for a long value.
fn account_of(v: &Value) -> Result<(String, Account), Fail> {
    let Some(b) = v.as_object() else {
        return Err(fail(
            70402,
            "an account is an object {UserID, Nick, FaceUrl}",
        ));
    };
    let id = text(b, "UserID").map_err(|e| fail(70402, e.info))?;
    if id.is_empty() || id.len() > USER_ID_MAX {
        return Err(fail(
            70402,
            format!("UserID must be 1 to {USER_ID_MAX} bytes"),
        ));
    }
    let mut acc = Account::default();
    for (field, slot) in [("Nick", &mut acc.nick), ("FaceUrl", &mut acc.avatar)] {
        if let Some(v) = opt_text(b, field).map_err(|e| fail(70402, e.info))? {
            if v.len() > PROFILE_VALUE_MAX {
                return Err(fail(
                    40601,
                    format!("{field} is over {PROFILE_VALUE_MAX} bytes"),
                ));
            }
            *slot = Some(v.to_string());
        }
    }
    Ok((id.to_string(), acc))
}

/// Imports (or re-imports, updating the nick and avatar given).
fn put(c: &mut Call, id: String, acc: Account) {
    let slot = c.state.accounts.entry(id).or_default();
    if acc.nick.is_some() {
        slot.nick = acc.nick;
    }
    if acc.avatar.is_some() {
        slot.avatar = acc.avatar;
    }
}

pub fn import(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let (id, acc) = account_of(&Value::Object(b.clone()))?;
    put(c, id, acc);
    Out::empty()
}

/// The new form `{AccountList: [...]}` or the legacy `{Accounts: [ID]}`;
/// an unusable entry is in `FailAccounts`, the rest are imported.
pub fn import_many(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let list: Vec<Value> = match (b.get("AccountList"), b.get("Accounts")) {
        (Some(Value::Array(a)), _) => a.clone(),
        (None, Some(Value::Array(a))) => a.iter().map(|id| json!({"UserID": id})).collect(),
        _ => {
            return Err(fail(
                70402,
                "AccountList (or Accounts) is required, as an array",
            ));
        }
    };
    if list.is_empty() || list.len() > ACCOUNTS_PER_CALL {
        return Err(fail(
            70402,
            format!("1 to {ACCOUNTS_PER_CALL} accounts a request"),
        ));
    }
    let mut failed = Vec::new();
    for v in &list {
        match account_of(v) {
            Ok((id, acc)) => put(c, id, acc),
            Err(_) => failed.push(v.get("UserID").cloned().unwrap_or(Value::Null)),
        }
    }
    Ok(Out {
        response: None,
        top: vec![("FailAccounts", json!(failed))],
    })
}

pub fn check(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let Some(Value::Array(items)) = b.get("CheckItem") else {
        return Err(fail(
            70402,
            "CheckItem is required, as an array of {UserID}",
        ));
    };
    if items.is_empty() || items.len() > ACCOUNTS_PER_CALL {
        return Err(fail(
            70402,
            format!("1 to {ACCOUNTS_PER_CALL} items a request"),
        ));
    }
    let mut out = Vec::new();
    for item in items {
        let id = item.get("UserID").and_then(Value::as_str).unwrap_or("");
        let status = if c.state.accounts.contains_key(id) {
            "Imported"
        } else {
            "NotImported"
        };
        out.push(json!({"UserID": id, "ResultCode": 0, "ResultInfo": "",
                        "AccountStatus": status}));
    }
    Ok(Out {
        response: None,
        top: vec![("ResultItem", json!(out))],
    })
}

pub fn portrait_get(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let users = accounts(b, "To_Account", ACCOUNTS_PER_CALL).map_err(|e| fail(40001, e.info))?;
    let tags: Vec<String> = match b.get("TagList") {
        Some(Value::Array(t)) => t
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => return Err(fail(40001, "TagList is required, as an array of tags")),
    };
    let items: Vec<Value> = users
        .iter()
        .map(|u| match c.state.accounts.get(u) {
            Some(acc) => {
                let profile: Vec<Value> = tags
                    .iter()
                    .filter_map(|t| {
                        let v = match t.as_str() {
                            NICK => acc.nick.clone().unwrap_or_default(),
                            IMAGE => acc.avatar.clone().unwrap_or_default(),
                            _ => return None,
                        };
                        Some(json!({"Tag": t, "Value": v}))
                    })
                    .collect();
                json!({"To_Account": u, "ProfileItem": profile, "ResultCode": 0, "ResultInfo": ""})
            }
            None => json!({"To_Account": u, "ProfileItem": [], "ResultCode": 40003,
                           "ResultInfo": format!("account \"{u}\" is not imported")}),
        })
        .collect();
    Ok(Out {
        response: None,
        top: vec![
            ("UserProfileItem", json!(items)),
            ("ErrorDisplay", json!("")),
        ],
    })
}

pub fn portrait_set(c: &mut Call, b: &Body) -> Result<Out, Fail> {
    let user = text(b, "From_Account")
        .map_err(|e| fail(40001, e.info))?
        .to_string();
    let Some(Value::Array(items)) = b.get("ProfileItem") else {
        return Err(fail(
            40001,
            "ProfileItem is required, as an array of {Tag, Value}",
        ));
    };
    let Some(acc) = c.state.accounts.get_mut(&user) else {
        return Err(fail(40003, format!("account \"{user}\" is not imported")));
    };
    let mut changed = acc.clone();
    for item in items {
        let tag = item.get("Tag").and_then(Value::as_str).unwrap_or("");
        let Some(v) = item.get("Value").and_then(Value::as_str) else {
            return Err(fail(40001, format!("{tag}: Value must be a string")));
        };
        if v.len() > PROFILE_VALUE_MAX {
            return Err(fail(
                40601,
                format!("{tag} is over {PROFILE_VALUE_MAX} bytes"),
            ));
        }
        match tag {
            NICK => changed.nick = Some(v.to_string()),
            IMAGE => changed.avatar = Some(v.to_string()),
            other => {
                return Err(bad(format!(
                    "tag \"{other}\" is not modelled by the emulator"
                )));
            }
        }
    }
    *acc = changed;
    Ok(Out {
        response: None,
        top: vec![("ErrorDisplay", json!(""))],
    })
}
