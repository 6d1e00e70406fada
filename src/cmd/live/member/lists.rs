//! The reads of `member`: the audience (get_member_list, a `Next` cursor),
//! the banned list (get_banned_member_list, `Offset`/`Limit` pages) and the
//! muted list (get_muted_member_list, one answer), and the USER / UNTIL
//! table both lists are shown as. Rendering takes `now` and the zone.

use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::{ListArgs, ReadArgs};
use crate::api::endpoint::{GET_BANNED_MEMBER_LIST, GET_MEMBER_LIST, GET_MUTED_MEMBER_LIST};
use crate::cmd::call::room_failure;
use crate::cmd::live::time::{local_zone, now_unix, when};
use crate::cmd::live::{Session, response};
use crate::cmd::nouns;
use crate::cmd::pager::{self, Cursor, Cut, Ended, Page};
use crate::cmd::{Ctx, Stop};
use crate::output::{self, Col, Format, Table};

/// The most users a banned-list page holds (`Limit` ≤ 100).
pub const BANNED_PAGE: usize = crate::limits::BANNED_PAGE_MAX;

/// `member list`: every page, up to `--limit`, each member printed as its
/// page arrives (`-o json`: one object per member).
pub fn members(ctx: &Ctx, a: &ListArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let s = Session::open(ctx, a.dry_run)?;
    // MemberCount (everyone online, beyond what is listed) from the last page.
    let count = std::cell::Cell::new(None);
    let walked = pager::walk(
        GET_MEMBER_LIST.command(),
        Cursor::Next(String::new()),
        a.limit.map(u64::from),
        &pager::BUDGET,
        |c, _| {
            let Cursor::Next(next) = c else {
                unreachable!("a Next cursor")
            };
            s.send(&GET_MEMBER_LIST, &json!({ "RoomId": room, "Next": next }))
        },
        |answer| {
            let r = response(answer);
            count.set(r["MemberCount"].as_i64().or(count.get()));
            Page {
                entries: r["MemberList"].as_array().cloned().unwrap_or_default(),
                next: pager::next_cursor(r.get("Next")),
            }
        },
        |page| {
            for m in page {
                match ctx.format() {
                    Format::Json => output::print_json(&member_json(room, &m)),
                    Format::Text => output::println(output::shown(&account(&m))),
                }
            }
        },
    );
    let w = match walked {
        Ok(Some(w)) => w,
        Ok(None) => return Ok(()),
        Err(cut) => {
            return Err(cut_failure(
                ctx,
                room,
                &cut,
                &format!("the members of room \"{room}\""),
            ));
        }
    };
    let total = count.get().map_or(w.seen, |c| c.max(0) as u64);
    let shown = if w.ended == Ended::Limit || total != w.seen {
        format!(", {} shown", w.seen)
    } else {
        String::new()
    };
    output::note(format!(
        "{} online in room \"{room}\"{shown} (the service refreshes this list about every 40 s \
         and returns at most 1000)",
        output::plural(total, "member")
    ));
    Ok(())
}

/// A member as `-o json` shows it: the `member` noun.
pub fn member_json(room: &str, m: &Value) -> Value {
    nouns::entry(room, m, nouns::MEMBER)
}

/// A list cut short, reported as every one-room failure is (a refused page:
/// the `-o json` failure line, then the refusal); a broken budget says so.
pub fn cut_failure(ctx: &Ctx, room: &str, cut: &Cut, what: &str) -> Stop {
    match cut {
        Cut::Failed { failed, page, seen } => room_failure(
            ctx,
            room,
            failed,
            &format!("could not read {what} (stopped at page {page}, {seen} listed before it)"),
        ),
        Cut::Budget(_) => Stop::Refused(cut.failure(what)),
    }
}

