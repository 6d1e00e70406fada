//! The room commands besides create: `get`, `update`, `destroy` (one room;
//! the CSV form belongs to the batch engine) and `list`, and what they
//! share: the failure report of a single room and the room ID check.
//! Settling an outcome is `crate::settle`; `create.rs` owns create.

pub mod destroy;
pub mod get;
pub mod list;
pub mod pace;
pub mod update;
pub mod view;

pub use destroy::run as destroy;
pub use get::run as get;
pub use list::run as list;
pub use update::run as update;

use crate::app::Ctx;
use crate::error::Error;
use crate::output::{self, Format};
pub use crate::settle::{Answer, Failed, settle};

/// 100004: no such room.
pub const NOT_FOUND: i64 = 100_004;

/// Reports a failed single-room command: under `-o json` the failure line
/// on stdout, then the error for stderr and the exit code. 100004 reads
/// `room "ID" not found`, whatever the command; otherwise `what`.
pub fn fail(ctx: &Ctx, room_id: &str, f: &Failed, what: &str) -> anyhow::Error {
    if ctx.format() == Format::Json {
        output::print_json(&f.record(room_id).output_json());
    }
    if f.code == Some(NOT_FOUND) {
        f.error(&format!("room \"{room_id}\" not found"))
    } else {
        f.error(what)
    }
}

/// `get` and `destroy` send any non-empty room ID as given, so that rooms
/// made by other tools with IDs `create` would refuse can still be reached.
pub fn require_room_id(room_id: &str) -> anyhow::Result<()> {
    if room_id.trim().is_empty() {
        return Err(Error::usage(
            "--room-id: is empty; give the ID of the room (livectl list shows public rooms)",
        ));
    }
    Ok(())
}
