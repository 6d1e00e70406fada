//! `livectl user import|check|get|set`: the app's accounts (live-api.md
//! §18.5). A room's owner, its robots and a message's sender must be
//! imported accounts; these import them (account_import for one,
//! multiaccount_import for many, 100 a call, `FailAccounts` per user), say
//! whether they are (account_check), and read or write their nickname and
//! avatar (portrait_get, portrait_set). Re-importing an account succeeds
//! (and updates its nick and avatar). 70102 is not "exists" (§18.5): it is
//! a failure like any other.

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use crate::api::endpoint::{
    ACCOUNT_CHECK, ACCOUNT_IMPORT, Endpoint, MULTIACCOUNT_IMPORT, PORTRAIT_GET, PORTRAIT_SET,
};
use crate::cmd::call::Session;
use crate::cmd::live::args::{UsersArg, check_user};
use crate::cmd::{Ctx, Stop};
use crate::error::{Error, Failure};
use crate::limits::{ACCOUNTS_PER_CALL, PROFILE_VALUE_MAX};
use crate::output::{self, Format, shown};
use crate::settle::{Answer, Failed};

const NICK: &str = "Tag_Profile_IM_Nick";
const IMAGE: &str = "Tag_Profile_IM_Image";

#[derive(Subcommand, Debug, Clone)]
pub enum UserCommand {
    /// Import accounts (re-importing one succeeds and updates its nick and avatar)
    #[command(
        after_long_help = "Examples:\n  livectl user import host --nick \"Host\"\n  livectl user import --users-from robots.txt"
    )]
    Import(ImportArgs),
    /// Say whether each account is imported
    #[command(after_long_help = "Example:\n  livectl user check host bot1")]
    Check(ReadArgs),
    /// Show each account's nickname and avatar
    #[command(after_long_help = "Example:\n  livectl user get host")]
    Get(ReadArgs),
    /// Change an account's nickname or avatar
    #[command(after_long_help = "Example:\n  livectl user set host --nick \"The host\"")]
    Set(SetArgs),
}

