//! `livectl admin list|add|remove ROOM [USER...]`: a room's admins
//! (get_admin_list, modify_admin). A room has at most 5 admins (100020), so
//! `add` reads the list first and refuses, sending nothing, when the total
//! would pass 5; adding an admin twice or removing a non-admin is skipped.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::args::{RoomArg, UsersArg};
use super::{Session, response};
use crate::api::endpoint::{GET_ADMIN_LIST, MODIFY_ADMIN};
use crate::app::Ctx;
use crate::error::Error;
use crate::output::{self, Format};

/// The most admins a room may have.
pub const ADMIN_MAX: usize = 5;

#[derive(Subcommand, Debug, Clone)]
pub enum AdminCommand {
    /// List a room's admins, one per line
    #[command(after_long_help = "Example:\n  livectl admin list live-1")]
    List(RoomArg),
    /// Make users admins of a room (at most 5 per room)
    #[command(after_long_help = "Example:\n  livectl admin add live-1 alice bob")]
    Add(Change),
    /// Take admin rights away; a user who is not an admin is skipped
    #[command(after_long_help = "Example:\n  livectl admin remove live-1 bob")]
    Remove(Change),
}

#[derive(Args, Debug, Clone)]
pub struct Change {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the request without sending (the current admins are not read)
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, cmd: &AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::List(r) => {
            let s = Session::open(ctx, false)?;
            let admins = list(&s, &r.room)?.unwrap_or_default();
            match ctx.format() {
                Format::Json => output::print_json(&json!({"room_id": r.room, "admins": admins})),
                Format::Text => admins.iter().for_each(output::println),
            }
            Ok(())
        }
        AdminCommand::Add(c) => change(ctx, c, true),
        AdminCommand::Remove(c) => change(ctx, c, false),
    }
}

/// The admins of `room`; `None` in a dry run.
fn list(s: &Session, room: &str) -> anyhow::Result<Option<Vec<String>>> {
    let what = format!("could not list the admins of room \"{room}\"");
    let Some(answer) = s.call(&GET_ADMIN_LIST, room, &json!({ "RoomId": room }), &what)? else {
        return Ok(None);
    };
    Ok(Some(strings(&response(&answer)["Admin_Account"])))
}

fn change(ctx: &Ctx, c: &Change, add: bool) -> anyhow::Result<()> {
    let room = &c.room.room;
    let mut users = c.users.resolve()?;
    let s = Session::open(ctx, c.dry_run)?;
    // A dry run reads nothing: it shows only the change it would send.
    let current = if c.dry_run { None } else { list(&s, room)? };
    if let Some(admins) = current {
        let (skip, keep): (Vec<String>, Vec<String>) =
            users.into_iter().partition(|u| admins.contains(u) == add);
        for u in &skip {
            let why = if add {
                "is already an admin"
            } else {
                "is not an admin"
            };
            output::note(format!("{u} {why} of room \"{room}\": skipped"));
        }
        users = keep;
        if add && admins.len() + users.len() > ADMIN_MAX {
            return Err(Error::usage(format!(
                "room \"{room}\" has {} admins ({}); adding {} would pass the limit of {ADMIN_MAX}: \
                 remove some first (livectl admin remove {room} USER); nothing was sent",
                admins.len(),
                admins.join(", "),
                users.len()
            )));
        }
    } else if add && users.len() > ADMIN_MAX {
        return Err(Error::usage(format!(
            "{} users given; a room has at most {ADMIN_MAX} admins",
            users.len()
        )));
    }
    if users.is_empty() {
        return Ok(());
    }
    let op = if add { "add" } else { "delete" };
    let body = json!({ "RoomId": room, "Admin_Account": users, "OpType": op });
    let verb = if add {
        "added as admins"
    } else {
        "removed as admins"
    };
    let what = format!("users were not {verb} of room \"{room}\"");
    if let Some(answer) = s.call(&MODIFY_ADMIN, room, &body, &what)? {
        match ctx.format() {
            Format::Json => output::print_json(&json!({
                "status": if add { "added" } else { "removed" },
                "room_id": room, "users": users, "request_id": answer.reply.request_id,
            })),
            Format::Text => users.iter().for_each(output::println),
        }
    }
    Ok(())
}

/// The strings of a JSON array; anything else is empty.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}
