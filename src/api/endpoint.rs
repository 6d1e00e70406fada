//! Every service command livectl calls, in one table: its path under `/v4/`,
//! its documented rate limit per app (live-api.md §2) and what a success
//! must carry (`returns`). The client sends to `path`, a command's pacer
//! spaces its requests by `per_second`, and `answer::check_shape` refuses a
//! success without its `returns` as unusable (never an empty result).
//! A bare command name (`create_room`) means the live-room service.

use std::time::Duration;

/// One service command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// `service/command`, under `/v4/`.
    pub path: &'static str,
    /// The documented limit, requests per second per app.
    pub per_second: u32,
    /// The fields a success must carry, by path in `Response`: `""` is the
    /// `Response` itself, `A.B` a field of a field, `A[]` each element of
    /// the array `A`. Fields not named here are optional and read leniently.
    pub returns: &'static [(&'static str, Need)],
    /// `returns` are top-level answer fields, not under `Response` (the
    /// account and profile services).
    pub top_level: bool,
}

/// The form a required answer field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Object,
    List,
    /// A string.
    Text,
    /// An identifier: a string, or an integer (some accounts are numbers).
    Id,
    /// An integer, or a string of one.
    Int,
}

impl Endpoint {
    /// The command name alone (`get_seat_list`).
    pub fn command(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// The spacing of request starts that keeps within the limit.
    pub fn interval(&self) -> Duration {
        Duration::from_secs(1) / self.per_second.max(1)
    }
}

const fn live(
    path: &'static str,
    per_second: u32,
    returns: &'static [(&'static str, Need)],
    top_level: bool,
) -> Endpoint {
    Endpoint {
        path,
        per_second,
        returns,
        top_level,
    }
}

use Need::{Id, Int, List, Object, Text};

macro_rules! endpoints {
    (@top) => { false };
    (@top top) => { true };
    ($($name:ident = $path:literal, $rate:literal $($top:ident)? $(, $field:literal : $need:ident)*;)*) => {
        $(pub const $name: Endpoint =
            live($path, $rate, &[$(($field, $need)),*], endpoints!(@top $($top)?));)*
        /// Every endpoint, for lookups by path.
        pub const ALL: &[Endpoint] = &[$($name),*];
    };
}

