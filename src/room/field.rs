//! The modelled fields of a room (flag, CSV column, API name), and how a
//! validation problem names the field it is about.

/// A modelled create_room field: its flag, CSV column and API name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    RoomId,
    Name,
    Owner,
    MaxMembers,
    CoverUrl,
    MessageDisabled,
    Category,
    Public,
    SeatEnabled,
    SeatMode,
    MaxSeats,
    ActivityStatus,
    Notice,
    SeatTemplate,
    Unlimited,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::RoomId,
        Field::Name,
        Field::Owner,
        Field::MaxMembers,
        Field::CoverUrl,
        Field::MessageDisabled,
        Field::Category,
        Field::Public,
        Field::SeatEnabled,
        Field::SeatMode,
        Field::MaxSeats,
        Field::ActivityStatus,
        Field::Notice,
        Field::SeatTemplate,
        Field::Unlimited,
    ];

    /// snake_case name: the CSV column and the JSON key of `get`.
    pub fn column(self) -> &'static str {
        match self {
            Field::RoomId => "room_id",
            Field::Name => "name",
            Field::Owner => "owner",
            Field::MaxMembers => "max_members",
            Field::CoverUrl => "cover_url",
            Field::MessageDisabled => "message_disabled",
            Field::Category => "category",
            Field::Public => "public",
            Field::SeatEnabled => "seat_enabled",
            Field::SeatMode => "seat_mode",
            Field::MaxSeats => "max_seats",
            Field::ActivityStatus => "activity_status",
            Field::Notice => "notice",
            Field::SeatTemplate => "seat_template",
            Field::Unlimited => "unlimited",
        }
    }

    /// The command-line flag.
    pub fn flag(self) -> String {
        format!("--{}", self.column().replace('_', "-"))
    }

    /// The service's field name.
    pub fn api(self) -> &'static str {
        match self {
            Field::RoomId => "RoomId",
            Field::Name => "RoomName",
            Field::Owner => "Owner_Account",
            Field::MaxMembers => "MaxMemberCount",
            Field::CoverUrl => "CoverURL",
            Field::MessageDisabled => "IsMessageDisabled",
            Field::Category => "Category",
            Field::Public => "IsPublicVisible",
            Field::SeatEnabled => "IsSeatEnabled",
            Field::SeatMode => "TakeSeatMode",
            Field::MaxSeats => "MaxSeatCount",
            Field::ActivityStatus => "ActivityStatus",
            Field::Notice => "Notice",
            Field::SeatTemplate => "SeatTemplate",
            Field::Unlimited => "IsUnlimitedRoomEnabled",
        }
    }

    /// Finds a field by CSV column or API name, any case.
    pub fn from_name(name: &str) -> Option<Field> {
        let n = name.trim();
        Field::ALL
            .into_iter()
            .find(|f| f.column().eq_ignore_ascii_case(n) || f.api().eq_ignore_ascii_case(n))
    }
}

/// How a user named a field in an error: by flag or by CSV column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    Flag,
    Column,
}

impl Naming {
    pub fn name(self, f: Field) -> String {
        match self {
            Naming::Flag => f.flag(),
            Naming::Column => f.column().to_string(),
        }
    }
}

/// A problem with one field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The flag, column or `--field` name the problem is in.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}
