//! livectl as a library: the binary in `main.rs` is a thin shell over
//! [`app::run`]; integration tests reuse the pure parts (UserSig decoding).

pub mod api;
pub mod app;
pub mod batch;
pub mod cli;
pub mod cmd;
pub mod codes;
pub mod config;
pub mod emulator;
pub mod error;
pub mod help;
pub mod jq;
pub mod limits;
pub mod output;
pub mod region;
pub mod room;
pub mod secret;
pub mod settle;
pub mod usersig;
pub mod version;
