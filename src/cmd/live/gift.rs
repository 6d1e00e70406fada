//! `livectl gift count|send|add|get|remove`: gift totals of a room for
//! payouts (get_gift_count), sending a gift as a user (send_gift), and the
//! catalogue (add_gift, get_gift, del_gift: 1 call a second, paced by the
//! endpoint table). live-api.md §18.8. Categories and languages are not
//! here yet: `livectl api live_engine_http_srv/add_gift_category …` reaches
//! them.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Session;
use super::args::{RoomArg, check_id};
use super::seat::parse_user;
use crate::api::endpoint::{ADD_GIFT, DEL_GIFT, GET_GIFT, GET_GIFT_COUNT, SEND_GIFT};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Format};

#[derive(Subcommand, Debug, Clone)]
pub enum GiftCommand {
    /// Gift totals of a user in a room (get_gift_count)
    #[command(after_long_help = "Example:\n  livectl gift count live-1 --user host")]
    Count(CountArgs),
    /// Send a gift in a room as a user (send_gift)
    #[command(
        after_long_help = "Example:\n  livectl gift send live-1 --from fan7 --gift rose --count 3 --to host"
    )]
    Send(SendArgs),
    /// Add a gift to the catalogue (add_gift; 1 call a second)
    #[command(
        after_long_help = "Example:\n  livectl gift add rose --name Rose --coins 10 --icon https://cdn.example.com/rose.png"
    )]
    Add(AddArgs),
    /// A gift of the catalogue (get_gift)
    #[command(after_long_help = "Example:\n  livectl gift get rose")]
    Get(GiftIdArgs),
    /// Remove a gift from the catalogue (del_gift; a gift that is not there is no error)
    #[command(after_long_help = "Example:\n  livectl gift remove rose --yes")]
    Remove(RemoveArgs),
}

