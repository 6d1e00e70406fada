//! The service's error codes (api.md sections 3 and 4): meaning, fix, and the
//! class that decides retries and exit codes. Offline; `livectl explain`
//! prints from here.

/// What a client does about a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Credentials rejected (exit 4).
    Auth,
    /// Transient: retry with backoff.
    Retry,
    /// Rate limited: retry, and slow the whole run down.
    RetryRate,
    /// Retry after waiting at least one second (100012).
    RetrySlow,
    /// The UserSig expired or was invalidated: mint a new one, retry once.
    Resign,
    /// The room ID is taken by someone else (exit 6).
    Taken,
    /// The room already exists and is ours (100010).
    Exists,
    /// No such room (100004).
    NotFound,
    /// A bug in the request the tool built; report it.
    RequestBug,
    /// Refused; retrying will not help (exit 5).
    Fail,
}

impl Class {
    pub fn retryable(self) -> bool {
        matches!(self, Class::Retry | Class::RetryRate | Class::RetrySlow)
    }

    pub fn label(self) -> &'static str {
        match self {
            Class::Auth => "auth",
            Class::Retry => "retry",
            Class::RetryRate => "retry (rate limit)",
            Class::RetrySlow => "retry after 1 s",
            Class::Resign => "new UserSig, retry once",
            Class::Taken => "room ID taken",
            Class::Exists => "exists (yours)",
            Class::NotFound => "not found",
            Class::RequestBug => "request bug",
            Class::Fail => "fail",
        }
    }
}

/// One row of the code table.
pub struct Code {
    pub code: i64,
    pub meaning: &'static str,
    pub fix: &'static str,
    pub class: Class,
}

const fn c(code: i64, class: Class, meaning: &'static str, fix: &'static str) -> Code {
    Code {
        code,
        meaning,
        fix,
        class,
    }
}

use Class::*;

