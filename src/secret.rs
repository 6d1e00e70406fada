//! A `Secret` holds a credential (the secret key, a UserSig). Its `Debug` and
//! `Display` never show the value, so it cannot leak through logs, error
//! chains or panics by accident; reading it takes an explicit `expose()`.
//! [`looks_like_key`] spots a key pasted where a name belongs, so that
//! setting can be refused without ever being echoed.

use std::fmt;

/// A credential whose value is only reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value. Call sites are few and reviewed: signing, the URL, and
    /// `livectl usersig`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `****` plus the last four characters, for `profile show` and `doctor`.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() <= 8 {
            return "****".to_string();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shortest run of key characters taken for a key.
pub const KEY_MIN_LEN: usize = 32;

/// Whether `value` holds something shaped like a secret key. The rule, on the
/// whole value and on each word of it (split at every character outside the
/// base64/base64url alphabet `A-Z a-z 0-9 + / - _ =`, and again at `/`):
/// a word of [`KEY_MIN_LEN`] or more characters that is all hex digits, or
/// all base64/base64url with at least one digit, one lower-case and one
/// upper-case letter. Names (`LIVE_PROD_KEY`, `administrator`, regions,
/// `https://adminapisgp.im.qcloud.com`) are short words or miss a class.
pub fn looks_like_key(value: &str) -> bool {
    let b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=');
    value
        .split(|c: char| !b64(c))
        .flat_map(|w| std::iter::once(w).chain(w.split('/')))
        .any(key_shaped_word)
}

fn key_shaped_word(w: &str) -> bool {
    if w.len() < KEY_MIN_LEN {
        return false;
    }
    if w.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    w.bytes().any(|b| b.is_ascii_digit())
        && w.bytes().any(|b| b.is_ascii_lowercase())
        && w.bytes().any(|b| b.is_ascii_uppercase())
}

/// The refusal for a key-shaped value in `setting` (e.g. `environment
/// variable LIVECTL_REGION`), which takes `expects` (e.g. `a region name`).
/// Never holds the value.
pub fn key_in_wrong_place(setting: &str, expects: &str) -> String {
    format!(
        "{setting} looks like a secret key (value not shown); it takes {expects}, not the key. \
         Remove it, and give the key through LIVECTL_SECRET_KEY, a secret_key_file, or \
         `livectl profile add NAME --secret-key-stdin`"
    )
}

/// `text` with every key-shaped word replaced by `<redacted>`: a last guard
/// on messages built from text livectl did not write (a parser's message).
pub fn scrub_keys(text: &str) -> String {
    let b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=');
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if looks_like_key(word) {
            out.push_str("<redacted>");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if b64(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    #[test]
    fn keys_are_spotted() {
        assert!(looks_like_key(HEX_KEY));
        assert!(looks_like_key(&HEX_KEY.to_uppercase()));
        // 32 hex digits is the edge; 31 is not a key.
        assert!(looks_like_key(&HEX_KEY[..32]));
        assert!(!looks_like_key(&HEX_KEY[..31]));
        // base64 and base64url, with padding.
        assert!(looks_like_key("q3Zr8T+k/2LmN9wXyA1bC4dE5fG6hJ7k=="));
        assert!(looks_like_key("q3Zr8T-k_2LmN9wXyA1bC4dE5fG6hJ7k"));
        // Inside a longer value: a URL, surrounding spaces, a path.
        assert!(looks_like_key(&format!("https://h/{HEX_KEY}")));
        assert!(looks_like_key(&format!("  {HEX_KEY}\n")));
        assert!(looks_like_key(&format!("https://user:{HEX_KEY}@h")));
    }

    #[test]
    fn names_are_not_keys() {
        for name in [
            "LIVE_PROD_KEY",
            "LIVECTL_SECRET_KEY",
            "TENCENT_LIVE_PRODUCTION_SECRET_KEY_V2",
            "administrator",
            "silicon-valley",
            "sgp",
            "https://adminapisgp.im.qcloud.com",
            "https://adminapiusa.my-imcloud.com/",
            "http://127.0.0.1:8080",
            "prod",
            "1400000001",
            "/home/someone/.config/livectl/secret.key",
            // Long, but all lower case: a name, not random.
            "my-very-long-profile-name-for-production-use",
        ] {
            assert!(!looks_like_key(name), "{name}");
        }
        // 32 base64 characters missing one class (no digit) pass.
        assert!(!looks_like_key("qZrTkLmNwXyAbCdEfGhJkQzRtWvUsPoI"));
    }

    #[test]
    fn scrub_replaces_only_keys() {
        let msg = format!("unknown field `{HEX_KEY}`, expected `region`");
        assert_eq!(
            scrub_keys(&msg),
            "unknown field `<redacted>`, expected `region`"
        );
        assert_eq!(scrub_keys("line 2: `region`"), "line 2: `region`");
    }

    #[test]
    fn the_refusal_names_the_setting_and_where_keys_go() {
        let m = key_in_wrong_place("environment variable LIVECTL_REGION", "a region name");
        assert!(m.starts_with("environment variable LIVECTL_REGION looks like a secret key"));
        assert!(m.contains("LIVECTL_SECRET_KEY") && m.contains("--secret-key-stdin"));
    }

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("supersecretvalue1234");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    Secret(<redacted>),\n)"
        );
    }

    #[test]
    fn masked_shows_only_last_four() {
        assert_eq!(Secret::new("abcdefghijkl1234").masked(), "****1234");
        // Too short to show any of it safely.
        assert_eq!(Secret::new("abc12345").masked(), "****");
    }
}
