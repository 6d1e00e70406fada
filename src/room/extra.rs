//! `--field`: a field the tool does not model. xh/httpie's split: `NAME=VALUE`
//! sends VALUE as a string, always; `NAME:=JSON` sends raw JSON. (Before 0.2,
//! `NAME=VALUE` sent VALUE as JSON when it parsed, so `SeatTemplate=1` sent
//! the number 1 and a string such as `1` or `true` could not be sent.)

use serde_json::Value;

/// One `--field` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraField {
    pub name: String,
    pub value: Value,
    /// A one-line hint for stderr when `NAME=VALUE` was probably meant as
    /// JSON (the 0.1 meaning): VALUE is a JSON number, boolean, null or a
    /// quoted string. Not for objects and arrays: a string holding JSON
    /// (e.g. `CustomInfo`) is a common, deliberate value.
    pub hint: Option<String>,
}

impl ExtraField {
    /// The (name, value) pair `RoomSpec::extra` holds.
    pub fn pair(&self) -> (String, Value) {
        (self.name.clone(), self.value.clone())
    }
}

/// Parses `NAME=VALUE` (a string) or `NAME:=JSON`.
pub fn parse_extra(s: &str) -> Result<ExtraField, String> {
    let (head, value) = s.split_once('=').ok_or_else(|| {
        format!(
            "\"{s}\" is neither NAME=VALUE (a string) nor NAME:=JSON \
             (e.g. --field CustomInfo=vip or --field KeepOwnerOnSeat:=false)"
        )
    })?;
    let (name, raw_json) = match head.strip_suffix(':') {
        Some(name) => (name, true),
        None => (head, false),
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("\"{s}\" has an empty NAME"));
    }
    if raw_json {
        let value = serde_json::from_str(value).map_err(|e| {
            format!(
                "{name}:= takes JSON, and {value:?} is not valid JSON ({e}); \
                 for a string write {name}=VALUE, for a JSON string {name}:='\"text\"'"
            )
        })?;
        return Ok(ExtraField {
            name: name.to_string(),
            value,
            hint: None,
        });
    }
    let hint = match serde_json::from_str::<Value>(value) {
        Ok(Value::String(inner)) => Some(format!(
            "--field {name}={value} sends the quotes as part of the string; \
             for the string {inner} write --field {name}={inner}"
        )),
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => {
            let what = match v {
                Value::Number(_) => "number",
                Value::Bool(_) => "boolean",
                _ => "null",
            };
            Some(format!(
                "--field {name}={value} sends the string \"{value}\"; for the JSON {what} write \
                 --field {name}:={value} (NAME=VALUE always sends a string since 0.2)"
            ))
        }
        _ => None,
    };
    Ok(ExtraField {
        name: name.to_string(),
        value: Value::String(value.to_string()),
        hint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pair(s: &str) -> (String, Value) {
        parse_extra(s).unwrap().pair()
    }

    #[test]
    fn equals_sends_a_string_always() {
        assert_eq!(pair("A=1"), ("A".into(), json!("1")));
        assert_eq!(pair("A=true"), ("A".into(), json!("true")));
        assert_eq!(pair("A={\"b\":1}"), ("A".into(), json!("{\"b\":1}")));
        assert_eq!(pair("A=x=y"), ("A".into(), json!("x=y")));
        assert_eq!(pair("A=x:=y"), ("A".into(), json!("x:=y")));
        assert_eq!(pair("A="), ("A".into(), json!("")));
    }

    #[test]
    fn colon_equals_sends_json() {
        assert_eq!(pair("A:=1"), ("A".into(), json!(1)));
        assert_eq!(pair("A:=false"), ("A".into(), json!(false)));
        assert_eq!(pair("A:=\"1\""), ("A".into(), json!("1")));
        assert_eq!(pair("A:={\"b\":[1]}"), ("A".into(), json!({"b": [1]})));
        assert_eq!(parse_extra("A:=\"1\"").unwrap().hint, None);
    }

    #[test]
    fn bad_input_names_the_fix() {
        let e = parse_extra("A:=nope").unwrap_err();
        assert!(e.contains("not valid JSON") && e.contains("A=VALUE"), "{e}");
        assert!(parse_extra("A:=").is_err());
        assert!(parse_extra("novalue").unwrap_err().contains("NAME=VALUE"));
        assert!(parse_extra("=1").unwrap_err().contains("empty NAME"));
        assert!(parse_extra(":=1").unwrap_err().contains("empty NAME"));
    }

    #[test]
    fn hints_for_values_that_look_like_json_scalars() {
        let hint = |s: &str| parse_extra(s).unwrap().hint;
        assert!(hint("A=1").unwrap().contains("--field A:=1"));
        assert!(hint("A=true").unwrap().contains("JSON boolean"));
        assert!(hint("A=null").is_some());
        assert!(hint("A=\"1\"").unwrap().contains("--field A=1"));
        for none in ["A=x", "A={\"b\":1}", "A=[1]", "A=", "A=1x"] {
            assert_eq!(hint(none), None, "{none}");
        }
    }
}
