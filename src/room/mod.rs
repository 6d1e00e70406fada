//! `RoomSpec`: the fields of one room, parsed from flags or CSV cells and
//! checked against api.md section 3 by one validation, so both inputs agree.
//! Knows nothing of clap or csv.

mod extra;
mod field;
pub mod template;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

pub use extra::{ExtraField, parse_extra};
pub use field::{Field, FieldError, Naming};
pub use template::SeatTemplate;

/// `TakeSeatMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatMode {
    FreeToTake,
    ApplyToTake,
}

impl SeatMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SeatMode::FreeToTake => "FreeToTake",
            SeatMode::ApplyToTake => "ApplyToTake",
        }
    }
}

pub const ROOM_ID_MAX: usize = 48;
pub const NAME_MAX: usize = 100;
pub const COVER_MAX: usize = 200;
pub const NOTICE_MAX: usize = 100;
pub const CATEGORY_MAX: usize = 3;
/// The service's integer fields (MaxMemberCount, MaxSeatCount,
/// ActivityStatus, Category items) are documented only as "Integer"; the
/// tool keeps to a signed 32-bit integer, which every revision takes.
pub const INT_FIELD_MIN: i64 = i32::MIN as i64;
pub const INT_FIELD_MAX: i64 = i32::MAX as i64;

/// The fields of one room; `None` means "not set, not sent".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoomSpec {
    pub room_id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub max_members: Option<u64>,
    pub cover_url: Option<String>,
    pub message_disabled: Option<bool>,
    pub category: Option<Vec<i64>>,
    pub public: Option<bool>,
    pub seat_enabled: Option<bool>,
    pub seat_mode: Option<SeatMode>,
    pub max_seats: Option<u64>,
    pub activity_status: Option<i64>,
    /// update_room_info only.
    pub notice: Option<String>,
    /// `SeatTemplate`. Unset: `create` sends [`template::DEFAULT`], `update`
    /// sends nothing; `Some(Omit)` (`none`): nothing is sent.
    pub seat_template: Option<SeatTemplate>,
    /// `IsUnlimitedRoomEnabled`.
    pub unlimited: Option<bool>,
    /// `--field`: fields the tool does not model, in given order.
    pub extra: Vec<(String, Value)>,
}

/// Something `create` sends that the service may not act on as the user
/// expects: printed as a warning, never fatal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caveat {
    /// A SeatTemplate the tool does not know, sent as given.
    UnknownTemplate { room_id: String, name: String },
    /// MaxSeatCount with a video layout, which fixes its own seat count.
    SeatsIgnored {
        room_id: String,
        template: String,
        by_default: bool,
    },
}

impl std::fmt::Display for Caveat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caveat::UnknownTemplate { room_id, name } => write!(
                f,
                "room \"{room_id}\": SeatTemplate \"{name}\" is not a layout livectl knows; \
                 it is sent as given (known: {})",
                template::known_names()
            ),
            Caveat::SeatsIgnored {
                room_id,
                template,
                by_default,
            } => write!(
                f,
                "room \"{room_id}\": MaxSeatCount (--max-seats, CSV max_seats) only takes effect \
                 with the AudioSalon and Karaoke layouts; {template}{} is a video layout with its \
                 own seat count, so the service ignores it. Give --seat-template AudioSalon or \
                 Karaoke, or none for a service on an older revision",
                if *by_default { " (the default)" } else { "" }
            ),
        }
    }
}

/// Remembers which kinds of [`Caveat`] were said, so that a batch warns
/// once per kind, not once per row.
#[derive(Debug, Default)]
pub struct CaveatsOnce {
    said: [std::sync::atomic::AtomicBool; 2],
}

impl CaveatsOnce {
    /// True the first time a caveat of this kind is seen.
    pub fn first(&self, c: &Caveat) -> bool {
        let i = match c {
            Caveat::UnknownTemplate { .. } => 0,
            Caveat::SeatsIgnored { .. } => 1,
        };
        !self.said[i].swap(true, std::sync::atomic::Ordering::Relaxed)
    }
}

// ---- parsing of single values, shared by clap value parsers and CSV cells ----

pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!(
            "\"{s}\" is not a boolean; use true/false, 1/0 or yes/no"
        )),
    }
}

pub fn parse_seat_mode(s: &str) -> Result<SeatMode, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "freetotake" => Ok(SeatMode::FreeToTake),
        "applytotake" => Ok(SeatMode::ApplyToTake),
        _ => Err(format!(
            "\"{s}\" is not a seat mode; use FreeToTake or ApplyToTake"
        )),
    }
}

/// Categories: integers separated by `,` or `;`.
pub fn parse_category(s: &str) -> Result<Vec<i64>, String> {
    let parts: Vec<&str> = s.split([',', ';']).map(str::trim).collect();
    if parts.iter().all(|p| p.is_empty()) {
        return Ok(Vec::new());
    }
    parts
        .iter()
        .map(|p| {
            p.parse::<i64>().map_err(|_| {
                format!("\"{p}\" is not an integer; use integers separated by , or ; (e.g. 1,2)")
            })
        })
        .collect()
}

