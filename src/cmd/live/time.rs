//! Times shown to people: the local date and time, and how far away it is,
//! e.g. `2026-11-26 18:00 (in 2h)`. The zone and "now" are passed in, so
//! tests are the same on every machine.

use jiff::tz::TimeZone;

/// The machine's zone (`TZ`, else `/etc/localtime`), UTC when unknown.
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// Seconds since the epoch, now.
pub fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// `unix` as `YYYY-MM-DD HH:MM (in 2h)` / `(3m ago)` in `tz`.
pub fn when(unix: i64, now: i64, tz: &TimeZone) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(unix) else {
        return unix.to_string();
    };
    let local = ts
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
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
        _ => format!("{}d", a / 86_400),
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
            "2025-11-26 12:00 (in 2h)"
        );
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(when(now - 180, now, &tokyo), "2025-11-26 18:57 (3m ago)");
        assert_eq!(relative(30), "now");
        assert_eq!(relative(3 * 86_400 + 5), "in 3d");
    }
}
