//! `livectl transfer ROOM --to USER`: hands a room to another owner
//! (change_room_owner, live-api.md §3.7). It cannot be undone by the old
//! owner, so it asks y/N on a terminal and needs `--yes` off one; a
//! declined prompt sends nothing and exits 1. The current owner is read
//! first (not under `--dry-run`): a room the user owns already is left alone.

use clap::Args;
use serde_json::json;

use super::args::RoomArg;
use super::seat::{parse_user, text};
use super::{Session, response};
use crate::api::endpoint::{CHANGE_ROOM_OWNER, GET_ROOM_INFO};
use crate::cmd::Ctx;
use crate::cmd::confirm::Confirm;
use crate::output::{self, Format};

#[derive(Args, Debug, Clone)]
pub struct TransferArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The new owner (an imported user)
    #[arg(long, value_name = "USER", value_parser = parse_user)]
    pub to: String,
    /// Do not ask (needed when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the request without sending (nothing is read, nothing asked)
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, a: &TransferArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let confirm = Confirm {
        yes: a.yes,
        dry_run: a.dry_run,
    };
    let doing = format!("transferring room \"{room}\" to {}", output::shown(&a.to));
    confirm.check(&doing)?;
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("could not read room \"{room}\"");
    // A dry run reads nothing: it shows only the change.
    let read = if a.dry_run {
        None
    } else {
        s.call(&GET_ROOM_INFO, room, &json!({ "RoomId": room }), &what)?
    };
    let owner = read.and_then(|answer| text(&response(&answer)["RoomInfo"]["Owner_Account"]));
    if owner.as_deref() == Some(a.to.as_str()) {
        output::note(format!(
            "{} owns room \"{room}\" already: nothing to do",
            a.to
        ));
        if ctx.format() == Format::Json {
            output::print_json(&json!({"status": "unchanged", "room_id": room, "owner": a.to}));
        }
        return Ok(());
    }
    let from = owner
        .as_deref()
        .map(|o| format!(" from {}", output::shown(o)))
        .unwrap_or_default();
    confirm.ask(
        &format!(
            "transfer room \"{room}\"{from} to {}?",
            output::shown(&a.to)
        ),
        &format!("transfer of room \"{room}\""),
    )?;
    let body = json!({"RoomId": room, "NewOwner_Account": a.to});
    let what = format!("room \"{room}\" was not transferred to {}", a.to);
    if let Some(answer) = s.call(&CHANGE_ROOM_OWNER, room, &body, &what)? {
        match ctx.format() {
            Format::Json => output::print_json(&json!({
                "status": "transferred", "room_id": room, "owner": a.to,
                "previous_owner": owner, "request_id": answer.reply.request_id,
            })),
            Format::Text => output::println(&a.to),
        }
    }
    Ok(())
}
