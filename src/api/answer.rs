//! Server text is untrusted data. This module owns the rules applied where
//! an answer enters livectl:
//!
//! - [`scrub`], for free text only (`ErrorInfo`, `RequestId`, an HTML error
//!   page, a transport error): terminal control characters out, livectl's
//!   own UserSig and anything after `usersig=` replaced by `<redacted>` (an
//!   error page or an `ErrorInfo` may quote the request URL);
//! - values are data: the `Response` (room IDs, user IDs, metadata) is kept
//!   exactly as sent, never scrubbed, so every decision compares what the
//!   service holds; text output shows it escaped (`output::shown`). An
//!   answer whose `Response` quotes this request's UserSig is refused whole
//!   as unusable rather than altered or shown;
//! - [`parse`]: an answer is usable only when it is a JSON object with an
//!   integer `ErrorCode`, and a success only when that code is 0 and
//!   `ActionStatus` is absent or `"OK"`. A proxy's `{}` is not a success;
//! - [`check_shape`]: a success must carry what its endpoint returns (the
//!   endpoint table's `returns`): `ErrorCode 0` without `Response.MemberList`
//!   is unusable, never an empty list.
//!
//! It does not do HTTP (see the parent module).

use serde_json::Value;

use super::Reply;
use super::endpoint::{Endpoint, Need};

/// What replaces a secret in server text.
pub const REDACTED: &str = "<redacted>";

/// The most of an answer body livectl reads; real answers are a few KB.
pub const MAX_ANSWER_BYTES: u64 = 4 << 20;

/// Makes server-supplied text safe to show or store: strips terminal
/// control characters, then redacts `own_sig` (the UserSig this request
/// carried) and the value after any `usersig=` / `usersig%3D`.
pub fn scrub(text: &str, own_sig: Option<&str>) -> String {
    let clean = strip_controls(text);
    let clean = match own_sig {
        // A short or empty "signature" would redact unrelated text.
        Some(sig) if sig.len() >= 16 => clean.replace(sig, REDACTED),
        _ => clean,
    };
    redact_after_key(&clean)
}

/// Whether any string (key or value) inside `v` holds `sig`.
fn quotes(v: &Value, sig: &str) -> bool {
    match v {
        Value::String(s) => s.contains(sig),
        Value::Array(items) => items.iter().any(|i| quotes(i, sig)),
        Value::Object(m) => m.iter().any(|(k, i)| k.contains(sig) || quotes(i, sig)),
        _ => false,
    }
}

