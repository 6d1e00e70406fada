//! Checks a request's URL parameters as the service does (api.md sections
//! 1, 4, 5): sdkappid, identifier (the app admin), random, contenttype, and
//! the UserSig verified by `usersig::verify` with the emulator's key.

use super::wire::{Fail, fail};
use crate::secret::Secret;
use crate::usersig;

/// What the emulator accepts requests for.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub sdkappid: u64,
    /// The app admin account.
    pub identifier: String,
    pub key: Secret,
}

/// Checks the query string of a request at time `now` (Unix s): the
/// caller must be this app's admin with a valid UserSig.
pub fn check(query: &str, creds: &Credentials, now: u64) -> Result<(), Fail> {
    let mut sdkappid = None;
    let mut identifier = None;
    let mut sig = None;
    let mut random = None;
    let mut contenttype = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "sdkappid" => &mut sdkappid,
            "identifier" => &mut identifier,
            "usersig" => &mut sig,
            "random" => &mut random,
            "contenttype" => &mut contenttype,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v.into_owned());
        }
    }
    let Some(app) = sdkappid.filter(|s| !s.is_empty()) else {
        return Err(fail(60012, "sdkappid is missing from the URL"));
    };
    if app.parse::<u64>().ok() != Some(creds.sdkappid) {
        return Err(fail(
            60006,
            format!(
                "SDKAppID {app} is invalid: this emulator serves {}",
                creds.sdkappid
            ),
        ));
    }
    let Some(who) = identifier.filter(|s| !s.is_empty()) else {
        return Err(fail(60002, "identifier is missing from the URL"));
    };
    if who != creds.identifier {
        return Err(fail(
            60010,
            format!("identifier \"{who}\" is not an App admin of this app"),
        ));
    }
    if random.as_deref().is_none_or(|r| r.parse::<u32>().is_err()) {
        return Err(fail(60002, "random must be an unsigned 32-bit number"));
    }
    if contenttype.as_deref() != Some("json") {
        return Err(fail(60002, "contenttype must be json"));
    }
    usersig::verify(
        sig.as_deref().unwrap_or_default(),
        creds.sdkappid,
        &who,
        &creds.key,
        now,
    )
    .map_err(|r| fail(r.code(), r.info()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const NOW: u64 = 1_700_000_000;

    fn creds() -> Credentials {
        Credentials {
            sdkappid: 1400000000,
            identifier: "administrator".into(),
            key: Secret::new(KEY),
        }
    }

    fn query(app: &str, who: &str, sig: &str, random: &str, ct: &str) -> String {
        format!("sdkappid={app}&identifier={who}&usersig={sig}&random={random}&contenttype={ct}")
    }

    fn code(q: &str) -> i64 {
        check(q, &creds(), NOW + 1).err().map_or(0, |f| f.code)
    }

    #[test]
    fn each_parameter_has_its_code() {
        let sig = usersig::generate(1400000000, &Secret::new(KEY), "administrator", 600, NOW);
        let s = sig.expose();
        assert_eq!(
            code(&query("1400000000", "administrator", s, "7", "json")),
            0
        );
        assert_eq!(
            code(&format!(
                "identifier=administrator&usersig={s}&random=1&contenttype=json"
            )),
            60012
        );
        assert_eq!(
            code(&query("1400000001", "administrator", s, "7", "json")),
            60006
        );
        assert_eq!(code(&query("1400000000", "bob", s, "7", "json")), 60010);
        assert_eq!(
            code(&query("1400000000", "administrator", s, "x", "json")),
            60002
        );
        assert_eq!(
            code(&query(
                "1400000000",
                "administrator",
                s,
                "4294967296",
                "json"
            )),
            60002
        );
        assert_eq!(
            code(&query("1400000000", "administrator", s, "7", "xml")),
            60002
        );
        assert_eq!(
            code(&query("1400000000", "administrator", "", "7", "json")),
            70002
        );
        let other = usersig::generate(
            1400000000,
            &Secret::new("another key"),
            "administrator",
            600,
            NOW,
        );
        assert_eq!(
            code(&query(
                "1400000000",
                "administrator",
                other.expose(),
                "7",
                "json"
            )),
            70009
        );
        let old = usersig::generate(1400000000, &Secret::new(KEY), "administrator", 5, NOW - 10);
        assert_eq!(
            code(&query(
                "1400000000",
                "administrator",
                old.expose(),
                "7",
                "json"
            )),
            70001
        );
        let bob = usersig::generate(1400000000, &Secret::new(KEY), "bob", 600, NOW);
        assert_eq!(
            code(&query(
                "1400000000",
                "administrator",
                bob.expose(),
                "7",
                "json"
            )),
            70013
        );
    }
}
