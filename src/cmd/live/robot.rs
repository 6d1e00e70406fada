//! `livectl robot list|add|remove ROOM [USER...]`: a room's robot accounts
//! (get_robot, add_robot, del_robot; 100/s, from the endpoint table). A
//! room has at most 3 robots, so `add` reads the list first and refuses,
//! sending nothing, when the total would pass 3; adding a robot twice or
//! removing a user who is not one is skipped.

use clap::{Args, Subcommand};
use serde_json::json;

use super::args::{RoomArg, UsersArg};
use super::roster::Roster;
use crate::api::endpoint::{ADD_ROBOT, DEL_ROBOT, GET_ROBOT};
use crate::cmd::Ctx;

pub use crate::limits::ROBOT_MAX;

const ROBOTS: Roster = Roster {
    noun: "robot",
    a_noun: "a robot",
    max: ROBOT_MAX,
    read: &GET_ROBOT,
    key: "RobotList_Account",
    change: |room, users, add| {
        let ep = if add { &ADD_ROBOT } else { &DEL_ROBOT };
        (ep, json!({ "RoomId": room, "RobotList_Account": users }))
    },
};

#[derive(Subcommand, Debug, Clone)]
pub enum RobotCommand {
    /// List a room's robots, one per line
    #[command(after_long_help = "Example:\n  livectl robot list live-1")]
    List(ListArgs),
    /// Put robot accounts (imported users) into a room (at most 3 per room)
    #[command(after_long_help = "Example:\n  livectl robot add live-1 live_obs_host1")]
    Add(Change),
    /// Take robots out of a room; a user who is not a robot is skipped
    #[command(after_long_help = "Example:\n  livectl robot remove live-1 live_obs_host1")]
    Remove(Change),
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct Change {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the request without sending (the current robots are not read)
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, cmd: &RobotCommand) -> crate::cmd::Result<()> {
    match cmd {
        RobotCommand::List(a) => ROBOTS.list(ctx, a.room.id(), a.dry_run),
        RobotCommand::Add(c) => ROBOTS.change(ctx, c.room.id(), &c.users, c.dry_run, true),
        RobotCommand::Remove(c) => ROBOTS.change(ctx, c.room.id(), &c.users, c.dry_run, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robot_calls_are_in_the_100_per_second_class() {
        for ep in [GET_ROBOT, ADD_ROBOT, DEL_ROBOT] {
            assert_eq!(ep.per_second, 100, "{}", ep.path);
            assert_eq!(ep.interval(), std::time::Duration::from_millis(10));
        }
    }
}