/// The nickname and avatar flags of import and set.
#[derive(Args, Debug, Clone, Default)]
pub struct Portrait {
    /// Nickname (Tag_Profile_IM_Nick; at most 500 bytes)
    #[arg(long, value_name = "N")]
    pub nick: Option<String>,
    /// Avatar URL (Tag_Profile_IM_Image; at most 500 bytes)
    #[arg(long, value_name = "URL")]
    pub avatar: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    #[command(flatten)]
    pub users: UsersArg,
    #[command(flatten)]
    pub portrait: Portrait,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SetArgs {
    /// The account
    #[arg(value_name = "USER", value_parser = parse_user)]
    pub user: String,
    #[command(flatten)]
    pub portrait: Portrait,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_user(s: &str) -> Result<String, String> {
    check_user(s).map(|()| s.to_string())
}

pub fn run(ctx: &Ctx, cmd: &UserCommand) -> crate::cmd::Result<()> {
    match cmd {
        UserCommand::Import(a) => import(ctx, a),
        UserCommand::Check(a) => check(ctx, a),
        UserCommand::Get(a) => get(ctx, a),
        UserCommand::Set(a) => set(ctx, a),
    }
}

impl Portrait {
    /// The values given, checked (40601 before sending): (tag, value).
    fn items(&self) -> crate::cmd::Result<Vec<(&'static str, &str)>> {
        let mut out = Vec::new();
        for (flag, tag, v) in [
            ("--nick", NICK, &self.nick),
            ("--avatar", IMAGE, &self.avatar),
        ] {
            if let Some(v) = v {
                if v.len() > PROFILE_VALUE_MAX {
                    return Err(Error::usage(format!(
                        "{flag} is {} bytes; the service takes at most {PROFILE_VALUE_MAX}",
                        v.len()
                    ))
                    .into());
                }
                out.push((tag, v.as_str()));
            }
        }
        Ok(out)
    }
}

fn import(ctx: &Ctx, a: &ImportArgs) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let items = a.portrait.items()?;
    let s = Session::open(ctx, a.dry_run)?;
    let account = |u: &str| {
        let mut m = Map::new();
        m.insert("UserID".into(), json!(u));
        for (tag, v) in &items {
            let key = if *tag == NICK { "Nick" } else { "FaceUrl" };
            m.insert(key.into(), json!(v));
        }
        Value::Object(m)
    };
    if let [one] = users.as_slice() {
        let body = account(one);
        return match s.send(&ACCOUNT_IMPORT, &body) {
            Ok(None) => Ok(()),
            Ok(Some(answer)) => {
                done(ctx, "imported", one, &answer);
                Ok(())
            }
            Err(f) => Err(refused(ctx, &f, &users, &[], "not imported")),
        };
    }
    let mut failed = Vec::new();
    for (i, chunk) in users.chunks(ACCOUNTS_PER_CALL).enumerate() {
        let body = json!({ "AccountList": chunk.iter().map(|u| account(u)).collect::<Vec<_>>() });
        let answer = match s.send(&MULTIACCOUNT_IMPORT, &body) {
            Ok(None) => continue,
            Ok(Some(answer)) => answer,
            Err(f) => {
                let rest = &users[((i + 1) * ACCOUNTS_PER_CALL).min(users.len())..];
                return Err(refused(ctx, &f, chunk, rest, "not imported"));
            }
        };
        let fails: Vec<String> = answer.reply.rest["FailAccounts"]
            .as_array()
            .map(|a| a.iter().map(id_text).collect())
            .unwrap_or_default();
        for u in chunk {
            if fails.contains(u) {
                failed.push(u.clone());
                if ctx.format() == Format::Json {
                    output::print_json(&json!({"status": "failed", "user": u,
                        "error_info": "listed in FailAccounts",
                        "request_id": answer.reply.request_id}));
                }
            } else {
                done(ctx, "imported", u, &answer);
            }
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = failed.iter().map(|u| format!("\"{}\"", shown(u))).collect();
    Err(Stop::Refused(Failure::Dropped(format!(
        "the service did not import {} ({}; FailAccounts); check them with `livectl user check`",
        output::plural(failed.len() as u64, "account"),
        names.join(", ")
    ))))
}

fn check(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let s = Session::open(ctx, a.dry_run)?;
    let mut rows = vec![vec!["USER".to_string(), "STATUS".to_string()]];
    let mut failed = Vec::new();
    for (i, chunk) in users.chunks(ACCOUNTS_PER_CALL).enumerate() {
        let body =
            json!({ "CheckItem": chunk.iter().map(|u| json!({"UserID": u})).collect::<Vec<_>>() });
        let Some(answer) = read(&s, &ACCOUNT_CHECK, &body, &users, i, "not checked")? else {
            continue;
        };
        for item in answer.reply.rest["ResultItem"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let user = id_text(&item["UserID"]);
            let code = item["ResultCode"].as_i64().unwrap_or(0);
            let status = item["AccountStatus"].as_str().unwrap_or("");
            let line = user_line(&user, item, &[("AccountStatus", "account_status")]);
            let (line, text) = if code != 0 {
                failed.push(user.clone());
                (with_failure(line, item), format!("failed: {code}"))
            } else {
                let imported = status == "Imported";
                let mut line = line;
                line["imported"] = json!(imported);
                (
                    line,
                    if imported { "imported" } else { "not imported" }.to_string(),
                )
            };
            match ctx.format() {
                Format::Json => output::print_json(&line),
                // The table escapes each cell (`output::Table`).
                Format::Text => rows.push(vec![user.clone(), text]),
            }
        }
    }
    if ctx.format() == Format::Text && rows.len() > 1 {
        output::columns(&rows).iter().for_each(output::println);
    }
    per_user_failures(&failed, "checked")
}

fn get(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let users = a.users.resolve()?;
    let s = Session::open(ctx, a.dry_run)?;
    let mut rows = vec![vec!["USER".into(), "NICK".into(), "AVATAR".into()]];
    let mut failed = Vec::new();
    for (i, chunk) in users.chunks(ACCOUNTS_PER_CALL).enumerate() {
        let body = json!({ "To_Account": chunk, "TagList": [NICK, IMAGE] });
        let Some(answer) = read(&s, &PORTRAIT_GET, &body, &users, i, "not read")? else {
            continue;
        };
        for item in answer.reply.rest["UserProfileItem"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let user = id_text(&item["To_Account"]);
            let code = item["ResultCode"].as_i64().unwrap_or(0);
            let mut line = user_line(&user, item, &[]);
            let tag = |t: &str| {
                item["ProfileItem"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["Tag"] == t)
                    .map(|p| p["Value"].clone())
            };
            if code != 0 {
                failed.push(user.clone());
                line = with_failure(line, item);
            } else {
                for (key, t) in [("nick", NICK), ("avatar", IMAGE)] {
                    if let Some(v) = tag(t) {
                        line[key] = v;
                    }
                }
            }
            match ctx.format() {
                Format::Json => output::print_json(&line),
                Format::Text => {
                    // The table escapes each cell and shows "" as `-`.
                    let cell = |k: &str| match &line[k] {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    let nick = if code != 0 {
                        format!("failed: {code}")
                    } else {
                        cell("nick")
                    };
                    rows.push(vec![user.clone(), nick, cell("avatar")]);
                }
            }
        }
    }
    if ctx.format() == Format::Text && rows.len() > 1 {
        output::columns(&rows).iter().for_each(output::println);
    }
    per_user_failures(&failed, "read")
}

fn set(ctx: &Ctx, a: &SetArgs) -> crate::cmd::Result<()> {
    let items = a.portrait.items()?;
    if items.is_empty() {
        return Err(Error::usage("nothing to set: give --nick N and/or --avatar URL").into());
    }
    let s = Session::open(ctx, a.dry_run)?;
    let profile: Vec<Value> = items
        .iter()
        .map(|(tag, v)| json!({"Tag": tag, "Value": v}))
        .collect();
    let body = json!({"From_Account": a.user, "ProfileItem": profile});
    match s.send(&PORTRAIT_SET, &body) {
        Ok(None) => Ok(()),
        Ok(Some(answer)) => {
            done(ctx, "updated", &a.user, &answer);
            Ok(())
        }
        Err(f) => Err(refused(
            ctx,
            &f,
            std::slice::from_ref(&a.user),
            &[],
            "not updated",
        )),
    }
}

/// One read call of chunk `i` of `users`; a failure is reported for its
/// users and those after it.
fn read(
    s: &Session,
    ep: &Endpoint,
    body: &Value,
    users: &[String],
    i: usize,
    verb: &str,
) -> crate::cmd::Result<Option<Answer>> {
    let start = i * ACCOUNTS_PER_CALL;
    let end = (start + ACCOUNTS_PER_CALL).min(users.len());
    s.send(ep, body)
        .map_err(|f| refused(s.ctx(), &f, &users[start..end], &users[end..], verb))
}

/// A user's success line (`result` noun) and its text.
fn done(ctx: &Ctx, status: &str, user: &str, answer: &Answer) {
    crate::cmd::nouns::said(
        ctx,
        json!({"status": status, "user": user,
               "request_id": answer.reply.request_id, "attempts": answer.attempts}),
        format!("{} {status}", shown(user)),
    );
}

/// The `user` noun of an answer's item: `user`, the `renames`, the rest of
/// the item (minus what is modelled) under `extra`.
fn user_line(user: &str, item: &Value, renames: &[(&str, &str)]) -> Value {
    let modelled = [
        "UserID",
        "To_Account",
        "ResultCode",
        "ResultInfo",
        "ProfileItem",
    ];
    let mut line = json!({ "user": user });
    let mut extra = Map::new();
    if let Value::Object(m) = item {
        for (k, v) in m {
            if let Some((_, key)) = renames.iter().find(|(api, _)| api == k) {
                line[*key] = v.clone();
            } else if !modelled.contains(&k.as_str()) {
                extra.insert(k.clone(), v.clone());
            }
        }
    }
    if !extra.is_empty() {
        line["extra"] = Value::Object(extra);
    }
    line
}

fn with_failure(mut line: Value, item: &Value) -> Value {
    line["error_code"] = item["ResultCode"].clone();
    line["error_info"] = json!(item["ResultInfo"].as_str().unwrap_or(""));
    line
}

fn per_user_failures(failed: &[String], verb: &str) -> crate::cmd::Result<()> {
    if failed.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = failed.iter().map(|u| format!("\"{}\"", shown(u))).collect();
    Err(Stop::Refused(Failure::Dropped(format!(
        "{} not {verb} ({}): see each one's ResultCode with -o json",
        output::plural(failed.len() as u64, "account"),
        names.join(", ")
    ))))
}

/// A failed call: under `-o json` a failure line for each of its users and
/// a `skipped` line for each not sent; the refusal names them.
fn refused(ctx: &Ctx, f: &Failed, chunk: &[String], rest: &[String], verb: &str) -> Stop {
    if ctx.format() == Format::Json {
        let record = f.record("").output_json();
        for u in chunk {
            let mut line = record.clone();
            let m = line.as_object_mut().expect("object");
            m.shift_remove("room_id");
            m.shift_insert(1, "user".into(), json!(u));
            output::print_json(&line);
        }
        for u in rest {
            output::print_json(&json!({"status": "skipped", "user": u,
                "reason": "not sent: an earlier call failed"}));
        }
    }
    if !rest.is_empty() {
        let names: Vec<String> = rest.iter().map(|u| format!("\"{}\"", shown(u))).collect();
        output::note(format!(
            "not sent, after the failure below: {}",
            names.join(", ")
        ));
    }
    let names: Vec<String> = chunk.iter().map(|u| format!("\"{}\"", shown(u))).collect();
    let what = match chunk {
        [one] => format!("account \"{}\" {verb}", shown(one)),
        _ => format!("accounts {} {verb}", names.join(", ")),
    };
    Stop::Refused(f.error(&what))
}

/// An ID as text: a string as is, a number in decimal.
fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
