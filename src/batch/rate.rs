//! The batch's pacer: request starts spaced evenly, about 1/R apart, and
//! never more than R arrivals at the service in any one-second window,
//! retries and read-backs included. A rate-limit answer halves R, and it is
//! raised again step by step while the service does not push back. The clock
//! is injected (the list pacer's [`PaceClock`]), so the tests need no real
//! time.
//!
//! Two rules, one for the pace and one for the promise:
//!
//! - **Spacing** (GCRA without a burst): permits are `(1 s + JITTER) / R`
//!   apart; one taken late lets the next come up to JITTER sooner, so any
//!   R + 1 permits span at least a second. In the steady state this is the
//!   only rule that waits, so starts (and arrivals) are even: about 0.995 R
//!   per second, never a burst of R and then a pause.
//! - **The window** (the safety net): the service counts a request when it
//!   arrives, somewhere between its permit and its end. An attempt counts
//!   while it is in flight, and after its end until one second after the
//!   latest time it can have arrived, estimated from how long it took: an
//!   answer's own part (service work and the way back) is taken to last at
//!   least as long as the quickest attempt of the run (`D`) less a slack (how
//!   much answers vary: the slowest of the last 100 attempts less `D`, at
//!   least [`JITTER`]). So an attempt that took `took` counts until
//!   `permit + took - D + slack + 1 s`: one slowed on its way there (a new
//!   connection, a busy machine) is held that much longer, and when answers
//!   vary as much as they take, every attempt is held until a second after
//!   its end. At most R attempts count at any permit. With the spacing above
//!   and answers that take about the same time the net never binds; it waits
//!   for the outliers. It is an estimate, not a proof: it holds while no
//!   answer's own part is quicker than `D - slack`.
//!
//! Why not simply "held until 1 s after it ends": that counts every attempt
//! for a second plus its answer time, so the steady rate is
//! R / (1 s + answer time), 0.95 R at 50 ms answers.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::api::pace::{PaceClock, SystemClock};
use crate::api::retry::Pacer;

pub const WINDOW: Duration = Duration::from_secs(1);

/// How much an answer's own part (service work and the way back) may be
/// quicker than in the quickest attempt of the run. Also the slack in the
/// spacing, so that the window rule does not bind in the steady state.
pub const JITTER: Duration = Duration::from_millis(5);

/// How many recent attempts the spread of answer times is taken from.
const RECENT: usize = 100;

/// How often a waiting worker looks at the stop condition, and at requests
/// in flight that may have ended.
const POLL: Duration = Duration::from_millis(10);

struct State {
    /// Recent attempts that ended, oldest end first: (end, time it took).
    ended: VecDeque<(Duration, Duration)>,
    /// Attempts with a permit that have not ended.
    in_flight: u64,
    /// The quickest attempt so far (`D`); `None` before the first ended.
    quickest: Option<Duration>,
    /// How much later than `D` an answer's own part may be quicker than in
    /// the quickest attempt: the spread of recent attempts, at least JITTER.
    slack: Duration,
    /// How long the last [`RECENT`] attempts took, newest last.
    recent: VecDeque<Duration>,
    /// The earliest the next permit may be (the GCRA's theoretical time).
    next: Duration,
    /// The limit in force: `max` unless the service pushed back.
    current: u64,
    last_cut: Option<Duration>,
    last_raise: Duration,
}

impl State {
    fn new(max: u64, now: Duration) -> State {
        State {
            ended: VecDeque::new(),
            in_flight: 0,
            quickest: None,
            slack: JITTER,
            recent: VecDeque::new(),
            next: now,
            current: max,
            last_cut: None,
            last_raise: now,
        }
    }

    /// Until when an attempt that ended at `end` counts: one second after
    /// the latest it can have arrived, `end - (D - slack)`. Every ended
    /// attempt is moved by the same amount, so the order of ends holds.
    fn held_until(&self, end: Duration) -> Duration {
        let back = self.quickest.unwrap_or_default().saturating_sub(self.slack);
        end.saturating_sub(back) + WINDOW
    }
}