/// `member banned`: every page, as a USER / BANNED UNTIL table, printed as
/// pages arrive.
pub fn banned(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    let s = Session::open(ctx, a.dry_run)?;
    let mut view = UntilView::new(ctx, room, "BannedUntil", "BANNED UNTIL");
    match walk_banned(&s, room, |page| view.page(page)) {
        Ok(Some(_)) => {
            view.done("banned");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(cut) => Err(cut_failure(
            ctx,
            room,
            &cut,
            &format!("the banned users of room \"{room}\""),
        )),
    }
}

/// Walks every banned-list page (`Offset`/`Limit`, ended by a `NextOffset`
/// of 0), handing each page's entries to `emit`; `None` in a dry run.
pub fn walk_banned(
    s: &Session,
    room: &str,
    emit: impl FnMut(Vec<Value>),
) -> Result<Option<pager::Walk>, Cut> {
    pager::walk(
        GET_BANNED_MEMBER_LIST.command(),
        Cursor::Offset(0),
        None,
        &pager::BUDGET,
        |c, _| {
            let Cursor::Offset(offset) = c else {
                unreachable!("an Offset cursor")
            };
            let body = json!({ "RoomId": room, "Offset": offset, "Limit": BANNED_PAGE });
            s.send(&GET_BANNED_MEMBER_LIST, &body)
        },
        |answer| {
            let r = response(answer);
            Page {
                entries: r["BannedAccountList"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                next: pager::next_offset(r.get("NextOffset")),
            }
        },
        emit,
    )
}

/// `member muted`: one answer, as a USER / MUTED UNTIL table.
pub fn muted(ctx: &Ctx, a: &ReadArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
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
    let mut view = UntilView::new(ctx, room, "MutedUntil", "MUTED UNTIL");
    view.page(list);
    view.done("muted");
    Ok(())
}

/// A banned or muted list shown as its pages arrive: a USER / UNTIL table
/// whose first page fixes the widths, or one JSON object per user
/// (`{"room_id","user","until"}`, values as sent); a count on stderr.
struct UntilView<'a> {
    ctx: &'a Ctx,
    room: &'a str,
    field: &'static str,
    table: Table,
    seen: u64,
    now: i64,
    tz: TimeZone,
}

impl<'a> UntilView<'a> {
    fn new(ctx: &'a Ctx, room: &'a str, field: &'static str, header: &'static str) -> Self {
        UntilView {
            ctx,
            room,
            field,
            table: Table::new(&until_cols(header)),
            seen: 0,
            now: now_unix(),
            tz: local_zone(),
        }
    }

    fn page(&mut self, entries: Vec<Value>) {
        if entries.is_empty() {
            return;
        }
        self.seen += entries.len() as u64;
        match self.ctx.format() {
            Format::Json => entries
                .iter()
                .for_each(|e| output::print_json(&nouns::ban(self.room, e, self.field))),
            Format::Text => until_rows(&mut self.table, &entries, self.field, self.now, &self.tz)
                .iter()
                .for_each(output::println),
        }
    }

    fn done(&self, key: &str) {
        output::note(format!(
            "{} {key} {} in room \"{}\"",
            self.seen,
            if self.seen == 1 { "user" } else { "users" },
            self.room
        ));
    }
}

fn until_cols(header: &'static str) -> [Col; 2] {
    [
        Col {
            header: "USER",
            min: 4,
            max: usize::MAX,
        },
        Col {
            header,
            min: 0,
            max: usize::MAX,
        },
    ]
}

/// The USER / `header` table of `entries` (one page), the time in `field`
/// shown as local time and distance from `now`; `-` when it is missing.
pub fn until_lines(
    header: &'static str,
    entries: &[Value],
    field: &str,
    now: i64,
    tz: &TimeZone,
) -> Vec<String> {
    until_rows(
        &mut Table::new(&until_cols(header)),
        entries,
        field,
        now,
        tz,
    )
}

fn until_rows(
    table: &mut Table,
    entries: &[Value],
    field: &str,
    now: i64,
    tz: &TimeZone,
) -> Vec<String> {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let until = unix(&e[field]).map(|u| when(u, now, tz));
            vec![account(e), until.unwrap_or_default()]
        })
        .collect();
    table.lines(&rows)
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
                "troll42  2025-11-26 12:00 +00:00 (in 2h)",
                "小明     2025-11-29 10:00 +00:00 (in 3d)",
                "10086    -",
            ]
        );
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        let lines = until_lines("MUTED UNTIL", &entries[..1], "MutedUntil", now, &tokyo);
        assert_eq!(lines, ["USER     MUTED UNTIL", "troll42  -"]);
        let m = vec![json!({"Member_Account": "a", "MutedUntil": now + 600})];
        assert_eq!(
            until_lines("MUTED UNTIL", &m, "MutedUntil", now, &tokyo)[1],
            "a     2025-11-26 19:10 +09:00 (in 10m)"
        );
    }
}
