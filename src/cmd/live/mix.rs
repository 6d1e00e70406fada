//! `livectl mix resume ROOM` (resume_mcu_task: the break-glass button when
//! the mixed stream dies mid-show) and `livectl mix set ROOM --grid |
//! --layout FILE` (set_mix_stream, co-host layouts; 20/s). Mixing needs a
//! room created with `IsUnlimitedRoomEnabled: true`, which `create` sends by
//! default.

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::PathBuf;

use super::Session;
use super::args::RoomArg;
use crate::api::endpoint::{RESUME_MCU_TASK, SET_MIX_STREAM};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output;

#[derive(Subcommand, Debug, Clone)]
pub enum MixCommand {
    /// Restart the room's mixing task (resume_mcu_task)
    #[command(after_long_help = "Example:\n  livectl mix resume live-1")]
    Resume(MixResumeArgs),
    /// Set the mixed stream's layout (set_mix_stream): the built-in grid, or a custom layout from a JSON file
    #[command(after_long_help = "Examples:\n  livectl mix set live-1 --grid\n  \
                                 livectl mix set live-1 --layout cohost.json   # {\"VideoEncode\":{…},\"LayoutInfo\":{\"LayoutList\":[…]}}")]
    Set(MixSetArgs),
}

#[derive(Args, Debug, Clone)]
pub struct MixResumeArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
#[command(group(clap::ArgGroup::new("layout_kind").required(true).args(["grid", "layout"])))]
pub struct MixSetArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The built-in nine-grid layout (LayoutMode 0)
    #[arg(long)]
    pub grid: bool,
    /// A custom layout (LayoutMode 1000): a JSON object with LayoutInfo (and VideoEncode)
    #[arg(long, value_name = "FILE")]
    pub layout: Option<PathBuf>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// The most bytes of a layout file.
const LAYOUT_MAX: u64 = 256 << 10;

pub fn run(ctx: &Ctx, cmd: &MixCommand) -> crate::cmd::Result<()> {
    match cmd {
        MixCommand::Resume(a) => {
            let room = a.room.id();
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("the mixing task of room \"{room}\" was not resumed");
            if let Some(answer) = s.call(&RESUME_MCU_TASK, room, &json!({"RoomId": room}), &what)? {
                done(ctx, room, "resumed", &answer.reply.request_id);
            }
            Ok(())
        }
        MixCommand::Set(a) => {
            let room = a.room.id();
            let body = match &a.layout {
                None => json!({"RoomId": room, "LayoutMode": 0}),
                Some(path) => {
                    let mut body = read_layout(path)?;
                    body.insert("RoomId".into(), json!(room));
                    body.insert("LayoutMode".into(), json!(1000));
                    Value::Object(body)
                }
            };
            let s = Session::open(ctx, a.dry_run)?;
            let what = format!("the mix layout of room \"{room}\" was not set");
            if let Some(answer) = s.call(&SET_MIX_STREAM, room, &body, &what)? {
                done(ctx, room, "mix set", &answer.reply.request_id);
            }
            Ok(())
        }
    }
}

/// A layout file: a JSON object holding `LayoutInfo.LayoutList` (a list).
pub fn read_layout(path: &PathBuf) -> crate::cmd::Result<serde_json::Map<String, Value>> {
    use std::io::Read;
    let name = path.display().to_string();
    let f = std::fs::File::open(path)
        .map_err(|e| Error::usage(format!("--layout: cannot read {name}: {e}")))?;
    let mut text = String::new();
    f.take(LAYOUT_MAX)
        .read_to_string(&mut text)
        .map_err(|e| Error::usage(format!("--layout {name}: {e}")))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("--layout {name}: not JSON ({e})")))?;
    let Value::Object(m) = v else {
        return Err(Error::usage(format!("--layout {name}: not a JSON object")).into());
    };
    if !m
        .get("LayoutInfo")
        .and_then(|l| l.get("LayoutList"))
        .is_some_and(Value::is_array)
    {
        return Err(Error::usage(format!(
            "--layout {name}: needs \"LayoutInfo\": {{\"LayoutList\": [...]}} (one entry per \
             seated user: LocationX, LocationY, ImageWidth, ImageHeight, RoomId, \
             Member_Account, StreamType, ZOrder); nothing was sent"
        ))
        .into());
    }
    Ok(m)
}

fn done(ctx: &Ctx, room: &str, status: &str, request_id: &str) {
    crate::cmd::nouns::said(
        ctx,
        json!({"status": status, "room_id": room, "request_id": request_id}),
        format!("{status}: room {}", output::shown(room)),
    );
}
