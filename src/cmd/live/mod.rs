//! The live-event commands (`member`, `seat`, `admin`, `meta`, `robot`,
//! `send`, `transfer`, `stats`, `describe`) and what they share besides
//! [`Session`] (`cmd/call.rs`): the `ROOM` and `USER...` arguments, durations, and times shown to people.
//! Each command is a file here; it owns its clap args, checks every limit
//! before anything is sent, and builds its request body.

pub mod admin;
pub mod announce;
pub mod args;
pub mod audience;
pub mod battle;
pub mod describe;
pub mod gift;
pub mod member;
pub mod meta;
pub mod mix;
pub mod robot;
pub mod roster;
pub mod seat;
pub mod send;
pub mod stats;
pub mod time;
pub mod transfer;

use serde_json::Value;

pub use crate::cmd::call::{Session, response, room_failure};
use crate::codes::{self, Class};
use crate::output;
use crate::settle::Failed;

/// A list read before a change, only to skip users the change would not
/// change. A list the service refuses (e.g. 100002) is done without, with a
/// warning, and the change goes ahead; a missing room, rejected credentials
/// or no answer end the command, since the change would fail the same way.
pub fn optional_read<T>(
    s: &Session,
    room: &str,
    got: Result<Option<T>, Failed>,
    what: &str,
) -> crate::cmd::Result<Option<T>> {
    match got {
        Ok(v) => Ok(v),
        Err(f)
            if f.code
                .is_some_and(|c| matches!(codes::class_of(c), Class::Fail | Class::RequestBug)) =>
        {
            output::warn(format!(
                "could not read {what}: {} {}; going on without checking it",
                f.code.unwrap_or_default(),
                f.info
            ));
            Ok(None)
        }
        Err(f) => Err(room_failure(
            s.ctx(),
            room,
            &f,
            &format!("could not read {what}"),
        )),
    }
}

/// The strings of a JSON array (numbers as their digits); anything else is
/// empty.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}