/// Removes ESC sequences (CSI, OSC, DCS/SOS/PM/APC, two-byte), BEL, bare CR
/// (CRLF becomes LF), DEL, C1 controls and every other C0 control except
/// `\n` and `\t`: a server must not move the cursor, retitle the terminal
/// or overwrite a line of livectl's output.
pub fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\x1b' => match chars.next() {
                // CSI: parameters, then one final byte in 0x40..=0x7e.
                Some('[') => {
                    for p in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&p) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(p) = chars.next() {
                        if p == '\x07' {
                            break;
                        }
                        if p == '\x1b' {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Replaces what follows each `usersig=` (any case, also URL-encoded as
/// `usersig%3D`) up to `&`, whitespace, a quote or `<`/`>` with `<redacted>`.
fn redact_after_key(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so indices match `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some((at, key_len)) = next_key(&lower, pos) {
        let value_start = at + key_len;
        let value_len = text[value_start..]
            .find(|c: char| {
                c == '&' || c == '"' || c == '\'' || c == '<' || c == '>' || c.is_whitespace()
            })
            .unwrap_or(text.len() - value_start);
        out.push_str(&text[pos..value_start]);
        if value_len > 0 {
            out.push_str(REDACTED);
        }
        pos = value_start + value_len;
    }
    out.push_str(&text[pos..]);
    out
}

/// The next `usersig=` or `usersig%3d` in lowercased text at or after `from`.
fn next_key(lower: &str, from: usize) -> Option<(usize, usize)> {
    ["usersig=", "usersig%3d"]
        .iter()
        .filter_map(|k| lower[from..].find(k).map(|i| (from + i, k.len())))
        .min()
}

/// Reads a 200 answer. `Err` says why it is not a usable answer (the caller
/// makes that an uncertain transport failure). `ErrorInfo` and `RequestId`
/// are scrubbed; the `Response` is kept exactly as sent.
pub fn parse(text: &str, own_sig: Option<&str>) -> Result<Reply, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON ({})", scrub(&e.to_string(), own_sig)))?;
    let Value::Object(mut m) = value else {
        return Err(format!("JSON {}, not an object", kind(&value)));
    };
    let error_code = match m.get("ErrorCode") {
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("ErrorCode {n} is not an integer"))?,
        Some(other) => return Err(format!("ErrorCode is a {}, not a number", kind(other))),
        None => return Err("no ErrorCode".into()),
    };
    match m.get("ActionStatus") {
        None => {}
        Some(Value::String(s)) if error_code != 0 || s == "OK" => {}
        Some(Value::String(s)) => {
            let shown: String = scrub(s, own_sig).chars().take(40).collect();
            return Err(format!("ErrorCode 0 with ActionStatus \"{shown}\""));
        }
        Some(other) => return Err(format!("ActionStatus is a {}, not a string", kind(other))),
    }
    let text_of = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => scrub(s, own_sig),
        Some(other) => scrub(&other.to_string(), own_sig),
    };
    let error_info = text_of(m.get("ErrorInfo"));
    let request_id = text_of(m.get("RequestId"));
    let response = m.remove("Response");
    for key in ["ErrorCode", "ActionStatus", "ErrorInfo", "RequestId"] {
        m.remove(key);
    }
    if let Some(sig) = own_sig
        && sig.len() >= 16
        && (response.as_ref().is_some_and(|r| quotes(r, sig))
            || m.iter().any(|(k, v)| k.contains(sig) || quotes(v, sig)))
    {
        return Err("the answer quotes this request's UserSig (not shown)".into());
    }
    Ok(Reply {
        error_code,
        error_info,
        request_id,
        response,
        rest: m,
        date: None,
    })
}

/// A success (`ErrorCode` 0) must carry what `ep` returns (its `returns`);
/// `Err` names the first field missing or of the wrong form, as
/// `Response.MemberList[2].Member_Account is missing`. A failure code is
/// not checked: it carries no payload.
pub fn check_shape(ep: &Endpoint, reply: &Reply) -> Result<(), String> {
    if reply.error_code != 0 || ep.returns.is_empty() {
        return Ok(());
    }
    let fail =
        |root: &str, (rel, problem): Miss| format!("{}: {root}{rel} {problem}", ep.command());
    if ep.top_level {
        // The account services answer outside `Response`: the first part
        // of each path is a top-level field.
        for (path, need) in ep.returns {
            let (head, rest) = split(path);
            let Some(v) = reply.rest.get(head) else {
                return Err(fail(
                    "the answer",
                    (format!(".{head}"), "is missing".into()),
                ));
            };
            check_path(v, rest.strip_prefix('.').unwrap_or(rest), *need)
                .map_err(|(rel, p)| fail("the answer", (format!(".{head}{rel}"), p)))?;
        }
        return Ok(());
    }
    let Some(root) = reply.response.as_ref() else {
        return Err(format!(
            "{} answered ErrorCode 0 without its Response",
            ep.command()
        ));
    };
    for (path, need) in ep.returns {
        check_path(root, path, *need).map_err(|m| fail("Response", m))?;
    }
    Ok(())
}

/// Where a required field failed, relative to the node checked
/// (`.MemberList[2].Member_Account`), and what is wrong (`is missing`). The
/// location is built only on the way out of a failure: a long list that is
/// fine costs no string.
type Miss = (String, String);

/// `A.B[]…` as its first field name and the rest (`.B[]…` or `[]…`).
fn split(path: &str) -> (&str, &str) {
    match path.find(['.', '[']) {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    }
}

/// Checks `path` (`A.B`, `A[]`, `A[].B`, or `""` for `v` itself) under `v`.
fn check_path(v: &Value, path: &str, need: Need) -> Result<(), Miss> {
    if path.is_empty() {
        return check_need(v, need).map_err(|p| (String::new(), p));
    }
    let (head, rest) = split(path);
    let here = |rel: String| {
        if head.is_empty() {
            rel
        } else {
            format!(".{head}{rel}")
        }
    };
    let v = if head.is_empty() {
        v
    } else {
        let Value::Object(m) = v else {
            return Err((String::new(), format!("is {}, not an object", a_kind(v))));
        };
        match m.get(head) {
            Some(x) => x,
            None => return Err((format!(".{head}"), "is missing".into())),
        }
    };
    if let Some(rest) = rest.strip_prefix("[]") {
        let Value::Array(items) = v else {
            return Err((here(String::new()), format!("is {}, not a list", a_kind(v))));
        };
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        for (i, item) in items.iter().enumerate() {
            check_path(item, rest, need).map_err(|(rel, p)| (here(format!("[{i}]{rel}")), p))?;
        }
        return Ok(());
    }
    check_path(v, rest.strip_prefix('.').unwrap_or(rest), need).map_err(|(rel, p)| (here(rel), p))
}

fn check_need(v: &Value, need: Need) -> Result<(), String> {
    let ok = match need {
        Need::Object => v.is_object(),
        Need::List => v.is_array(),
        Need::Text => v.is_string(),
        Need::Id => v.is_string() || v.is_i64() || v.is_u64(),
        Need::Int => v.is_i64() || v.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok()),
    };
    if ok {
        return Ok(());
    }
    let want = match need {
        Need::Object => "an object",
        Need::List => "a list",
        Need::Text => "a string",
        Need::Id => "an ID (a string or an integer)",
        Need::Int => "an integer",
    };
    Err(format!("is {}, not {want}", a_kind(v)))
}

fn a_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::endpoint;

    const SIG: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uK";

    #[test]
    fn own_usersig_and_any_usersig_value_are_redacted() {
        let text = format!(
            "bad url /v4/x?sdkappid=1&usersig={SIG}&random=2 sig {SIG} \
             UserSig=abc\"x USERSIG%3Ddef ghi usersig=<redacted> usersig="
        );
        let s = scrub(&text, Some(SIG));
        assert!(!s.contains(SIG), "{s}");
        assert!(!s.contains("abc") && !s.contains("def"), "{s}");
        assert_eq!(
            s,
            "bad url /v4/x?sdkappid=1&usersig=<redacted>&random=2 sig <redacted> \
             UserSig=<redacted>\"x USERSIG%3D<redacted> ghi usersig=<redacted> usersig="
        );
        // A value split by a control character is joined, then redacted.
        assert_eq!(scrub("user\x07sig=zz&a", None), "usersig=<redacted>&a");
        // Ordinary text is untouched; a too-short "own sig" redacts nothing.
        assert_eq!(scrub("room r1 is taken", Some("r")), "room r1 is taken");
    }

    #[test]
    fn terminal_control_characters_are_stripped() {
        let s = scrub(
            "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c\x1b]8;;http://x\x1b\\d\x07e\rf\r\ng\th\x00i\x7fj\u{9b}k\x1bPdcs\x1b\\l",
            None,
        );
        assert_eq!(s, "ared bcdef\ng\thijkl");
    }

    fn shape(ep: &Endpoint, text: &str) -> Result<(), String> {
        check_shape(ep, &parse(text, None).unwrap())
    }

    #[test]
    fn a_success_without_what_the_endpoint_returns_is_unusable() {
        let ep = &endpoint::GET_BANNED_MEMBER_LIST;
        let bad = [
            (
                r#"{"ErrorCode":0}"#,
                "get_banned_member_list answered ErrorCode 0 without its Response",
            ),
            (
                r#"{"ErrorCode":0,"Response":{}}"#,
                "get_banned_member_list: Response.BannedAccountList is missing",
            ),
            (
                r#"{"ErrorCode":0,"Response":{"BannedAccountList":null}}"#,
                "get_banned_member_list: Response.BannedAccountList is null, not a list",
            ),
            (
                r#"{"ErrorCode":0,"Response":{"BannedAccountList":"u1"}}"#,
                "get_banned_member_list: Response.BannedAccountList is a string, not a list",
            ),
            (
                r#"{"ErrorCode":0,"Response":{"BannedAccountList":[{"Member_Account":"a"},{}]}}"#,
                "get_banned_member_list: Response.BannedAccountList[1].Member_Account is missing",
            ),
            (
                r#"{"ErrorCode":0,"Response":{"BannedAccountList":["a"]}}"#,
                "get_banned_member_list: Response.BannedAccountList[0] is a string, not an object",
            ),
            (
                r#"{"ErrorCode":0,"Response":{"BannedAccountList":[{"Member_Account":1.5}]}}"#,
                "get_banned_member_list: Response.BannedAccountList[0].Member_Account is a number, not an ID (a string or an integer)",
            ),
            (
                r#"{"ErrorCode":0,"Response":[]}"#,
                "get_banned_member_list: Response is a list, not an object",
            ),
        ];
        for (text, why) in bad {
            assert_eq!(shape(ep, text).unwrap_err(), why, "{text}");
        }
        for ok in [
            r#"{"ErrorCode":0,"Response":{"BannedAccountList":[]}}"#,
            r#"{"ErrorCode":0,"Response":{"BannedAccountList":[{"Member_Account":10086,"BannedUntil":"x"}],"NextOffset":0}}"#,
            // A failure carries no payload.
            r#"{"ErrorCode":100004}"#,
        ] {
            assert_eq!(shape(ep, ok), Ok(()), "{ok}");
        }
        // Every list endpoint names what it returns; a write names nothing.
        let admins = &endpoint::GET_ADMIN_LIST;
        assert!(
            shape(
                admins,
                r#"{"ErrorCode":0,"Response":{"Admin_Account":["a",{}]}}"#
            )
            .unwrap_err()
            .contains("Admin_Account[1] is an object")
        );
        assert!(
            shape(
                &endpoint::GET_SEAT_LIST,
                r#"{"ErrorCode":0,"Response":{"SeatList":[{"Index":"x"}]}}"#
            )
            .is_err()
        );
        assert!(shape(&endpoint::GET_ROOM_STATS, r#"{"ErrorCode":0}"#).is_err());
        assert_eq!(shape(&endpoint::BAN_MEMBER, r#"{"ErrorCode":0}"#), Ok(()));
    }

    fn reason(text: &str) -> String {
        parse(text, None).unwrap_err()
    }

    #[test]
    fn only_a_numeric_error_code_is_an_answer() {
        assert_eq!(reason("{}"), "no ErrorCode");
        assert_eq!(
            reason(r#"{"ErrorCode":"0"}"#),
            "ErrorCode is a string, not a number"
        );
        assert_eq!(
            reason(r#"{"ErrorCode":0.5}"#),
            "ErrorCode 0.5 is not an integer"
        );
        assert_eq!(reason("null"), "JSON null, not an object");
        assert_eq!(reason(r#"[{"ErrorCode":0}]"#), "JSON array, not an object");
        assert!(reason("<html>").starts_with("not JSON"));
        assert_eq!(
            reason(r#"{"ErrorCode":0,"ActionStatus":"FAIL"}"#),
            "ErrorCode 0 with ActionStatus \"FAIL\""
        );
        assert_eq!(
            reason(r#"{"ErrorCode":0,"ActionStatus":1}"#),
            "ActionStatus is a number, not a string"
        );
        for ok in [
            r#"{"ErrorCode":0}"#,
            r#"{"ErrorCode":0,"ActionStatus":"OK","ErrorInfo":"","RequestId":"Id-1","RoomId":"r"}"#,
        ] {
            assert_eq!(parse(ok, None).unwrap().error_code, 0, "{ok}");
        }
        // A failure code is an answer whatever ActionStatus says.
        let r = parse(r#"{"ErrorCode":100003,"ActionStatus":"OK"}"#, None).unwrap();
        assert_eq!(r.error_code, 100003);
    }

    #[test]
    fn free_text_is_scrubbed_values_are_kept_exactly() {
        let text = format!(
            r#"{{"ErrorCode":70003,"ErrorInfo":"bad sig {SIG} in \u001b[2J?usersig={SIG}","RequestId":"Id\u0007-1","Response":{{"RoomInfo":{{"RoomId":"\u001b[0mprod-main","RoomName":"x\u001b]0;t\u0007y\r\n","Tags":["usersig=abc"]}}}}}}"#
        );
        let r = parse(&text, Some(SIG)).unwrap();
        assert_eq!(r.error_info, "bad sig <redacted> in ?usersig=<redacted>");
        assert_eq!(r.request_id, "Id-1");
        let info = &r.response.unwrap()["RoomInfo"];
        assert_eq!(info["RoomId"], "\u{1b}[0mprod-main");
        assert_eq!(info["RoomName"], "x\u{1b}]0;t\u{7}y\r\n");
        assert_eq!(info["Tags"][0], "usersig=abc");
    }

    #[test]
    fn a_response_quoting_our_own_usersig_is_unusable_not_altered() {
        for text in [
            format!(r#"{{"ErrorCode":0,"Response":{{"RoomInfo":{{"RoomName":"x{SIG}"}}}}}}"#),
            format!(r#"{{"ErrorCode":0,"Response":{{"List":[{{"{SIG}":1}}]}}}}"#),
        ] {
            let why = parse(&text, Some(SIG)).unwrap_err();
            assert!(why.contains("UserSig") && !why.contains(SIG), "{why}");
        }
    }
}
