//! A `Secret` holds a credential (the secret key, a UserSig). Its `Debug` and
//! `Display` never show the value, so it cannot leak through logs, error
//! chains or panics by accident; reading it takes an explicit `expose()`.

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

#[cfg(test)]
mod tests {
    use super::*;

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
