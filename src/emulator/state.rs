//! The emulator's state: rooms with their seats, members, bans, mutes,
//! admins, robots, metadata and statistics; and its persistence to
//! `--state FILE` (JSON, written atomically: a 0600 temporary file in the
//! same directory, synced, then renamed over the old one).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::Write;
use std::path::Path;

/// Written in the file; a file of another format version is refused.
pub const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize, Default, Debug)]
pub struct State {
    pub format: u32,
    pub rooms: HashMap<String, Room>,
    /// Emulator clock offset in milliseconds (see `advance_clock`), kept so
    /// that a restart does not bring expired bans back.
    #[serde(default)]
    pub clock_offset_ms: i64,
    /// Imported accounts (`accounts.rs`).
    #[serde(default)]
    pub accounts: std::collections::BTreeMap<String, Account>,
    /// Creates of the last second, for 100012; not saved.
    #[serde(skip)]
    pub recent: Recent,
    /// The live webhook's configuration and token: in memory, not saved.
    #[serde(skip)]
    pub hooks: super::hooks::Hooks,
    /// Battles (PK): kept in memory only, not saved with --state (a battle
    /// lasts minutes).
    #[serde(skip)]
    pub battles: std::collections::BTreeMap<String, Battle>,
    /// The gift catalogue (GiftId -> GiftInfo): in memory only.
    #[serde(skip)]
    pub gifts: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A battle between rooms.
#[derive(Debug, Clone, Default)]
pub struct Battle {
    pub from: String,
    pub rooms: Vec<String>,
    pub duration_ms: u64,
    /// Unix seconds.
    pub start: u64,
    pub scores: BTreeMap<String, i64>,
}

/// An imported account's profile.
#[derive(Serialize, Deserialize, Default, Debug, Clone)]
pub struct Account {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
}

/// Room IDs created in the last second: a map to look them up and a queue
/// in creation order to forget them, so memory stays bounded by one
/// second's worth of creates however long the emulator runs.
#[derive(Debug, Default)]
pub struct Recent {
    at: HashMap<String, u64>,
    order: VecDeque<(u64, String)>,
}

impl Recent {
    /// Forgets creates at or before `now_ms - 1000`.
    pub fn prune(&mut self, now_ms: u64) {
        while let Some((t, _)) = self.order.front() {
            if now_ms.saturating_sub(*t) < 1000 {
                break;
            }
            let (t, id) = self.order.pop_front().expect("front exists");
            if self.at.get(&id) == Some(&t) {
                self.at.remove(&id);
            }
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.at.contains_key(id)
    }

    pub fn insert(&mut self, id: String, now_ms: u64) {
        self.at.insert(id.clone(), now_ms);
        self.order.push_back((now_ms, id));
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Seat {
    pub member: Option<String>,
    /// `IsTakenDisabled`: the seat is locked.
    pub locked: bool,
    pub audio_disabled: bool,
    pub video_disabled: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Ban {
    pub until: u64,
    pub reason: String,
}

/// The totals of get_room_stats and of destroy_room's `Statistic`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Stats {
    pub total_viewers: u64,
    pub total_gifts_sent: u64,
    pub total_gift_coins: u64,
    pub total_unique_gift_senders: u64,
    pub total_likes_received: u64,
    pub total_msg_count: u64,
}

/// The stored RoomInfo fields, typed (a JSON map per room costs ten times
/// the memory). RoomId, RoomType, seats and ViewCount are derived when shown.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct Info {
    #[serde(rename = "RoomName")]
    pub name: String,
    #[serde(rename = "Owner_Account")]
    pub owner: String,
    #[serde(rename = "CreateTime")]
    pub create_time: u64,
    #[serde(rename = "MaxMemberCount", skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u64>,
    #[serde(rename = "CoverURL")]
    pub cover_url: String,
    #[serde(rename = "IsMessageDisabled")]
    pub message_disabled: bool,
    #[serde(rename = "Category")]
    pub category: Vec<i64>,
    #[serde(rename = "IsPublicVisible")]
    pub public: bool,
    #[serde(rename = "TakeSeatMode")]
    pub seat_mode: String,
    #[serde(rename = "ActivityStatus")]
    pub activity_status: i64,
    #[serde(rename = "Notice", skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    #[serde(rename = "SeatTemplate", skip_serializing_if = "Option::is_none")]
    pub seat_template: Option<String>,
    #[serde(
        rename = "IsUnlimitedRoomEnabled",
        skip_serializing_if = "Option::is_none"
    )]
    pub unlimited: Option<bool>,
    #[serde(rename = "KeepOwnerOnSeat", skip_serializing_if = "Option::is_none")]
    pub keep_owner_on_seat: Option<bool>,
    #[serde(rename = "BackgroundURL", skip_serializing_if = "Option::is_none")]
    pub background_url: Option<String>,
    #[serde(rename = "CustomInfo", skip_serializing_if = "Option::is_none")]
    pub custom_info: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Room {
    pub info: Info,
    pub seats: Vec<Seat>,
    /// Users who joined (emulator-only `join_room`); the owner and robots
    /// are members without joining.
    pub members: BTreeSet<String>,
    pub admins: Vec<String>,
    pub robots: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub bans: BTreeMap<String, Ban>,
    /// User -> muted until (Unix s).
    pub mutes: BTreeMap<String, u64>,
    pub stats: Stats,
    pub msg_seq: u64,
    /// Who sent gifts (`react`, send_gift), for TotalUniqueGiftSenders.
    #[serde(default)]
    pub gift_senders: BTreeSet<String>,
    /// send_gift per sender: (gifts, coins), for get_gift_count.
    #[serde(default)]
    pub gifts_by: BTreeMap<String, (u64, u64)>,
}

impl Room {
    pub fn owner(&self) -> &str {
        &self.info.owner
    }

