//! Retries (cli.md section 5): which failures are retried, the backoff, the
//! one re-signing after 70001/70052, and whether an earlier attempt was
//! uncertain (what that means for 100010/100004: `settle::in_doubt`).
//! A [`Pacer`] lets a batch gate every attempt on its rate limit and hear
//! about rate-limit answers.

use rand::Rng;
use serde_json::Value;
use std::time::Duration;

use super::endpoint::Endpoint;
use super::{Client, Reply, Transport};
use crate::codes::{self, Class};
use crate::output;

/// How hard to try.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubles each retry.
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 3,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
        }
    }
}

/// 100012: the same room ID only once a second.
pub const SLOW_RETRY_MIN: Duration = Duration::from_secs(1);

impl Policy {
    /// Backoff before retry number `n` (1-based): exponential, capped, with
    /// jitter in [50%, 100%] so concurrent rows do not retry in step.
    pub fn backoff(&self, n: u32, class: Option<Class>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << (n - 1).min(16))
            .min(self.cap);
        let jittered = exp.mul_f64(rand::rng().random_range(0.5..=1.0));
        if class == Some(Class::RetrySlow) {
            jittered.max(SLOW_RETRY_MIN)
        } else {
            jittered
        }
    }
}

/// Gates attempts; a batch implements it with its rate limiter.
pub trait Pacer: Sync {
    /// Blocks until another request may start. `false`: the run is
    /// stopping (Ctrl-C, `--fail-fast`), so send nothing more.
    fn before_attempt(&self) -> bool {
        true
    }
    /// Waits out a retry backoff; a batch cuts it short when it stops.
    fn pause(&self, wait: Duration) {
        std::thread::sleep(wait);
    }
    /// The attempt that `before_attempt` allowed has ended (answer, failure
    /// or timeout), `took` after its permit: a rate limiter counts it until a
    /// window after the latest time it can have reached the service.
    fn attempt_done(&self, _took: Duration) {}
    /// The service said "too many requests".
    fn rate_limited(&self) {}
    /// A request went through without a rate-limit answer.
    fn succeeded(&self) {}
}

/// No pacing: single commands.
pub struct NoPacer;
impl Pacer for NoPacer {}

/// The end of a retried call.
#[derive(Debug)]
pub struct Outcome {
    /// The last answer, or the last transport failure.
    pub result: Result<Reply, Transport>,
    pub attempts: u32,
    /// An earlier attempt may have reached the service (timeout, cut
    /// connection, 5xx): its effect may have happened. An answer saying the
    /// effect is there already (100010, 100004) is then in doubt: see
    /// `settle::in_doubt`.
    pub uncertain: bool,
    /// When the first attempt left (Unix seconds, local clock); `None` when
    /// nothing was sent.
    pub first_sent: Option<i64>,
}

impl Client {
    /// Sends with retries. When the
    /// pacer stops the run, the outcome is the last answer so far, or, before
    /// the first attempt, a "not sent" failure with `attempts` 0.
    pub fn execute(
        &self,
        ep: &Endpoint,
        body: &Value,
        policy: Policy,
        pacer: &dyn Pacer,
    ) -> Outcome {
        let mut attempts = 0;
        let mut resigned = false;
        let mut uncertain = false;
        let mut retries_used = 0;
        let mut last: Option<Result<Reply, Transport>> = None;
        let mut first_sent = None;
        let outcome = |result, attempts, uncertain, first_sent| Outcome {
            result,
            attempts,
            uncertain,
            first_sent,
        };
        loop {
            if !pacer.before_attempt() {
                let result = last.unwrap_or_else(|| Err(Transport::not_sent()));
                return outcome(result, attempts, uncertain, first_sent);
            }
            attempts += 1;
            first_sent.get_or_insert_with(unix_now);
            let permit = std::time::Instant::now();
            let result = self.send(ep, body);
            pacer.attempt_done(permit.elapsed());
            let (class, why) = match &result {
                Ok(reply) if reply.error_code == 0 => {
                    pacer.succeeded();
                    return outcome(result, attempts, uncertain, first_sent);
                }
                Ok(reply) => {
                    let class = codes::class_of(reply.error_code);
                    if class == Class::RetryRate {
                        pacer.rate_limited();
                    } else {
                        pacer.succeeded();
                    }
                    if class == Class::Resign && !resigned {
                        resigned = true;
                        output::log(
                            1,
                            format!(
                                "{} {}: minting a new UserSig, retrying once",
                                reply.error_code, reply.error_info
                            ),
                        );
                        if let Some(s) = self.signer() {
                            s.invalidate();
                        }
                        last = Some(result);
                        continue;
                    }
                    if !class.retryable() || retries_used >= policy.retries {
                        return outcome(result, attempts, uncertain, first_sent);
                    }
                    (
                        Some(class),
                        format!("{} {}", reply.error_code, reply.error_info),
                    )
                }
                Err(t) => {
                    uncertain |= t.uncertain;
                    if t.rate_limited {
                        pacer.rate_limited();
                    }
                    if retries_used >= policy.retries {
                        return outcome(result, attempts, uncertain, first_sent);
                    }
                    (None, t.detail.clone())
                }
            };
            last = Some(result);
            retries_used += 1;
            let wait = policy.backoff(retries_used, class);
            output::log(
                1,
                format!(
                    "{why}: retry {retries_used} of {} in {} ms",
                    policy.retries,
                    wait.as_millis()
                ),
            );
            pacer.pause(wait);
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let p = Policy {
            retries: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(350),
        };
        for _ in 0..50 {
            let b1 = p.backoff(1, None);
            assert!(
                b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100),
                "{b1:?}"
            );
            let b2 = p.backoff(2, None);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            let b9 = p.backoff(9, None);
            assert!(b9 <= Duration::from_millis(350));
        }
    }

    #[test]
    fn room_created_too_recently_waits_a_second() {
        let p = Policy {
            retries: 3,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
        };
        assert!(p.backoff(1, Some(Class::RetrySlow)) >= Duration::from_secs(1));
        assert!(p.backoff(1, Some(Class::Retry)) < Duration::from_secs(1));
    }

    /// Lets `n` attempts start, then stops the run.
    struct StopAfter(std::sync::atomic::AtomicU32);

    impl Pacer for StopAfter {
        fn before_attempt(&self) -> bool {
            use std::sync::atomic::Ordering;
            self.0
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        }
        fn pause(&self, _: Duration) {}
    }

    fn refused_client() -> Client {
        // Port 1 on loopback: nothing listens, the connection is refused.
        crate::api::tests::client("http://127.0.0.1:1")
    }

    #[test]
    fn a_stopping_run_sends_nothing_more() {
        let client = refused_client();
        let body = serde_json::json!({});
        let out = client.execute(
            &crate::api::endpoint::CREATE_ROOM,
            &body,
            Policy::default(),
            &StopAfter(0.into()),
        );
        assert_eq!(
            out.attempts, 0,
            "stopped before the first attempt: nothing sent"
        );
        assert!(out.result.unwrap_err().detail.contains("not sent"));

        let out = client.execute(
            &crate::api::endpoint::CREATE_ROOM,
            &body,
            Policy::default(),
            &StopAfter(2.into()),
        );
        assert_eq!(out.attempts, 2, "the retry after the stop is not sent");
        assert!(out.result.unwrap_err().detail.contains("could not connect"));
    }
}
