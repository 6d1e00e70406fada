//! `livectl send ROOM ...`: a text message as a user (send_text_msg) or a
//! custom message (send_custom_msg), live-api.md §9. Prints the message's
//! `MsgSeq` and `MsgTime`. An answer with a `MsgDropReason` (e.g.
//! `MsgFreqCtrl`) means the service took the request but dropped the
//! message: a warning, and exit 5, since nobody saw it.

use clap::{ArgGroup, Args};
use serde_json::{Value, json};

use super::args::RoomArg;
use super::seat::{int, parse_user, text};
use super::time::shown;
use super::{Session, response};
use crate::api::endpoint::{SEND_CUSTOM_MSG, SEND_TEXT_MSG};
use crate::cmd::{Ctx, Stop};
use crate::error::{Error, Failure};
use crate::output::{self, Format};

#[derive(Args, Debug, Clone)]
#[command(group(ArgGroup::new("kind").required(true).args(["text", "business_id"])))]
pub struct SendArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The sender (required with --text; optional for a custom message)
    #[arg(long, value_name = "USER", value_parser = parse_user)]
    pub from: Option<String>,
    /// A text message, sent as --from
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["business_id", "data"])]
    pub text: Option<String>,
    /// JSON attached to a text message (its CloudCustomData)
    #[arg(long, value_name = "JSON", requires = "text")]
    pub extension: Option<String>,
    /// A custom message's business ID (with --data)
    #[arg(long, value_name = "ID", requires = "data")]
    pub business_id: Option<String>,
    /// A custom message's data (with --business-id)
    #[arg(long, value_name = "TEXT", requires = "business_id")]
    pub data: Option<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// The endpoint and body of the message, or why the flags do not make one.
pub fn request(a: &SendArgs) -> Result<(&'static crate::api::endpoint::Endpoint, Value), String> {
    let room = a.room.id();
    if let Some(t) = &a.text {
        let from = a.from.as_ref().ok_or(
            "--text needs --from USER: a text message is sent as a user of the room".to_string(),
        )?;
        if t.is_empty() {
            return Err("--text is empty; give the message to send".into());
        }
        let mut body = json!({"RoomId": room, "Sender_Account": from, "TextContent": t});
        if let Some(ext) = &a.extension {
            serde_json::from_str::<Value>(ext).map_err(|e| {
                format!("--extension: not JSON ({e}); write e.g. '{{\"color\":\"red\"}}'")
            })?;
            // The service takes the JSON as a string.
            body["ExtensionInfo"] = json!(ext);
        }
        return Ok((&SEND_TEXT_MSG, body));
    }
    let id = a.business_id.as_deref().unwrap_or_default();
    if id.is_empty() {
        return Err("--business-id is empty; give the ID your app knows the message by".into());
    }
    let mut body =
        json!({"RoomId": room, "BusinessId": id, "Data": a.data.as_deref().unwrap_or_default()});
    if let Some(f) = &a.from {
        body["Sender_Account"] = json!(f);
    }
    Ok((&SEND_CUSTOM_MSG, body))
}

pub fn run(ctx: &Ctx, a: &SendArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let (ep, body) = request(a).map_err(Error::usage)?;
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("the message to room \"{room}\" was not sent");
    let Some(answer) = s.call(ep, room, &body, &what)? else {
        return Ok(());
    };
    let resp = response(&answer);
    let dropped = text(&resp["MsgDropReason"]).filter(|r| !r.is_empty());
    print_receipt(ctx, room, resp, dropped.is_some(), &answer.reply.request_id);
    if let Some(reason) = dropped {
        let hint = if reason == "MsgFreqCtrl" {
            ": too many messages at once; send more slowly"
        } else {
            ""
        };
        output::warn(format!(
            "the service dropped the message to room \"{room}\": MsgDropReason {reason}{hint}"
        ));
        return Err(Stop::Refused(Failure::Dropped(format!(
            "the message to room \"{room}\" was dropped ({reason}); nobody received it (RequestId {})",
            answer.reply.request_id
        ))));
    }
    Ok(())
}

/// A message receipt, said the one way (`send`, `announce`): the `receipt`
/// noun under `-o json` (the answer's `MsgTime`, `MsgSeq`, `MsgDropReason`
/// renamed, anything else under `extra`), `MsgSeq`/`MsgTime` lines in text.
/// `fields` is the object that carries them (`Response`, or the top level
/// of a Chat answer).
pub fn print_receipt(ctx: &Ctx, room: &str, fields: &Value, dropped: bool, request_id: &str) {
    match ctx.format() {
        Format::Json => {
            let mut v = crate::cmd::nouns::entry(room, fields, crate::cmd::nouns::RECEIPT);
            let m = v.as_object_mut().expect("an object");
            m.shift_insert(
                0,
                "status".into(),
                json!(if dropped { "dropped" } else { "sent" }),
            );
            m.insert("request_id".into(), json!(request_id));
            if let Some(extra) = m.shift_remove("extra") {
                m.insert("extra".into(), extra);
            }
            output::print_json(&v);
        }
        Format::Text => {
            let show = |n: Option<i64>| n.map_or("-".to_string(), |n| n.to_string());
            output::println(format!("MsgSeq:  {}", show(int(&fields["MsgSeq"]))));
            let t = int(&fields["MsgTime"]).map_or("-".to_string(), shown);
            output::println(format!("MsgTime: {t}"));
        }
    }
}
