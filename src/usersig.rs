//! UserSig (TLSSigAPIv2), api.md section 5. Pure: the clock is a parameter,
//! so the known answers are unit tests. Also decodes a UserSig, which the
//! tests and `doctor` use to check one without the service.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::{Read, Write};

use crate::secret::Secret;

/// Lowest and highest lifetime accepted for a UserSig, in seconds.
pub const TTL_MIN: u64 = 5;
pub const TTL_MAX: u64 = 15_552_000;

/// The `TLS.sig` field: base64 of HMAC-SHA256 over the content lines, keyed
/// by the secret key's UTF-8 bytes (not hex-decoded).
pub fn sig_field(sdkappid: u64, key: &Secret, identifier: &str, time: u64, expire: u64) -> String {
    STANDARD.encode(
        mac(key, &content(identifier, sdkappid, time, expire))
            .finalize()
            .into_bytes(),
    )
}

/// The signed lines, in the order every official library writes them.
fn content(identifier: &str, sdkappid: u64, time: u64, expire: u64) -> String {
    format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    )
}

fn mac(key: &Secret, content: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
        .expect("HMAC accepts a key of any length");
    mac.update(content.as_bytes());
    mac
}

/// Mints a UserSig valid from `now` for `ttl` seconds.
pub fn generate(sdkappid: u64, key: &Secret, identifier: &str, ttl: u64, now: u64) -> Secret {
    let doc = serde_json::json!({
        "TLS.ver": "2.0",
        "TLS.identifier": identifier,
        "TLS.sdkappid": sdkappid,
        "TLS.expire": ttl,
        "TLS.time": now,
        "TLS.sig": sig_field(sdkappid, key, identifier, now, ttl),
    });
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(doc.to_string().as_bytes())
        .and_then(|_| z.finish())
        .map(|bytes| Secret::new(url_escape(&STANDARD.encode(bytes))))
        .expect("compressing into memory cannot fail")
}

fn url_escape(b64: &str) -> String {
    b64.chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

/// Decodes a UserSig back to its JSON document (for tests and `doctor`).
pub fn decode(usersig: &str) -> Result<serde_json::Value, String> {
    let b64: String = usersig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let zipped = STANDARD
        .decode(b64)
        .map_err(|e| format!("not base64: {e}"))?;
    let mut json = String::new();
    ZlibDecoder::new(&zipped[..])
        .read_to_string(&mut json)
        .map_err(|e| format!("not zlib: {e}"))?;
    serde_json::from_str(&json).map_err(|e| format!("not JSON: {e}"))
}

/// Why a UserSig was refused, each with the service's code (api.md section 4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// 70002: no UserSig at all.
    Empty,
    /// 70003: not base64/zlib/JSON, a field missing or mistyped, or a version other than 2.0.
    Malformed(String),
    /// 70013: made for another identifier than the request's.
    Identifier,
    /// 70014: made for another sdkappid than the request's.
    Sdkappid,
    /// 70001: `now` is past `TLS.time + TLS.expire`.
    Expired,
    /// 70009: the HMAC does not match this app's secret key.
    Signature,
}

impl Rejected {
    pub fn code(&self) -> i64 {
        match self {
            Rejected::Empty => 70002,
            Rejected::Malformed(_) => 70003,
            Rejected::Identifier => 70013,
            Rejected::Sdkappid => 70014,
            Rejected::Expired => 70001,
            Rejected::Signature => 70009,
        }
    }

    /// The refusal as the service words it (never quoting the UserSig).
    pub fn info(&self) -> String {
        match self {
            Rejected::Empty => "UserSig is empty".into(),
            Rejected::Malformed(why) => format!("UserSig is invalid: {why}"),
            Rejected::Identifier => {
                "identifier in the URL differs from the one in the UserSig".into()
            }
            Rejected::Sdkappid => "sdkappid in the URL differs from the one in the UserSig".into(),
            Rejected::Expired => "UserSig expired; mint a new one".into(),
            Rejected::Signature => {
                "UserSig signature check failed: made with another secret key".into()
            }
        }
    }
}

