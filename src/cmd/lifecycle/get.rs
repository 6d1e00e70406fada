//! `livectl get --room-id ID`: one room's settings (get_room_info), as
//! aligned `Label: value` lines or one JSON object.

use anyhow::anyhow;
use serde_json::json;

use super::view::RoomView;
use super::{fail, require_room_id, settle};
use crate::api::retry::NoPacer;
use crate::app::Ctx;
use crate::cli::GetArgs;
use crate::output::{self, Format};

pub fn run(ctx: &Ctx, args: &GetArgs) -> anyhow::Result<()> {
    let id = crate::cli::room_of(&args.room, &args.room_id)?;
    require_room_id(id)?;
    let settings = ctx.settings()?;
    let client = ctx.client(&settings)?;
    let out = client.execute(
        "get_room_info",
        &json!({ "RoomId": id }),
        ctx.policy(),
        &NoPacer,
        false,
    );
    let answer =
        settle(out).map_err(|f| fail(ctx, id, &f, &format!("could not get room \"{id}\"")))?;
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
