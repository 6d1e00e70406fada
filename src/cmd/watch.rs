//! `--watch[=INTERVAL]` on `get`, `stats`, `describe`, `member list` and
//! `seat list`: the command again every INTERVAL (default 2 s, at least
//! 1 s, so far within every endpoint's rate) until Ctrl-C, which exits 0.
//! On a terminal (text output) the view is redrawn in place with the lines
//! that changed since the last frame marked `>`; off a terminal, or under
//! `-o json`, each interval is one JSON document on its own line:
//! `{"at": UNIX, "items": [what the command prints under -o json]}` (or
//! `"error"` for a refused read), for monitoring pipelines.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Value, json};

use crate::cmd::{Ctx, Stop};
use crate::output::{self, Format};

/// `--watch[=INTERVAL]`.
#[derive(Args, Debug, Clone, Default)]
pub struct WatchArg {
    /// Show it again every INTERVAL (default 2s) until Ctrl-C: redrawn in place on a terminal, changes marked `>`; one JSON document per interval otherwise
    #[arg(
        long,
        value_name = "INTERVAL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "2s",
        value_parser = parse_interval
    )]
    pub watch: Option<Duration>,
}

/// An interval: `2s`, `500ms` is too short (at least 1 s), `1m`.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("\"{s}\" is not an interval ({e}); use e.g. 2s, 10s or 1m"))?;
    if d < Duration::from_secs(1) {
        return Err(format!(
            "\"{s}\" is shorter than a second; watching polls the service, so 1s is the least"
        ));
    }
    Ok(d)
}

/// Runs `once` (the command's one look, printing as it always does), or,
/// under `--watch`, again every interval until Ctrl-C or SIGTERM.
pub fn watch(
    ctx: &Ctx,
    arg: &WatchArg,
    title: &str,
    mut once: impl FnMut(&Ctx) -> crate::cmd::Result<()>,
) -> crate::cmd::Result<()> {
    let Some(every) = arg.watch else {
        return once(ctx);
    };
    let stop = Arc::new(AtomicBool::new(false));
    let ids: Vec<_> = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
        .iter()
        .filter_map(|&s| signal_hook::flag::register(s, stop.clone()).ok())
        .collect();
    let in_place = ctx.format() == Format::Text && std::io::stdout().is_terminal();
    // Off a terminal each frame is JSON: the command runs under -o json.
    let json_ctx = Ctx {
        overrides: ctx.overrides(),
        format: Format::Json,
        timeout: ctx.timeout,
        retries: ctx.retries,
    };
    let run_ctx = if in_place { ctx } else { &json_ctx };
    // Notes and warnings on stderr would scroll the frame away.
    let (verbosity, quiet) = (output::verbosity(), output::quiet());
    if in_place {
        output::set_verbosity(verbosity, true);
    }
    let mut previous: Vec<String> = Vec::new();
    let result = loop {
        let started = Instant::now();
        let (lines, got) = output::capture(|| once(run_ctx));
        let error = match got {
            Ok(()) => None,
            Err(Stop::Refused(f)) => Some(f.to_string()),
            Err(other) => break Err(other),
        };
        if in_place {
            output::print_frame(&frame(title, every, &previous, &lines, error.as_deref()));
        } else {
            output::print_json(&document(&lines, error.as_deref()));
        }
        previous = lines;
        if output::stdout_closed() {
            break Ok(());
        }
        while started.elapsed() < every && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
    };
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    output::set_verbosity(verbosity, quiet);
    result
}

/// One terminal frame: home, clear, a header, the lines (`>` before those
/// that changed since the last frame), and the error of a failed look.
pub fn frame(
    title: &str,
    every: Duration,
    previous: &[String],
    lines: &[String],
    error: Option<&str>,
) -> String {
    let mut out = String::from("\x1b[H\x1b[2J");
    out.push_str(&format!(
        "Every {}: {title}    {}    (Ctrl-C to stop)\n\n",
        humantime::format_duration(every),
        crate::cmd::live::time::shown(crate::cmd::live::time::now_unix())
    ));
    for (i, l) in lines.iter().enumerate() {
        let changed = !previous.is_empty() && previous.get(i) != Some(l);
        out.push_str(if changed { "> " } else { "  " });
        out.push_str(l);
        out.push('\n');
    }
    if let Some(e) = error {
        out.push_str(&format!("\nerror: {e}\n"));
    }
    out
}

/// One JSON document: the time and what the command printed under
/// `-o json` (each line a value), or the error.
pub fn document(lines: &[String], error: Option<&str>) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| Value::String(l.clone())))
        .collect();
    let mut v = json!({"at": crate::cmd::live::time::now_unix(), "items": items});
    if let Some(e) = error {
        v["error"] = json!(e);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_at_least_a_second() {
        assert_eq!(parse_interval("2s"), Ok(Duration::from_secs(2)));
        assert!(
            parse_interval("500ms")
                .unwrap_err()
                .contains("shorter than a second")
        );
        assert!(parse_interval("soon").is_err());
    }

    #[test]
    fn a_frame_marks_what_changed() {
        let prev = vec!["Viewers: 1".to_string(), "Likes: 0".to_string()];
        let now = vec!["Viewers: 2".to_string(), "Likes: 0".to_string()];
        let f = crate::cmd::live::time::fixed(0, jiff::tz::TimeZone::UTC, || {
            frame(
                "livectl stats r1",
                Duration::from_secs(2),
                &prev,
                &now,
                None,
            )
        });
        assert!(
            f.starts_with("\x1b[H\x1b[2JEvery 2s: livectl stats r1"),
            "{f:?}"
        );
        assert!(f.ends_with("> Viewers: 2\n  Likes: 0\n"), "{f:?}");
        // The first frame marks nothing.
        let first = frame("t", Duration::from_secs(2), &[], &now, Some("boom"));
        assert!(first.contains("  Viewers: 2\n") && first.ends_with("error: boom\n"));
        let d = document(&[r#"{"room_id":"r1"}"#.to_string()], None);
        assert_eq!(d["items"][0]["room_id"], "r1");
    }
}
