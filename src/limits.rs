//! The service's documented limits (live-api.md §3.6, §6-§8), and the rules
//! built on them that the client checks before sending and the emulator
//! enforces when answering: one definition, so the two cannot disagree.

use std::collections::BTreeMap;

/// Admins per room (modify_admin answers 100020 past it).
pub const ADMIN_MAX: usize = 5;
/// Robots per room.
pub const ROBOT_MAX: usize = 3;
/// Users per ban_member / unban_member call.
pub const USERS_PER_CALL: usize = 20;
/// Bytes of a ban's `Reason`.
pub const REASON_MAX: usize = 200;
/// `Limit` of one get_banned_member_list page.
pub const BANNED_PAGE_MAX: usize = 100;
/// Metadata keys per room (100500).
pub const META_KEYS_MAX: usize = 10;
/// Bytes of a metadata key (100002).
pub const META_KEY_MAX: usize = 50;
/// Bytes of a metadata value (100501).
pub const META_VALUE_MAX: usize = 2048;
/// Bytes of all of a room's metadata values together (100502).
pub const META_TOTAL_MAX: usize = 16 * 1024;

/// Accounts per multiaccount_import, account_check and portrait_get call
/// (live-api.md §18.5).
pub const ACCOUNTS_PER_CALL: usize = 100;
/// Bytes of a profile value, Nick or FaceUrl (40601).
pub const PROFILE_VALUE_MAX: usize = 500;

/// Why a set_room_metadata would break a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaBreach {
    EmptyKey,
    KeyTooLong { key: String, len: usize },
    ValueTooLong { key: String, len: usize },
    TooManyKeys { after: usize },
    TooLarge { total: usize },
}

impl MetaBreach {
    /// The service's code for it.
    pub fn code(&self) -> i64 {
        match self {
            MetaBreach::EmptyKey | MetaBreach::KeyTooLong { .. } => 100_002,
            MetaBreach::ValueTooLong { .. } => 100_501,
            MetaBreach::TooManyKeys { .. } => 100_500,
            MetaBreach::TooLarge { .. } => 100_502,
        }
    }
}

impl std::fmt::Display for MetaBreach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetaBreach::EmptyKey => write!(f, "a metadata key is empty"),
            MetaBreach::KeyTooLong { key, len } => {
                write!(
                    f,
                    "Key \"{key}\" is {len} bytes; the limit is {META_KEY_MAX} bytes"
                )
            }
            MetaBreach::ValueTooLong { key, len } => write!(
                f,
                "the value of \"{key}\" is {len} bytes; the limit is {META_VALUE_MAX} bytes"
            ),
            MetaBreach::TooManyKeys { after } => write!(
                f,
                "a room holds at most {META_KEYS_MAX} metadata keys; this would make {after}"
            ),
            MetaBreach::TooLarge { total } => write!(
                f,
                "metadata values would total {total} bytes; the limit is {META_TOTAL_MAX} bytes"
            ),
        }
    }
}

/// A metadata key: not empty, at most [`META_KEY_MAX`] bytes.
pub fn check_meta_key(key: &str) -> Result<(), MetaBreach> {
    if key.is_empty() {
        return Err(MetaBreach::EmptyKey);
    }
    if key.len() > META_KEY_MAX {
        return Err(MetaBreach::KeyTooLong {
            key: key.to_string(),
            len: key.len(),
        });
    }
    Ok(())
}

/// The room's metadata after upserting `new` into `current`, or the first
/// limit it would break: keys, then each value, then the count, then the
/// total.
pub fn meta_after<'a>(
    current: &BTreeMap<String, String>,
    new: impl IntoIterator<Item = (&'a String, &'a String)> + Clone,
) -> Result<BTreeMap<String, String>, MetaBreach> {
    for (k, v) in new.clone() {
        check_meta_key(k)?;
        if v.len() > META_VALUE_MAX {
            return Err(MetaBreach::ValueTooLong {
                key: k.clone(),
                len: v.len(),
            });
        }
    }
    let mut after = current.clone();
    after.extend(new.into_iter().map(|(k, v)| (k.clone(), v.clone())));
    if after.len() > META_KEYS_MAX {
        return Err(MetaBreach::TooManyKeys { after: after.len() });
    }
    let total: usize = after.values().map(String::len).sum();
    if total > META_TOTAL_MAX {
        return Err(MetaBreach::TooLarge { total });
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(p: &[(&str, &str)]) -> BTreeMap<String, String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn metadata_limits_in_order_with_their_codes() {
        let none = map(&[]);
        assert!(meta_after(&none, &map(&[("k", &"v".repeat(2048))])).is_ok());
        let long_value = meta_after(&none, &map(&[("k", &"v".repeat(2049))])).unwrap_err();
        assert_eq!(long_value.code(), 100_501);
        let long_key = meta_after(&none, &map(&[(&"k".repeat(51), "v")])).unwrap_err();
        assert_eq!(long_key.code(), 100_002);
        assert_eq!(
            meta_after(&none, &map(&[("", "v")])).unwrap_err(),
            MetaBreach::EmptyKey
        );
        let ten: Vec<(String, String)> = (0..10).map(|i| (format!("k{i}"), "v".into())).collect();
        let current: BTreeMap<_, _> = ten.into_iter().collect();
        // Overwriting a key keeps the count; an eleventh key breaks it.
        assert!(meta_after(&current, &map(&[("k0", "w")])).is_ok());
        let eleven = meta_after(&current, &map(&[("k10", "v")])).unwrap_err();
        assert_eq!(eleven, MetaBreach::TooManyKeys { after: 11 });
        let big: BTreeMap<_, _> = (0..9)
            .map(|i| (format!("b{i}"), "x".repeat(2000)))
            .collect();
        let total = meta_after(&big, &map(&[("c", &"y".repeat(2000))])).unwrap_err();
        assert_eq!(total.code(), 100_502);
    }
}