pub const CODES: &[Code] = &[
    c(
        40003,
        Fail,
        "profile request names an account that is not imported",
        "import it: livectl user import USER (check with livectl user check USER)",
    ),
    c(
        40601,
        Fail,
        "a profile value (nickname or avatar URL) is over 500 bytes",
        "shorten it: livectl checks this before sending",
    ),
    c(
        60002,
        RequestBug,
        "HTTP request could not be parsed (URL format)",
        "this is a livectl bug: report it with the RequestId",
    ),
    c(
        60003,
        RequestBug,
        "request JSON could not be parsed",
        "check --field values; otherwise report it with the RequestId",
    ),
    c(
        60004,
        Auth,
        "wrong account or signature in the request",
        "check the secret key and identifier of the profile (livectl doctor)",
    ),
    c(
        60005,
        Auth,
        "wrong account or signature in the request",
        "check the secret key and identifier of the profile (livectl doctor)",
    ),
    c(
        60006,
        Auth,
        "SDKAppID invalid",
        "check sdkappid; wrong region? the app must be called on the domain of the region it was created in (--region)",
    ),
    c(
        60007,
        RetryRate,
        "REST call rate over the limit",
        "lower --rate or --concurrency; livectl retries and slows down",
    ),
    c(
        60008,
        Retry,
        "service timed out",
        "retried automatically; if it persists, try again later",
    ),
    c(
        60009,
        RequestBug,
        "unknown service or command in the URL",
        "check --endpoint: it must be the service's base URL, without a path",
    ),
    c(
        60010,
        Auth,
        "identifier is not an App admin",
        "set identifier to an App admin account (console: Users, type Admin)",
    ),
    c(
        60011,
        RetryRate,
        "SDKAppID-wide rate over the limit",
        "lower --rate; other tools of the app share the limit",
    ),
    c(
        60012,
        Auth,
        "sdkappid missing from the URL",
        "set sdkappid in the profile or LIVECTL_SDKAPPID",
    ),
    c(
        60013,
        Retry,
        "service could not parse its own answer",
        "retried automatically; if it persists, report the RequestId",
    ),
    c(
        60014,
        Retry,
        "account replacement timed out",
        "retried automatically; try again later",
    ),
    c(
        60015,
        RequestBug,
        "wrong account type in the body (accounts are strings)",
        "pass accounts as strings in --field values",
    ),
    c(
        60016,
        Fail,
        "SDKAppID disabled",
        "re-enable the app in the console",
    ),
    c(
        60017,
        Fail,
        "request disabled",
        "contact support with the RequestId",
    ),
    c(
        60018,
        RetryRate,
        "too many requests",
        "lower --rate or --concurrency; livectl retries and slows down",
    ),
    c(
        60019,
        RetryRate,
        "too many requests",
        "lower --rate or --concurrency; livectl retries and slows down",
    ),
    c(
        60020,
        Fail,
        "plan expired or not yet active",
        "renew the plan; a new purchase takes about 5 minutes to apply",
    ),
    c(
        60021,
        Fail,
        "caller's IP not on the app's allow-list",
        "add this machine's IP to the allow-list in the console",
    ),
    c(
        70001,
        Resign,
        "UserSig expired",
        "livectl mints a new one and retries; if it persists, check the clock (livectl doctor)",
    ),
    c(
        70002,
        Auth,
        "UserSig empty",
        "set a secret key for the profile",
    ),
    c(
        70003,
        Auth,
        "UserSig invalid",
        "check the secret key: copy it again from the console (Basic configuration)",
    ),
    c(
        70005,
        Auth,
        "UserSig invalid",
        "check the secret key: copy it again from the console (Basic configuration)",
    ),
    c(
        70009,
        Auth,
        "UserSig made with another app's secret key",
        "the secret key belongs to another app: check sdkappid and the key; wrong region? \
         the app must be called on the domain of the region it was created in (--region)",
    ),
    c(
        70013,
        Auth,
        "identifier in the request differs from the one in the UserSig",
        "report it: livectl signs for the identifier it sends",
    ),
    c(
        70014,
        Auth,
        "sdkappid in the request differs from the one in the UserSig",
        "report it: livectl signs for the sdkappid it sends",
    ),
    c(
        70016,
        Auth,
        "key not found (old asymmetric keys)",
        "the app uses an old key type: create an HMAC secret key in the console",
    ),
    c(
        70020,
        Auth,
        "SDKAppID not found",
        "check sdkappid; wrong region? use --region of the region the app was created in",
    ),
    c(
        70050,
        Fail,
        "account locked after failed logins",
        "wait a minute and try again",
    ),
    c(
        70051,
        Fail,
        "account blocklisted",
        "check the account in the console",
    ),
    c(
        70052,
        Resign,
        "UserSig invalidated",
        "livectl mints a new one and retries once",
    ),
    c(
        70102,
        Fail,
        "account type error in the request (not \"account exists\")",
        "check the account with livectl user check USER; re-importing an existing account succeeds",
    ),
    c(
        70107,
        Fail,
        "user account is not imported",
        "import it: livectl user import USER (check with livectl user check USER)",
    ),
    c(
        70114,
        Fail,
        "restricted for security reasons",
        "contact support with the RequestId",
    ),
    c(
        70169,
        Retry,
        "server timeout",
        "retried automatically; try again later",
    ),
    c(
        70202,
        Retry,
        "server internal timeout",
        "retried automatically; try again later",
    ),
    c(
        70398,
        Fail,
        "account count over the trial limit",
        "upgrade the plan or remove accounts",
    ),
    c(
        70399,
        Fail,
        "a deleted account cannot be imported again within 3 months",
        "use another user ID",
    ),
    c(
        70402,
        Fail,
        "invalid parameter",
        "read the service's text: it names the parameter",
    ),
    c(
        70403,
        Auth,
        "needs App admin rights",
        "set identifier to an App admin account",
    ),
    c(
        70500,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        80001,
        Fail,
        "text hit the content filter",
        "change the room name or other text",
    ),
    c(80002, Fail, "body too long", "shorten the fields"),
    c(
        90992,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        90994,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        90995,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        91000,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        93000,
        Fail,
        "request too large: the JSON body is over the service's size limit",
        "shorten the fields (long --field values, names, cover URLs)",
    ),
    c(
        90009,
        Auth,
        "needs App admin rights",
        "set identifier to an App admin account",
    ),
    c(
        100001,
        Retry,
        "internal server error",
        "retried automatically; try again later",
    ),
    c(
        100002,
        Fail,
        "invalid parameter",
        "read the service's text: it names the parameter",
    ),
    c(
        100003,
        Taken,
        "room ID already exists",
        "choose another room ID",
    ),
    c(
        100004,
        NotFound,
        "no such room: it does not exist or was already dismissed",
        "check the room ID (livectl list shows public rooms)",
    ),
    c(
        100005,
        Fail,
        "the user is not a member of the room",
        "the user must enter the room first",
    ),
    c(
        100006,
        Fail,
        "not permitted: insufficient operator rights, wrong room type (robots need a Live room) or no right to change the metadata",
        "use the owner's account or an App admin as identifier",
    ),
    c(100007, Fail, "no paid plan", "buy a package in the console"),
    c(
        100010,
        Exists,
        "room ID already exists and its Owner_Account is the same as the requested owner: usable as is",
        "use it as is, or pass --exists-ok to count it as success",
    ),
    c(
        100011,
        Taken,
        "room ID is taken by a Chat group",
        "choose another room ID, or dissolve the group first",
    ),
    c(
        100012,
        RetrySlow,
        "the same room ID was created less than a second ago",
        "retried automatically after a second",
    ),
    c(
        100020,
        Fail,
        "the room would have more than 5 admins",
        "remove an admin first (livectl admin list)",
    ),
    c(
        100026,
        Fail,
        "name or other text hit the content filter",
        "change the room name or other text",
    ),
    c(
        100200,
        Fail,
        "the seat is locked",
        "unlock the seat first, or pick another seat",
    ),
    c(
        100202,
        Fail,
        "the user is already queuing for a seat",
        "wait for the application to be handled",
    ),
    c(
        100203,
        Fail,
        "the user is already on a seat",
        "nothing to do, or move the user",
    ),
    c(100205, Fail, "all seats are taken", "free a seat first"),
    c(
        100210,
        Fail,
        "the target seat is occupied",
        "pick another seat",
    ),
    c(
        100211,
        Fail,
        "the room does not support co-guest seats",
        "create the room with seats enabled (--seat-enabled) and a seat layout",
    ),
    c(
        100422,
        RetryRate,
        "stream-mixing calls over 20 per second",
        "retried automatically and slowed down; lower --rate",
    ),
    c(
        100424,
        Retry,
        "stream-mixing task not found",
        "retried automatically; if it persists, start the mix again",
    ),
    c(
        100427,
        Fail,
        "stream-mixing failure (meaning not documented)",
        "read the service's text; report the RequestId to support",
    ),
    c(
        100500,
        Fail,
        "more than 10 metadata keys",
        "delete keys first (livectl meta delete)",
    ),
    c(
        100501,
        Fail,
        "a metadata value is over 2 KB",
        "shorten the value",
    ),
    c(
        100502,
        Fail,
        "the room's metadata is over 16 KB in total",
        "delete or shorten keys first",
    ),
];