/// Verifies a UserSig as the official TLSSigAPIv2 verifiers do: decode,
/// `TLS.ver` 2.0, identifier, sdkappid, expiry, then the HMAC (with
/// `TLS.userbuf` in the signed lines when present), compared in constant time.
pub fn verify(
    usersig: &str,
    sdkappid: u64,
    identifier: &str,
    key: &Secret,
    now: u64,
) -> Result<(), Rejected> {
    if usersig.is_empty() {
        return Err(Rejected::Empty);
    }
    let doc = decode(usersig).map_err(Rejected::Malformed)?;
    let bad = |what: &str| Rejected::Malformed(format!("{what} is missing or of the wrong type"));
    if doc["TLS.ver"].as_str() != Some("2.0") {
        return Err(Rejected::Malformed("TLS.ver is not \"2.0\"".into()));
    }
    let sig_id = doc["TLS.identifier"]
        .as_str()
        .ok_or_else(|| bad("TLS.identifier"))?;
    let sig_app = doc["TLS.sdkappid"]
        .as_u64()
        .ok_or_else(|| bad("TLS.sdkappid"))?;
    let time = doc["TLS.time"].as_u64().ok_or_else(|| bad("TLS.time"))?;
    let expire = doc["TLS.expire"]
        .as_u64()
        .ok_or_else(|| bad("TLS.expire"))?;
    let sig = doc["TLS.sig"].as_str().ok_or_else(|| bad("TLS.sig"))?;
    if sig_id != identifier {
        return Err(Rejected::Identifier);
    }
    if sig_app != sdkappid {
        return Err(Rejected::Sdkappid);
    }
    if time.saturating_add(expire) < now {
        return Err(Rejected::Expired);
    }
    let mut signed = content(identifier, sdkappid, time, expire);
    if let Some(buf) = doc.get("TLS.userbuf") {
        let buf = buf.as_str().ok_or_else(|| bad("TLS.userbuf"))?;
        signed.push_str(&format!("TLS.userbuf:{buf}\n"));
    }
    let given = STANDARD
        .decode(sig)
        .map_err(|_| Rejected::Malformed("TLS.sig is not base64".into()))?;
    mac(key, &signed)
        .verify_slice(&given)
        .map_err(|_| Rejected::Signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    #[test]
    fn known_answers_from_the_official_libraries() {
        let key = Secret::new(DEMO_KEY);
        let cases = [
            (
                "0",
                1569910200,
                15552000,
                "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=",
            ),
            (
                "xiaojun",
                1700000000,
                15552000,
                "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=",
            ),
            (
                "administrator",
                1700000000,
                86400,
                "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=",
            ),
        ];
        for (id, t, expire, want) in cases {
            assert_eq!(
                sig_field(1400000000, &key, id, t, expire),
                want,
                "identifier {id}"
            );
        }
    }

    #[test]
    fn whole_usersig_round_trips() {
        let key = Secret::new(DEMO_KEY);
        let sig = generate(1400000000, &key, "administrator", 86400, 1700000000);
        assert!(
            sig.expose()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "*-_".contains(c))
        );
        let doc = decode(sig.expose()).unwrap();
        assert_eq!(doc["TLS.ver"], "2.0");
        assert_eq!(doc["TLS.identifier"], "administrator");
        assert_eq!(doc["TLS.sdkappid"], 1400000000);
        assert_eq!(doc["TLS.time"], 1700000000);
        assert_eq!(doc["TLS.expire"], 86400);
        assert_eq!(
            doc["TLS.sig"],
            "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60="
        );
    }

    #[test]
    fn decodes_the_official_python_string() {
        let official = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqUsTAzgQuWZOaChAzN0RQXZ6aDLKn0cUzVLjcPD00NLS1MCrPM0A*JMLcoNTLMD3HP1M60jCowLDUOKMiLNDOwVaoFAD4PNPI_";
        let doc = decode(official).unwrap();
        assert_eq!(doc["TLS.identifier"], "administrator");
        assert_eq!(
            doc["TLS.sig"],
            "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60="
        );
    }

    #[test]
    fn decode_rejects_garbage() {
        assert!(decode("!!!").is_err());
        assert!(decode("aGVsbG8_").is_err());
    }

    #[test]
    fn verify_accepts_the_official_string_and_refuses_each_fault() {
        let key = Secret::new(DEMO_KEY);
        let official = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqUsTAzgQuWZOaChAzN0RQXZ6aDLKn0cUzVLjcPD00NLS1MCrPM0A*JMLcoNTLMD3HP1M60jCowLDUOKMiLNDOwVaoFAD4PNPI_";
        let t = 1_700_000_000;
        assert_eq!(
            verify(official, 1400000000, "administrator", &key, t + 10),
            Ok(())
        );
        // The last second of its life still counts; one more is expired.
        assert_eq!(
            verify(official, 1400000000, "administrator", &key, t + 86400),
            Ok(())
        );
        assert_eq!(
            verify(official, 1400000000, "administrator", &key, t + 86401),
            Err(Rejected::Expired)
        );
        assert_eq!(
            verify(
                official,
                1400000000,
                "administrator",
                &Secret::new("other"),
                t
            ),
            Err(Rejected::Signature)
        );
        assert_eq!(
            verify(official, 1400000000, "someone", &key, t),
            Err(Rejected::Identifier)
        );
        assert_eq!(
            verify(official, 1400000001, "administrator", &key, t),
            Err(Rejected::Sdkappid)
        );
        assert_eq!(
            verify("", 1400000000, "administrator", &key, t),
            Err(Rejected::Empty)
        );
        assert!(matches!(
            verify("abc", 1400000000, "administrator", &key, t),
            Err(Rejected::Malformed(_))
        ));
    }

    #[test]
    fn verify_refuses_a_tampered_field_or_version() {
        let key = Secret::new(DEMO_KEY);
        let reencode = |doc: serde_json::Value| {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
            z.write_all(doc.to_string().as_bytes()).unwrap();
            url_escape(&STANDARD.encode(z.finish().unwrap()))
        };
        let good = generate(1400000000, &key, "administrator", 86400, 1_700_000_000);
        let mut doc = decode(good.expose()).unwrap();
        doc["TLS.expire"] = 86401.into();
        assert_eq!(
            verify(
                &reencode(doc.clone()),
                1400000000,
                "administrator",
                &key,
                1_700_000_000
            ),
            Err(Rejected::Signature),
            "a longer life without a new signature"
        );
        doc["TLS.expire"] = 86400.into();
        doc["TLS.ver"] = "1.0".into();
        assert!(matches!(
            verify(
                &reencode(doc.clone()),
                1400000000,
                "administrator",
                &key,
                1_700_000_000
            ),
            Err(Rejected::Malformed(_))
        ));
        doc["TLS.ver"] = "2.0".into();
        doc["TLS.userbuf"] = "YWJj".into();
        assert_eq!(
            verify(
                &reencode(doc),
                1400000000,
                "administrator",
                &key,
                1_700_000_000
            ),
            Err(Rejected::Signature),
            "a userbuf is part of what is signed"
        );
    }
}
