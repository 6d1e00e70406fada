//! Tests of the batch's pacer: real threads on a clock that moves when
//! slept on, and a one-thread simulation of workers on simulated time.

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
            // At most `workers` per answer time, and (the window counted
            // strictly, until a second after each end) R per second plus
            // an answer time.
            let answer = (0..n).map(|i| up(i) + back(i)).sum::<Duration>() / n as u32;
            let strict = rate as f64 / (1.0 + answer.as_secs_f64());
            let bound = strict.min(workers as f64 / answer.as_secs_f64());
            let fewest = fewest_in_a_window(&arrivals);
            let (first, last) = (arrivals[0], arrivals[n - 1]);
            let steady = (n - 1) as f64 / (last - first).as_secs_f64();
            assert!(
                steady >= 0.98 * bound,
                "{steady:.1}/s < 0.98 x {bound:.1} ({workers} workers, --rate {rate})"
            );
            // No window thinner than 0.98 R once started; bound by the
            // workers, windows hold whole starts: one may be one short.
            let floor = (0.98 * bound).floor() - 1.0;
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
    // The first may have arrived as late as its end: it counts for a
    // second after that.
    assert_eq!(admit(&mut s, t1), Some(t0 + ms(100) + WINDOW - t1));
    assert_eq!(admit(&mut s, t0 + ms(100) + WINDOW), None);
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
        t0 + ms(19) + WINDOW,
        "a second after its end, however alike the answers"
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
