//! Spacing of request starts for a command with a low documented rate limit
//! (get_room_list: 10 requests/s). Every attempt, retries included, starts
//! at least one interval after the previous one; a rate-limit answer widens
//! the interval and successes narrow it back. The clock is injected so the
//! tests need no real time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::api::retry::Pacer;

/// Time as the pacer sees it: a monotonic reading and a way to wait.
pub trait PaceClock: Sync {
    /// Time since some fixed start.
    fn now(&self) -> Duration;
    fn sleep(&self, d: Duration);
}

/// The real clock.
pub struct SystemClock(Instant);

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock(Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl PaceClock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// The widest the interval gets after rate-limit answers.
pub const MAX_INTERVAL: Duration = Duration::from_secs(2);

/// Starts requests at least `interval` apart.
pub struct Interval<C: PaceClock> {
    clock: C,
    base: Duration,
    state: Mutex<State>,
}

struct State {
    last_start: Option<Duration>,
    interval: Duration,
}

impl<C: PaceClock> Interval<C> {
    pub fn new(clock: C, base: Duration) -> Self {
        Interval {
            clock,
            base,
            state: Mutex::new(State {
                last_start: None,
                interval: base,
            }),
        }
    }

    /// The interval in force now.
    pub fn interval(&self) -> Duration {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .interval
    }
}

impl<C: PaceClock> Pacer for Interval<C> {
    fn before_attempt(&self) -> bool {
        // The lock is held while sleeping: starts stay in order and apart
        // even if a caller ever shares the pacer between threads.
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(last) = s.last_start {
            let due = last + s.interval;
            let now = self.clock.now();
            if now < due {
                self.clock.sleep(due - now);
            }
        }
        s.last_start = Some(self.clock.now());
        true
    }

    fn rate_limited(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.interval = (s.interval * 2).min(MAX_INTERVAL);
    }

    fn succeeded(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.interval = (s.interval / 2).max(self.base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that only moves when slept on or advanced by the test.
    #[derive(Default)]
    struct FakeClock {
        now: Mutex<Duration>,
        slept: Mutex<Vec<Duration>>,
    }

    impl FakeClock {
        fn advance(&self, d: Duration) {
            *self.now.lock().unwrap() += d;
        }
    }

    impl PaceClock for &FakeClock {
        fn now(&self) -> Duration {
            *self.now.lock().unwrap()
        }
        fn sleep(&self, d: Duration) {
            self.slept.lock().unwrap().push(d);
            self.advance(d);
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn starts_are_spaced_by_the_interval() {
        let clock = FakeClock::default();
        let p = Interval::new(&clock, ms(100));
        let mut starts = Vec::new();
        for _ in 0..3 {
            p.before_attempt();
            starts.push(PaceClock::now(&&clock));
        }
        assert_eq!(starts, vec![ms(0), ms(100), ms(200)]);
        clock.advance(ms(30));
        p.before_attempt();
        assert_eq!(PaceClock::now(&&clock), ms(300));
        assert_eq!(*clock.slept.lock().unwrap(), vec![ms(100), ms(100), ms(70)]);
    }

    #[test]
    fn no_wait_when_the_interval_has_passed() {
        let clock = FakeClock::default();
        let p = Interval::new(&clock, ms(100));
        p.before_attempt();
        clock.advance(ms(250));
        p.before_attempt();
        assert!(clock.slept.lock().unwrap().is_empty());
    }

    #[test]
    fn rate_limits_widen_and_successes_narrow_back() {
        let clock = FakeClock::default();
        let p = Interval::new(&clock, ms(100));
        for want in [200, 400, 800, 1600, 2000, 2000] {
            p.rate_limited();
            assert_eq!(p.interval(), ms(want));
        }
        for want in [1000, 500, 250, 125, 100, 100] {
            p.succeeded();
            assert_eq!(p.interval(), ms(want));
        }
    }
}
