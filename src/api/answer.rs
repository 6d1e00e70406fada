//! Server text is untrusted data. This module owns the two rules applied
//! where an answer enters livectl, so nothing downstream (stderr, `-o json`,
//! `-vv`, the batch report) ever sees raw server text:
//!
//! - [`scrub`]: terminal control characters out, livectl's own UserSig and
//!   anything after `usersig=` replaced by `<redacted>` (an error page or an
//!   `ErrorInfo` may quote the request URL);
//! - [`parse`]: an answer is usable only when it is a JSON object with an
//!   integer `ErrorCode`, and a success only when that code is 0 and
//!   `ActionStatus` is absent or `"OK"`. A proxy's `{}` is not a success.
//!
//! It does not do HTTP (see the parent module).

use serde_json::Value;

use super::Reply;

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

/// Scrubs every string (values, not keys) inside a JSON value.
pub fn scrub_value(v: &mut Value, own_sig: Option<&str>) {
    match v {
        Value::String(s) => *s = scrub(s, own_sig),
        Value::Array(items) => items.iter_mut().for_each(|i| scrub_value(i, own_sig)),
        Value::Object(m) => m.values_mut().for_each(|i| scrub_value(i, own_sig)),
        _ => {}
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
/// makes that an uncertain transport failure); every string kept is scrubbed.
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
    let response = m.remove("Response").map(|mut v| {
        scrub_value(&mut v, own_sig);
        v
    });
    Ok(Reply {
        error_code,
        error_info,
        request_id,
        response,
        date: None,
    })
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
    fn every_kept_string_is_scrubbed() {
        let text = format!(
            r#"{{"ErrorCode":70003,"ErrorInfo":"bad sig {SIG} in \u001b[2J?usersig={SIG}","RequestId":"Id\u0007-1","Response":{{"RoomInfo":{{"RoomName":"x\u001b]0;t\u0007y","Tags":["usersig=abc"]}}}}}}"#
        );
        let r = parse(&text, Some(SIG)).unwrap();
        assert_eq!(r.error_info, "bad sig <redacted> in ?usersig=<redacted>");
        assert_eq!(r.request_id, "Id-1");
        let info = &r.response.unwrap()["RoomInfo"];
        assert_eq!(info["RoomName"], "xy");
        assert_eq!(info["Tags"][0], "usersig=<redacted>");
    }
}
