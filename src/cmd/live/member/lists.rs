//! The reads of `member`: the audience (get_member_list, a `Next` cursor),
//! the banned list (get_banned_member_list, `Offset`/`Limit` pages) and the
//! muted list (get_muted_member_list, one answer), and the USER / UNTIL
//! table both lists are shown as. Rendering takes `now` and the zone.

use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::{ListArgs, ReadArgs};
use crate::api::endpoint::{GET_BANNED_MEMBER_LIST, GET_MEMBER_LIST, GET_MUTED_MEMBER_LIST};
use crate::cmd::Ctx;
use crate::cmd::call::room_failure;
use crate::cmd::live::time::{local_zone, now_unix, when};
use crate::cmd::live::{Session, response};
use crate::output::{self, Col, Format, Table};
use crate::settle::Failed;

/// The most users a banned-list page holds (`Limit` ≤ 100).
pub const BANNED_PAGE: usize = crate::limits::BANNED_PAGE_MAX;
/// A guard against a cursor that never ends: the member list holds at most
/// 1000 users, the banned list is read 100 a page.
const MAX_PAGES: usize = 1000;

/// `member list`: every page, up to `--limit`.
pub fn members(ctx: &Ctx, a: &ListArgs) -> crate::cmd::Result<()> {
    let room = &a.room.room;
    let s = Session::open(ctx, a.dry_run)?;
    let limit = a.limit.map(|l| l as usize);
    let what = format!("could not list the members of room \"{room}\"");
    let Some(Members {
        mut list,
        count,
        more,
    }) = read_members(&s, room, limit).map_err(|f| room_failure(ctx, room, &f, &what))?
    else {
        return Ok(());
    };
    let cut = more || limit.is_some_and(|l| list.len() > l);
    if let Some(l) = limit {
        list.truncate(l);
    }
    match ctx.format() {
        Format::Json => output::print_json(&json!({
            "room_id": room, "member_count": count, "members": list,
        })),
        Format::Text => list
            .iter()
            .map(account)
            .filter(|a| !a.is_empty())
            .for_each(output::println),
    }
    let total = count.map_or_else(|| "?".to_string(), |c| c.to_string());
    let shown = if cut {
        format!(", {} shown", list.len())
    } else {
        String::new()
    };
    output::note(format!(
        "{total} members online in room \"{room}\"{shown} (the service refreshes this list \
         about every 40 s and returns at most 1000)"
    ));
    Ok(())
}

/// What the member list pages said.
struct Members {
    list: Vec<Value>,
    /// `MemberCount`: everyone online, beyond the pages read.
    count: Option<i64>,
    /// Pages were left unread (`--limit`).
    more: bool,
}

/// Every page, or up to `limit` members; `None` in a dry run.
fn read_members(s: &Session, room: &str, limit: Option<usize>) -> Result<Option<Members>, Failed> {
    let (mut list, mut count, mut next) = (Vec::new(), None, String::new());
    for _ in 0..MAX_PAGES {
        let body = json!({ "RoomId": room, "Next": next });
        let Some(answer) = s.send(&GET_MEMBER_LIST, &body)? else {
            return Ok(None);
        };
        let r = response(&answer);
        count = r["MemberCount"].as_i64().or(count);
        list.extend(r["MemberList"].as_array().cloned().unwrap_or_default());
        let cursor = r["Next"].as_str().unwrap_or_default();
        // A cursor that does not move would loop for ever.
        if cursor.is_empty() || cursor == next {
            return Ok(Some(Members {
                list,
                count,
                more: false,
            }));
        }
        if limit.is_some_and(|l| list.len() >= l) {
            return Ok(Some(Members {
                list,
                count,
                more: true,
            }));
        }
        next = cursor.to_string();
    }
    Ok(Some(Members {
        list,
        count,
        more: true,
    }))
}

/// `member banned`: every page, as a USER / BANNED UNTIL table.
pub fn banned(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let room = &a.room.room;
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("could not list the banned users of room \"{room}\"");
    let Some(list) = read_banned(&s, room).map_err(|f| room_failure(ctx, room, &f, &what))? else {
        return Ok(());
    };
    show(ctx, room, "banned", &list, "BannedUntil", "BANNED UNTIL");
    Ok(())
}

