//! Mints the UserSig in memory and mints it again before it expires, so a
//! run longer than the TTL never sends an expired one. The clock is injected
//! for tests.

use std::sync::Mutex;

use crate::secret::Secret;
use crate::usersig;

/// Seconds since the Unix epoch.
pub type SignerClock = fn() -> u64;

pub fn system_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub struct Signer {
    sdkappid: u64,
    identifier: String,
    key: Secret,
    ttl: u64,
    clock: SignerClock,
    cached: Mutex<Option<(Secret, u64)>>,
}

impl Signer {
    pub fn new(
        sdkappid: u64,
        identifier: &str,
        key: Secret,
        ttl: u64,
        clock: SignerClock,
    ) -> Signer {
        Signer {
            sdkappid,
            identifier: identifier.to_string(),
            key,
            ttl,
            clock,
            cached: Mutex::new(None),
        }
    }

    /// A UserSig with at least half its lifetime left.
    pub fn current(&self) -> Secret {
        let now = (self.clock)();
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((sig, minted)) = cached.as_ref() {
            // Renew at half-life: a request in flight (up to --timeout) never
            // carries a UserSig that expires under it.
            if now >= *minted && now - minted < self.ttl / 2 {
                return sig.clone();
            }
        }
        let sig = usersig::generate(self.sdkappid, &self.key, &self.identifier, self.ttl, now);
        *cached = Some((sig.clone(), now));
        sig
    }

    /// Drops the cached UserSig (after 70001/70052).
    pub fn invalidate(&self) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    static NOW: AtomicU64 = AtomicU64::new(1_700_000_000);
    fn fake() -> u64 {
        NOW.load(Ordering::SeqCst)
    }

    #[test]
    fn renews_before_expiry_and_after_invalidate() {
        let s = Signer::new(1400000000, "admin", Secret::new("k"), 10, fake);
        let a = s.current();
        NOW.fetch_add(4, Ordering::SeqCst);
        assert_eq!(s.current(), a, "reused while more than half is left");
        NOW.fetch_add(1, Ordering::SeqCst);
        let b = s.current();
        assert_ne!(b, a, "renewed at half-life");
        let doc = usersig::decode(b.expose()).unwrap();
        assert_eq!(doc["TLS.time"], 1_700_000_005u64);
        s.invalidate();
        NOW.fetch_add(1, Ordering::SeqCst);
        assert_ne!(s.current(), b);
    }
}
