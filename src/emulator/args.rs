//! `livectl emulator`'s flags (clap) and their conversion into `Options`.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::faults;

pub const EMULATOR_HELP: &str = "\
The first line on stdout is the base URL (flushed at once); stderr then shows the
`export LIVECTL_…` lines a client needs. Without configured credentials the emulator
uses the public demo credentials (sdkappid 1400000000, identifier administrator, the
demo key of the official UserSig libraries): they are not secrets.

An audience: `livectl emulator join ROOM USER...` (and `leave`, `--users-from FILE`)
makes users members of a room on the running emulator, as their apps would, with the
usual credentials; then seat pick, member list, mute and the rest work on them.
(Underneath: the emulator-only commands v4/livectl_emulator/join_room and leave_room
{RoomId, MemberList_Account}; advance_clock {Seconds, Freeze?} moves its clock.)

Examples:
  livectl emulator                                   # http://127.0.0.1:9090, state in memory
  livectl emulator join live-1 u1 u2 u3              # (another terminal) an audience
  livectl emulator --listen 127.0.0.1:0 --state rooms.json
  livectl emulator --fail-rate 0.1 --seed 42 --latency 50ms --rate-limit 200
  coproc EMU { livectl emulator --listen :0; }; read -r URL <&\"${EMU[0]}\"";

/// Flags of `livectl emulator`.
#[derive(Args, Debug, Clone)]
pub struct EmulatorArgs {
    /// Address to serve on; port 0 (e.g. `:0`) picks a free port. Non-loopback needs --allow-remote
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9090", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Allow a non-loopback --listen address (UserSigs travel in URLs over plain http)
    #[arg(long)]
    pub allow_remote: bool,
    /// Keep the state in FILE (JSON, 0600) and reload it on start; each change is journaled in FILE.journal before it is answered, and FILE.lock keeps a second emulator off
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Wait this long before each answer, e.g. 50ms or 1.5s
    #[arg(long, value_name = "DURATION", value_parser = faults::parse_latency)]
    pub latency: Option<Duration>,
    /// Answer this fraction of requests with 100001 (internal error), e.g. 0.1
    #[arg(long, value_name = "P", value_parser = faults::parse_rate, default_value = "0")]
    pub fail_rate: f64,
    /// Seed of --fail-rate, for a reproducible run [default: random, shown on start]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Answer 60007 (rate over the limit) above N requests per second
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rate_limit: Option<u64>,
    /// Append one JSON line per request to FILE (never a UserSig)
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Model the older create_room revision: SeatTemplate optional, IsSeatEnabled + MaxSeatCount decide seats
    #[arg(long)]
    pub seat_template_optional: bool,
    /// Start the emulator's clock this many seconds ahead of the system clock (at most 100 years either way)
    #[arg(long, value_name = "SECS", allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(-faults::MAX_OFFSET_S..=faults::MAX_OFFSET_S))]
    pub clock_offset: Option<i64>,
    /// Serve at most N connections at once; one more is answered 503 and closed
    #[arg(long, value_name = "N", default_value_t = super::server::DEFAULT_CONNECTIONS,
          value_parser = parse_connections)]
    pub max_connections: usize,
    /// strict: owners, new owners, robots and seated users must be imported
    /// accounts (70107; the admin and the demo users host, u1-u4, bot1-bot3
    /// are imported at start); open: any user is accepted
    #[arg(long, value_name = "MODE", value_enum, default_value = "strict")]
    pub accounts: Accounts,
}

/// `--accounts`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accounts {
    Strict,
    Open,
}

/// `--max-connections`: 1 to 10,000 (each connection has a thread).
fn parse_connections(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err(format!("\"{s}\" is not a number from 1 to 10000")),
    }
}

/// `ADDR:PORT`, `:PORT` (loopback) or `localhost:PORT`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    let t = if let Some(port) = t.strip_prefix(':') {
        format!("127.0.0.1:{port}")
    } else if let Some(port) = t.strip_prefix("localhost:") {
        format!("127.0.0.1:{port}")
    } else {
        t.to_string()
    };
    t.parse().map_err(|_| {
        format!(
            "\"{s}\" is not ADDR:PORT; use e.g. 127.0.0.1:9090, [::1]:9090 or :0 for a free port"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen(":0").unwrap().to_string(), "127.0.0.1:0");
        assert_eq!(
            parse_listen("localhost:9090").unwrap().to_string(),
            "127.0.0.1:9090"
        );
        assert_eq!(parse_listen("[::1]:80").unwrap().to_string(), "[::1]:80");
        assert!(parse_listen("9090").unwrap_err().contains("ADDR:PORT"));
    }
}