/// The gap between permits at `rate` per second.
fn spacing(rate: u64) -> Duration {
    let nanos = (WINDOW + JITTER).as_nanos() as u64;
    Duration::from_nanos(nanos.div_ceil(rate.max(1)))
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
            state: Mutex::new(State::new(max, now)),
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
    while let Some(&(end, _)) = s.ended.front() {
        if s.held_until(end) > now {
            break;
        }
        s.ended.pop_front();
    }
    if now < s.next {
        return Some(s.next - now);
    }
    let counted = s.in_flight + s.ended.len() as u64;
    if counted < s.current {
        s.in_flight += 1;
        // A permit taken late (a worker woken late, a busy machine) lets the
        // next one come sooner, by up to JITTER: the rate does not lose what
        // the sleeps overshoot, and any R + 1 permits still span a second
        // ((R x (1 s + JITTER) / R) - JITTER).
        s.next = s.next.max(now.saturating_sub(JITTER)) + spacing(s.current);
        return None;
    }
    // So many must leave the window; ended attempts leave oldest first, an
    // attempt in flight only after it ends.
    let must_leave = (counted - s.current + 1) as usize;
    Some(match s.ended.get(must_leave - 1) {
        Some(&(end, _)) => s.held_until(end) - now,
        None => POLL,
    })
}

