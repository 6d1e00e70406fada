//! What a batch shows while and after it runs: the progress bar (one line
//! that fits an 80-column terminal, rates rounded) and the summary, whose
//! counts agree with the exit code. Pure formatting, so it is tested without
//! a terminal; the engine (`batch/mod.rs`) feeds it the tally.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::output;
use crate::settle::Status;

/// The terminal width the bar line must fit.
pub const WIDTH: usize = 80;
/// Columns of the bar itself; the text after it gets the rest.
const BAR: usize = 16;

/// A "done already" answer: `exists` (100010) on create, `missing`
/// (100004) on destroy. A success only under its flag; otherwise a failed
/// row, and the summary says why.
pub struct Already {
    /// The words the summary uses, e.g. "already existed".
    pub words: &'static str,
    /// The flag that makes it a success, e.g. "--exists-ok".
    pub flag: &'static str,
    /// The service code that says so.
    pub code: i64,
    /// Why running again without a report is safe, e.g. "rooms already
    /// created count as done".
    pub rerun: &'static str,
}

/// The counts of a run so far. Only rows that succeeded or were skipped
/// count under their status; every row that failed counts as `failed`,
/// whatever its report status (an `exists` without --exists-ok is a
/// failure, and the exit code says so).
#[derive(Default)]
pub struct Counts {
    pub by_status: HashMap<&'static str, u64>,
    pub failed: u64,
    /// Failed rows whose answer was the plan's "done already" code.
    pub already_failed: u64,
}

impl Counts {
    fn of(&self, s: Status) -> u64 {
        if s == Status::Failed {
            self.failed
        } else {
            self.by_status.get(s.as_str()).copied().unwrap_or(0)
        }
    }

    /// `created 3, exists 0, failed 2 (2 already existed: not counted as
    /// success without --exists-ok), skipped 0`.
    pub fn text(&self, summary: &[Status], already: &Already) -> String {
        let parts: Vec<String> = summary
            .iter()
            .map(|s| {
                let mut part = format!("{} {}", s.as_str(), self.of(*s));
                if *s == Status::Failed && self.already_failed > 0 {
                    part.push_str(&format!(
                        " ({} {}: not counted as success without {})",
                        self.already_failed, already.words, already.flag
                    ));
                }
                part
            })
            .collect();
        parts.join(", ")
    }

    /// The short form for the bar: non-zero counts only.
    fn short(&self, summary: &[Status]) -> String {
        let parts: Vec<String> = summary
            .iter()
            .map(|s| (s.as_str(), self.of(*s)))
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| format!("{name} {n}"))
            .collect();
        parts.join(", ")
    }
}

/// The summary after a run. The rate is the rows sent over the run's time,
/// never shown above `rate` (`--rate`): the limiter holds every window to
/// it, so a higher figure would only be the first window's burst.
pub fn summary_line(
    counts: &Counts,
    summary: &[Status],
    already: &Already,
    not_started: u64,
    sent: u64,
    elapsed: Duration,
    rate: u64,
) -> String {
    let secs = elapsed.as_secs_f64();
    let per_sec = if secs > 0.0 { sent as f64 / secs } else { 0.0 };
    let per_sec = per_sec.min(rate as f64);
    format!(
        "{}, not started {not_started} in {secs:.1} s ({} rows/s)",
        counts.text(summary, already),
        rate_number(per_sec)
    )
}

/// What a dry run plans, e.g. `would create 2,000 rooms: ev-0001 … ev-2000
/// (3 rows invalid)`: the verb of the endpoint, the rows without a problem
/// and the first and last of their room IDs.
pub fn plan_line(ep: &crate::api::endpoint::Endpoint, c: &super::input::Checked) -> String {
    let verb = ep.command().trim_end_matches("_room");
    let valid = c.rows.saturating_sub(c.invalid);
    let rooms = if valid == 1 { "room" } else { "rooms" };
    let ids = match (&c.first, &c.last) {
        (Some(f), Some(l)) if valid > 1 => format!(": {f} … {l}"),
        (Some(f), _) => format!(": {f}"),
        _ => String::new(),
    };
    let invalid = match c.invalid {
        0 => String::new(),
        1 => " (1 row invalid)".into(),
        n => format!(" ({} rows invalid)", grouped(n)),
    };
    format!("would {verb} {} {rooms}{ids}{invalid}", grouped(valid))
}

/// `2000000` as `2,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A rate as people read it: whole numbers from 10 up, one decimal below.
fn rate_number(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        "0".into()
    } else if per_sec < 9.95 {
        format!("{per_sec:.1}")
    } else {
        format!("{per_sec:.0}")
    }
}

/// `49/s`, not `49.1756/s`.
pub fn format_rate(per_sec: f64) -> String {
    format!("{}/s", rate_number(per_sec))
}

/// `12s`, `3m05s`, `1h02m`; `>99h` beyond.
pub fn format_eta(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..360_000 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => ">99h".into(),
    }
}