#[derive(Args, Debug, Clone)]
pub struct CountArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The user whose gifts are counted (From_Account; the pages disagree whether sent or received)
    #[arg(long, value_name = "USER", value_parser = parse_user)]
    pub user: String,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SendArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The sender
    #[arg(long, value_name = "USER", value_parser = parse_user)]
    pub from: String,
    /// The gift's ID (in the catalogue)
    #[arg(long, value_name = "ID", value_parser = parse_gift)]
    pub gift: String,
    /// How many
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub count: u32,
    /// Receivers (default: the room's owner, as the service decides)
    #[arg(long = "to", value_name = "USER", num_args = 1.., value_parser = parse_user)]
    pub to: Vec<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct AddArgs {
    /// The gift's ID (at most 20 bytes)
    #[arg(value_name = "ID", value_parser = parse_gift)]
    pub gift: String,
    /// Its name (DefaultName, at most 20 bytes)
    #[arg(long, value_name = "TEXT")]
    pub name: String,
    /// Its price in coins
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32))]
    pub coins: u32,
    /// Icon URL
    #[arg(long, value_name = "URL")]
    pub icon: Option<String>,
    /// Animation (resource) URL
    #[arg(long, value_name = "URL")]
    pub animation: Option<String>,
    /// Level
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32))]
    pub level: Option<u32>,
    /// Description (DefaultDesc)
    #[arg(long, value_name = "TEXT")]
    pub desc: Option<String>,
    /// ExtensionInfo: a JSON string of at most 100 bytes
    #[arg(long, value_name = "JSON")]
    pub extension: Option<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct GiftIdArgs {
    /// The gift's ID
    #[arg(value_name = "ID", value_parser = parse_gift)]
    pub gift: String,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RemoveArgs {
    /// The gift's ID
    #[arg(value_name = "ID", value_parser = parse_gift)]
    pub gift: String,
    /// Do not ask for confirmation; needed when stdin is not a terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// A gift ID: 1 to 20 bytes, not key-shaped.
fn parse_gift(s: &str) -> Result<String, String> {
    check_id("ID", "a gift ID", s)?;
    if s.len() > 20 {
        return Err(format!("gift ID is {} bytes; at most 20", s.len()));
    }
    Ok(s.to_string())
}

pub fn run(ctx: &Ctx, cmd: &GiftCommand) -> crate::cmd::Result<()> {
    match cmd {
        GiftCommand::Count(a) => {
            let room = a.room.id();
            let s = Session::open(ctx, a.dry_run)?;
            let body = json!({"RoomId": room, "From_Account": a.user});
            let what = format!(
                "could not count the gifts of {} in room \"{room}\"",
                output::shown(&a.user)
            );
            let Some(answer) = s.call(&GET_GIFT_COUNT, room, &body, &what)? else {
                return Ok(());
            };
            let r = super::response(&answer);
            match ctx.format() {
                Format::Json => output::print_json(&json!({
                    "room_id": room, "user": a.user, "total_count": r.get("TotalCount"),
                    "total_coins": r.get("TotalCoins"), "gift_sender_count": r.get("GiftSenderCount"),
                    "sequence": r.get("Sequence"),
                })),
                Format::Text => {
                    let n = |k: &str| r.get(k).map_or("-".to_string(), |v| v.to_string());
                    output::println(format!("Gifts:   {}", n("TotalCount")));
                    output::println(format!("Coins:   {}", n("TotalCoins")));
                    output::println(format!("Senders: {}", n("GiftSenderCount")));
                }
            }
            Ok(())
        }
        GiftCommand::Send(a) => {
            let room = a.room.id();
            let mut body = json!({"RoomId": room, "GiftId": a.gift, "Count": a.count,
                                  "From_Account": a.from});
            if !a.to.is_empty() {
                body["ReceiverList_Account"] = json!(a.to);
            }
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!(
                "the gift \"{}\" was not sent in room \"{room}\"",
                output::shown(&a.gift)
            );
            if let Some(answer) = s.call(&SEND_GIFT, room, &body, &what)? {
                crate::cmd::nouns::said(
                    ctx,
                    json!({"status": "sent", "room_id": room, "gift_id": a.gift,
                                 "count": a.count, "request_id": answer.reply.request_id}),
                    format!("sent {} × {}", a.count, output::shown(&a.gift)),
                );
            }
            Ok(())
        }
        GiftCommand::Add(a) => {
            if a.name.is_empty() || a.name.len() > 20 {
                return Err(Error::usage("--name: 1 to 20 bytes; nothing was sent").into());
            }
            if let Some(x) = &a.extension
                && (x.len() > 100 || serde_json::from_str::<Value>(x).is_err())
            {
                return Err(Error::usage(
                    "--extension: a JSON text of at most 100 bytes; nothing was sent",
                )
                .into());
            }
            let mut body = json!({"GiftId": a.gift, "DefaultName": a.name, "Coins": a.coins});
            let m = body.as_object_mut().expect("an object");
            for (k, v) in [
                ("IconUrl", &a.icon),
                ("ResourceUrl", &a.animation),
                ("DefaultDesc", &a.desc),
                ("ExtensionInfo", &a.extension),
            ] {
                if let Some(v) = v {
                    m.insert(k.into(), json!(v));
                }
            }
            if let Some(l) = a.level {
                m.insert("Level".into(), json!(l));
            }
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("gift \"{}\" was not added", output::shown(&a.gift));
            if let Some(answer) = s.call_plain(&ADD_GIFT, &body, &what)? {
                crate::cmd::nouns::said(
                    ctx,
                    json!({"status": "added", "gift_id": a.gift,
                                 "request_id": answer.reply.request_id}),
                    output::shown(&a.gift),
                );
            }
            Ok(())
        }
        GiftCommand::Get(a) => {
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("could not read gift \"{}\"", output::shown(&a.gift));
            let Some(answer) = s.call_plain(&GET_GIFT, &json!({"GiftId": a.gift}), &what)? else {
                return Ok(());
            };
            let info = answer
                .reply
                .rest
                .get("GiftInfo")
                .cloned()
                .unwrap_or(Value::Null);
            match ctx.format() {
                Format::Json => output::print_json(&json!({"gift": info})),
                Format::Text => {
                    for (label, key) in [
                        ("Gift", "GiftId"),
                        ("Name", "DefaultName"),
                        ("Coins", "Coins"),
                        ("Level", "Level"),
                        ("Icon", "IconUrl"),
                        ("Animation", "ResourceUrl"),
                        ("Description", "DefaultDesc"),
                        ("Extension", "ExtensionInfo"),
                    ] {
                        let v = match &info[key] {
                            Value::Null => "-".to_string(),
                            Value::String(s) if s.is_empty() => "-".to_string(),
                            Value::String(s) => output::shown(s).into_owned(),
                            other => other.to_string(),
                        };
                        output::println(format!("{:<12} {v}", format!("{label}:")));
                    }
                }
            }
            Ok(())
        }
        GiftCommand::Remove(a) => {
            let confirm = crate::cmd::confirm::Confirm {
                yes: a.yes,
                dry_run: a.dry_run,
            };
            let doing = format!("removing gift \"{}\"", output::shown(&a.gift));
            confirm.check(&doing)?;
            confirm.ask(
                &format!(
                    "remove gift \"{}\" from the catalogue?",
                    output::shown(&a.gift)
                ),
                &doing,
            )?;
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("gift \"{}\" was not removed", output::shown(&a.gift));
            if let Some(answer) = s.call_plain(&DEL_GIFT, &json!({"GiftId": a.gift}), &what)? {
                crate::cmd::nouns::said(
                    ctx,
                    json!({"status": "removed", "gift_id": a.gift,
                                 "request_id": answer.reply.request_id}),
                    output::shown(&a.gift),
                );
            }
            Ok(())
        }
    }
}
