//! The batch's pacer: at most R request starts in any one-second window,
//! halved when the service answers with a rate-limit code, then raised again
//! step by step while it does not. The clock is injected (the list pacer's
//! [`PaceClock`]), so the tests need no real time.
//!
//! Where a start lands: a request leaves some time after its permit (signing,
//! connection set-up, a busy machine) and reaches the service before its
//! answer comes back. So an attempt counts against the window from its permit
//! until one second after its answer (or failure): while it is in flight it
//! always counts, and afterwards its stamp is the time it ended, never
//! earlier than its arrival. Any one-second window at the service then holds
//! at most R arrivals, whatever the set-up cost, the concurrency or the
//! retries: when the last of them got its permit, every other one was either
//! in flight or had ended less than a second before. The price is that the
//! steady rate is R per (1 s + answer time).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::api::pace::{PaceClock, SystemClock};
use crate::api::retry::Pacer;

pub const WINDOW: Duration = Duration::from_secs(1);

/// How often a waiting worker looks at the stop condition, and at requests
/// in flight that may have ended.
const POLL: Duration = Duration::from_millis(10);

struct State {
    /// When recent attempts ended, oldest first.
    ended: VecDeque<Duration>,
    /// Attempts with a permit that have not ended.
    in_flight: u64,
    /// The limit in force: `max` unless the service pushed back.
    current: u64,
    last_cut: Option<Duration>,
    last_raise: Duration,
}

/// A limiter shared by the batch's workers. Once `stop` says so, it lets no
/// request start and cuts backoffs short.
pub struct RateLimiter<'a, C: PaceClock = SystemClock> {
    max: u64,
    clock: C,
    state: Mutex<State>,
    stop: &'a (dyn Fn() -> bool + Sync),
}

impl<'a> RateLimiter<'a, SystemClock> {
    pub fn new(max: u64, stop: &'a (dyn Fn() -> bool + Sync)) -> Self {
        RateLimiter::with_clock(max, stop, SystemClock::new())
    }
}

