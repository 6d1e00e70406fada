//! `livectl emulator`: a local, faithful stand-in of the live-room REST
//! service (issue 11). This file resolves the options and credentials,
//! binds, prints the base URL and the banner, and runs until SIGINT/SIGTERM,
//! saving the state. `service` is the service without sockets, `server`
//! and `http` the transport, `store` the `--state` files (journal, lock),
//! one file per family of commands.

mod accounts;
mod admins;
pub(crate) mod args;
mod auth;
mod battles;
mod faults;
mod gifts;
pub mod hooks;
pub(crate) mod http;
mod members;
mod messages;
mod meta;
mod rooms;
mod seats;
mod server;
pub mod service;
#[cfg(test)]
mod service_tests;
mod state;
mod store;
mod wire;

pub use args::{EMULATOR_HELP, EmulatorArgs};
pub use auth::Credentials;

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::cmd::Ctx;
use crate::config::Settings;
use crate::error::Error;
use crate::output;
use crate::secret::Secret;

/// Built-in demo credentials: the demo key of every official UserSig
/// library's README (api.md section 5). Public, not secrets.
pub const DEMO_SDKAPPID: u64 = 1_400_000_000;
pub const DEMO_IDENTIFIER: &str = "administrator";
pub const DEMO_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// The credentials and, for each, where it came from (`None`: the demo value).
struct Resolved {
    creds: Credentials,
    key_from: Option<String>,
}

fn resolve(s: &Settings) -> anyhow::Result<Resolved> {
    let sdkappid = s.sdkappid.as_ref().map_or(DEMO_SDKAPPID, |v| v.value);
    let identifier = s
        .identifier
        .as_ref()
        .map_or(DEMO_IDENTIFIER.to_string(), |v| v.value.clone());
    let (key, key_from) = match &s.secret {
        Some(src) => (s.require_secret()?, Some(src.source.to_string())),
        None => (Secret::new(DEMO_KEY), None),
    };
    Ok(Resolved {
        creds: Credentials {
            sdkappid,
            identifier,
            key,
        },
        key_from,
    })
}

fn banner(
    url: &str,
    r: &Resolved,
    state: Option<&Path>,
    rooms: usize,
    a: &EmulatorArgs,
    seed: u64,
) {
    let where_ = match state {
        Some(p) => format!("state file {} ({rooms} rooms loaded)", p.display()),
        None => "state in memory".into(),
    };
    output::note(format!(
        "livectl emulator: serving the live-room REST API at {url} ({where_})"
    ));
    let latency = a.latency.map_or("none".into(), |d| format!("{d:?}"));
    let limit = a.rate_limit.map_or("none".into(), |n| format!("{n}/s"));
    output::note(format!(
        "faults: latency {latency}, fail-rate {} (seed {seed}), rate-limit {limit}; SeatTemplate {}",
        a.fail_rate,
        if a.seat_template_optional {
            "optional (older revision)"
        } else {
            "required"
        }
    ));
    let c = &r.creds;
    match &r.key_from {
        None => output::note(
            "credentials: the built-in demo key, public and NOT a secret (anyone can sign for this emulator):",
        ),
        Some(from) => output::note(format!(
            "credentials: your configured secret key (from {from}; not shown), so a client set up for it just works:"
        )),
    }
    output::note(format!("export LIVECTL_ENDPOINT={url}"));
    output::note(format!("export LIVECTL_SDKAPPID={}", c.sdkappid));
    output::note(format!("export LIVECTL_IDENTIFIER={}", c.identifier));
    if r.key_from.is_none() {
        output::note(format!("export LIVECTL_SECRET_KEY={DEMO_KEY}"));
    }
    output::note(match state {
        Some(p) => format!(
            "stop with Ctrl-C (SIGINT) or SIGTERM; the state is saved to {} first",
            p.display()
        ),
        None => "stop with Ctrl-C (SIGINT) or SIGTERM; the state is in memory and goes with it                  (--state FILE keeps it)"
            .to_string(),
    });
}

/// Whether an address may be served without --allow-remote.
fn is_loopback(addr: &std::net::SocketAddr) -> bool {
    addr.ip().is_loopback()
}