pub fn parse_positive(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be greater than 0".to_string()),
        Ok(n) => Ok(n),
        Err(_) if s.trim().parse::<i64>().is_ok_and(|n| n < 0) => {
            Err(format!("must be positive (a count); got {}", s.trim()))
        }
        Err(_) => Err(format!("\"{s}\" is not a positive integer")),
    }
}

/// A count within `lo..=hi`; a negative number says what is expected
/// rather than clap's "unexpected argument".
pub fn parse_count(s: &str, lo: u64, hi: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is out of range; use {lo} to {hi}")),
        Err(_) if s.trim().parse::<i64>().is_ok_and(|n| n < 0) => Err(if lo == 0 {
            format!("must be 0 or more; got {}", s.trim())
        } else {
            format!("must be positive (a count); got {}", s.trim())
        }),
        Err(_) => Err(format!("\"{s}\" is not a whole number; use {lo} to {hi}")),
    }
}

pub fn parse_int(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| format!("\"{s}\" is not an integer"))
}

pub fn parse_seat_template(s: &str) -> Result<SeatTemplate, String> {
    template::parse(s)
}

/// The room ID rule of every command: 1 to 48 bytes of printable ASCII,
/// without leading or trailing spaces.
pub fn check_room_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("is required (1 to 48 bytes)".into())
    } else if id.len() > ROOM_ID_MAX {
        Err(format!(
            "is {} bytes; the limit is {ROOM_ID_MAX} bytes",
            id.len()
        ))
    } else if let Some(c) = id.chars().find(|c| !(' '..='~').contains(c)) {
        Err(format!(
            "contains {c:?}; use printable ASCII only (the client SDKs reject others)"
        ))
    } else if id.trim() != id {
        Err("has leading or trailing spaces; remove them".into())
    } else {
        Ok(())
    }
}

