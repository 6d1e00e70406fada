//! `livectl meta get|set|delete ROOM ...`: a room's custom key/values
//! (get/set/del_room_metadata, live-api.md §3.6). The limits (10 keys a
//! room, key 50 bytes, value 2 KB, 16 KB of values in all) are checked
//! before sending; `set` and `delete` read the current keys first (not
//! under `--dry-run`) to count them, and skip what is so already.

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use super::args::RoomArg;
use super::{Session, response};
use crate::api::endpoint::{DEL_ROOM_METADATA, GET_ROOM_METADATA, SET_ROOM_METADATA};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Col, Format, Table};

pub use crate::limits::{
    META_KEY_MAX as KEY_MAX, META_KEYS_MAX as KEYS_MAX, META_TOTAL_MAX as TOTAL_MAX,
    META_VALUE_MAX as VALUE_MAX,
};
use crate::limits::{MetaBreach, check_meta_key, meta_after};

#[derive(Subcommand, Debug, Clone)]
pub enum MetaCommand {
    /// Show a room's metadata: every key, or the keys named
    #[command(
        after_long_help = "Examples:\n  livectl meta get live-1\n  livectl meta get live-1 topic"
    )]
    Get(GetArgs),
    /// Set keys (added or replaced): KEY=VALUE pairs and/or a JSON object file
    #[command(
        after_long_help = "Examples:\n  livectl meta set live-1 topic=launch lang=en\n  livectl meta set live-1 --from-json meta.json   # {\"topic\": \"launch\"}"
    )]
    Set(SetArgs),
    /// Delete keys; a key that is not set is skipped
    #[command(after_long_help = "Example:\n  livectl meta delete live-1 topic")]
    Delete(DeleteArgs),
}

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Keys to show (none: all)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SetArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// KEY=VALUE pairs (they win over the same keys of --from-json)
    #[arg(value_name = "KEY=VALUE")]
    pub pairs: Vec<String>,
    /// A JSON object of string values (`-` for stdin)
    #[arg(long, value_name = "FILE|-")]
    pub from_json: Option<PathBuf>,
    /// Print the request without sending (the current keys are not read)
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Keys to delete
    #[arg(value_name = "KEY", required = true)]
    pub keys: Vec<String>,
    /// Print the request without sending (the current keys are not read)
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, cmd: &MetaCommand) -> crate::cmd::Result<()> {
    match cmd {
        MetaCommand::Get(a) => get(ctx, a),
        MetaCommand::Set(a) => set(ctx, a),
        MetaCommand::Delete(a) => delete(ctx, a),
    }
}

/// A key: not empty, at most 50 bytes.
pub fn check_key(key: &str, whence: &str) -> Result<(), String> {
    if crate::secret::looks_like_key(key) {
        return Err(crate::secret::key_in_wrong_place(whence, "a metadata key"));
    }
    check_meta_key(key).map_err(|b| format!("{whence}: {}", breach(&b, "", "")))
}

/// A broken limit in words; `room` and `current` only for the count.
fn breach(b: &MetaBreach, room: &str, count: &str) -> String {
    match b {
        MetaBreach::EmptyKey => "a key is empty".into(),
        MetaBreach::KeyTooLong { key, len } => {
            format!("key \"{key}\" is {len} bytes; keys are at most {KEY_MAX} bytes")
        }
        MetaBreach::ValueTooLong { key, len } => format!(
            "the value of \"{key}\" is {len} bytes; a value is at most {VALUE_MAX} bytes (2 KB); \
             nothing was sent"
        ),
        MetaBreach::TooManyKeys { after } => format!(
            "room \"{room}\" would have {after} keys ({count}); a room has at most {KEYS_MAX}: \
             delete some first (livectl meta delete {room} KEY); nothing was sent"
        ),
        MetaBreach::TooLarge { total } => format!(
            "the values of room \"{room}\" would take {total} bytes; all values together are at \
             most {TOTAL_MAX} bytes (16 KB); nothing was sent"
        ),
    }
}

/// `KEY=VALUE` (split at the first `=`).
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\" is not KEY=VALUE; write e.g. topic=launch"))?;
    check_key(k, "KEY=VALUE")?;
    Ok((k.to_string(), v.to_string()))
}

/// A JSON object of string values, from `name`.
pub fn parse_json_object(text: &str, name: &str) -> Result<Vec<(String, String)>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "--from-json {name}: not JSON ({e}); write an object like {{\"topic\": \"launch\"}}"
        )
    })?;
    let obj = v.as_object().ok_or_else(|| {
        format!("--from-json {name}: not a JSON object; write one like {{\"topic\": \"launch\"}}")
    })?;
    obj.iter()
        .map(|(k, v)| {
            check_key(k, &format!("--from-json {name}"))?;
            match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!(
                    "--from-json {name}: key \"{k}\" has {other} (not a string); values are strings: \
                     quote it, e.g. \"{k}\": \"{}\"",
                    other.to_string().replace('"', "'")
                )),
            }
        })
        .collect()
}

