//! `livectl describe ROOM`: one view of a room, like `kubectl describe`.
//! Nine reads run in parallel over one [`Session`] (room info, statistics,
//! seats, admins, robots, metadata, the first member page, banned and
//! muted members); a section whose read fails says why and the others
//! still show. The command fails only when the room info read fails.

use clap::Args;
use serde_json::{Value, json};

use super::args::RoomArg;
use super::seat::{int, parse_seats, seat_lines};
use super::strings;
use super::{Session, meta, stats};
use crate::api::endpoint::{
    Endpoint, GET_ADMIN_LIST, GET_BANNED_MEMBER_LIST, GET_MEMBER_LIST, GET_MUTED_MEMBER_LIST,
    GET_ROBOT, GET_ROOM_INFO, GET_ROOM_METADATA, GET_ROOM_STATS, GET_SEAT_LIST,
};
use crate::cmd::Ctx;
use crate::cmd::call::room_failure;
use crate::cmd::nouns;
use crate::cmd::view::RoomView;
use crate::codes;
use crate::output::{self, Format};
use crate::settle::{Answer, Failed};

#[derive(Args, Debug, Clone)]
pub struct DescribeArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// Print the requests without sending
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub watch: crate::cmd::watch::WatchArg,
}

/// One section: its `-o json` key, its read and that read's body.
struct Read {
    key: &'static str,
    ep: &'static Endpoint,
    body: Value,
}

fn reads(room: &str) -> Vec<Read> {
    let r = |key, ep, body| Read { key, ep, body };
    vec![
        r("room", &GET_ROOM_INFO, json!({"RoomId": room})),
        r("stats", &GET_ROOM_STATS, json!({"RoomId": room})),
        r("seats", &GET_SEAT_LIST, json!({"RoomId": room})),
        r("admins", &GET_ADMIN_LIST, json!({"RoomId": room})),
        r("robots", &GET_ROBOT, json!({"RoomId": room})),
        r(
            "metadata",
            &GET_ROOM_METADATA,
            json!({"RoomId": room, "Keys": []}),
        ),
        r(
            "members",
            &GET_MEMBER_LIST,
            json!({"RoomId": room, "Next": ""}),
        ),
        r(
            "banned",
            &GET_BANNED_MEMBER_LIST,
            json!({"RoomId": room, "Offset": 0, "Limit": 100}),
        ),
        r("muted", &GET_MUTED_MEMBER_LIST, json!({"RoomId": room})),
    ]
}

// The reads share one Session across threads.
const _: () = {
    const fn sync<T: Sync>() {}
    sync::<Session<'static>>();
};

pub fn run(ctx: &Ctx, a: &DescribeArgs) -> crate::cmd::Result<()> {
    let title = format!("livectl describe {}", output::shown(a.room.id()));
    crate::cmd::watch::watch(ctx, &a.watch, &title, |ctx| once(ctx, a))
}

