//! Arguments shared by the live-event commands: the `ROOM` positional, a
//! list of users (`USER...` and `--users-from FILE|-`) and durations
//! (`90s`, `10m`, `1h`, `7d`; a bare number is refused).

use clap::Args;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;

/// The room a command acts on: `ROOM`, or `--room-id ID` anywhere on the
/// line (the same: `cli::canonical_args` moves it to the `ROOM` place before
/// clap parses, so it works in every command, before or after other
/// positionals). One argument group for every live-event command.
#[derive(Args, Debug, Clone)]
pub struct RoomArg {
    /// Room ID, exactly as the service holds it (as `-o json` prints it); or --room-id ID
    #[arg(value_name = "ROOM", value_parser = parse_room)]
    pub room: String,
}

impl RoomArg {
    /// The room, however it was given.
    pub fn id(&self) -> &str {
        &self.room
    }
}

/// A room that exists: any non-empty ID is sent exactly as given, so a room
/// that `list -o json` shows (even one with control characters, made by
/// another tool) can be named; only a value shaped like a secret key is
/// refused, without being echoed.
pub fn parse_room(s: &str) -> Result<String, String> {
    check_id("ROOM", "a room ID", s)?;
    if s.len() > crate::room::ROOM_ID_MAX {
        return Err(format!(
            "room ID is {} bytes; room IDs are at most {} bytes",
            s.len(),
            crate::room::ROOM_ID_MAX
        ));
    }
    Ok(s.to_string())
}

/// The rule every ID argument shares: not empty, not blank, and not shaped
/// like a secret key (refused without echo, so a key pasted into the wrong
/// place is neither shown nor sent).
pub fn check_id(slot: &str, expects: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err(format!("{slot} is empty; give {expects}"));
    }
    if crate::secret::looks_like_key(s) {
        return Err(crate::secret::key_in_wrong_place(slot, expects));
    }
    Ok(())
}

/// Users named on the command line and/or read from a file.
#[derive(Args, Debug, Clone, Default)]
pub struct UsersArg {
    /// User IDs
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    /// Read more user IDs from FILE (`-` for stdin): one per line; a line that starts with `#` is a comment
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
        let mut seen = std::collections::HashMap::new();
        let mut out = Vec::new();
        for (u, whence) in users {
            check_user(&u).map_err(|e| Error::usage(format!("{whence}: {e}")))?;
            match seen.get(&u) {
                Some(first) => crate::output::note(format!(
                    "{whence}: user \"{}\" is given again (first at {first}): sent once",
                    crate::output::shown(&u)
                )),
                None => {
                    seen.insert(u.clone(), whence);
                    out.push(u);
                }
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

/// One user ID a line, with the CSV reader's rules: a UTF-8 BOM at the
/// start is dropped, CRLF or LF ends a line, blank lines and lines that
/// start with `#` are skipped (a `#` elsewhere is part of the ID); each ID
/// with `FILE:LINE` for messages.
pub fn read_users(input: impl Read, name: &str) -> crate::cmd::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, line) in BufReader::new(input).lines().enumerate() {
        let line = line.map_err(|e| Error::usage(format!("--users-from: {name}: {e}")))?;
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(&line)
        } else {
            &line
        };
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            out.push((line.to_string(), format!("{name}:{}", i + 1)));
        }
    }
    Ok(out)
}

/// A user ID: not empty, no whitespace (which would not survive a file's
/// line), at most 32 bytes (the Chat service's limit for a UserID), and not
/// shaped like a secret key (refused without echo). Other characters are
/// sent exactly as given, so any ID `-o json` shows can be named.
pub fn check_user(u: &str) -> Result<(), String> {
    check_id("USER", "a user ID", u)?;
    let shown = crate::output::shown(u);
    if u.len() > 32 {
        return Err(format!(
            "user ID \"{shown}\" is {} bytes; user IDs are at most 32 bytes",
            u.len()
        ));
    }
    if u.chars().any(char::is_whitespace) {
        return Err(format!(
            "user ID \"{shown}\" contains a space or line break"
        ));
    }
    Ok(())
}

/// The longest ban or mute livectl sends: a year.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// `90s`, `10m`, `1h`, `7d`, `1h30m`; 1 s to a year. A bare number is
/// refused: `--for 10` reads as ten minutes as easily as ten seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Err(format!(
            "\"{s}\" has no unit: write {n}s (seconds), {n}m (minutes), {n}h or {n}d"
        ));
    }
    let d = humantime::parse_duration(s)
        .map_err(|e| format!("\"{s}\" is not a duration ({e}); use e.g. 90s, 10m, 1h or 7d"))?;
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
        assert!(
            parse_duration("90")
                .unwrap_err()
                .contains("write 90s (seconds), 90m")
        );
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86400)));
        assert!(parse_duration("0s").unwrap_err().contains("shorter"));
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
        let got = read_users(
            "\u{feff}alice\r\n\r\n# staff\r\n  # indented comment\nuser#1\n".as_bytes(),
            "u.txt",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                ("alice".to_string(), "u.txt:1".to_string()),
                ("user#1".to_string(), "u.txt:5".to_string())
            ]
        );
    }

    #[test]
    fn a_key_shaped_id_is_refused_without_echo() {
        let key = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2";
        for e in [
            check_user(&key[..32]).unwrap_err(),
            parse_room(key).unwrap_err(),
            check_id(
                "--to",
                "a user ID",
                "Zm9vYmFyYmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg",
            )
            .unwrap_err(),
        ] {
            assert!(e.contains("looks like a secret key"), "{e}");
            assert!(!e.contains(&key[..16]) && !e.contains("Zm9vYmFy"), "{e}");
        }
        // Control characters are data: an ID the service holds can be named.
        assert_eq!(
            parse_room("\u{1b}[0mprod-main").unwrap(),
            "\u{1b}[0mprod-main"
        );
        assert!(check_user("\u{1b}[0mu1").is_ok());
        assert!(parse_room(" ").is_err());
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
        assert!(check_user("line\nbreak").is_err());
        assert!(check_user(&"x".repeat(33)).is_err());
        assert!(check_user("user_1@x").is_ok());
    }
}
