//! `livectl emulator join|leave ROOM USER...`: an audience for a rehearsal.
//! Talks to a running emulator (its emulator-only `join_room`/`leave_room`
//! commands, signed like every call) with the usual credentials, so users
//! can be put on seats, muted or listed without curl. Refused before
//! anything is sent when the endpoint is not on this machine: the real
//! service has no such command.

use clap::{Args, Subcommand};
use serde_json::json;

use super::Session;
use super::args::{RoomArg, UsersArg};
use super::room_failure;
use crate::api::endpoint::{
    EMU_JOIN_ROOM, EMU_LEAVE_ROOM, EMU_REACT, MULTIACCOUNT_IMPORT, SEND_TEXT_MSG,
};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Format};

/// The most users one join_room/leave_room call takes.
const PER_CALL: usize = 100; // the emulator's bound (emulator::members::LIST_BATCH)

#[derive(Subcommand, Debug, Clone)]
pub enum AudienceCommand {
    /// Make users members of a room on a running emulator (as their apps would)
    #[command(
        after_long_help = "Examples:\n  livectl emulator join live-1 u1 u2 u3\n  \
                                 livectl emulator join live-1 --users-from audience.txt"
    )]
    Join(AudienceArgs),
    /// Take users out of a room on a running emulator
    #[command(after_long_help = "Example:\n  livectl emulator leave live-1 u1")]
    Leave(AudienceArgs),
    /// A simulated audience on a running emulator: members join, leave, chat, like and send gifts at the rates given
    #[command(
        after_long_help = "Examples:\n  livectl emulator crowd live-1 --members 200 --churn 2 --messages 5 --likes 20 --gifts 1\n  \
                                 livectl emulator crowd live-1 --members 50 --messages 10 --for 1m --seed 7"
    )]
    Crowd(CrowdArgs),
}

#[derive(Args, Debug, Clone)]
pub struct CrowdArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// How many members are in the room (viewer-0001, viewer-0002, …)
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub members: u64,
    /// Members who leave (each replaced by a new one) per second
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub churn: f64,
    /// Chat messages per second (send_text_msg as a member)
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub messages: f64,
    /// Gifts per second (10 coins each)
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub gifts: f64,
    /// Likes per second
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub likes: f64,
    /// Stop after this long (e.g. 30s, 5m); without it, until Ctrl-C
    #[arg(long = "for", value_name = "DURATION", value_parser = super::args::parse_duration)]
    pub duration: Option<std::time::Duration>,
    /// Seed of the choices (who leaves, who speaks), for a reproducible crowd
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Events per second: 0 to 1,000.
fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1000.0).contains(&r) => Ok(r),
        _ => Err(format!("\"{s}\" is not a rate from 0 to 1000 per second")),
    }
}