/// Everything after the bar: `pos/len rate eta counts`, cut with `…` so
/// that bar and text fit [`WIDTH`] columns.
pub fn status_text(pos: u64, len: u64, per_sec: f64, eta: Duration, counts: &str) -> String {
    let text = format!(
        "{pos}/{len} {} eta {} {counts}",
        format_rate(per_sec),
        format_eta(eta)
    );
    output::fit(text.trim_end(), WIDTH - BAR - 1)
}

/// What the bar shows besides its position: the counts so far, and the
/// rows sent (skipped rows of a resume are not sent, and are not a rate).
struct Shown {
    counts: String,
    sent: u64,
    since: Option<std::time::Instant>,
    /// `--rate`: the rate shown is never above it.
    cap: f64,
}

impl Shown {
    /// Rows sent a second since the first was sent, at most `--rate`; and
    /// the time left for `left` rows at that rate (at `--rate` before any).
    fn rate_and_eta(&self, left: u64) -> (f64, Duration) {
        rate_and_eta(self.sent, self.since.map(|t| t.elapsed()), self.cap, left)
    }
}

/// The bar's rate (rows sent a second since the first, at most `cap`) and
/// the time left for `left` rows at it (at `cap` before there is a rate):
/// skipped rows of a resume neither raise the rate nor shorten the ETA.
fn rate_and_eta(sent: u64, since: Option<Duration>, cap: f64, left: u64) -> (f64, Duration) {
    let measured = match since {
        Some(d) if sent > 1 && d.as_secs_f64() > 0.0 => (sent - 1) as f64 / d.as_secs_f64(),
        _ => 0.0,
    };
    let shown = measured.min(cap);
    let for_eta = if shown > 0.0 { shown } else { cap };
    let eta = if for_eta > 0.0 {
        Duration::from_secs_f64(left as f64 / for_eta)
    } else {
        Duration::ZERO
    };
    (shown, eta)
}

/// The bar, then [`status_text`] with the counts shown so far.
fn style(shown: Arc<Mutex<Shown>>) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(&format!("{{bar:{BAR}}} {{status}}"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key(
            "status",
            move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let shown = shown.lock().unwrap_or_else(|e| e.into_inner());
                let len = s.len().unwrap_or(0);
                let (rate, eta) = shown.rate_and_eta(len.saturating_sub(s.pos()));
                let _ = w.write_str(&status_text(s.pos(), len, rate, eta, &shown.counts));
            },
        )
}

/// The bar: drawn on stderr when it is a terminal and not `--quiet`.
pub struct Bar {
    pub bar: indicatif::ProgressBar,
    shown: Arc<Mutex<Shown>>,
}

impl Bar {
    /// `rate`: the run's `--rate`, which the rate shown never passes.
    pub fn new(total: u64, rate: u64) -> Option<Bar> {
        if output::quiet() || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let shown = Arc::new(Mutex::new(Shown {
            counts: String::new(),
            sent: 0,
            since: None,
            cap: rate as f64,
        }));
        bar.set_style(style(shown.clone()));
        bar.enable_steady_tick(Duration::from_millis(200));
        output::set_progress(Some(bar.clone()));
        Some(Bar { bar, shown })
    }

