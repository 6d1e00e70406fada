//! The one rule for time shown to people, in every command: the local date
//! and time with its offset, and how far away it is, e.g.
//! `2026-12-07 23:24 +08:00 (in 52m)`; `TZ` is honoured. JSON carries Unix
//! seconds. The zone and "now" can be fixed for a thread ([`fixed`]), so
//! tests are the same on every machine and every day.

use std::cell::RefCell;

use jiff::tz::TimeZone;

thread_local! {
    static FIXED: RefCell<Option<(i64, TimeZone)>> = const { RefCell::new(None) };
}

/// Runs `f` with "now" and the zone fixed (for tests).
pub fn fixed<R>(now: i64, tz: TimeZone, f: impl FnOnce() -> R) -> R {
    FIXED.with(|c| *c.borrow_mut() = Some((now, tz)));
    let r = f();
    FIXED.with(|c| *c.borrow_mut() = None);
    r
}

/// The machine's zone (`TZ`, else `/etc/localtime`), UTC when unknown.
pub fn local_zone() -> TimeZone {
    FIXED
        .with(|c| c.borrow().as_ref().map(|(_, tz)| tz.clone()))
        .unwrap_or_else(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

/// Seconds since the epoch, now.
pub fn now_unix() -> i64 {
    FIXED
        .with(|c| c.borrow().as_ref().map(|(n, _)| *n))
        .unwrap_or_else(|| jiff::Timestamp::now().as_second())
}

/// `unix` shown now, in the local zone: the rule of every command.
pub fn shown(unix: i64) -> String {
    when(unix, now_unix(), &local_zone())
}

/// `unix` as a time of day with its offset, `23:24:05 +08:00`: for a live
/// stream of events (`webhook listen`), where the date and a distance from
/// now would say nothing.
pub fn clock(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map_or_else(
        |_| unix.to_string(),
        |ts| {
            ts.to_zoned_datetime(local_zone())
                .strftime("%H:%M:%S %:z")
                .to_string()
        },
    )
}

/// `unix` as `YYYY-MM-DD HH:MM +08:00 (in 2h)` / `(3m ago)` in `tz`.
pub fn when(unix: i64, now: i64, tz: &TimeZone) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(unix) else {
        return unix.to_string();
    };
    let local = ts
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string();
    format!("{local} ({})", relative(unix - now))
}

/// `in 2h`, `3m ago`, `now`: the largest unit, rounded down.
pub fn relative(delta: i64) -> String {
    let a = delta.unsigned_abs();
    let amount = match a {
        0..=59 => return "now".to_string(),
        60..=3599 => format!("{}m", a / 60),
        3600..=86_399 => format!("{}h", a / 3600),
        86_400..=31_535_999 => format!("{}d", a / 86_400),
        _ => format!("{}y", a / 31_536_000),
    };
    if delta > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_and_distance() {
        let now = 1_764_151_200; // 2025-11-26 10:00 UTC
        assert_eq!(
            when(now + 7200, now, &TimeZone::UTC),
            "2025-11-26 12:00 +00:00 (in 2h)"
        );
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(
            when(now - 180, now, &tokyo),
            "2025-11-26 18:57 +09:00 (3m ago)"
        );
        assert_eq!(
            fixed(0, TimeZone::fixed(jiff::tz::offset(8)), || clock(now)),
            "18:00:00 +08:00"
        );
        assert_eq!(relative(30), "now");
        assert_eq!(relative(3 * 86_400 + 5), "in 3d");
        assert_eq!(relative(-2 * 31_536_000 - 9), "2y ago");
        assert_eq!(
            fixed(now, tokyo, || shown(now + 3120)),
            "2025-11-26 19:52 +09:00 (in 52m)"
        );
    }
}
