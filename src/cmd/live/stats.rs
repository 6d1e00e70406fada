//! `livectl stats ROOM`: a running room's totals (get_room_stats, 100/s,
//! live-api.md §3.8) as `Label: value` lines; `-o json` prints the `stats`
//! noun (`cmd::nouns`).

use clap::Args;
use serde_json::{Value, json};

use super::args::RoomArg;
use super::seat::int;
use super::{Session, response};
use crate::api::endpoint::GET_ROOM_STATS;
use crate::cmd::Ctx;
use crate::output::{self, Format};

#[derive(Args, Debug, Clone)]
pub struct StatsArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub watch: crate::cmd::watch::WatchArg,
}

/// The totals shown, in order: label and answer field.
const TOTALS: &[(&str, &str)] = &[
    ("Viewers", "TotalViewers"),
    ("Gifts", "TotalGiftsSent"),
    ("Coins", "TotalGiftCoins"),
    ("Unique senders", "TotalUniqueGiftSenders"),
    ("Likes", "TotalLikesReceived"),
    ("Messages", "TotalMsgCount"),
];

/// `Label: value` lines, aligned; a missing total shows `-`.
pub fn stats_lines(resp: &Value) -> Vec<String> {
    let width = TOTALS.iter().map(|(l, _)| l.len() + 1).max().unwrap_or(0);
    TOTALS
        .iter()
        .map(|(label, field)| {
            let v = int(&resp[*field]).map_or("-".to_string(), |n| n.to_string());
            format!("{:<width$} {v}", format!("{label}:"))
        })
        .collect()
}

/// The totals on one line (`viewers 120, gifts 3, …`), those present only:
/// destroy's end-of-show `Statistic`.
pub fn totals_inline(resp: &Value) -> String {
    let parts: Vec<String> = TOTALS
        .iter()
        .filter_map(|(label, field)| {
            int(&resp[*field]).map(|n| format!("{} {n}", label.to_lowercase()))
        })
        .collect();
    if parts.is_empty() {
        "no totals".into()
    } else {
        parts.join(", ")
    }
}

/// The stats `Response` of `room`; `None` in a dry run.
pub fn read(s: &Session, room: &str) -> crate::cmd::Result<Option<Value>> {
    let what = format!("could not read the statistics of room \"{room}\"");
    Ok(
        s.call(&GET_ROOM_STATS, room, &json!({ "RoomId": room }), &what)?
            .map(|a| response(&a).clone()),
    )
}

pub fn run(ctx: &Ctx, a: &StatsArgs) -> crate::cmd::Result<()> {
    let title = format!("livectl stats {}", output::shown(a.room.id()));
    crate::cmd::watch::watch(ctx, &a.watch, &title, |ctx| once(ctx, a))
}

fn once(ctx: &Ctx, a: &StatsArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let s = Session::open(ctx, a.dry_run)?;
    if let Some(resp) = read(&s, room)? {
        match ctx.format() {
            Format::Json => output::print_json(&crate::cmd::nouns::stats(room, &resp)),
            Format::Text => stats_lines(&resp).iter().for_each(output::println),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_aligned_and_missing_ones_shown_as_dash() {
        let lines =
            stats_lines(&json!({"TotalViewers": 12, "TotalGiftsSent": "3", "TotalMsgCount": 0}));
        assert_eq!(
            lines,
            [
                "Viewers:        12",
                "Gifts:          3",
                "Coins:          -",
                "Unique senders: -",
                "Likes:          -",
                "Messages:       0",
            ]
        );
    }
}