/// Checks the values and the room after the change: at most 10 keys, each
/// value at most 2 KB, all values at most 16 KB. `current` is what the room
/// holds (empty when unknown).
pub fn check_limits(
    current: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    room: &str,
) -> Result<(), String> {
    meta_after(current, new).map(|_| ()).map_err(|b| {
        let fresh: Vec<&str> = new
            .keys()
            .filter(|k| !current.contains_key(*k))
            .map(String::as_str)
            .collect();
        let count = format!(
            "{} now, {} new: {}",
            current.len(),
            fresh.len(),
            fresh.join(", ")
        );
        breach(&b, room, &count)
    })
}

/// The metadata of a get_room_metadata `Response`, in the answer's order.
pub fn pairs(resp: &Value) -> Vec<(String, String)> {
    resp["Metadata"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| {
                    let k = super::seat::text(&m["Key"])?;
                    let v = super::seat::text(&m["Value"]).unwrap_or_default();
                    Some((k, v))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The KEY / VALUE table; keys and values exactly as held, shown escaped
/// by the table (`output::shown`) so a value stays on its line.
pub fn meta_lines(pairs: &[(String, String)]) -> Vec<String> {
    let cols = [
        Col {
            header: "KEY",
            min: 3,
            max: KEY_MAX,
        },
        Col {
            header: "VALUE",
            min: 5,
            max: usize::MAX,
        },
    ];
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    Table::new(&cols).lines(&rows)
}

/// Keys and values, in the answer's order.
pub type Pairs = Vec<(String, String)>;

/// The room's metadata (`Keys` empty: all), and the `Response`; `None` in a
/// dry run.
pub fn read(
    s: &Session,
    room: &str,
    keys: &[String],
) -> crate::cmd::Result<Option<(Pairs, Value)>> {
    let what = format!("could not read the metadata of room \"{room}\"");
    let body = json!({"RoomId": room, "Keys": keys});
    let Some(answer) = s.call(&GET_ROOM_METADATA, room, &body, &what)? else {
        return Ok(None);
    };
    let resp = response(&answer).clone();
    Ok(Some((pairs(&resp), resp)))
}

fn get(ctx: &Ctx, a: &GetArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    for k in &a.keys {
        check_key(k, "KEY").map_err(Error::usage)?;
    }
    let s = Session::open(ctx, a.dry_run)?;
    let Some((found, resp)) = read(&s, room, &a.keys)? else {
        return Ok(());
    };
    for k in &a.keys {
        if !found.iter().any(|(f, _)| f == k) {
            output::note(format!(
                "key \"{}\" is not set in room \"{room}\"",
                output::shown(k)
            ));
        }
    }
    match ctx.format() {
        Format::Json => resp["Metadata"]
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|e| output::print_json(&crate::cmd::nouns::metadata(room, e))),
        Format::Text if found.is_empty() && a.keys.is_empty() => {
            output::note(format!("room \"{room}\" has no metadata"));
        }
        Format::Text if found.is_empty() => {}
        Format::Text => meta_lines(&found).iter().for_each(output::println),
    }
    Ok(())
}

/// The most bytes read from `--from-json`: far above 16 KB of values.
const JSON_FILE_MAX: u64 = 1 << 20;

fn read_json_file(path: &PathBuf) -> crate::cmd::Result<Vec<(String, String)>> {
    let (name, mut input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("stdin".into(), Box::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(path).map_err(|e| {
            Error::usage(format!("--from-json: cannot read {}: {e}", path.display()))
        })?;
        (path.display().to_string(), Box::new(f))
    };
    let mut text = String::new();
    input
        .by_ref()
        .take(JSON_FILE_MAX)
        .read_to_string(&mut text)
        .map_err(|e| Error::usage(format!("--from-json {name}: {e}")))?;
    Ok(parse_json_object(&text, &name).map_err(Error::usage)?)
}

fn set(ctx: &Ctx, a: &SetArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let mut new = BTreeMap::new();
    if let Some(p) = &a.from_json {
        new.extend(read_json_file(p)?);
    }
    for p in &a.pairs {
        let (k, v) = parse_pair(p).map_err(Error::usage)?;
        new.insert(k, v);
    }
    if new.is_empty() {
        return Err(
            Error::usage("nothing to set: give KEY=VALUE pairs or --from-json FILE").into(),
        );
    }
    // What the change breaks on its own (a value over 2 KB, more than 10
    // keys or 16 KB given) is refused before anything is read or sent.
    check_limits(&BTreeMap::new(), &new, room).map_err(Error::usage)?;
    let s = Session::open(ctx, a.dry_run)?;
    // A dry run reads nothing: it shows only the change.
    let current: BTreeMap<String, String> = match s.dry_run() {
        true => BTreeMap::new(),
        false => read(&s, room, &[])?
            .map(|(found, _)| found.into_iter().collect())
            .unwrap_or_default(),
    };
    check_limits(&current, &new, room).map_err(Error::usage)?;
    let (same, change): (BTreeMap<_, _>, BTreeMap<_, _>) = new
        .into_iter()
        .partition(|(k, v)| current.get(k) == Some(v));
    for k in same.keys() {
        output::note(format!(
            "key \"{}\" of room \"{room}\" has that value already: skipped",
            output::shown(k)
        ));
    }
    if change.is_empty() {
        return Ok(());
    }
    let metadata: Vec<Value> = change
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let body = json!({"RoomId": room, "Metadata": metadata});
    let what = format!("the metadata of room \"{room}\" was not set");
    if let Some(answer) = s.call(&SET_ROOM_METADATA, room, &body, &what)? {
        let keys: Vec<&String> = change.keys().collect();
        match ctx.format() {
            Format::Json => output::print_json(&json!({
                "status": "set", "room_id": room, "keys": keys,
                "request_id": answer.reply.request_id,
            })),
            Format::Text => keys.iter().for_each(|k| output::println(output::shown(k))),
        }
    }
    Ok(())
}

fn delete(ctx: &Ctx, a: &DeleteArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let mut keys: Vec<String> = Vec::new();
    for k in &a.keys {
        check_key(k, "KEY").map_err(Error::usage)?;
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let s = Session::open(ctx, a.dry_run)?;
    let found = if s.dry_run() {
        None
    } else {
        read(&s, room, &[])?
    };
    if let Some((found, _)) = found {
        let (keep, missing): (Vec<String>, Vec<String>) = keys
            .into_iter()
            .partition(|k| found.iter().any(|(f, _)| f == k));
        for k in &missing {
            output::note(format!(
                "key \"{}\" is not set in room \"{room}\": skipped",
                output::shown(k)
            ));
        }
        keys = keep;
    }
    if keys.is_empty() {
        return Ok(());
    }
    let body = json!({"RoomId": room, "Keys": keys});
    let what = format!("the metadata of room \"{room}\" was not deleted");
    if let Some(answer) = s.call(&DEL_ROOM_METADATA, room, &body, &what)? {
        match ctx.format() {
            Format::Json => output::print_json(&json!({
                "status": "deleted", "room_id": room, "keys": keys,
                "request_id": answer.reply.request_id,
            })),
            Format::Text => keys.iter().for_each(|k| output::println(output::shown(k))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(p: &[(&str, &str)]) -> BTreeMap<String, String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pairs_and_keys_are_checked() {
        assert_eq!(parse_pair("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_pair("a="), Ok(("a".into(), "".into())));
        assert!(parse_pair("novalue").unwrap_err().contains("KEY=VALUE"));
        assert!(parse_pair("=x").unwrap_err().contains("empty"));
        let long = format!("{}=v", "k".repeat(51));
        assert!(parse_pair(&long).unwrap_err().contains("at most 50 bytes"));
        assert!(parse_pair(&format!("{}=v", "k".repeat(50))).is_ok());
    }

    #[test]
    fn json_files_hold_an_object_of_strings() {
        assert_eq!(
            parse_json_object(r#"{"a":"1","b":""}"#, "m.json").unwrap(),
            [
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "".to_string())
            ]
        );
        let e = parse_json_object(r#"{"n": 5}"#, "m.json").unwrap_err();
        assert!(
            e.contains("m.json") && e.contains("\"n\"") && e.contains("not a string"),
            "{e}"
        );
        assert!(
            parse_json_object("[1]", "m.json")
                .unwrap_err()
                .contains("not a JSON object")
        );
        assert!(
            parse_json_object("{", "m.json")
                .unwrap_err()
                .contains("not JSON")
        );
    }

    #[test]
    fn limits_count_the_room_after_the_change() {
        let nine: BTreeMap<String, String> =
            (0..9).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(check_limits(&nine, &map(&[("new", "v")]), "r").is_ok());
        assert!(check_limits(&nine, &map(&[("k1", "x"), ("new", "v")]), "r").is_ok());
        let e = check_limits(&nine, &map(&[("n1", "v"), ("n2", "v")]), "r").unwrap_err();
        assert!(e.contains("11 keys") && e.contains("at most 10"), "{e}");
        let big = "x".repeat(2049);
        assert!(
            check_limits(&map(&[]), &map(&[("a", &big)]), "r")
                .unwrap_err()
                .contains("2048")
        );
        assert!(check_limits(&map(&[]), &map(&[("a", &"x".repeat(2048))]), "r").is_ok());
        let full: BTreeMap<String, String> = (0..8)
            .map(|i| (format!("k{i}"), "x".repeat(2048)))
            .collect();
        assert!(check_limits(&map(&[]), &full, "r").is_ok());
        let e = check_limits(&full, &map(&[("k9", "y")]), "r").unwrap_err();
        assert!(e.contains("16385 bytes") && e.contains("16 KB"), "{e}");
    }

    #[test]
    fn table_escapes_control_characters() {
        let lines = meta_lines(&[("topic".into(), "a\nb".into()), ("empty".into(), "".into())]);
        assert_eq!(lines, ["KEY    VALUE", "topic  a\\nb", "empty  -"]);
        let esc = meta_lines(&[("c".into(), "\x1b[31mred\r\n".into())]);
        assert_eq!(esc[1], "c    \\e[31mred\\r\\n");
    }
}
