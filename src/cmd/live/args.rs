//! Arguments shared by the live-event commands: the `ROOM` positional, a
//! list of users (`USER...` and `--users-from FILE|-`) and durations
//! (`90s`, `10m`, `1h`, `7d` or plain seconds).

use clap::Args;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::room;

/// The room a command acts on.
#[derive(Args, Debug, Clone)]
pub struct RoomArg {
    /// Room ID (1 to 48 bytes of printable ASCII)
    #[arg(value_name = "ROOM", value_parser = parse_room)]
    pub room: String,
}

/// A room ID as `create` accepts it (the same 48-byte rule).
pub fn parse_room(s: &str) -> Result<String, String> {
    room::check_room_id(s)
        .map(|()| s.to_string())
        .map_err(|m| format!("room ID {m}"))
}

/// Users named on the command line and/or read from a file.
#[derive(Args, Debug, Clone, Default)]
pub struct UsersArg {
    /// User IDs
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    /// Read more user IDs from FILE (`-` for stdin): one per line, `#` starts a comment
    #[arg(long, value_name = "FILE|-")]
    pub users_from: Option<PathBuf>,
}

/// The most bytes of a users file: far above any real list, and a guard
/// against `/dev/zero`.
const USERS_FILE_MAX: u64 = 16 << 20;

impl UsersArg {
    /// The users, in order, each once; at least one.
    pub fn resolve(&self) -> crate::cmd::Result<Vec<String>> {
        let mut users: Vec<(String, String)> = self
            .users
            .iter()
            .map(|u| (u.clone(), "USER".to_string()))
            .collect();
        if let Some(path) = &self.users_from {
            let (name, input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
                ("stdin".into(), Box::new(std::io::stdin()))
            } else {
                let f = std::fs::File::open(path).map_err(|e| {
                    Error::usage(format!("--users-from: cannot read {}: {e}", path.display()))
                })?;
                (path.display().to_string(), Box::new(f))
            };
            users.extend(read_users(input.take(USERS_FILE_MAX), &name)?);
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (u, whence) in users {
            check_user(&u).map_err(|e| Error::usage(format!("{whence}: {e}")))?;
            if seen.insert(u.clone()) {
                out.push(u);
            }
        }
        if out.is_empty() {
            return Err(
                Error::usage("no user given: name one or more USER, or --users-from FILE").into(),
            );
        }
        Ok(out)
    }
}

/// One user ID a line, `#` comments and blank lines skipped; each with
/// `FILE:LINE` for messages.
pub fn read_users(input: impl Read, name: &str) -> crate::cmd::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, line) in BufReader::new(input).lines().enumerate() {
        let line = line.map_err(|e| Error::usage(format!("--users-from: {name}: {e}")))?;
        let line = line.split('#').next().unwrap_or("").trim();
        if !line.is_empty() {
            out.push((line.to_string(), format!("{name}:{}", i + 1)));
        }
    }
    Ok(out)
}

/// A user ID: not empty, no spaces or control characters, at most 32 bytes
/// (the Chat service's limit for a UserID).
pub fn check_user(u: &str) -> Result<(), String> {
    if u.is_empty() {
        return Err("a user ID is empty".into());
    }
    if u.len() > 32 {
        return Err(format!(
            "user ID \"{u}\" is {} bytes; user IDs are at most 32 bytes",
            u.len()
        ));
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "user ID {u:?} contains a space or control character"
        ));
    }
    Ok(())
}

/// The longest ban or mute livectl sends: a year.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// `90s`, `10m`, `1h`, `7d`, `1h30m` or plain seconds; 1 s to a year.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let d = match s.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => humantime::parse_duration(s).map_err(|e| {
            format!("\"{s}\" is not a duration ({e}); use e.g. 90s, 10m, 1h, 7d or seconds")
        })?,
    };
    if d < Duration::from_secs(1) {
        return Err(format!(
            "\"{s}\" is shorter than a second; the service counts whole seconds"
        ));
    }
    if d > MAX_DURATION {
        return Err(format!(
            "\"{s}\" is longer than a year (365d), the most livectl sends"
        ));
    }
    if d.subsec_nanos() != 0 {
        return Err(format!("\"{s}\" is not a whole number of seconds"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86400)));
        assert!(parse_duration("0").unwrap_err().contains("shorter"));
        assert!(parse_duration("400d").unwrap_err().contains("year"));
        assert!(parse_duration("1.5s").is_err());
        assert!(
            parse_duration("soon")
                .unwrap_err()
                .contains("not a duration")
        );
    }

    #[test]
    fn users_file_skips_comments_and_blanks_and_keeps_line_numbers() {
        let got = read_users("alice\n\n# staff\nbob  # the host\n".as_bytes(), "u.txt").unwrap();
        assert_eq!(
            got,
            vec![
                ("alice".to_string(), "u.txt:1".to_string()),
                ("bob".to_string(), "u.txt:4".to_string())
            ]
        );
    }

    #[test]
    fn users_are_checked_deduplicated_and_required() {
        let a = UsersArg {
            users: vec!["a".into(), "b".into(), "a".into()],
            users_from: None,
        };
        assert_eq!(a.resolve().unwrap(), ["a", "b"]);
        let none = UsersArg::default();
        assert!(format!("{}", none.resolve().unwrap_err()).contains("no user"));
        assert!(check_user("has space").is_err());
        assert!(check_user(&"x".repeat(33)).is_err());
        assert!(check_user("user_1@x").is_ok());
    }
}
