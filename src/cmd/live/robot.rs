//! `livectl robot list|add|remove ROOM [USER...]`: a room's robot accounts
//! (get_robot, add_robot, del_robot; 100/s, from the endpoint table). A
//! room has at most 3 robots, so `add` reads the list first and refuses,
//! sending nothing, when the total would pass 3; adding a robot twice or
//! removing a user who is not one is skipped.

use clap::{Args, Subcommand};
use serde_json::json;

use super::admin::strings;
use super::args::{RoomArg, UsersArg};
use super::member::optional_read;
use super::{Session, response};
use crate::api::endpoint::{ADD_ROBOT, DEL_ROBOT, GET_ROBOT};
use crate::app::Ctx;
use crate::error::Error;
use crate::output::{self, Format};
use crate::settle::Failed;

/// The most robots a room may have.
pub const ROBOT_MAX: usize = 3;

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

pub fn run(ctx: &Ctx, cmd: &RobotCommand) -> anyhow::Result<()> {
    match cmd {
        RobotCommand::List(a) => {
            let room = &a.room.room;
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("could not list the robots of room \"{room}\"");
            let Some(robots) =
                list(&s, room).map_err(|f| crate::cmd::lifecycle::fail(ctx, room, &f, &what))?
            else {
                return Ok(());
            };
            match ctx.format() {
                Format::Json => output::print_json(&json!({"room_id": room, "robots": robots})),
                Format::Text => robots.iter().for_each(output::println),
            }
            Ok(())
        }
        RobotCommand::Add(c) => change(ctx, c, true),
        RobotCommand::Remove(c) => change(ctx, c, false),
    }
}

/// The robots of `room`; `None` in a dry run.
fn list(s: &Session, room: &str) -> Result<Option<Vec<String>>, Failed> {
    let answer = s.send(&GET_ROBOT, &json!({ "RoomId": room }))?;
    Ok(answer.map(|a| strings(&response(&a)["RobotList_Account"])))
}

fn change(ctx: &Ctx, c: &Change, add: bool) -> anyhow::Result<()> {
    let room = &c.room.room;
    let mut users = c.users.resolve()?;
    if add && users.len() > ROBOT_MAX {
        return Err(Error::usage(format!(
            "{} users given; a room has at most {ROBOT_MAX} robots; nothing was sent",
            users.len()
        )));
    }
    let s = Session::open(ctx, c.dry_run)?;
    let what = format!("the robots of room \"{room}\"");
    // A dry run prints only the change.
    let robots = if s.dry_run() {
        None
    } else {
        optional_read(&s, room, list(&s, room), &what)?
    };
    if let Some(robots) = robots {
        let (skip, keep): (Vec<String>, Vec<String>) =
            users.into_iter().partition(|u| robots.contains(u) == add);
        for u in &skip {
            let why = if add {
                "is already a robot"
            } else {
                "is not a robot"
            };
            output::note(format!("{u} {why} of room \"{room}\": skipped"));
        }
        users = keep;
        if add && !users.is_empty() && robots.len() + users.len() > ROBOT_MAX {
            return Err(Error::usage(format!(
                "room \"{room}\" has {} robots ({}); adding {} would pass the limit of \
                 {ROBOT_MAX}: remove some first (livectl robot remove {room} USER); nothing was sent",
                robots.len(),
                robots.join(", "),
                users.len()
            )));
        }
    }
    if users.is_empty() {
        return Ok(());
    }
    let (ep, verb, status) = if add {
        (&ADD_ROBOT, "added as robots to", "added")
    } else {
        (&DEL_ROBOT, "removed as robots from", "removed")
    };
    let body = json!({ "RoomId": room, "RobotList_Account": users });
    let what = format!("users were not {verb} room \"{room}\"");
    if let Some(answer) = s.call(ep, room, &body, &what)? {
        match ctx.format() {
            Format::Json => output::print_json(&json!({
                "status": status, "room_id": room, "users": users,
                "request_id": answer.reply.request_id, "attempts": answer.attempts,
            })),
            Format::Text => users.iter().for_each(output::println),
        }
    }
    Ok(())
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
