//! The commands: a file (or a folder) per command, each owning its clap
//! `Args` and converting them at its top into a validated request; what
//! they share: [`Ctx`] (`ctx.rs`), the flattened argument groups and the
//! room argument (`args.rs`), one service call (`call.rs`), and the room
//! view of `get` and `list` (`view.rs`). `app.rs` dispatches to them.

pub mod api;
pub mod args;
pub mod call;
pub mod confirm;
pub mod create;
pub mod ctx;
pub mod destroy;
pub mod doctor;
pub mod explain;
pub mod get;
pub mod list;
pub mod live;
pub mod manual;
pub mod nouns;
pub mod pager;
pub mod profile;
pub mod update;
pub mod user;
pub mod usersig;
pub mod view;
pub mod watch;
pub mod webhook;
pub mod webhook_listen;

pub use ctx::Ctx;

use crate::error::{End, Failure};

/// What a command returns: `?` on an `anyhow` error still works.
pub type Result<T> = std::result::Result<T, Stop>;

/// Why a command stopped before its end: the service refused (data: it
/// becomes `End::Refused`, whose line `app::run` prints once) or a real
/// error (usage, config, I/O, internal). Deliberately not a
/// `std::error::Error`, so that `?` cannot turn a refusal into an `anyhow`
/// error by accident.
#[derive(Debug)]
pub enum Stop {
    Refused(Failure),
    Error(anyhow::Error),
    /// SIGINT or SIGTERM stopped a command that changes users in calls:
    /// what was in flight finished and every user's outcome was reported
    /// (`End::Interrupted` or `End::Terminated`).
    Signalled(End),
}

impl Stop {
    /// How the run ends: a refusal is data (`End::Refused`), never an `Err`.
    pub fn into_end(self) -> anyhow::Result<End> {
        match self {
            Stop::Refused(f) => Ok(End::Refused(f)),
            Stop::Error(e) => Err(e),
            Stop::Signalled(end) => Ok(end),
        }
    }
}

/// The refusal's line, or the error's (`{:#}`: with its causes).
impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Refused(r) => r.fmt(f),
            Stop::Error(e) => e.fmt(f),
            Stop::Signalled(end) => end.fmt(f),
        }
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::Error(e)
    }
}

impl From<crate::error::Error> for Stop {
    fn from(e: crate::error::Error) -> Stop {
        Stop::Error(e.into())
    }
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Refused(f)
    }
}