/// UserSig and account checks of the service: a code in this range that
/// the table does not know is still a credentials problem (exit 4).
const USERSIG_CODES: std::ops::RangeInclusive<i64> = 70001..=70049;

/// Looks up a code; `None` for a code the table does not know.
pub fn lookup(code: i64) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// The class of a code; unknown codes are plain failures, except unknown
/// UserSig-check codes (70001..=70049), which are credentials failures.
pub fn class_of(code: i64) -> Class {
    match lookup(code) {
        Some(c) => c.class,
        None if USERSIG_CODES.contains(&code) => Class::Auth,
        None => Class::Fail,
    }
}

/// An error's account of a code, each thing once: the code, the service's
/// text (or, when it sent none, what the code means), then the fix:
/// `100004 room not exist; fix: check the room ID (…)`. The service's text
/// already says what happened, so the meaning is not said again.
pub fn compose(code: i64, info: &str) -> String {
    match (lookup(code), info.is_empty()) {
        (Some(c), false) => format!("{code} {info}; fix: {}", c.fix),
        (Some(c), true) => format!("{code} ({}); fix: {}", c.meaning, c.fix),
        (None, false) => format!("{code} {info} ({})", explanation(code)),
        (None, true) => format!("{code} ({})", explanation(code)),
    }
}