    pub fn is_member(&self, user: &str) -> bool {
        user == self.owner() || self.robots.iter().any(|r| r == user) || self.members.contains(user)
    }

    /// Everyone in the room: owner, robots, then joined users. Joined users
    /// are a set, so only the owner and the robots (at most four) can repeat
    /// one: checked against those alone, not the whole list (5,000 members
    /// made each get_member_list page cost 60 ms).
    pub fn member_list(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.owner()];
        for r in &self.robots {
            if !out.contains(&r.as_str()) {
                out.push(r);
            }
        }
        let head = out.len();
        for u in &self.members {
            if !out[..head].contains(&u.as_str()) {
                out.push(u);
            }
        }
        out
    }

    pub fn seat_of(&self, user: &str) -> Option<usize> {
        self.seats
            .iter()
            .position(|s| s.member.as_deref() == Some(user))
    }

    /// Takes a user off their seat; their audio/video bans go with them.
    pub fn leave_seat(&mut self, user: &str) {
        if let Some(i) = self.seat_of(user) {
            let s = &mut self.seats[i];
            s.member = None;
            s.audio_disabled = false;
            s.video_disabled = false;
        }
    }

    /// Removes a user from the room (ban, leave): membership and seat.
    pub fn remove_member(&mut self, user: &str) {
        self.members.remove(user);
        self.leave_seat(user);
    }

    /// Drops bans and mutes that ended at or before `now` (Unix s).
    pub fn expire(&mut self, now: u64) {
        self.bans.retain(|_, b| b.until > now);
        self.mutes.retain(|_, until| *until > now);
    }
}

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error(
        "{0} is not a livectl emulator state file ({1}); move it away or name another --state FILE"
    )]
    Parse(String, serde_json::Error),
    #[error("{0} has state format {1}; this livectl reads format {FORMAT}")]
    Format(String, u32),
}

/// Reads the state file; a missing file is an empty state.
pub fn load(path: &Path) -> Result<State, LoadError> {
    let name = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(State {
                format: FORMAT,
                ..State::default()
            });
        }
        Err(e) => return Err(LoadError::Read(name, e)),
    };
    let state: State =
        serde_json::from_slice(&text).map_err(|e| LoadError::Parse(name.clone(), e))?;
    if state.format != FORMAT {
        return Err(LoadError::Format(name, state.format));
    }
    Ok(state)
}

/// The state as the bytes of its file (taken under the lock, written outside it).
pub fn snapshot(state: &State) -> Vec<u8> {
    serde_json::to_vec(state).expect("the state serializes")
}

/// Writes `bytes` to `path` atomically: a 0600 temporary file beside it,
/// synced, renamed over the old file. A reader sees the old or the new state,
/// never half of one.
pub fn save(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates the file 0600 on Unix.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_0600_atomically_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut st = State {
            format: FORMAT,
            ..State::default()
        };
        let mut room = Room::default();
        room.info.owner = "host".into();
        room.bans.insert(
            "troll".into(),
            Ban {
                until: 10,
                reason: "spam".into(),
            },
        );
        st.rooms.insert("r1".into(), room);
        save(&path, &snapshot(&st)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let back = load(&path).unwrap();
        assert_eq!(back.rooms["r1"].owner(), "host");
        assert_eq!(back.rooms["r1"].bans["troll"].reason, "spam");
        // Only the state file is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_a_foreign_file_and_reads_a_missing_one_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        assert!(load(&p).unwrap().rooms.is_empty());
        std::fs::write(&p, "[1,2]").unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(e.contains("not a livectl emulator state file"), "{e}");
        std::fs::write(&p, r#"{"format":9,"rooms":{}}"#).unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("format 9"));
    }

    #[test]
    fn recent_creates_are_forgotten_after_a_second() {
        let mut r = Recent::default();
        r.insert("a".into(), 1000);
        r.insert("b".into(), 1500);
        r.prune(1999);
        assert!(r.contains("a") && r.contains("b"));
        r.prune(2000);
        assert!(!r.contains("a") && r.contains("b"));
        r.insert("b".into(), 2400);
        r.prune(2500);
        assert!(r.contains("b"), "the newer create of b still counts");
        r.prune(3400);
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn the_member_list_has_each_member_once_owner_and_robots_first() {
        let mut r = Room::default();
        r.info.owner = "host".into();
        r.robots = vec!["bot".into(), "host".into()];
        r.members = ["a", "bot", "host", "b"].map(String::from).into();
        assert_eq!(r.member_list(), ["host", "bot", "a", "b"]);
        // Linear, not quadratic: 20,000 members five times is milliseconds
        // (quadratic, it is seconds even in a release build).
        r.members = (0..20_000).map(|i| format!("user-{i:05}")).collect();
        let started = std::time::Instant::now();
        for _ in 0..5 {
            assert_eq!(r.member_list().len(), 20_002);
        }
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn expiry_and_leaving_a_seat() {
        let mut r = Room::default();
        r.bans.insert(
            "a".into(),
            Ban {
                until: 100,
                reason: String::new(),
            },
        );
        r.mutes.insert("b".into(), 101);
        r.expire(100);
        assert!(r.bans.is_empty(), "a ban ends at BannedUntil");
        assert!(r.mutes.contains_key("b"));
        r.members.insert("u".into());
        r.seats = vec![Seat {
            member: Some("u".into()),
            audio_disabled: true,
            ..Seat::default()
        }];
        r.remove_member("u");
        assert!(!r.is_member("u"));
        assert!(r.seats[0].member.is_none() && !r.seats[0].audio_disabled);
    }
}