impl RoomSpec {
    /// Sets a field from a text cell (CSV). An empty cell leaves it unset.
    pub fn set_from_text(&mut self, f: Field, text: &str) -> Result<(), String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(());
        }
        match f {
            Field::RoomId => self.room_id = text.to_string(),
            Field::Name => self.name = Some(text.to_string()),
            Field::Owner => self.owner = Some(t.to_string()),
            Field::MaxMembers => self.max_members = Some(parse_positive(t)?),
            Field::CoverUrl => self.cover_url = Some(t.to_string()),
            Field::MessageDisabled => self.message_disabled = Some(parse_bool(t)?),
            Field::Category => self.category = Some(parse_category(t)?),
            Field::Public => self.public = Some(parse_bool(t)?),
            Field::SeatEnabled => self.seat_enabled = Some(parse_bool(t)?),
            Field::SeatMode => self.seat_mode = Some(parse_seat_mode(t)?),
            Field::MaxSeats => self.max_seats = Some(parse_positive(t)?),
            Field::ActivityStatus => self.activity_status = Some(parse_int(t)?),
            Field::Notice => self.notice = Some(text.to_string()),
            Field::SeatTemplate => self.seat_template = Some(parse_seat_template(t)?),
            Field::Unlimited => self.unlimited = Some(parse_bool(t)?),
        }
        Ok(())
    }

    /// Fills every unset field from `defaults` (the command-line flags).
    pub fn fill_from(&mut self, d: &RoomSpec) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = d.$f.clone(); } )* };
        }
        fill!(
            name,
            owner,
            max_members,
            cover_url,
            message_disabled,
            category,
            public,
            seat_enabled,
            seat_mode,
            max_seats,
            activity_status,
            notice,
            seat_template,
            unlimited
        );
        if self.room_id.is_empty() {
            self.room_id = d.room_id.clone();
        }
        for (k, v) in &d.extra {
            if !self.extra.iter().any(|(n, _)| n == k) {
                self.extra.push((k.clone(), v.clone()));
            }
        }
    }

    /// Checks every limit of api.md section 3; all problems, not the first.
    pub fn validate(&self, naming: Naming) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut err = |f: Field, message: String| {
            errs.push(FieldError {
                field: naming.name(f),
                message,
            })
        };
        if let Err(message) = check_room_id(&self.room_id) {
            err(Field::RoomId, message);
        }
        for (f, v, max) in [
            (Field::Name, &self.name, NAME_MAX),
            (Field::CoverUrl, &self.cover_url, COVER_MAX),
            (Field::Notice, &self.notice, NOTICE_MAX),
        ] {
            if let Some(v) = v
                && v.len() > max
            {
                err(f, format!("is {} bytes; the limit is {max} bytes", v.len()));
            }
        }
        // One rule for both: an empty value given is refused (a flag fed an
        // unset shell variable); an empty CSV cell never gets here (not set).
        for (f, v, what) in [
            (
                Field::Name,
                &self.name,
                "a name (the room ID is the default)",
            ),
            (Field::Owner, &self.owner, "a user ID"),
        ] {
            if let Some(v) = v
                && v.trim().is_empty()
            {
                err(f, format!("is empty; give {what} or leave it out"));
            }
        }
        for (f, v) in [
            (Field::MaxMembers, self.max_members),
            (Field::MaxSeats, self.max_seats),
        ] {
            if v == Some(0) {
                err(f, "must be greater than 0".into());
            }
            if let Some(n) = v.filter(|n| *n > INT_FIELD_MAX as u64) {
                err(
                    f,
                    format!(
                        "{n} is too large: the service's field is a 32-bit integer, at most {INT_FIELD_MAX}"
                    ),
                );
            }
        }
        let in_range = |n: i64| (INT_FIELD_MIN..=INT_FIELD_MAX).contains(&n);
        if let Some(n) = self.activity_status.filter(|n| !in_range(*n)) {
            err(
                Field::ActivityStatus,
                format!(
                    "{n} is out of range: the service's field is a 32-bit integer, {INT_FIELD_MIN} to {INT_FIELD_MAX}"
                ),
            );
        }
        if let Some(n) = self.category.iter().flatten().find(|n| !in_range(**n)) {
            err(
                Field::Category,
                format!(
                    "{n} is out of range: each tag is a 32-bit integer, {INT_FIELD_MIN} to {INT_FIELD_MAX}"
                ),
            );
        }
        if let Some(c) = &self.category
            && c.len() > CATEGORY_MAX
        {
            err(
                Field::Category,
                format!("has {} tags; the limit is {CATEGORY_MAX}", c.len()),
            );
        }
        for (name, _) in &self.extra {
            let message = match Field::from_name(name) {
                // Only `livectl update` has --notice.
                Some(Field::Notice) => {
                    format!("{name} is modelled by the tool; use --notice of `livectl update`")
                }
                Some(f) => format!(
                    "{name} is modelled by the tool; use {} instead",
                    naming.name(f)
                ),
                None if name.eq_ignore_ascii_case("RoomType") => {
                    "RoomType is always Live and cannot be overridden".to_string()
                }
                None => continue,
            };
            errs.push(FieldError {
                field: format!("--field {name}"),
                message,
            });
        }
        errs
    }

    /// The SeatTemplate sent: the one set, else for `create` the default.
    fn template_sent(&self, create: bool) -> Option<SeatTemplate> {
        match &self.seat_template {
            Some(t) => Some(t.clone()),
            None if create => Some(SeatTemplate::default_for_create()),
            None => None,
        }
    }

    /// What `create` would send that the service may not act on: an unknown
    /// layout, or a seat count a video layout ignores.
    pub fn create_caveats(&self) -> Vec<Caveat> {
        let mut out = Vec::new();
        let template = self.template_sent(true);
        if let Some(SeatTemplate::Other(name)) = &template {
            out.push(Caveat::UnknownTemplate {
                room_id: self.room_id.clone(),
                name: name.clone(),
            });
        }
        if let Some(t) = template.filter(|t| t.is_video() && self.max_seats.is_some()) {
            out.push(Caveat::SeatsIgnored {
                room_id: self.room_id.clone(),
                template: t.to_string(),
                by_default: self.seat_template.is_none(),
            });
        }
        out
    }

    /// The fields the user set, in the page's order, then the extras.
    /// `create` adds RoomType and the default SeatTemplate.
    fn info(&self, create: bool) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("RoomId".into(), json!(self.room_id));
        if create {
            m.insert("RoomType".into(), json!("Live"));
        }
        let template = self.template_sent(create);
        let mut put = |f: Field, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(f.api().into(), v);
            }
        };
        put(
            Field::SeatTemplate,
            template.as_ref().and_then(|t| t.wire()).map(|v| json!(v)),
        );
        put(Field::Name, self.name.as_ref().map(|v| json!(v)));
        put(Field::Owner, self.owner.as_ref().map(|v| json!(v)));
        put(Field::MaxMembers, self.max_members.map(|v| json!(v)));
        put(Field::CoverUrl, self.cover_url.as_ref().map(|v| json!(v)));
        put(
            Field::MessageDisabled,
            self.message_disabled.map(|v| json!(v)),
        );
        put(Field::Category, self.category.as_ref().map(|v| json!(v)));
        put(Field::Public, self.public.map(|v| json!(v)));
        put(Field::SeatEnabled, self.seat_enabled.map(|v| json!(v)));
        put(Field::SeatMode, self.seat_mode.map(|v| json!(v.as_str())));
        put(Field::MaxSeats, self.max_seats.map(|v| json!(v)));
        put(
            Field::ActivityStatus,
            self.activity_status.map(|v| json!(v)),
        );
        put(Field::Unlimited, self.unlimited.map(|v| json!(v)));
        put(Field::Notice, self.notice.as_ref().map(|v| json!(v)));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        m
    }

    /// The create_room body.
    pub fn create_body(&self) -> Value {
        json!({ "RoomInfo": Value::Object(self.info(true)) })
    }

    /// The update_room_info body.
    pub fn update_body(&self) -> Value {
        json!({ "RoomInfo": Value::Object(self.info(false)) })
    }

    /// True when any field besides the room ID is set (update needs one).
    pub fn has_changes(&self) -> bool {
        self.info(false).len() > 1
    }
}
