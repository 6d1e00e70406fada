//! `livectl announce ROOM --text TEXT [--from USER] [--priority P]`: a
//! message into the room's chat group as an admin (send_group_msg, what
//! Tencent's console's "send message" uses; GroupId is the RoomId). Its
//! answer is at the top level: `MsgTime`, `MsgSeq`, printed as a receipt.

use clap::Args;
use serde_json::json;

use super::Session;
use super::args::RoomArg;
use super::seat::parse_user;
use crate::api::endpoint::SEND_GROUP_MSG;
use crate::cmd::Ctx;
use crate::error::Error;

/// The largest message body, in bytes (12 KB, the Chat error table).
pub const TEXT_MAX: usize = 12 * 1024;

#[derive(Args, Debug, Clone)]
pub struct AnnounceArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The message text (at most 12 KB)
    #[arg(long, value_name = "TEXT")]
    pub text: String,
    /// Sender shown to the audience (an imported account); default: the admin identifier
    #[arg(long, value_name = "USER", value_parser = parse_user)]
    pub from: Option<String>,
    /// MsgPriority: high keeps it when the room's 40 messages/s are exceeded
    #[arg(long, value_name = "P", default_value = "normal", value_parser = ["high", "normal", "low"])]
    pub priority: String,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, a: &AnnounceArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    if a.text.is_empty() {
        return Err(Error::usage("--text is empty: give the message; nothing was sent").into());
    }
    if a.text.len() > TEXT_MAX {
        return Err(Error::usage(format!(
            "--text is {} bytes; a group message is at most {TEXT_MAX} bytes (12 KB); nothing was sent",
            a.text.len()
        ))
        .into());
    }
    let priority = match a.priority.as_str() {
        "high" => "High",
        "low" => "Low",
        _ => "Normal",
    };
    let mut body = json!({
        "GroupId": room,
        // Two messages with the same Random within 5 minutes are one.
        "Random": rand::random::<u32>(),
        "MsgPriority": priority,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": a.text}}],
    });
    if let Some(from) = &a.from {
        body["From_Account"] = json!(from);
    }
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("the announcement to room \"{room}\" was not sent");
    let Some(answer) = s.call(&SEND_GROUP_MSG, room, &body, &what)? else {
        return Ok(());
    };
    // Chat answers at the top level: the receipt's fields are there, and
    // the common fields (ErrorCode, …) are not kept in `rest`.
    let fields = serde_json::Value::Object(answer.reply.rest.clone());
    super::send::print_receipt(ctx, room, &fields, false, &answer.reply.request_id);
    Ok(())
}
