//! `livectl get --room-id ID`: one room's settings (get_room_info), as
//! aligned `Label: value` lines or one JSON object.

use anyhow::anyhow;
use serde_json::json;

use clap::Args;

use crate::api::endpoint::GET_ROOM_INFO;
use crate::cmd::Ctx;
use crate::cmd::args::{require_room_id, room_of};
use crate::cmd::call::Session;
use crate::cmd::view::RoomView;
use crate::output::{self, Format};

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// Room ID; or --room-id
    #[arg(value_name = "ROOM", conflicts_with = "room_id")]
    pub room: Option<String>,
    /// The room ID, as a flag (the same as ROOM)
    #[arg(long, value_name = "ID")]
    pub room_id: Option<String>,
    #[command(flatten)]
    pub watch: crate::cmd::watch::WatchArg,
}

pub fn run(ctx: &Ctx, args: &GetArgs) -> crate::cmd::Result<()> {
    let id = room_of(&args.room, &args.room_id)?;
    require_room_id(id)?;
    let title = format!("livectl get {}", output::shown(id));
    crate::cmd::watch::watch(ctx, &args.watch, &title, |ctx| once(ctx, id))
}

fn once(ctx: &Ctx, id: &str) -> crate::cmd::Result<()> {
    let session = Session::open(ctx, false)?;
    let what = format!("could not get room \"{id}\"");
    let answer = session
        .call(&GET_ROOM_INFO, id, &json!({ "RoomId": id }), &what)?
        .expect("not a dry run");
    let info = answer
        .reply
        .response
        .as_ref()
        .and_then(|r| r.get("RoomInfo"))
        .and_then(|v| v.as_object())
        .ok_or_else(|| {
            anyhow!(
                "the answer to get_room_info for room \"{id}\" has no Response.RoomInfo object; \
                 report it with the RequestId {}",
                answer.reply.request_id
            )
        })?;
    let mut view = RoomView::parse(info);
    view.ensure_room_id(id);
    match ctx.format() {
        Format::Json => output::print_json(&view.to_json()),
        Format::Text => {
            for line in view.text_lines() {
                output::println(line);
            }
        }
    }
    Ok(())
}
