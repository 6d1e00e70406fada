//! `SeatTemplate`, the layout a room is created with (live-api.md §4): the
//! known names, their canonical spelling and kind, `none`, and names the
//! tool does not know (sent as given: the service may add layouts).

use std::fmt;

/// The layout `create` sends when none is given: the console's and the
/// SDKs' default.
pub const DEFAULT: &str = "VideoDynamicGrid9Seats";

/// Known layouts, in their canonical spelling, and whether they are video
/// layouts (the seat count is fixed by the layout, `MaxSeatCount` is
/// ignored) or audio ones (`MaxSeatCount` decides).
///
/// Both landscape spellings are here on purpose (live-api.md §16.2): the
/// SDKs say `VideoLandscape4Seats`, the admin console sends
/// `VideoLandscape4Seat`, and no REST page settles it. Each is sent as
/// written (in canonical case), never rewritten into the other.
const KNOWN: [(&str, Kind); 12] = [
    ("VideoDynamicGrid9Seats", Kind::Video),
    ("VideoDynamicFloat7Seats", Kind::Video),
    ("VideoFixedGrid9Seats", Kind::Video),
    ("VideoFixedFloat7Seats", Kind::Video),
    ("VideoLandscape4Seats", Kind::Video),
    ("VideoLandscape4Seat", Kind::Video),
    ("VideoLandscape10Seats", Kind::Video),
    ("VideoPortrait10Seats", Kind::Video),
    ("VideoLeftFocus9Seats", Kind::Video),
    ("VideoUniformGrid9Seats", Kind::Video),
    ("AudioSalon", Kind::Audio),
    ("Karaoke", Kind::Audio),
];

/// The seats a video layout fixes (live-api.md §4.2), in `KNOWN`'s order.
const VIDEO_SEATS: [usize; 10] = [9, 7, 9, 7, 4, 4, 10, 10, 9, 9];

/// How many seats the layout spelled exactly `name` gives a room:
/// `Some(Some(n))` a video layout's fixed count, `Some(None)` an audio
/// layout (`MaxSeatCount` decides), `None` not a layout livectl knows. The
/// emulator's seat count and the client's `--max-seats` warning both read it.
pub fn seats_of(name: &str) -> Option<Option<usize>> {
    let i = KNOWN.iter().position(|(n, _)| *n == name)?;
    Some(VIDEO_SEATS.get(i).copied())
}

/// Video layouts fix their seat count; audio layouts take `MaxSeatCount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Video,
    Audio,
}

/// A `--seat-template` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeatTemplate {
    /// `none`: send no `SeatTemplate` (apps on an older revision).
    Omit,
    /// A known layout, by its canonical spelling.
    Known(&'static str, Kind),
    /// A name the tool does not know, sent as given.
    Other(String),
}

impl SeatTemplate {
    /// The value sent, or `None` for [`SeatTemplate::Omit`].
    pub fn wire(&self) -> Option<&str> {
        match self {
            SeatTemplate::Omit => None,
            SeatTemplate::Known(name, _) => Some(name),
            SeatTemplate::Other(name) => Some(name),
        }
    }

    /// True for a known video layout, where `MaxSeatCount` has no effect.
    pub fn is_video(&self) -> bool {
        matches!(self, SeatTemplate::Known(_, Kind::Video))
    }

    /// The default of `create`.
    pub fn default_for_create() -> SeatTemplate {
        parse(DEFAULT).expect("the default is a known layout")
    }
}

impl fmt::Display for SeatTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire().unwrap_or("none"))
    }
}

/// The known names, for help and messages.
pub fn known_names() -> String {
    KNOWN.map(|(n, _)| n).join(", ")
}

/// Parses a name: a known one in any case, `none`, or any other non-empty
/// name as given (the caller warns, see [`SeatTemplate::Other`]).
pub fn parse(s: &str) -> Result<SeatTemplate, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!(
            "is empty; give a layout such as {DEFAULT}, or none to send no SeatTemplate"
        ));
    }
    if t.eq_ignore_ascii_case("none") {
        return Ok(SeatTemplate::Omit);
    }
    Ok(KNOWN
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(t))
        .map_or_else(
            || SeatTemplate::Other(t.to_string()),
            |&(n, k)| SeatTemplate::Known(n, k),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_layouts_fix_their_seats_audio_ones_do_not() {
        assert_eq!(seats_of("VideoDynamicGrid9Seats"), Some(Some(9)));
        assert_eq!(seats_of("VideoFixedFloat7Seats"), Some(Some(7)));
        assert_eq!(seats_of("VideoLandscape4Seat"), Some(Some(4)));
        assert_eq!(seats_of("VideoPortrait10Seats"), Some(Some(10)));
        assert_eq!(seats_of("Karaoke"), Some(None));
        assert_eq!(seats_of("karaoke"), None, "exact spelling, as the service");
        for (name, kind) in KNOWN {
            assert_eq!(
                seats_of(name).unwrap().is_some(),
                kind == Kind::Video,
                "{name}"
            );
        }
    }
}