fn once(ctx: &Ctx, a: &DescribeArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let s = Session::open(ctx, a.dry_run)?;
    let reads = reads(room);
    if s.dry_run() {
        for r in &reads {
            // A dry run prints each request and answers nothing.
            let _ = s.send(r.ep, &r.body);
        }
        return Ok(());
    }
    let results: Vec<Result<Answer, Failed>> = std::thread::scope(|scope| {
        let handles: Vec<_> = reads
            .iter()
            .map(|r| scope.spawn(|| s.send(r.ep, &r.body).transpose().expect("not a dry run")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a read thread panicked"))
            .collect()
    });
    let mut sections: Vec<(&str, Result<Value, Failed>)> = reads
        .iter()
        .zip(results)
        .map(|(r, res)| (r.key, res.map(|a| a.reply.response.unwrap_or(Value::Null))))
        .collect();
    if let (_, Err(f)) = &sections[0] {
        return Err(room_failure(
            ctx,
            room,
            f,
            &format!("could not describe room \"{room}\""),
        ));
    }
    if let (_, Ok(resp)) = &mut sections[0] {
        let info = resp["RoomInfo"].as_object().cloned().unwrap_or_default();
        let mut view = RoomView::parse(&info);
        view.ensure_room_id(room);
        // JSON keeps RoomInfo as returned, like the other sections.
        *resp = json!({"room": view.to_json(), "lines": view.text_lines()});
    }
    match ctx.format() {
        Format::Json => output::print_json(&to_json(room, &sections)),
        Format::Text => text_lines(&sections).iter().for_each(output::println),
    }
    Ok(())
}

/// A failed read, for its section: the code, the service's text and the
/// explanation; or what went wrong on the way.
pub fn why(f: &Failed) -> String {
    match f.code {
        Some(c) if f.info.is_empty() => format!("{c} ({})", codes::explanation(c)),
        Some(c) => format!("{c} {} ({})", f.info, codes::explanation(c)),
        None => format!("no answer: {}", f.info),
    }
}

fn error_json(f: &Failed) -> Value {
    json!({"error": {
        "code": f.code,
        "info": f.info,
        "explanation": f.code.map(codes::explanation),
        "request_id": Some(&f.request_id).filter(|r| !r.is_empty()),
    }})
}

/// One object, a key per section, each in the nouns of the JSON contract
/// (`cmd::nouns`): `room`, `stats`, `seats` and `metadata` as the
/// commands print them, `admins`/`robots` the IDs as sent, the counts as
/// `members_online`, `banned`, `muted`; a section that could not be read
/// is `{"error": …}`.
fn to_json(room: &str, sections: &[(&str, Result<Value, Failed>)]) -> Value {
    let mut out = serde_json::Map::new();
    let list = |v: &Value, f: &dyn Fn(&Value) -> Value| -> Value {
        Value::Array(v.as_array().into_iter().flatten().map(f).collect())
    };
    for (key, res) in sections {
        let name = match *key {
            "members" => "members_online",
            k => k,
        };
        let v = match res {
            Err(f) => error_json(f),
            Ok(resp) => match *key {
                "room" => resp["room"].clone(),
                "stats" => nouns::stats(room, resp),
                "seats" => list(&resp["SeatList"], &|s| nouns::seat(room, s)),
                "admins" => resp["Admin_Account"].clone(),
                "robots" => resp["RobotList_Account"].clone(),
                "metadata" => list(&resp["Metadata"], &|e| nouns::metadata(room, e)),
                "members" => resp["MemberCount"].clone(),
                "banned" => json!(resp["BannedAccountList"].as_array().map_or(0, Vec::len)),
                "muted" => json!(resp["MutedAccountList"].as_array().map_or(0, Vec::len)),
                _ => resp.clone(),
            },
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

const TITLES: &[(&str, &str)] = &[
    ("room", "Room"),
    ("stats", "Statistics"),
    ("seats", "Seats"),
    ("admins", "Admins"),
    ("robots", "Robots"),
    ("metadata", "Metadata"),
    ("members", "Members"),
    ("banned", "Banned"),
    ("muted", "Muted"),
];

/// The text view: a heading per section, its lines indented, or a short
/// value after the heading.
fn text_lines(sections: &[(&str, Result<Value, Failed>)]) -> Vec<String> {
    let width = TITLES.iter().map(|(_, t)| t.len() + 1).max().unwrap_or(0);
    let mut out = Vec::new();
    for (key, res) in sections {
        let title = TITLES
            .iter()
            .find(|(k, _)| k == key)
            .map_or(*key, |(_, t)| t);
        let head = format!("{title}:");
        let (short, block): (Option<String>, Vec<String>) = match res {
            Err(f) => (Some(format!("could not read: {}", why(f))), vec![]),
            Ok(resp) => section(key, resp),
        };
        match short {
            Some(v) => out.push(format!("{head:<width$} {v}")),
            None => {
                out.push(head);
                out.extend(block.into_iter().map(|l| format!("  {l}")));
            }
        }
    }
    out
}

/// A section's short value, or its block of lines.
fn section(key: &str, resp: &Value) -> (Option<String>, Vec<String>) {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            let shown: Vec<_> = v.iter().map(|a| output::shown(a)).collect();
            shown.join(", ")
        }
    };
    let count = |field: &str| resp[field].as_array().map_or(0, Vec::len);
    match key {
        "room" => (None, strings(&resp["lines"])),
        "stats" => (None, stats::stats_lines(resp)),
        "seats" => {
            let seats = parse_seats(resp);
            if seats.is_empty() {
                (Some("none".into()), vec![])
            } else {
                (None, seat_lines(&seats))
            }
        }
        "admins" => (Some(list(strings(&resp["Admin_Account"]))), vec![]),
        "robots" => (Some(list(strings(&resp["RobotList_Account"]))), vec![]),
        "metadata" => {
            let pairs = meta::pairs(resp);
            if pairs.is_empty() {
                (Some("none".into()), vec![])
            } else {
                (None, meta::meta_lines(&pairs))
            }
        }
        "members" => {
            let n = int(&resp["MemberCount"]).map_or("-".to_string(), |n| n.to_string());
            (Some(format!("{n} online")), vec![])
        }
        "banned" => {
            let n = count("BannedAccountList");
            let more = int(&resp["NextOffset"]).is_some_and(|o| o > 0);
            (
                Some(if more {
                    format!("{n} or more")
                } else {
                    n.to_string()
                }),
                vec![],
            )
        }
        "muted" => (Some(count("MutedAccountList").to_string()), vec![]),
        _ => (Some(resp.to_string()), vec![]),
    }
}
