//! The emulator's clock and the faults an operator asks for: latency,
//! a seeded fail rate (100001), a request-rate limit (60007), and the
//! service's own 10/s limit on get_room_list. Pure apart from the system
//! clock, which `EmulatorClock` offsets so tests move time without sleeping.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The service's clock: the system clock plus an offset that tests and
/// rehearsals move forward (`--clock-offset`, `advance_clock`); it can be
/// frozen so a test controls time exactly.
#[derive(Debug)]
pub struct EmulatorClock {
    offset_ms: AtomicI64,
    /// A base time instead of the system clock; `NOT_FROZEN` when none.
    frozen_ms: AtomicI64,
}

const NOT_FROZEN: i64 = i64::MIN;

/// The emulator's clock stays within this of the system clock (100 years):
/// `--clock-offset` and `advance_clock` beyond it are refused, so the
/// arithmetic on times can never wrap.
pub const MAX_OFFSET_S: i64 = 100 * 365 * 86_400;
pub const MAX_OFFSET_MS: i64 = MAX_OFFSET_S * 1000;

fn system_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl EmulatorClock {
    pub fn new(offset_ms: i64) -> EmulatorClock {
        EmulatorClock {
            offset_ms: AtomicI64::new(offset_ms),
            frozen_ms: AtomicI64::new(NOT_FROZEN),
        }
    }

    /// A clock that stands still at `ms` until advanced (tests).
    pub fn fixed(ms: u64) -> EmulatorClock {
        EmulatorClock {
            offset_ms: AtomicI64::new(0),
            frozen_ms: AtomicI64::new(ms as i64),
        }
    }

    pub fn now_ms(&self) -> u64 {
        let base = match self.frozen_ms.load(Ordering::Relaxed) {
            NOT_FROZEN => system_ms(),
            ms => ms,
        };
        (base + self.offset_ms.load(Ordering::Relaxed)).max(0) as u64
    }

    /// Stops the clock where it is; only `advance` moves it from then on.
    pub fn freeze(&self) {
        let _ = self.frozen_ms.compare_exchange(
            NOT_FROZEN,
            system_ms(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    pub fn now_s(&self) -> u64 {
        self.now_ms() / 1000
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (never back: the service's time only grows);
    /// refused, the clock unchanged, past `MAX_OFFSET_MS` ahead.
    pub fn advance(&self, ms: u64) -> Result<(), String> {
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                i64::try_from(ms)
                    .ok()
                    .and_then(|ms| o.checked_add(ms))
                    .filter(|n| *n <= MAX_OFFSET_MS)
            })
            .map(|_| ())
            .map_err(|o| {
                format!(
                    "the clock would be more than {MAX_OFFSET_S} s (100 years) ahead of the system clock; it is {} s ahead",
                    o / 1000
                )
            })
    }
}

/// At most `limit` requests in each whole second of the clock.
#[derive(Debug)]
pub struct Window {
    limit: u64,
    slot: Mutex<(u64, u64)>,
}

impl Window {
    pub fn new(limit: u64) -> Window {
        Window {
            limit,
            slot: Mutex::new((0, 0)),
        }
    }

    /// Counts a request at `now_ms`; false when it is over the limit.
    pub fn admit(&self, now_ms: u64) -> bool {
        let second = now_ms / 1000;
        let mut s = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if s.0 != second {
            *s = (second, 0);
        }
        s.1 += 1;
        s.1 <= self.limit
    }
}

/// The faults of one run.
#[derive(Debug)]
pub struct Faults {
    pub latency: Duration,
    fail_rate: f64,
    rng: Mutex<StdRng>,
    pub rate_limit: Option<Window>,
    /// get_room_list: 10 requests/s (live-api.md 3.5).
    pub list_limit: Window,
}

/// The documented rate of get_room_list.
pub const LIST_PER_SECOND: u64 = 10;

impl Faults {
    pub fn new(latency: Duration, fail_rate: f64, seed: u64, rate_limit: Option<u64>) -> Faults {
        Faults {
            latency,
            fail_rate,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            rate_limit: rate_limit.map(Window::new),
            list_limit: Window::new(LIST_PER_SECOND),
        }
    }

    /// Whether this request draws an internal error: the n-th request draws
    /// the n-th number of the seeded generator, so a run is reproducible.
    pub fn draw_failure(&self) -> bool {
        if self.fail_rate <= 0.0 {
            return false;
        }
        let x: f64 = self.rng.lock().unwrap_or_else(|e| e.into_inner()).random();
        x < self.fail_rate
    }
}

/// `--latency`: `250ms`, `2s`, `1.5s`; up to 60 s.
pub fn parse_latency(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!("\"{s}\" has no unit; use e.g. 50ms or 1.5s"));
    };
    let v: f64 = num
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("\"{s}\" is not a duration; use e.g. 50ms or 1.5s"))?;
    let secs = v * scale;
    if secs > 60.0 {
        return Err(format!("\"{s}\" is over the maximum of 60s"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `--fail-rate`: a fraction from 0 to 1.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "\"{s}\" is not a fraction from 0 to 1 (e.g. 0.1 fails one request in ten)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_admits_limit_per_second() {
        let w = Window::new(2);
        assert!(w.admit(1000) && w.admit(1500));
        assert!(!w.admit(1999), "third request in the same second");
        assert!(w.admit(2000), "a new second starts afresh");
    }

    #[test]
    fn failures_are_reproducible_from_the_seed() {
        let draws = |seed| {
            let f = Faults::new(Duration::ZERO, 0.3, seed, None);
            (0..200).map(|_| f.draw_failure()).collect::<Vec<_>>()
        };
        let a = draws(7);
        assert_eq!(a, draws(7));
        assert_ne!(a, draws(8));
        let n = a.iter().filter(|x| **x).count();
        assert!((30..=90).contains(&n), "about 30% of 200: {n}");
        let none = Faults::new(Duration::ZERO, 0.0, 1, None);
        assert!((0..100).all(|_| !none.draw_failure()));
    }

    #[test]
    fn a_frozen_clock_moves_only_by_advance() {
        let c = EmulatorClock::new(0);
        c.freeze();
        let t = c.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now_ms(), t);
        c.advance(1500).unwrap();
        assert_eq!(c.now_ms(), t + 1500);
    }

    #[test]
    fn clock_moves_forward_only_by_advance() {
        let c = EmulatorClock::new(5_000);
        let before = c.now_ms();
        c.advance(60_000).unwrap();
        assert!(c.now_ms() >= before + 60_000);
        assert_eq!(c.offset_ms(), 65_000);
    }

    #[test]
    fn the_clock_refuses_to_go_past_its_range_and_stays_put() {
        let c = EmulatorClock::new(0);
        assert!(c.advance(u64::MAX).unwrap_err().contains("100 years"));
        assert!(c.advance(i64::MAX as u64).is_err());
        assert_eq!(c.offset_ms(), 0, "a refused advance changes nothing");
        c.advance(MAX_OFFSET_MS as u64).unwrap();
        assert!(c.advance(1).is_err());
        assert_eq!(c.offset_ms(), MAX_OFFSET_MS);
    }

    #[test]
    fn latency_and_rate_parsing() {
        assert_eq!(parse_latency("50ms").unwrap(), Duration::from_millis(50));
        assert_eq!(parse_latency("1.5s").unwrap(), Duration::from_millis(1500));
        assert!(parse_latency("50").unwrap_err().contains("no unit"));
        assert!(parse_latency("61s").unwrap_err().contains("maximum"));
        assert!(parse_latency("-1s").is_err());
        assert_eq!(parse_rate("0.25").unwrap(), 0.25);
        assert!(parse_rate("1.5").is_err() && parse_rate("x").is_err());
    }
}
