//! `livectl emulator join|leave ROOM USER...`: an audience for a rehearsal.
//! Talks to a running emulator (its emulator-only `join_room`/`leave_room`
//! commands, signed like every call) with the usual credentials, so users
//! can be put on seats, muted or listed without curl. Refused before
//! anything is sent when the endpoint is not on this machine: the real
//! service has no such command.

use clap::{Args, Subcommand};
use serde_json::json;

use super::Session;
use super::args::{RoomArg, UsersArg};
use crate::api::endpoint::{EMU_JOIN_ROOM, EMU_LEAVE_ROOM};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Format};

/// The most users one join_room/leave_room call takes.
const PER_CALL: usize = 500;

#[derive(Subcommand, Debug, Clone)]
pub enum AudienceCommand {
    /// Make users members of a room on a running emulator (as their apps would)
    #[command(
        after_long_help = "Examples:\n  livectl emulator join live-1 u1 u2 u3\n  \
                                 livectl emulator join live-1 --users-from audience.txt"
    )]
    Join(AudienceArgs),
    /// Take users out of a room on a running emulator
    #[command(after_long_help = "Example:\n  livectl emulator leave live-1 u1")]
    Leave(AudienceArgs),
}

#[derive(Args, Debug, Clone)]
pub struct AudienceArgs {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the requests without sending
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, cmd: &AudienceCommand) -> crate::cmd::Result<()> {
    let (a, join) = match cmd {
        AudienceCommand::Join(a) => (a, true),
        AudienceCommand::Leave(a) => (a, false),
    };
    let room = a.room.id();
    let users = a.users.resolve()?;
    let settings = ctx.settings()?;
    let endpoint = &settings.endpoint;
    if !crate::api::is_loopback(&endpoint.value) {
        return Err(Error::usage(format!(
            "`livectl emulator {}` talks to a running `livectl emulator`, but the endpoint is \
             {} (from {}): the real service has no audience commands. Start the emulator and \
             use the `export` lines it prints; nothing was sent",
            if join { "join" } else { "leave" },
            endpoint.value,
            endpoint.source
        ))
        .into());
    }
    let s = Session::open(ctx, a.dry_run)?;
    let ep = if join {
        &EMU_JOIN_ROOM
    } else {
        &EMU_LEAVE_ROOM
    };
    let verb = if join { "joined" } else { "left" };
    let mut done = users.len() as u64;
    for chunk in users.chunks(PER_CALL) {
        let body = json!({"RoomId": room, "MemberList_Account": chunk});
        let what = format!("users were not {verb} room \"{room}\" on the emulator");
        let Some(answer) = s.call(ep, room, &body, &what)? else {
            continue;
        };
        // A banned user is not let in: the emulator lists them as Refused.
        let refused = super::strings(&super::response(&answer)["Refused"]);
        for u in chunk.iter().filter(|u| refused.contains(u)) {
            output::warn(format!(
                "{} is banned from room \"{room}\": not let in",
                output::shown(u)
            ));
            done -= 1;
        }
        for u in chunk.iter().filter(|u| !refused.contains(u)) {
            match ctx.format() {
                Format::Json | Format::Raw => output::print_json(&json!({
                    "status": verb, "room_id": room, "user": u,
                    "request_id": answer.reply.request_id,
                })),
                Format::Text => output::println(output::shown(u)),
            }
        }
    }
    if !a.dry_run {
        output::note(format!(
            "{} {verb} room \"{room}\"",
            output::plural(done, "user")
        ));
    }
    Ok(())
}