/// An attempt ended at `now` (answer, failure or timeout), `took` after its
/// permit.
fn end(s: &mut State, now: Duration, took: Duration) {
    s.in_flight = s.in_flight.saturating_sub(1);
    let quickest = s.quickest.map_or(took, |q| q.min(took));
    s.quickest = Some(quickest);
    // Ends come in order of the clock; keep the queue sorted if they race.
    let at = s.ended.partition_point(|&(e, _)| e <= now);
    s.ended.insert(at, (now, took));
    if s.recent.len() == RECENT {
        s.recent.pop_front();
    }
    s.recent.push_back(took);
    let slowest = s.recent.iter().max().copied().unwrap_or(took);
    s.slack = JITTER.max(slowest - quickest);
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
            // Short waits are the spacing: slept as they are, so starts stay
            // even; long ones are cut to look at the stop condition.
            self.clock
                .sleep(wait.clamp(Duration::from_micros(50), POLL));
        }
    }

    fn attempt_done(&self, took: Duration) {
        let mut s = self.lock();
        end(&mut s, self.clock.now(), took);
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

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
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

    /// The fewest arrivals in a window `[t, t + 1 s)` that starts at an
    /// arrival and ends before the last one: the rate once started.
    fn fewest_in_a_window(times: &[Duration]) -> usize {
        let mut t = times.to_vec();
        t.sort();
        let last = *t.last().expect("arrivals");
        let mut fewest = usize::MAX;
        let mut hi = 0;
        for lo in 0..t.len() {
            if t[lo] + WINDOW > last {
                break;
            }
            while hi < t.len() && t[hi] < t[lo] + WINDOW {
                hi += 1;
            }
            fewest = fewest.min(hi - lo);
        }
        fewest
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
                        let permit = PaceClock::now(&clock);
                        // Set-up time before the request arrives, then the
                        // time its answer takes.
                        (&*clock).sleep(ms(((t * 7 + i * 13) % 40) as u64));
                        arrivals.lock().unwrap().push(PaceClock::now(&clock));
                        (&*clock).sleep(ms(((t * 3 + i * 5) % 30) as u64));
                        limiter.attempt_done(PaceClock::now(&clock) - permit);
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

    /// A run of `attempts` by `workers` on simulated time, one thread, no
    /// real time: attempt `i` reaches the service `up(i)` after its permit
    /// and ends `back(i)` later. Returns the arrival times.
    fn simulate(
        rate: u64,
        workers: usize,
        attempts: usize,
        up: &dyn Fn(usize) -> Duration,
        back: &dyn Fn(usize) -> Duration,
    ) -> Vec<Duration> {
        let mut s = State::new(rate, Duration::ZERO);
        // Per worker: when it next asks for a permit; `None` while busy.
        let mut ready: Vec<Option<Duration>> = vec![Some(Duration::ZERO); workers];
        // (end, took, worker) of attempts in flight.
        let mut flying: Vec<(Duration, Duration, usize)> = Vec::new();
        let mut arrivals = Vec::new();
        while arrivals.len() < attempts {
            let asking = (0..workers).filter_map(|w| ready[w].map(|t| (t, w))).min();
            let ending = flying.iter().enumerate().map(|(k, f)| (f.0, k)).min();
            match (asking, ending) {
                (_, Some((e, k))) if asking.is_none_or(|(t, _)| e <= t) => {
                    let (e, took, w) = flying.swap_remove(k);
                    end(&mut s, e, took);
                    ready[w] = Some(e);
                }
                (Some((t, w)), _) => match admit(&mut s, t) {
                    None => {
                        let i = arrivals.len();
                        arrivals.push(t + up(i));
                        let took = up(i) + back(i);
                        flying.push((t + took, took, w));
                        ready[w] = None;
                    }
                    Some(wait) => ready[w] = Some(t + wait.clamp(us(50), POLL)),
                },
                _ => unreachable!("a worker is either asking or in flight"),
            }
        }
        arrivals
    }

    /// A spread of `width` around nothing, the same for the same `i`.
    fn spread(i: usize, width: Duration) -> Duration {
        let n = (i as u64).wrapping_mul(2_654_435_761) % 1000;
        width * n as u32 / 1000
    }

    #[test]
    fn starts_are_even_at_the_rate_or_the_concurrency_bound() {
        // 50 ms answers: 0.2 to 3.2 ms on the way there, the rest on the way
        // back, varying by 3 ms.
        let up = |i| us(200) + spread(i, ms(3));
        let back = |i| ms(47) + spread(i + 7, ms(3));
        for rate in [100, 200] {
            for workers in [4, 8, 16, 32, 64] {
                let n = 1600;
                let arrivals = simulate(rate, workers, n, &up, &back);
                let most = most_in_a_window(&arrivals);
                assert!(most <= rate as usize, "{most} > {rate} ({workers} workers)");
                // At most `workers` per answer time.
                let answer = (0..n).map(|i| up(i) + back(i)).sum::<Duration>() / n as u32;
                let bound = (rate as f64).min(workers as f64 / answer.as_secs_f64());
                let fewest = fewest_in_a_window(&arrivals);
                let (first, last) = (arrivals[0], arrivals[n - 1]);
                let steady = (n - 1) as f64 / (last - first).as_secs_f64();
                assert!(
                    steady >= 0.98 * bound,
                    "{steady:.1}/s < 0.98 x {bound:.1} ({workers} workers, --rate {rate})"
                );
                // No window thinner than 0.98 R once started; bound by the
                // workers, windows hold whole starts: one may be one short.
                let floor = if bound == rate as f64 {
                    (0.98 * bound).ceil()
                } else {
                    (0.98 * bound).floor() - 1.0
                };
                assert!(
                    fewest as f64 >= floor,
                    "{fewest} in the thinnest window, bound {bound:.1} ({workers} workers, --rate {rate})"
                );
            }
        }
    }

    #[test]
    fn a_slow_way_there_holds_the_slot_longer() {
        // The first requests of a run open connections: they reach the
        // service 300 ms after their permit, the later ones at once. Counted
        // from the permit, the window at the service would hold the late
        // arrivals and a full second of the others.
        let workers = 16;
        let up = |i| if i < workers { ms(300) } else { us(200) };
        let back = |_| ms(50);
        let arrivals = simulate(100, workers, 600, &up, &back);
        let most = most_in_a_window(&arrivals);
        assert!(most <= 100, "{most} arrivals in one second at --rate 100");
    }

    #[test]
    fn retries_after_pushback_stay_under_the_lowered_limit() {
        let mut s = State::new(100, Duration::ZERO);
        cut(&mut s, Duration::ZERO);
        assert_eq!(s.current, 50);
        let mut t = Duration::ZERO;
        let mut permits = Vec::new();
        while permits.len() < 200 {
            match admit(&mut s, t) {
                None => {
                    permits.push(t);
                    end(&mut s, t + ms(20), ms(20));
                }
                Some(w) => t += w.clamp(us(50), POLL),
            }
        }
        assert!(most_in_a_window(&permits) <= 50);
        assert!(
            fewest_in_a_window(&permits) >= 49,
            "even at the lowered rate"
        );
    }

    #[test]
    fn starts_are_spaced_by_a_second_and_the_jitter_over_the_rate() {
        let mut s = State::new(4, ms(5000));
        assert_eq!(admit(&mut s, ms(5000)), None);
        assert_eq!(admit(&mut s, ms(5000)), Some(ms(251) + us(250)));
        assert_eq!(admit(&mut s, ms(5251) + us(250)), None);
        assert_eq!(spacing(200), us(5025));
        assert_eq!(spacing(3), Duration::from_nanos(335_000_000));
    }

    #[test]
    fn a_late_permit_lets_the_next_come_sooner_and_r_plus_one_span_a_second() {
        let t0 = ms(5000);
        let gap = spacing(10);
        let mut s = State::new(10, t0);
        assert_eq!(admit(&mut s, t0), None);
        // Taken 3 ms late: the next is due 3 ms sooner.
        assert_eq!(admit(&mut s, t0 + gap + ms(3)), None);
        assert_eq!(s.next, t0 + gap * 2);
        // Taken 50 ms late: only JITTER of it is made up.
        assert_eq!(admit(&mut s, t0 + gap * 2 + ms(50)), None);
        assert_eq!(s.next, t0 + gap * 3 + ms(50) - JITTER);
        // Whatever the lateness, R + 1 permits span a second.
        let mut s = State::new(10, t0);
        let mut t = t0;
        let mut permits = Vec::new();
        for i in 0..200u64 {
            loop {
                match admit(&mut s, t) {
                    None => break,
                    Some(w) => t += w,
                }
            }
            permits.push(t);
            s.in_flight = 0;
            // Late by 0 to 9 ms, in a pattern.
            t += ms(i * 7 % 10);
        }
        for w in permits.windows(11) {
            assert!(w[10] - w[0] >= WINDOW, "{:?}", w[10] - w[0]);
        }
    }

    #[test]
    fn a_full_window_waits_for_the_oldest_end_to_leave() {
        let t0 = ms(5000);
        let mut s = State::new(3, t0);
        let gap = spacing(3);
        for i in 0..3 {
            assert_eq!(admit(&mut s, t0 + gap * i), None);
        }
        // From here on only the window rule waits.
        s.next = Duration::ZERO;
        let t1 = t0 + ms(700);
        assert_eq!(admit(&mut s, t1), Some(POLL), "all three in flight");
        end(&mut s, t0 + ms(100), ms(100));
        assert_eq!(s.slack, JITTER, "one answer: no spread");
        // The quickest took 100 ms: the first may have arrived JITTER after
        // its permit, and counts for a second after that.
        assert_eq!(admit(&mut s, t1), Some(t0 + JITTER + WINDOW - t1));
        assert_eq!(admit(&mut s, t0 + JITTER + WINDOW), None);
    }

    #[test]
    fn a_slow_attempt_counts_for_longer_and_a_wide_spread_holds_every_slot_longer() {
        let t0 = ms(5000);
        let mut s = State::new(2, t0);
        for i in 0..20 {
            s.in_flight += 1;
            end(&mut s, t0 + ms(i), ms(50));
        }
        assert_eq!(s.slack, JITTER, "answers alike");
        assert_eq!(
            s.held_until(t0 + ms(19)),
            t0 + ms(19) - (ms(50) - JITTER) + WINDOW,
            "a second after JITTER past its permit"
        );
        // One took 350 ms where the quickest took 50: it may have been on
        // its way for 300 ms (a new connection), or the answers vary that
        // much. Every attempt is held until a second after its end...
        s.in_flight += 1;
        end(&mut s, t0 + ms(400), ms(350));
        assert_eq!(s.slack, ms(300));
        assert_eq!(s.held_until(t0 + ms(400)), t0 + ms(400) + WINDOW);
        // ... until it is no longer among the last RECENT attempts.
        for i in 0..RECENT as u64 {
            s.in_flight += 1;
            end(&mut s, t0 + ms(500 + i), ms(50));
        }
        assert_eq!(s.slack, JITTER);
    }

    #[test]
    fn a_lowered_limit_waits_for_enough_ends_to_leave() {
        let t0 = ms(5000);
        let mut s = State::new(4, t0);
        for i in 0..4 {
            s.ended.push_back((t0 + ms(i * 100), JITTER));
        }
        s.quickest = Some(JITTER);
        s.current = 2;
        // Two may remain: wait until the third-newest (at 200 ms) leaves.
        assert_eq!(admit(&mut s, t0 + ms(450)), Some(ms(750)));
    }

    #[test]
    fn cut_halves_once_per_window_then_recovers() {
        let t0 = ms(5000);
        let mut s = State::new(100, t0);
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
