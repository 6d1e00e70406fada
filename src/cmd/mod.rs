//! The commands: a file (or a folder) per command, each owning its clap
//! `Args` and converting them at its top into a validated request; what
//! they share: [`Ctx`] (`ctx.rs`), the flattened argument groups and the
//! room argument (`args.rs`), one service call (`call.rs`), and the room
//! view of `get` and `list` (`view.rs`). `app.rs` dispatches to them.

pub mod args;
pub mod call;
pub mod create;
pub mod ctx;
pub mod destroy;
pub mod doctor;
pub mod explain;
pub mod get;
pub mod list;
pub mod live;
pub mod manual;
pub mod profile;
pub mod update;
pub mod usersig;
pub mod view;

pub use ctx::Ctx;