impl<'a, C: PaceClock> RateLimiter<'a, C> {
    pub fn with_clock(max: u64, stop: &'a (dyn Fn() -> bool + Sync), clock: C) -> Self {
        let max = max.max(1);
        let now = clock.now();
        RateLimiter {
            max,
            stop,
            clock,
            state: Mutex::new(State {
                ended: VecDeque::new(),
                in_flight: 0,
                current: max,
                last_cut: None,
                last_raise: now,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops the run: sets `flag` (which `stop` reads) under the lock that
    /// grants permits, so every permit is either before the stop or refused.
    pub fn halt(&self, flag: &std::sync::atomic::AtomicBool) {
        let _s = self.lock();
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// How long until a start is allowed at `now`; `None` means now (and the
/// start is counted in flight).
fn admit(s: &mut State, now: Duration) -> Option<Duration> {
    while s
        .ended
        .front()
        .is_some_and(|t| now.saturating_sub(*t) >= WINDOW)
    {
        s.ended.pop_front();
    }
    let counted = s.in_flight + s.ended.len() as u64;
    if counted < s.current {
        s.in_flight += 1;
        return None;
    }
    // So many must leave the window; ended attempts leave oldest first, an
    // attempt in flight only after it ends.
    let must_leave = (counted - s.current + 1) as usize;
    Some(match s.ended.get(must_leave - 1) {
        Some(t) => WINDOW - now.saturating_sub(*t),
        None => POLL,
    })
}

/// An attempt ended at `now` (answer, failure or timeout).
fn end(s: &mut State, now: Duration) {
    s.in_flight = s.in_flight.saturating_sub(1);
    s.ended.push_back(now);
}

/// After a rate-limit answer: halve, at most once per window.
fn cut(s: &mut State, now: Duration) {
    if s.last_cut.is_none_or(|t| now.saturating_sub(t) >= WINDOW) {
        s.current = (s.current / 2).max(1);
        s.last_cut = Some(now);
        s.last_raise = now;
    }
}

/// After a clean answer: add a tenth of the maximum per quiet second.
fn raise(s: &mut State, now: Duration, max: u64) {
    if s.current < max && now.saturating_sub(s.last_raise) >= WINDOW {
        s.current = (s.current + (max / 10).max(1)).min(max);
        s.last_raise = now;
    }
}

impl<C: PaceClock> Pacer for RateLimiter<'_, C> {
    fn before_attempt(&self) -> bool {
        loop {
            let wait = {
                // The stop is looked at under the lock that grants permits:
                // once a worker has stopped the run, no permit follows.
                let mut s = self.lock();
                if (self.stop)() {
                    return false;
                }
                match admit(&mut s, self.clock.now()) {
                    None => return true,
                    Some(w) => w,
                }
            };
            self.clock.sleep(wait.clamp(Duration::from_millis(1), POLL));
        }
    }

    fn attempt_done(&self) {
        let mut s = self.lock();
        end(&mut s, self.clock.now());
    }

    fn pause(&self, wait: Duration) {
        let end = self.clock.now() + wait;
        while !(self.stop)() {
            let now = self.clock.now();
            if now >= end {
                return;
            }
            self.clock.sleep((end - now).min(Duration::from_millis(50)));
        }
    }

    fn rate_limited(&self) {
        let mut s = self.lock();
        let before = s.current;
        cut(&mut s, self.clock.now());
        if s.current != before {
            crate::output::log(
                1,
                format!("rate limited by the service: slowing to {}/s", s.current),
            );
        }
    }

    fn succeeded(&self) {
        let mut s = self.lock();
        raise(&mut s, self.clock.now(), self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A clock that moves only when slept on or advanced; shared by threads.
    #[derive(Default)]
    struct FakeClock(AtomicU64);

    impl PaceClock for &FakeClock {
        fn now(&self) -> Duration {
            Duration::from_nanos(self.0.load(Ordering::SeqCst))
        }
        fn sleep(&self, d: Duration) {
            self.0.fetch_add(d.as_nanos() as u64, Ordering::SeqCst);
            std::thread::yield_now();
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn most_in_a_window(times: &[Duration]) -> usize {
        let mut t = times.to_vec();
        t.sort();
        let (mut best, mut lo) = (0, 0);
        for hi in 0..t.len() {
            while t[hi] - t[lo] >= WINDOW {
                lo += 1;
            }
            best = best.max(hi - lo + 1);
        }
        best
    }

    /// Many threads start attempts that arrive at some point between their
    /// permit and their end; the service may push back now and then.
    fn run_threads(limit: u64, threads: usize, per_thread: usize, pushback: bool) -> Vec<Duration> {
        let clock = FakeClock::default();
        let never = || false;
        let limiter = RateLimiter::with_clock(limit, &never, &clock);
        let arrivals = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for t in 0..threads {
                let (limiter, clock, arrivals) = (&limiter, &clock, &arrivals);
                s.spawn(move || {
                    for i in 0..per_thread {
                        assert!(limiter.before_attempt());
                        // Set-up time before the request arrives, then the
                        // time its answer takes.
                        (&*clock).sleep(ms(((t * 7 + i * 13) % 40) as u64));
                        arrivals.lock().unwrap().push(PaceClock::now(&clock));
                        (&*clock).sleep(ms(((t * 3 + i * 5) % 30) as u64));
                        limiter.attempt_done();
                        if pushback && i % 9 == 4 {
                            limiter.rate_limited();
                        } else {
                            limiter.succeeded();
                        }
                    }
                });
            }
        });
        arrivals.into_inner().unwrap()
    }

    #[test]
    fn at_most_limit_arrivals_in_any_window_under_many_threads() {
        for (limit, threads) in [(5, 16), (20, 16), (50, 4), (3, 64)] {
            let arrivals = run_threads(limit, threads, 30, false);
            assert_eq!(arrivals.len(), threads * 30);
            let most = most_in_a_window(&arrivals);
            assert!(
                most <= limit as usize,
                "{most} > {limit} ({threads} threads)"
            );
        }
    }

    #[test]
    fn at_most_limit_arrivals_while_halving_and_recovering() {
        let arrivals = run_threads(20, 16, 40, true);
        let most = most_in_a_window(&arrivals);
        assert!(most <= 20, "{most}");
    }

    #[test]
    fn a_full_window_waits_for_the_oldest_end_to_leave() {
        let t0 = ms(5000);
        let mut s = State {
            ended: VecDeque::new(),
            in_flight: 0,
            current: 3,
            last_cut: None,
            last_raise: t0,
        };
        for i in 0..3 {
            assert_eq!(admit(&mut s, t0 + ms(i * 10)), None);
        }
        assert_eq!(
            admit(&mut s, t0 + ms(40)),
            Some(POLL),
            "all three in flight"
        );
        end(&mut s, t0 + ms(100));
        end(&mut s, t0 + ms(150));
        assert_eq!(
            admit(&mut s, t0 + ms(200)),
            Some(ms(900)),
            "counts for a second after it ended"
        );
        assert_eq!(admit(&mut s, t0 + ms(1100)), None);
        assert!(admit(&mut s, t0 + ms(1110)).is_some());
    }

    #[test]
    fn a_lowered_limit_waits_for_enough_ends_to_leave() {
        let t0 = ms(5000);
        let mut s = State {
            ended: (0..4).map(|i| t0 + ms(i * 100)).collect(),
            in_flight: 0,
            current: 2,
            last_cut: None,
            last_raise: t0,
        };
        // Two may remain: wait until the third-newest (at 200 ms) leaves.
        assert_eq!(admit(&mut s, t0 + ms(450)), Some(ms(750)));
    }

    #[test]
    fn cut_halves_once_per_window_then_recovers() {
        let t0 = ms(5000);
        let mut s = State {
            ended: VecDeque::new(),
            in_flight: 0,
            current: 100,
            last_cut: None,
            last_raise: t0,
        };
        cut(&mut s, t0);
        cut(&mut s, t0 + ms(10));
        assert_eq!(s.current, 50, "many answers in one window cut once");
        raise(&mut s, t0 + ms(500), 100);
        assert_eq!(s.current, 50, "no raise within the window");
        raise(&mut s, t0 + ms(1000), 100);
        assert_eq!(s.current, 60);
        for i in 2..10 {
            raise(&mut s, t0 + Duration::from_secs(i), 100);
        }
        assert_eq!(s.current, 100);
        s.current = 1;
        s.last_cut = None;
        cut(&mut s, t0);
        assert_eq!(s.current, 1, "never below 1/s");
    }

    #[test]
    fn a_stopped_run_gets_no_permit() {
        let clock = FakeClock::default();
        let stop = || true;
        let limiter = RateLimiter::with_clock(10, &stop, &clock);
        assert!(!limiter.before_attempt());
    }
}