    /// One more row settled; `sent`: it was sent (not skipped).
    pub fn settled(&self, counts: &Counts, summary: &[Status], sent: bool) {
        {
            let mut s = self.shown.lock().unwrap_or_else(|e| e.into_inner());
            s.counts = counts.short(summary);
            if sent {
                s.sent += 1;
                s.since.get_or_insert_with(std::time::Instant::now);
            }
        }
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
        output::set_progress(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_names_the_rows_it_would_send_and_those_it_would_not() {
        use crate::api::endpoint::{CREATE_ROOM, DESTROY_ROOM};
        use crate::batch::input::Checked;
        let c = Checked {
            rows: 2003,
            problems: 4,
            invalid: 3,
            first: Some("ev-0001".into()),
            last: Some("ev-2000".into()),
        };
        assert_eq!(
            plan_line(&CREATE_ROOM, &c),
            "would create 2,000 rooms: ev-0001 … ev-2000 (3 rows invalid)"
        );
        let one = Checked {
            rows: 1,
            first: Some("r1".into()),
            last: Some("r1".into()),
            ..Checked::default()
        };
        assert_eq!(plan_line(&DESTROY_ROOM, &one), "would destroy 1 room: r1");
        let none = Checked {
            rows: 1,
            invalid: 1,
            problems: 1,
            ..Checked::default()
        };
        assert_eq!(
            plan_line(&CREATE_ROOM, &none),
            "would create 0 rooms (1 row invalid)"
        );
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(999), "999");
    }

    const CREATE: [Status; 4] = [
        Status::Created,
        Status::Exists,
        Status::Failed,
        Status::Skipped,
    ];
    const EXISTS: Already = Already {
        words: "already existed",
        flag: "--exists-ok",
        code: 100_010,
        rerun: "rooms already created count as done",
    };

    #[test]
    fn the_rate_shown_is_never_above_the_limit_and_skips_do_not_count() {
        // A burst at the start reads as more than --rate: shown as --rate.
        let (r, eta) = rate_and_eta(50, Some(Duration::from_millis(200)), 200.0, 1000);
        assert_eq!(r, 200.0);
        assert_eq!(eta, Duration::from_secs(5));
        // A resume: 8,000 skipped rows settle at once but were not sent.
        let (r, eta) = rate_and_eta(0, None, 200.0, 2000);
        assert_eq!((r, eta), (0.0, Duration::from_secs(10)));
        // A slow service: the measured rate, and the ETA from it.
        let (r, eta) = rate_and_eta(101, Some(Duration::from_secs(2)), 200.0, 500);
        assert_eq!((r, eta), (50.0, Duration::from_secs(10)));
        assert!(
            summary_line(
                &Counts::default(),
                &CREATE,
                &EXISTS,
                0,
                2000,
                Duration::from_secs(8),
                200
            )
            .ends_with("(200 rows/s)")
        );
    }

    #[test]
    fn rates_are_rounded() {
        assert_eq!(format_rate(49.1756), "49/s");
        assert_eq!(format_rate(9.96), "10/s");
        assert_eq!(format_rate(3.04), "3.0/s");
        assert_eq!(format_rate(0.0), "0/s");
        assert_eq!(format_rate(f64::INFINITY), "0/s");
        assert_eq!(format_eta(Duration::from_secs(7)), "7s");
        assert_eq!(format_eta(Duration::from_secs(185)), "3m05s");
        assert_eq!(format_eta(Duration::from_secs(3720)), "1h02m");
        assert_eq!(format_eta(Duration::from_secs(400_000)), ">99h");
    }

    #[test]
    fn the_bar_line_fits_80_columns_at_its_widest() {
        let counts = Counts {
            by_status: [
                ("created", 2_500_000),
                ("exists", 2_500_000),
                ("skipped", 2_499_999),
            ]
            .into_iter()
            .collect(),
            failed: 2_500_000,
            already_failed: 0,
        };
        let text = status_text(
            9_999_999,
            9_999_999,
            123_456.789,
            Duration::from_secs(10_000_000),
            &counts.short(&CREATE),
        );
        assert_eq!(BAR + 1 + output::display_width(&text), WIDTH, "{text}");
        assert!(text.ends_with('…'), "{text}");
        // A usual run is shown whole.
        let text = status_text(
            1200,
            2000,
            49.1756,
            Duration::from_secs(16),
            "created 1199, failed 1",
        );
        assert_eq!(text, "1200/2000 49/s eta 16s created 1199, failed 1");
        assert!(BAR + 1 + text.len() <= WIDTH);
    }

    /// A terminal that keeps what is drawn on it.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            200
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.0.lock().unwrap().push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_drawn_bar_is_the_style_and_fits_80_columns() {
        let screen = Screen::default();
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(9_999_999),
            indicatif::ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        let shown = Arc::new(Mutex::new(Shown {
            counts: "created 2500000, exists 2500000, failed 2500000, skipped 2499999".to_string(),
            sent: 0,
            since: None,
            cap: 200.0,
        }));
        bar.set_style(style(shown));
        bar.set_position(9_999_998);
        bar.tick();
        let drawn = screen.0.lock().unwrap().clone();
        let line = drawn
            .iter()
            .find(|l| l.contains("9999998/9999999"))
            .expect("drawn");
        assert!(output::display_width(line) <= WIDTH, "{line}");
        assert!(line.contains(" eta "), "{line}");
        assert!(line.contains("/s eta"), "{line}");
    }

    #[test]
    fn the_summary_counts_agree_with_the_exit_code() {
        // 2000 rooms there already, no --exists-ok: 2000 failed rows (exit 8).
        let counts = Counts {
            failed: 2000,
            already_failed: 2000,
            ..Counts::default()
        };
        let line = summary_line(
            &counts,
            &CREATE,
            &EXISTS,
            0,
            2000,
            Duration::from_secs(40),
            200,
        );
        assert_eq!(
            line,
            "created 0, exists 0, failed 2000 (2000 already existed: not counted as success without --exists-ok), skipped 0, not started 0 in 40.0 s (50 rows/s)"
        );
        // Under --exists-ok they are successes.
        let counts = Counts {
            by_status: [("exists", 2000)].into_iter().collect(),
            ..Counts::default()
        };
        let line = summary_line(
            &counts,
            &CREATE,
            &EXISTS,
            0,
            2000,
            Duration::from_secs(40),
            200,
        );
        assert!(
            line.starts_with("created 0, exists 2000, failed 0, skipped 0,"),
            "{line}"
        );
    }
}
