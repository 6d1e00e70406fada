//! What `livectl --version` and `livectl version` say: the crate version, the
//! commit and its date when the build knew them (`build.rs` reads git), and
//! the revision of the service API this release targets.

/// `0.2.0 (abc1234 2026-11-26)`, or the bare version outside a git checkout.
pub const SHORT: &str = env!("LIVECTL_VERSION_LINE");

/// `livectl version` and `livectl --version`'s long form.
pub const LONG: &str = concat!(
    env!("LIVECTL_VERSION_LINE"),
    "\nservice API: TUILiveKit live-room REST API, 2026-05 revision (SeatTemplate required)"
);

pub fn print() {
    crate::output::println(LONG);
}
