//! `livectl member list|ban|unban|banned|mute|unmute|muted ROOM …`: the
//! audience of a room (get_member_list), bans (ban_member, unban_member,
//! get_banned_member_list) and chat mutes (mute_member,
//! get_muted_member_list). The clap types and the checks made before
//! anything is sent are here; the reads and their tables are in `lists`,
//! the writes, split into calls of 20 users, in `moderate`.

mod lists;
mod moderate;

use clap::{Args, Subcommand};
use std::time::Duration;

use super::args::{RoomArg, UsersArg, parse_duration};
use crate::cmd::Ctx;
use crate::error::Error;

pub use lists::until_lines;
pub use moderate::{PER_CALL, names};

/// The longest `Reason` of a ban, in bytes.
pub use crate::limits::REASON_MAX;

#[derive(Subcommand, Debug, Clone)]
pub enum MemberCommand {
    /// List the users in a room (the service refreshes the list about every 40 s, at most 1000)
    #[command(after_long_help = "Examples:\n  livectl member list live-1\n  \
                                 livectl member list live-1 --limit 50 -o json")]
    List(ListArgs),
    /// Kick users out of a room and keep them out for a while (20 users per call)
    #[command(
        after_long_help = "Examples:\n  livectl member ban live-1 troll42 --for 1h \
                                 --reason \"spam links\"\n  \
                                 livectl member ban live-1 --users-from trolls.txt --for 7d"
    )]
    Ban(BanArgs),
    /// Lift bans; a user who is not banned is skipped
    #[command(after_long_help = "Example:\n  livectl member unban live-1 troll42")]
    Unban(Change),
    /// List the banned users of a room and when each ban ends
    #[command(after_long_help = "Example:\n  livectl member banned live-1")]
    Banned(ReadArgs),
    /// Stop users from sending chat messages for a while; they stay in the room
    #[command(after_long_help = "Example:\n  livectl member mute live-1 spammer7 --for 10m")]
    Mute(MuteArgs),
    /// Let muted users chat again
    #[command(after_long_help = "Example:\n  livectl member unmute live-1 spammer7")]
    Unmute(Change),
    /// List the muted users of a room and when each mute ends
    #[command(after_long_help = "Example:\n  livectl member muted live-1")]
    Muted(ReadArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the (first) request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Show at most N members (stops paging once N are read)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Print the (first) request without sending
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub watch: crate::cmd::watch::WatchArg,
}

#[derive(Args, Debug, Clone)]
pub struct BanArgs {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// How long the ban lasts: 90s, 10m, 1h, 7d (a unit is required; at most 365d)
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Duration,
    /// Why, as the service records it (at most 200 bytes)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Print the requests without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct MuteArgs {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// How long the mute lasts: 90s, 10m, 1h, 7d (a unit is required; at most 365d)
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Duration,
    /// Print the requests without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct Change {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the requests without sending (for unban, the banned list is not read)
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, cmd: &MemberCommand) -> crate::cmd::Result<()> {
    match cmd {
        MemberCommand::List(a) => {
            let title = format!("livectl member list {}", crate::output::shown(a.room.id()));
            crate::cmd::watch::watch(ctx, &a.watch, &title, |ctx| lists::members(ctx, a))
        }
        MemberCommand::Banned(a) => lists::banned(ctx, a),
        MemberCommand::Muted(a) => lists::muted(ctx, a),
        MemberCommand::Ban(a) => {
            if let Some(r) = &a.reason {
                check_reason(r)?;
            }
            moderate::ban(ctx, a)
        }
        MemberCommand::Unban(a) => moderate::unban(ctx, a),
        MemberCommand::Mute(a) => moderate::mute(ctx, a),
        MemberCommand::Unmute(a) => moderate::unmute(ctx, a),
    }
}

/// `--reason`: at most [`REASON_MAX`] bytes.
pub fn check_reason(reason: &str) -> crate::cmd::Result<()> {
    if reason.len() > REASON_MAX {
        return Err(Error::usage(format!(
            "--reason: is {} bytes; a ban reason is at most {REASON_MAX} bytes: shorten it; \
             nothing was sent",
            reason.len()
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_at_most_200_bytes() {
        assert!(check_reason(&"x".repeat(200)).is_ok());
        let e = check_reason(&"x".repeat(201)).unwrap_err().to_string();
        assert!(
            e.contains("201 bytes") && e.contains("nothing was sent"),
            "{e}"
        );
        // Bytes, not characters: 67 three-byte characters are 201 bytes.
        assert!(check_reason(&"禁".repeat(67)).is_err());
    }
}
