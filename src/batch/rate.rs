//! The batch's pacer: at most R request starts in any one-second window
//! (a sliding window of start times), halved when the service answers with a
//! rate-limit code, then raised again step by step while it does not.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::api::retry::Pacer;

const WINDOW: Duration = Duration::from_secs(1);

struct State {
    starts: VecDeque<Instant>,
    /// The limit in force: `max` unless the service pushed back.
    current: u64,
    last_cut: Option<Instant>,
    last_raise: Instant,
}

/// How often a waiting worker looks at the stop condition.
const STOP_POLL: Duration = Duration::from_millis(50);

/// A sliding-window limiter shared by the batch's workers. Once `stop`
/// says so, it lets no request start and cuts backoffs short.
pub struct RateLimiter<'a> {
    max: u64,
    state: Mutex<State>,
    stop: &'a (dyn Fn() -> bool + Sync),
}

impl<'a> RateLimiter<'a> {
    pub fn new(max: u64, stop: &'a (dyn Fn() -> bool + Sync)) -> RateLimiter<'a> {
        let max = max.max(1);
        RateLimiter {
            max,
            stop,
            state: Mutex::new(State {
                starts: VecDeque::new(),
                current: max,
                last_cut: None,
                last_raise: Instant::now(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long until a start is allowed at `now` under `limit`, given the
/// recent starts; `None` means now (and records the start).
fn admit(starts: &mut VecDeque<Instant>, now: Instant, limit: u64) -> Option<Duration> {
    while starts
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        starts.pop_front();
    }
    if (starts.len() as u64) < limit {
        starts.push_back(now);
        None
    } else {
        // The start that leaves the window next decides; with a lowered
        // limit, that is the one `limit` places from the end.
        let idx = starts.len() - limit as usize;
        Some(WINDOW - now.duration_since(starts[idx]))
    }
}

/// After a rate-limit answer: halve, at most once per window.
fn cut(s: &mut State, now: Instant) {
    if s.last_cut.is_none_or(|t| now.duration_since(t) >= WINDOW) {
        s.current = (s.current / 2).max(1);
        s.last_cut = Some(now);
        s.last_raise = now;
    }
}

/// After a clean answer: add a tenth of the maximum per quiet second.
fn raise(s: &mut State, now: Instant, max: u64) {
    if s.current < max && now.duration_since(s.last_raise) >= WINDOW {
        s.current = (s.current + (max / 10).max(1)).min(max);
        s.last_raise = now;
    }
}

impl Pacer for RateLimiter<'_> {
    fn before_attempt(&self) -> bool {
        loop {
            if (self.stop)() {
                return false;
            }
            let wait = {
                let mut s = self.lock();
                let limit = s.current;
                match admit(&mut s.starts, Instant::now(), limit) {
                    None => return true,
                    Some(w) => w,
                }
            };
            std::thread::sleep(wait.min(STOP_POLL));
        }
    }

    fn pause(&self, wait: Duration) {
        let end = Instant::now() + wait;
        while !(self.stop)() {
            let now = Instant::now();
            if now >= end {
                return;
            }
            std::thread::sleep((end - now).min(STOP_POLL));
        }
    }

    fn rate_limited(&self) {
        let mut s = self.lock();
        let before = s.current;
        cut(&mut s, Instant::now());
        if s.current != before {
            crate::output::log(
                1,
                format!("rate limited by the service: slowing to {}/s", s.current),
            );
        }
    }

    fn succeeded(&self) {
        let mut s = self.lock();
        raise(&mut s, Instant::now(), self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_limit_starts_in_any_window() {
        let t0 = Instant::now();
        let mut starts = VecDeque::new();
        for i in 0..3 {
            assert_eq!(
                admit(&mut starts, t0 + Duration::from_millis(i * 10), 3),
                None
            );
        }
        let wait = admit(&mut starts, t0 + Duration::from_millis(100), 3).unwrap();
        assert_eq!(wait, Duration::from_millis(900));
        assert_eq!(
            admit(&mut starts, t0 + Duration::from_millis(1000), 3),
            None,
            "the first start left the window"
        );
        assert!(admit(&mut starts, t0 + Duration::from_millis(1005), 3).is_some());
    }

    #[test]
    fn lowered_limit_waits_for_enough_starts_to_leave() {
        let t0 = Instant::now();
        let mut starts: VecDeque<Instant> = (0..4)
            .map(|i| t0 + Duration::from_millis(i * 100))
            .collect();
        let wait = admit(&mut starts, t0 + Duration::from_millis(450), 2).unwrap();
        // Two may remain: wait until the third-newest (at 200 ms) leaves.
        assert_eq!(wait, Duration::from_millis(750));
    }

    #[test]
    fn cut_halves_once_per_window_then_recovers() {
        let t0 = Instant::now();
        let mut s = State {
            starts: VecDeque::new(),
            current: 100,
            last_cut: None,
            last_raise: t0,
        };
        cut(&mut s, t0);
        cut(&mut s, t0 + Duration::from_millis(10));
        assert_eq!(s.current, 50, "many answers in one window cut once");
        raise(&mut s, t0 + Duration::from_millis(500), 100);
        assert_eq!(s.current, 50, "no raise within the window");
        raise(&mut s, t0 + Duration::from_millis(1000), 100);
        assert_eq!(s.current, 60);
        for i in 2..10 {
            raise(&mut s, t0 + Duration::from_secs(i), 100);
        }
        assert_eq!(s.current, 100);
        let mut one = State {
            starts: VecDeque::new(),
            current: 1,
            last_cut: None,
            last_raise: t0,
        };
        cut(&mut one, t0);
        assert_eq!(one.current, 1, "never below 1/s");
    }
}
