//! An independent TLSSigAPIv2 implementation (api.md section 5), written
//! from the algorithm with hmac/sha2/flate2/base64 directly rather than
//! livectl's `usersig` module, and checked against the official known
//! answers. Its zlib level and JSON layout differ from livectl's on purpose.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;

fn mac(key: &str, sdkappid: u64, id: &str, t: u64, expire: u64) -> Vec<u8> {
    let content = format!(
        "TLS.identifier:{id}\nTLS.sdkappid:{sdkappid}\nTLS.time:{t}\nTLS.expire:{expire}\n"
    );
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(content.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// A UserSig; `tamper` may change the HMAC bytes before they are encoded.
pub fn mint_with(
    sdkappid: u64,
    id: &str,
    t: u64,
    expire: u64,
    tamper: impl FnOnce(&mut Vec<u8>),
    key: &str,
) -> String {
    let mut sig = mac(key, sdkappid, id, t, expire);
    tamper(&mut sig);
    // Key order and spacing differ from livectl's serializer.
    let doc = format!(
        "{{ \"TLS.sig\": \"{}\", \"TLS.time\": {t}, \"TLS.expire\": {expire}, \"TLS.sdkappid\": {sdkappid}, \"TLS.identifier\": \"{id}\", \"TLS.ver\": \"2.0\" }}",
        STANDARD.encode(&sig)
    );
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(doc.as_bytes()).unwrap();
    STANDARD
        .encode(z.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

pub fn mint(key: &str, sdkappid: u64, id: &str, t: u64, expire: u64) -> String {
    mint_with(sdkappid, id, t, expire, |_| {}, key)
}

#[test]
fn matches_the_official_known_answers() {
    let key = super::harness::DEMO_KEY;
    for (id, t, expire, want) in [
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
    ] {
        assert_eq!(
            STANDARD.encode(mac(key, 1400000000, id, t, expire)),
            want,
            "{id}"
        );
    }
}
