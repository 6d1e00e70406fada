//! What `livectl --version` and `livectl version` say: the crate version, the
//! commit and its date when the build knew them (`build.rs` reads git), and
//! the revision of the service API this release targets.

/// `0.2.0 (abc1234 2026-11-26)`, or the bare version outside a git checkout.
pub const SHORT: &str = env!("LIVECTL_VERSION_LINE");

/// The service API revision this release targets.
pub const API: &str = "TUILiveKit live-room REST API, 2026-05 revision (SeatTemplate required)";

/// `livectl version` and `livectl --version`'s long form.
pub const LONG: &str = concat!(
    env!("LIVECTL_VERSION_LINE"),
    "\nservice API: TUILiveKit live-room REST API, 2026-05 revision (SeatTemplate required)"
);

/// `livectl version`; `-o json`: `{"version","commit","date","api"}`
/// (commit and date `null` outside a git checkout).
pub fn print(format: crate::output::Format) {
    match format {
        crate::output::Format::Json => {
            let opt = |s: &'static str| (!s.is_empty()).then_some(s);
            crate::output::print_json(&serde_json::json!({
                "version": env!("CARGO_PKG_VERSION"),
                "commit": opt(env!("LIVECTL_COMMIT")),
                "date": opt(env!("LIVECTL_COMMIT_DATE")),
                "api": API,
            }));
        }
        _ => crate::output::println(LONG),
    }
}
