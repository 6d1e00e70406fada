//! What a handler sees and returns: the failure value (`Fail`, a service
//! code and its text), the payload of a success (`Out`), and readers for
//! body fields that answer 100002/60015 the way the service does. No I/O.

use serde_json::{Map, Value};

/// A failure answer: the service's code and its `ErrorInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fail {
    pub code: i64,
    pub info: String,
}

pub fn fail(code: i64, info: impl Into<String>) -> Fail {
    Fail {
        code,
        info: info.into(),
    }
}

/// 100002, invalid parameter: the text names the field.
pub fn bad(info: impl Into<String>) -> Fail {
    fail(100002, info)
}

/// 100004, no such room.
pub fn no_room(id: &str) -> Fail {
    fail(
        100004,
        format!("room \"{id}\" does not exist or was dismissed"),
    )
}

/// A success: the `Response` object, and fields at the top level
/// (create_room's `RoomId`).
#[derive(Debug, Default)]
pub struct Out {
    pub response: Option<Value>,
    pub top: Vec<(&'static str, Value)>,
}

impl Out {
    pub fn empty() -> Result<Out, Fail> {
        Ok(Out::default())
    }

    pub fn response(v: Value) -> Result<Out, Fail> {
        Ok(Out {
            response: Some(v),
            top: Vec::new(),
        })
    }
}

/// A request body: always a JSON object (checked by the transport).
pub type Body = Map<String, Value>;

/// A required string field.
pub fn text<'a>(b: &'a Body, name: &str) -> Result<&'a str, Fail> {
    match b.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(bad(format!("{name} must be a string"))),
        None => Err(bad(format!("{name} is required"))),
    }
}

/// An optional string field.
pub fn opt_text<'a>(b: &'a Body, name: &str) -> Result<Option<&'a str>, Fail> {
    match b.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text(b, name).map(Some),
    }
}

/// A required integer field.
pub fn int(b: &Body, name: &str) -> Result<i64, Fail> {
    match b.get(name) {
        Some(v) => v
            .as_i64()
            .ok_or_else(|| bad(format!("{name} must be an integer"))),
        None => Err(bad(format!("{name} is required"))),
    }
}

/// An optional integer field.
pub fn opt_int(b: &Body, name: &str) -> Result<Option<i64>, Fail> {
    match b.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => int(b, name).map(Some),
    }
}

/// An optional bool field.
pub fn opt_bool(b: &Body, name: &str) -> Result<Option<bool>, Fail> {
    match b.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(v)) => Ok(Some(*v)),
        Some(_) => Err(bad(format!("{name} must be true or false"))),
    }
}

/// A required array of strings (`Keys`).
pub fn strings(b: &Body, name: &str) -> Result<Vec<String>, Fail> {
    let Some(v) = b.get(name) else {
        return Err(bad(format!("{name} is required")));
    };
    let arr = v
        .as_array()
        .ok_or_else(|| bad(format!("{name} must be an array of strings")))?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(format!("{name} must be an array of strings")))
        })
        .collect()
}

/// A required, non-empty list of user IDs of at most `max` entries. An ID
/// that is not a string answers 60015, as for every account field.
pub fn accounts(b: &Body, name: &str, max: usize) -> Result<Vec<String>, Fail> {
    let Some(v) = b.get(name) else {
        return Err(bad(format!("{name} is required")));
    };
    let arr = v
        .as_array()
        .ok_or_else(|| bad(format!("{name} must be an array of user IDs")))?;
    if arr.is_empty() {
        return Err(bad(format!("{name} is empty")));
    }
    if arr.len() > max {
        return Err(bad(format!(
            "{name} has {} user IDs; at most {max} per request",
            arr.len()
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(arr.len());
    for x in arr {
        let id = account_value(x, name)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// One user ID field (`Member_Account`, `Sender_Account` …).
pub fn account(b: &Body, name: &str) -> Result<String, Fail> {
    match b.get(name) {
        Some(v) => account_value(v, name),
        None => Err(bad(format!("{name} is required"))),
    }
}

fn account_value(v: &Value, name: &str) -> Result<String, Fail> {
    match v {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::String(_) => Err(bad(format!("{name} has an empty user ID"))),
        _ => Err(fail(
            60015,
            format!("{name}: user IDs are strings, not {}", kind(v)),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "booleans",
        Value::Number(_) => "numbers",
        Value::String(_) => "strings",
        Value::Array(_) => "arrays",
        Value::Object(_) => "objects",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Body {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn accounts_checks_type_count_and_dedupes() {
        let b = body(json!({"L": ["a", "b", "a"], "N": [1], "E": [], "S": "a"}));
        assert_eq!(accounts(&b, "L", 3).unwrap(), ["a", "b"]);
        assert_eq!(accounts(&b, "L", 2).unwrap_err().code, 100002);
        assert_eq!(accounts(&b, "N", 5).unwrap_err().code, 60015);
        assert_eq!(accounts(&b, "E", 5).unwrap_err().code, 100002);
        assert_eq!(accounts(&b, "S", 5).unwrap_err().code, 100002);
        assert_eq!(accounts(&b, "missing", 5).unwrap_err().code, 100002);
    }

    #[test]
    fn scalar_readers_name_the_field() {
        let b = body(json!({"s": "x", "i": 3, "f": 1.5, "b": true}));
        assert_eq!(text(&b, "s").unwrap(), "x");
        assert!(
            text(&b, "i")
                .unwrap_err()
                .info
                .contains("i must be a string")
        );
        assert_eq!(int(&b, "i").unwrap(), 3);
        assert_eq!(int(&b, "f").unwrap_err().code, 100002);
        assert_eq!(opt_int(&b, "none").unwrap(), None);
        assert_eq!(opt_bool(&b, "b").unwrap(), Some(true));
        assert_eq!(opt_bool(&b, "s").unwrap_err().code, 100002);
    }
}
