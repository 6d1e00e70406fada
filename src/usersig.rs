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
    let content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
        .expect("HMAC accepts a key of any length");
    mac.update(content.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
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
}