pub fn run(ctx: &Ctx, a: &EmulatorArgs) -> anyhow::Result<()> {
    let resolved = resolve(&ctx.settings()?)?;
    if !is_loopback(&a.listen) {
        if !a.allow_remote {
            return Err(Error::usage(format!(
                "--listen {}: not a loopback address; UserSigs travel in URLs over plain http, so serving other machines needs --allow-remote",
                a.listen
            )));
        }
        output::warn(format!(
            "serving on {}, reachable from other machines over plain http: anyone on the network can read UserSigs in transit",
            a.listen
        ));
        if let Some(from) = &resolved.key_from {
            output::warn(format!(
                "the emulator checks UserSigs signed with your configured secret key (from {from}): clients on other machines will send them across the network in plain http, where they can be read and replayed against the real service; serve remote clients with the demo key (no configured key) instead"
            ));
        }
    }
    let (store, mut loaded, woken) = match &a.state {
        Some(p) => {
            let (store, st, woken) =
                store::Store::open(p, store::COMPACT_MIN).map_err(Error::config)?;
            (Some(Arc::new(store)), st, Some(woken))
        }
        None => (
            None,
            state::State {
                format: state::FORMAT,
                ..Default::default()
            },
            None,
        ),
    };
    let logs = server::Logs {
        file: match &a.log {
            Some(p) => Some(std::sync::Mutex::new(std::io::BufWriter::new(open_log(p)?))),
            None => None,
        },
    };
    let listener = TcpListener::bind(a.listen).map_err(|e| {
        Error::Listen(format!(
            "cannot listen on {}: {e}; choose another --listen, or :0 for a free port",
            a.listen
        ))
    })?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let seed = a.seed.unwrap_or_else(rand::random);
    // The admin and the demo users exist from the start (kept when a
    // --state file already has them, with their profiles).
    accounts::seed(&mut loaded, &resolved.creds.identifier);
    // Both within ±MAX_OFFSET_S (clap's range, Store::open's check): no overflow.
    let offset_ms = a.clock_offset.map_or(loaded.clock_offset_ms, |s| s * 1000);
    let rooms = loaded.rooms.len();
    let mut svc = service::Service::new(
        resolved.creds.clone(),
        faults::EmulatorClock::new(offset_ms),
        faults::Faults::new(
            a.latency.unwrap_or_default(),
            a.fail_rate,
            seed,
            a.rate_limit,
        ),
        service::Rules {
            seat_template_optional: a.seat_template_optional,
            open_accounts: a.accounts == args::Accounts::Open,
        },
        loaded,
    );
    svc.store = store.clone();
    let svc = Arc::new(svc);
    // Signals are caught before the URL is out: a script that reads the URL
    // and stops the emulator at once still gets a clean, saved stop.
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])?;
    let running = server::start(
        listener,
        svc.clone(),
        logs,
        http::Limits::default(),
        a.max_connections,
    )
    .map_err(|e| anyhow::anyhow!("cannot start the HTTP server on {addr}: {e}"))?;
    let stop = Arc::new(AtomicBool::new(false));
    let compactor = match (&store, woken) {
        (Some(st), Some(woken)) => {
            let (st, stop) = (st.clone(), stop.clone());
            Some(std::thread::spawn(move || {
                store::compactor(&st, woken, &stop)
            }))
        }
        _ => None,
    };
    output::println(&url);
    banner(&url, &resolved, a.state.as_deref(), rooms, a, seed);

    let sig = signals.forever().next().unwrap_or(0);
    running.stop(STOP_GRACE);
    stop.store(true, Ordering::SeqCst);
    if let Some(c) = compactor {
        let _ = c.join();
    }
    match (&store, &a.state) {
        (Some(store), Some(p)) => {
            let st = svc.state.lock().unwrap_or_else(|e| e.into_inner());
            store.save_final(&st).map_err(|e| {
                anyhow::anyhow!("the state could not be saved to {}: {e}", p.display())
            })?;
            output::note(format!(
                "livectl emulator: stopped (signal {sig}); state saved to {}",
                p.display()
            ));
        }
        _ => output::note(format!("livectl emulator: stopped (signal {sig})")),
    }
    Ok(())
}

/// How long a stop waits for answers being written before it saves anyway.
const STOP_GRACE: Duration = Duration::from_secs(2);

fn open_log(p: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(p)
        .map_err(|e| Error::config(format!("cannot open --log {}: {e}", p.display())))
}