/// "meaning: fix" for an error message, or a generic hint for unknown codes.
pub fn explanation(code: i64) -> String {
    match lookup(code) {
        Some(c) => format!("{}: {}", c.meaning, c.fix),
        None if USERSIG_CODES.contains(&code) => format!(
            "unknown code {code}, a UserSig check failed: check the secret key, sdkappid and \
             identifier (livectl doctor); wrong region? use --region of the region the app was created in"
        ),
        None => format!("unknown code {code}: see the service's text and `livectl explain`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_says_each_thing_once() {
        assert_eq!(
            compose(100004, "room not exist"),
            format!(
                "100004 room not exist; fix: {}",
                lookup(100004).unwrap().fix
            )
        );
        let bare = compose(100004, "");
        assert!(bare.contains(lookup(100004).unwrap().meaning), "{bare}");
        let e = compose(100010, "room exists");
        assert_eq!(e.matches("as is").count(), 1, "{e}");
    }

    #[test]
    fn table_has_every_documented_code_once() {
        let documented = [
            40003, 40601, 60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011,
            60012, 60013, 60014, 60015, 60016, 60017, 60018, 60019, 60020, 60021, 70001, 70002,
            70003, 70005, 70009, 70013, 70014, 70016, 70020, 70050, 70051, 70052, 70102, 70107,
            70114, 70169, 70202, 70398, 70399, 70402, 70403, 70500, 80001, 80002, 90009, 90992,
            90994, 90995, 91000, 93000, 100001, 100002, 100003, 100004, 100005, 100006, 100007,
            100010, 100011, 100012, 100020, 100026, 100200, 100202, 100203, 100205, 100210, 100211,
            100422, 100424, 100427, 100500, 100501, 100502,
        ];
        for code in documented {
            assert!(lookup(code).is_some(), "{code} missing");
        }
        assert_eq!(CODES.len(), documented.len(), "no extra or repeated rows");
    }

    #[test]
    fn retry_classes_match_cli_md() {
        for code in [
            100001, 100012, 60007, 60008, 60011, 60013, 60014, 60018, 60019, 70169, 70202, 70500,
            90992, 90994, 90995, 91000, 100422, 100424,
        ] {
            assert!(class_of(code).retryable(), "{code} should retry");
        }
        for code in [
            93000, 100005, 100020, 100200, 100211, 100427, 100500, 100502,
        ] {
            assert_eq!(class_of(code), Class::Fail, "{code}");
        }
        for code in [60007, 60011, 60018, 60019, 100422] {
            assert_eq!(class_of(code), Class::RetryRate);
        }
        assert_eq!(class_of(70001), Class::Resign);
        assert_eq!(class_of(70052), Class::Resign);
        assert_eq!(class_of(100003), Class::Taken);
        assert_eq!(class_of(100011), Class::Taken);
        assert_eq!(class_of(100010), Class::Exists);
        assert_eq!(class_of(424242), Class::Fail);
        for code in [
            60004, 60005, 60006, 60010, 60012, 70002, 70003, 70005, 70009, 70013, 70014, 70016,
            70020, 70403, 90009, 70004, 70006, 70007, 70008, 70010, 70049,
        ] {
            assert_eq!(class_of(code), Class::Auth, "{code}");
        }
        assert_eq!(class_of(70050), Class::Fail);
        assert_eq!(class_of(70000), Class::Fail);
    }

    #[test]
    fn new_meanings_are_explained() {
        assert!(explanation(100010).contains("Owner_Account is the same"));
        assert!(explanation(93000).contains("too large"));
        assert!(explanation(100424).contains("not found"));
        assert!(explanation(70007).contains("UserSig check failed"));
    }

    #[test]
    fn wrong_region_codes_say_so() {
        assert!(explanation(60006).contains("wrong region?"));
        assert!(explanation(70020).contains("wrong region?"));
        assert!(explanation(70009).contains("wrong region?"));
        assert!(explanation(1).contains("unknown code"));
    }
}