endpoints! {
    CREATE_ROOM = "live_engine_http_srv/create_room", 200;
    DESTROY_ROOM = "live_engine_http_srv/destroy_room", 200;
    GET_ROOM_INFO = "live_engine_http_srv/get_room_info", 200, "RoomInfo": Object;
    UPDATE_ROOM_INFO = "live_engine_http_srv/update_room_info", 200;
    GET_ROOM_LIST = "live_engine_http_srv/get_room_list", 10,
        "RoomList": List, "RoomList[]": Object, "RoomList[].RoomId": Id, "Next": Id;
    GET_ROOM_METADATA = "live_engine_http_srv/get_room_metadata", 200,
        "Metadata": List, "Metadata[].Key": Text, "Metadata[].Value": Text;
    SET_ROOM_METADATA = "live_engine_http_srv/set_room_metadata", 200;
    DEL_ROOM_METADATA = "live_engine_http_srv/del_room_metadata", 200;
    CHANGE_ROOM_OWNER = "live_engine_http_srv/change_room_owner", 200;
    GET_ROOM_STATS = "live_engine_http_srv/get_room_stats", 100, "": Object;
    GET_ADMIN_LIST = "live_engine_http_srv/get_admin_list", 200,
        "Admin_Account": List, "Admin_Account[]": Id;
    MODIFY_ADMIN = "live_engine_http_srv/modify_admin", 200;
    GET_MEMBER_LIST = "live_engine_http_srv/get_member_list", 200,
        "MemberList": List, "MemberList[].Member_Account": Id, "Next": Id;
    BAN_MEMBER = "live_engine_http_srv/ban_member", 200;
    UNBAN_MEMBER = "live_engine_http_srv/unban_member", 200;
    GET_BANNED_MEMBER_LIST = "live_engine_http_srv/get_banned_member_list", 200,
        "BannedAccountList": List, "BannedAccountList[].Member_Account": Id;
    MUTE_MEMBER = "live_engine_http_srv/mute_member", 200;
    GET_MUTED_MEMBER_LIST = "live_engine_http_srv/get_muted_member_list", 200,
        "MutedAccountList": List, "MutedAccountList[].Member_Account": Id;
    SEND_TEXT_MSG = "live_engine_http_srv/send_text_msg", 200;
    SEND_CUSTOM_MSG = "live_engine_http_srv/send_custom_msg", 200;
    ADD_ROBOT = "live_engine_http_srv/add_robot", 100;
    GET_ROBOT = "live_engine_http_srv/get_robot", 100,
        "RobotList_Account": List, "RobotList_Account[]": Id;
    DEL_ROBOT = "live_engine_http_srv/del_robot", 100;
    GET_SEAT_LIST = "room_engine_http_mic/get_seat_list", 200,
        "SeatList": List, "SeatList[]": Object, "SeatList[].Index": Int;
    PICK_USER_ON_SEAT = "room_engine_http_mic/pick_user_on_seat", 200;
    KICK_USER_OFF_SEAT = "room_engine_http_mic/kick_user_off_seat", 200;
    LOCK_SEAT = "room_engine_http_mic/lock_seat", 200;
    MOVE_USER_TO_SEAT = "room_engine_http_mic/move_user_to_seat", 200;
    // Accounts (live-api.md §18.5): these answer at the top level.
    ACCOUNT_IMPORT = "im_open_login_svc/account_import", 200 top;
    MULTIACCOUNT_IMPORT = "im_open_login_svc/multiaccount_import", 100 top,
        "FailAccounts": List, "FailAccounts[]": Id;
    ACCOUNT_CHECK = "im_open_login_svc/account_check", 100 top,
        "ResultItem": List, "ResultItem[].UserID": Id, "ResultItem[].ResultCode": Int;
    PORTRAIT_GET = "profile/portrait_get", 200 top,
        "UserProfileItem": List, "UserProfileItem[].To_Account": Id;
    PORTRAIT_SET = "profile/portrait_set", 200 top;
    // A Chat group message into the room's group (GroupId = RoomId): the
    // payload is at the top level (live-api.md §18.7).
    SEND_GROUP_MSG = "group_open_http_svc/send_group_msg", 200 top, "MsgSeq": Int;
    // Battles (PK, live-api.md §10 and §18.9).
    CREATE_BATTLE = "live_engine_http_pk/create_battle", 200, "BattleId": Id, "Result": List;
    SET_BATTLE_SCORE = "live_engine_http_pk/set_battle_score", 200, "Result": List;
    GET_BATTLE_INFO = "live_engine_http_pk/get_battle_info", 200, "BattleId": Id;
    // Gifts (live-api.md §18.8): the catalogue answers at the top level and
    // takes 1 call a second; send_gift and get_gift_count 200/s.
    SEND_GIFT = "live_engine_http_srv/send_gift", 200;
    GET_GIFT_COUNT = "live_engine_http_srv/get_gift_count", 200, "": Object;
    ADD_GIFT = "live_engine_http_srv/add_gift", 1;
    GET_GIFT = "live_engine_http_srv/get_gift", 1 top, "GiftInfo": Object;
    DEL_GIFT = "live_engine_http_srv/del_gift", 1;
    // Stream mixing (live-api.md §3.9).
    SET_MIX_STREAM = "live_engine_http_srv/set_mix_stream", 20;
    RESUME_MCU_TASK = "live_engine_http_srv/resume_mcu_task", 20;
    // The live webhook's configuration (live-api.md §18.1).
    SET_CALLBACK = "live_config/set_callback", 200;
    UPDATE_CALLBACK = "live_config/update_callback", 200;
    GET_CALLBACK = "live_config/get_callback", 200, "Url": Text, "CallbackCommandList": List;
    DELETE_CALLBACK = "live_config/delete_callback", 200;
    SET_CALLBACK_TOKEN = "live_config/set_callback_token", 200;
    GET_CALLBACK_TOKEN = "live_config/get_callback_token", 200, "": Object;
    DELETE_CALLBACK_TOKEN = "live_config/delete_callback_token", 200;
    // The emulator's own commands (`livectl emulator join|leave`).
    EMU_JOIN_ROOM = "livectl_emulator/join_room", 1000;
    EMU_LEAVE_ROOM = "livectl_emulator/leave_room", 1000;
    EMU_REACT = "livectl_emulator/react", 1000;
}

/// The rate of a path that is not in the table (`livectl api`): well under
/// every documented limit.
pub const DEFAULT_PER_SECOND: u32 = 10;

/// The endpoint at `path` (`service/command`, or a bare live-room command).
pub fn find(path: &str) -> Option<&'static Endpoint> {
    ALL.iter()
        .find(|e| e.path == path || (!path.contains('/') && e.command() == path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_rates_positive() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(a.per_second > 0, "{}", a.path);
            assert!(a.path.contains('/'), "{}", a.path);
            for b in &ALL[i + 1..] {
                assert_ne!(a.path, b.path);
            }
        }
    }

    #[test]
    fn rate_classes_follow_the_spec() {
        assert_eq!(GET_ROOM_LIST.interval(), Duration::from_millis(100));
        assert_eq!(ADD_ROBOT.per_second, 100);
        assert_eq!(GET_ROOM_STATS.per_second, 100);
        assert_eq!(find("get_room_list"), Some(&GET_ROOM_LIST));
        assert_eq!(find("room_engine_http_mic/lock_seat"), Some(&LOCK_SEAT));
        assert_eq!(LOCK_SEAT.command(), "lock_seat");
    }
}