#[derive(Args, Debug, Clone)]
pub struct AudienceArgs {
    #[command(flatten)]
    pub room: RoomArg,
    #[command(flatten)]
    pub users: UsersArg,
    /// Print the requests without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// An audience member's app has an imported account: `users` are imported
/// (multiaccount_import, 100 a call; importing again is harmless) before
/// they join, so they can then be seated, made robots or owners.
fn import(s: &Session, room: &str, users: &[String]) -> crate::cmd::Result<()> {
    for chunk in users.chunks(crate::limits::ACCOUNTS_PER_CALL) {
        let list: Vec<serde_json::Value> = chunk.iter().map(|u| json!({"UserID": u})).collect();
        let what = format!("the audience of room \"{room}\" could not be imported");
        s.call(
            &MULTIACCOUNT_IMPORT,
            room,
            &json!({"AccountList": list}),
            &what,
        )?;
    }
    Ok(())
}

/// Refuses an endpoint that is not on this machine: the real service has
/// no audience commands.
fn require_emulator(ctx: &Ctx, verb: &str) -> crate::cmd::Result<()> {
    let settings = ctx.settings()?;
    let endpoint = &settings.endpoint;
    if !crate::api::is_loopback(&endpoint.value) {
        return Err(Error::usage(format!(
            "`livectl emulator {verb}` talks to a running `livectl emulator`, but the endpoint \
             is {} (from {}): the real service has no audience commands. Start the emulator \
             and use the `export` lines it prints; nothing was sent",
            endpoint.value, endpoint.source
        ))
        .into());
    }
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: &AudienceCommand) -> crate::cmd::Result<()> {
    let (a, join) = match cmd {
        AudienceCommand::Join(a) => (a, true),
        AudienceCommand::Leave(a) => (a, false),
        AudienceCommand::Crowd(c) => return crowd(ctx, c),
    };
    let room = a.room.id();
    let users = a.users.resolve()?;
    require_emulator(ctx, if join { "join" } else { "leave" })?;
    let s = Session::open(ctx, a.dry_run)?;
    let ep = if join {
        &EMU_JOIN_ROOM
    } else {
        &EMU_LEAVE_ROOM
    };
    let verb = if join { "joined" } else { "left" };
    let mut done = users.len() as u64;
    for chunk in users.chunks(PER_CALL) {
        let body = json!({"RoomId": room, "MemberList_Account": chunk});
        let what = format!("users were not {verb} room \"{room}\" on the emulator");
        let Some(answer) = s.call(ep, room, &body, &what)? else {
            continue;
        };
        // A banned user is not let in: the emulator lists them as Refused.
        let refused = super::strings(&super::response(&answer)["Refused"]);
        for u in chunk.iter().filter(|u| refused.contains(u)) {
            output::warn(format!(
                "{} is banned from room \"{room}\": not let in",
                output::shown(u)
            ));
            done -= 1;
        }
        for u in chunk.iter().filter(|u| !refused.contains(u)) {
            crate::cmd::nouns::said(
                ctx,
                json!({"status": verb, "room_id": room, "user": u,
                       "request_id": answer.reply.request_id}),
                output::shown(u),
            );
        }
    }
    if !a.dry_run {
        output::note(format!(
            "{} {verb} room \"{room}\"",
            output::plural(done, "user")
        ));
    }
    Ok(())
}

/// What a crowd did so far.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub churned: u64,
    pub messages: u64,
    pub gifts: u64,
    pub likes: u64,
    pub refused: u64,
}