/// The entries of every banned-list page; `None` in a dry run.
pub fn read_banned(s: &Session, room: &str) -> Result<Option<Vec<Value>>, Failed> {
    let (mut list, mut offset) = (Vec::new(), 0u64);
    for _ in 0..MAX_PAGES {
        let body = json!({ "RoomId": room, "Offset": offset, "Limit": BANNED_PAGE });
        let Some(answer) = s.send(&GET_BANNED_MEMBER_LIST, &body)? else {
            return Ok(None);
        };
        let r = response(&answer);
        let page = r["BannedAccountList"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let len = page.len();
        list.extend(page);
        match next_offset(offset, len, r["NextOffset"].as_u64()) {
            Some(n) => offset = n,
            None => break,
        }
    }
    Ok(Some(list))
}

/// Where the next banned-list page starts, or `None` when this one was the
/// last: a short page, a `NextOffset` of 0 or none, or one that does not
/// move forward (which would loop).
pub fn next_offset(offset: u64, page_len: usize, next: Option<u64>) -> Option<u64> {
    if page_len < BANNED_PAGE {
        return None;
    }
    next.filter(|&n| n > offset)
}

/// `member muted`: one answer, as a USER / MUTED UNTIL table.
pub fn muted(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let room = &a.room.room;
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("could not list the muted users of room \"{room}\"");
    let body = json!({ "RoomId": room });
    let Some(answer) = s.call(&GET_MUTED_MEMBER_LIST, room, &body, &what)? else {
        return Ok(());
    };
    let list = response(&answer)["MutedAccountList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    show(ctx, room, "muted", &list, "MutedUntil", "MUTED UNTIL");
    Ok(())
}

/// A banned or muted list: the table (nothing when empty) and a count on
/// stderr, or `{"room_id":…,"<key>":[entries as the service sent them]}`.
fn show(ctx: &Ctx, room: &str, key: &str, list: &[Value], field: &str, header: &'static str) {
    match ctx.format() {
        Format::Json => output::print_json(&json!({ "room_id": room, key: list })),
        Format::Text if !list.is_empty() => {
            until_lines(header, list, field, now_unix(), &local_zone())
                .iter()
                .for_each(output::println);
        }
        Format::Text => {}
    }
    let s = if list.len() == 1 { "" } else { "s" };
    output::note(format!("{} {key} user{s} in room \"{room}\"", list.len()));
}

/// The USER / `header` table of `entries`, the time in `field` shown as
/// local time and distance from `now`; `-` when it is missing.
pub fn until_lines(
    header: &'static str,
    entries: &[Value],
    field: &str,
    now: i64,
    tz: &TimeZone,
) -> Vec<String> {
    let cols = [
        Col {
            header: "USER",
            min: 4,
            max: 32,
        },
        Col {
            header,
            min: 0,
            max: usize::MAX,
        },
    ];
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let until = unix(&e[field]).map(|u| when(u, now, tz));
            vec![account(e), until.unwrap_or_default()]
        })
        .collect();
    Table::new(&cols).lines(&rows)
}

/// `Member_Account` of an entry (a string, or a number some accounts are).
pub fn account(e: &Value) -> String {
    match &e["Member_Account"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Seconds since the epoch, as a number or a numeric string; 0 is none.
fn unix(v: &Value) -> Option<i64> {
    let n = v
        .as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
    (n > 0).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_table_shows_local_time_and_distance_by_display_width() {
        let now = 1_764_151_200; // 2025-11-26 10:00 UTC
        let entries = vec![
            json!({"Member_Account": "troll42", "BannedUntil": now + 7200}),
            json!({"Member_Account": "小明", "BannedUntil": (now + 3 * 86_400).to_string()}),
            json!({"Member_Account": 10086, "BannedUntil": 0}),
        ];
        assert_eq!(
            until_lines("BANNED UNTIL", &entries, "BannedUntil", now, &TimeZone::UTC),
            [
                "USER     BANNED UNTIL",
                "troll42  2025-11-26 12:00 (in 2h)",
                "小明     2025-11-29 10:00 (in 3d)",
                "10086    -",
            ]
        );
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        let lines = until_lines("MUTED UNTIL", &entries[..1], "MutedUntil", now, &tokyo);
        assert_eq!(lines, ["USER     MUTED UNTIL", "troll42  -"]);
        let m = vec![json!({"Member_Account": "a", "MutedUntil": now + 600})];
        assert_eq!(
            until_lines("MUTED UNTIL", &m, "MutedUntil", now, &tokyo)[1],
            "a     2025-11-26 19:10 (in 10m)"
        );
    }

    #[test]
    fn banned_pages_stop_at_a_short_page_a_zero_or_a_cursor_going_back() {
        assert_eq!(next_offset(0, 100, Some(100)), Some(100));
        assert_eq!(next_offset(100, 99, Some(199)), None);
        assert_eq!(next_offset(0, 100, Some(0)), None);
        assert_eq!(next_offset(0, 100, None), None);
        assert_eq!(next_offset(200, 100, Some(100)), None);
    }
}
