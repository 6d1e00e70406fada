//! `livectl admin list|add|remove ROOM [USER...]`: a room's admins
//! (get_admin_list, modify_admin), at most 5 (100020). The shared shape of
//! list, add and remove is [`Roster`].

use clap::{Args, Subcommand};
use serde_json::json;

use super::args::{RoomArg, UsersArg};
use super::roster::Roster;
use crate::api::endpoint::{GET_ADMIN_LIST, MODIFY_ADMIN};
use crate::cmd::Ctx;

pub use crate::limits::ADMIN_MAX;

const ADMINS: Roster = Roster {
    noun: "admin",
    a_noun: "an admin",
    max: ADMIN_MAX,
    read: &GET_ADMIN_LIST,
    key: "Admin_Account",
    change: |room, users, add| {
        let op = if add { "add" } else { "delete" };
        let body = json!({ "RoomId": room, "Admin_Account": users, "OpType": op });
        (&MODIFY_ADMIN, body)
    },
};

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

pub fn run(ctx: &Ctx, cmd: &AdminCommand) -> crate::cmd::Result<()> {
    match cmd {
        AdminCommand::List(r) => ADMINS.list(ctx, r.id(), false),
        AdminCommand::Add(c) => ADMINS.change(ctx, c.room.id(), &c.users, c.dry_run, true),
        AdminCommand::Remove(c) => ADMINS.change(ctx, c.room.id(), &c.users, c.dry_run, false),
    }
}