/// `livectl emulator crowd`: N members join, then every tick the events
/// due at the rates given happen, chosen by a seeded generator, through the
/// same signed, paced calls as every command; a one-line status on stderr;
/// until `--for` or Ctrl-C (exit 0). The members stay when it stops.
fn crowd(ctx: &Ctx, c: &CrowdArgs) -> crate::cmd::Result<()> {
    use rand::{Rng, SeedableRng};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    let room = c.room.id();
    require_emulator(ctx, "crowd")?;
    let seed = c.seed.unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let s = Session::open(ctx, false)?;
    let name = |i: u64| format!("viewer-{i:04}");
    let mut members: Vec<String> = (1..=c.members).map(name).collect();
    let mut next = c.members + 1;
    import(&s, room, &members)?;
    let what = format!("the crowd could not join room \"{room}\"");
    for chunk in members.chunks(PER_CALL) {
        let body = json!({"RoomId": room, "MemberList_Account": chunk});
        s.call(&EMU_JOIN_ROOM, room, &body, &what)?;
    }
    output::note(format!(
        "crowd in room \"{room}\": {} joined (seed {seed}); Ctrl-C stops it, the members stay",
        output::plural(c.members, "member")
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let ids: Vec<_> = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
        .iter()
        .filter_map(|&sig| signal_hook::flag::register(sig, stop.clone()).ok())
        .collect();
    let started = Instant::now();
    let tick = Duration::from_millis(100);
    let mut due = [0.0f64; 4];
    let rates = [c.churn, c.messages, c.gifts, c.likes];
    let mut t = Tally::default();
    let mut last_status = Instant::now();
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let result = loop {
        if stop.load(Ordering::SeqCst) || c.duration.is_some_and(|d| started.elapsed() >= d) {
            break Ok(());
        }
        let tick_start = Instant::now();
        for (d, r) in due.iter_mut().zip(rates) {
            *d += r * tick.as_secs_f64();
        }
        let mut step = || -> crate::cmd::Result<()> {
            while due[0] >= 1.0 {
                due[0] -= 1.0;
                let i = rng.random_range(0..members.len());
                let gone = std::mem::replace(&mut members[i], name(next));
                next += 1;
                let w = format!("the crowd churn in room \"{room}\" failed");
                let body = json!({"RoomId": room, "MemberList_Account": [gone]});
                s.call(&EMU_LEAVE_ROOM, room, &body, &w)?;
                import(&s, room, &members[i..=i])?;
                let body = json!({"RoomId": room, "MemberList_Account": [members[i]]});
                s.call(&EMU_JOIN_ROOM, room, &body, &w)?;
                t.churned += 1;
            }
            while due[1] >= 1.0 {
                due[1] -= 1.0;
                let who = &members[rng.random_range(0..members.len())];
                let body = json!({"RoomId": room, "Sender_Account": who,
                                  "TextContent": format!("hello from {who} ({})", t.messages + 1)});
                match s.send(&SEND_TEXT_MSG, &body) {
                    Ok(_) => t.messages += 1,
                    // A muted member's message is refused: the crowd goes on.
                    Err(f) if f.code.is_some() => t.refused += 1,
                    Err(f) => {
                        return Err(room_failure(ctx, room, &f, "the crowd's message failed"));
                    }
                }
            }
            for (slot, gifts, likes) in [(2usize, 1u64, 0u64), (3, 0, 1)] {
                while due[slot] >= 1.0 {
                    due[slot] -= 1.0;
                    let who = &members[rng.random_range(0..members.len())];
                    let body = json!({"RoomId": room, "Member_Account": who,
                                      "Gifts": gifts, "Coins": gifts * 10, "Likes": likes});
                    match s.send(&EMU_REACT, &body) {
                        Ok(_) => {
                            t.gifts += gifts;
                            t.likes += likes;
                        }
                        Err(f) if f.code.is_some() => t.refused += 1,
                        Err(f) => {
                            return Err(room_failure(ctx, room, &f, "the crowd's reaction failed"));
                        }
                    }
                }
            }
            Ok(())
        };
        if let Err(e) = step() {
            break Err(e);
        }
        // One line, redrawn in place on a terminal; a line every 10 s in a log.
        let every = if on_terminal { 1 } else { 10 };
        if last_status.elapsed() >= Duration::from_secs(every) && !output::quiet() {
            let line = status(room, members.len(), &t, started.elapsed());
            if on_terminal {
                eprint!("\r{line}\x1b[K");
            } else {
                output::note(line);
            }
            last_status = Instant::now();
        }
        if let Some(rest) = tick.checked_sub(tick_start.elapsed()) {
            std::thread::sleep(rest);
        }
    };
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    if on_terminal && !output::quiet() {
        eprintln!();
    }
    output::note(status(room, members.len(), &t, started.elapsed()));
    if ctx.format() != Format::Text {
        output::print_json(&json!({
            "status": "stopped", "room_id": room, "members": members.len(),
            "churned": t.churned, "messages": t.messages, "gifts": t.gifts,
            "likes": t.likes, "refused": t.refused, "seed": seed,
        }));
    }
    result
}

/// `crowd in room "live-1": 50 members, 12 churned, 30 messages, 5 gifts, 100 likes (12 s)`.
pub fn status(room: &str, members: usize, t: &Tally, elapsed: std::time::Duration) -> String {
    let refused = if t.refused > 0 {
        format!(", {} refused", t.refused)
    } else {
        String::new()
    };
    format!(
        "crowd in room \"{room}\": {}, {} churned, {}, {}, {}{refused} ({} s)",
        output::plural(members as u64, "member"),
        t.churned,
        output::plural(t.messages, "message"),
        output::plural(t.gifts, "gift"),
        output::plural(t.likes, "like"),
        elapsed.as_secs()
    )
}
