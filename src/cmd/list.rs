//! `livectl list [--limit N]`: the public rooms (get_room_list), page by
//! page, following `Response.Next` until it is empty, never starting
//! requests faster than the command's documented 10 per second.
//!
//! Output streams as pages arrive. `-o json`: one object per room. Text: a
//! table whose header is printed once; the first page fixes the column widths
//! (by display width: Chinese and emoji count two) and every later page keeps
//! them, so pages line up.

use serde_json::{Value, json};

use clap::Args;

use crate::api::endpoint::GET_ROOM_LIST;
use crate::cmd::Ctx;
use crate::cmd::call::Session;
use crate::cmd::pager::{self, Cursor, Cut, Page};
use crate::cmd::view::RoomView;
use crate::output::{self, Format};
use crate::room;
use crate::settle::{Answer, Failed};

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// Stop after N rooms
    #[arg(long, value_name = "N", value_parser = room::parse_positive, allow_negative_numbers = true)]
    pub limit: Option<u64>,
}

/// The most rooms one request may ask for.
pub const PAGE_MAX: u64 = 20;

pub fn run(ctx: &Ctx, args: &ListArgs) -> crate::cmd::Result<()> {
    // The session paces get_room_list at its documented 10 per second.
    let session = Session::open(ctx, false)?;
    let mut table = Table::default();
    let format = ctx.format();
    let fetch = |body: &Value| {
        session
            .send(&GET_ROOM_LIST, body)
            .transpose()
            .expect("not a dry run")
    };
    let listed = walk(args.limit, fetch, |page| match format {
        Format::Json => page.iter().for_each(|r| output::print_json(&r.to_json())),
        Format::Text => table.lines(page).into_iter().for_each(output::println),
    })?;
    if listed == 0 && format == Format::Text {
        output::note("no rooms listed: only publicly visible rooms (--public) appear in the list");
    }
    Ok(())
}

/// Fetches pages (through the one pager, `cmd::pager`) until the cursor
/// runs out or `limit` rooms were handed to `emit`, a page at a time.
/// Returns the number of rooms listed. Stops early when stdout is closed
/// (`| head`): nobody reads the rest. A list that will not end is a
/// refusal (exit 7) after what was read was printed.
pub fn walk(
    limit: Option<u64>,
    mut fetch: impl FnMut(&Value) -> Result<Answer, Failed>,
    mut emit: impl FnMut(&[RoomView]),
) -> crate::cmd::Result<u64> {
    let walked = pager::walk(
        GET_ROOM_LIST.command(),
        Cursor::Next(String::new()),
        limit,
        &pager::BUDGET,
        |c, wanted| {
            let Cursor::Next(next) = c else {
                unreachable!("a Next cursor")
            };
            let count = wanted.map_or(PAGE_MAX, |w| w.min(PAGE_MAX));
            fetch(&json!({ "Next": next, "Count": count })).map(Some)
        },
        |answer| {
            let (rooms, next) = parse_page(answer);
            Page {
                entries: rooms,
                next: (!next.is_empty()).then_some(Cursor::Next(next)),
            }
        },
        |rooms| emit(&rooms),
    );
    match walked {
        Ok(w) => Ok(w.map_or(0, |w| w.seen)),
        Err(Cut::Failed { failed, page, seen }) => Err(failed
            .error(&format!(
                "listing rooms stopped at page {page} (rooms listed before it: {seen})"
            ))
            .into()),
        Err(cut) => Err(cut.failure("the room list").into()),
    }
}

/// The rooms of one answer and the next cursor ("" when done). `Next` may
/// come as a string or a number.
fn parse_page(answer: &Answer) -> (Vec<RoomView>, String) {
    let resp = answer.reply.response.as_ref();
    let rooms = resp
        .and_then(|r| r.get("RoomList"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .map(RoomView::parse)
                .collect()
        })
        .unwrap_or_default();
    let next = match resp.and_then(|r| r.get("Next")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    (rooms, next)
}

/// The text table: the header once; the first page fixes the widths (by
/// display width, within these bounds) and later pages keep them, cutting a
/// longer name with `…`. Room IDs (at most 48 bytes) are never cut.
pub struct Table(output::Table);

/// Columns: header, JSON key of the value, minimum and maximum width.
const COLUMNS: [(&str, &str, usize, usize); 5] = [
    // IDs are never cut (a cut ID is another ID): no maximum.
    ("ROOM ID", "room_id", 20, usize::MAX),
    ("NAME", "name", 20, 32),
    ("OWNER", "owner", 14, usize::MAX),
    ("VIEWERS", "view_count", 7, 10),
    ("CREATED", "create_time", 0, usize::MAX),
];

impl Default for Table {
    fn default() -> Self {
        let cols: Vec<output::Col> = COLUMNS
            .iter()
            .map(|&(header, _, min, max)| output::Col { header, min, max })
            .collect();
        Table(output::Table::new(&cols))
    }
}

impl Table {
    /// The lines of one page (with the header before the first page).
    pub fn lines(&mut self, page: &[RoomView]) -> Vec<String> {
        let rows: Vec<Vec<String>> = page
            .iter()
            .map(|r| COLUMNS.iter().map(|(_, key, _, _)| r.cell(key)).collect())
            .collect();
        self.0.lines(&rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Reply;

    fn page(ids: &[&str], next: Value) -> Answer {
        let list: Vec<Value> = ids.iter().map(|id| json!({"RoomId": id})).collect();
        let reply = Reply {
            request_id: "Id-p".into(),
            response: Some(json!({"RoomList": list, "Next": next})),
            ..Reply::default()
        };
        Answer { reply, attempts: 1 }
    }

    #[test]
    fn walks_the_cursor_and_stops_at_the_limit() {
        let mut bodies = Vec::new();
        let mut ids = Vec::new();
        let fetch = |b: &Value| {
            bodies.push(b.clone());
            Ok(match b["Next"].as_str().unwrap() {
                "" => page(&["a", "b"], json!("c1")),
                _ => page(&["c", "d"], json!(7)),
            })
        };
        let n = walk(Some(3), fetch, |p| {
            ids.extend(p.iter().map(|r| r.cell("room_id")))
        })
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(
            bodies,
            vec![
                json!({"Next": "", "Count": 3}),
                json!({"Next": "c1", "Count": 1})
            ]
        );
    }

    #[test]
    fn a_repeated_cursor_stops_the_walk() {
        let fetch = |_: &Value| Ok(page(&["a"], json!("same")));
        let err = walk(None, fetch, |_| {}).unwrap_err();
        assert!(
            err.to_string()
                .contains("a cursor that does not move forward"),
            "{err}"
        );
    }

    #[test]
    fn empty_pages_with_new_cursors_stop_the_walk() {
        let mut calls = 0u32;
        let fetch = |_: &Value| {
            calls += 1;
            assert!(calls < 50, "it pages forever");
            Ok(match calls {
                1 => page(&["a"], json!("c1")),
                n => page(&[], json!(format!("c{n}"))),
            })
        };
        let mut ids = Vec::new();
        let err = walk(None, fetch, |p| {
            ids.extend(p.iter().map(|r| r.cell("room_id")))
        })
        .unwrap_err();
        assert!(err.to_string().contains("5 empty pages in a row"), "{err}");
        assert_eq!(ids, vec!["a".to_string()]);
        assert_eq!(calls, 1 + pager::BUDGET.empty_pages);

        // Fewer empty pages than that, then rooms again: it goes on.
        let mut calls = 0u32;
        let fetch = |_: &Value| {
            calls += 1;
            Ok(match calls {
                1..=4 => page(&[], json!(format!("c{calls}"))),
                5 => page(&["b"], json!("c5")),
                _ => page(&["c"], json!("")),
            })
        };
        assert_eq!(walk(None, fetch, |_| {}).unwrap(), 2);
    }

    #[test]
    fn a_failure_names_the_page() {
        let mut calls = 0;
        let fetch = |_: &Value| {
            calls += 1;
            if calls == 1 {
                Ok(page(&["a"], json!("n")))
            } else {
                Err(Failed {
                    code: Some(60020),
                    info: "expired".into(),
                    request_id: "Id-x".into(),
                    attempts: 1,
                    uncertain: false,
                })
            }
        };
        let err = walk(None, fetch, |_| {}).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "listing rooms stopped at page 2 (rooms listed before it: 1): 60020 expired"
            ),
            "{err}"
        );
    }

    #[test]
    fn table_header_once_with_minimum_widths() {
        let mut t = Table::default();
        let room =
            |id: &str| RoomView::parse(json!({"RoomId": id, "ViewCount": 3}).as_object().unwrap());
        let first = t.lines(&[room("r1")]);
        assert_eq!(
            first[0],
            format!(
                "{:<20}  {:<20}  {:<14}  VIEWERS  CREATED",
                "ROOM ID", "NAME", "OWNER"
            )
        );
        assert_eq!(
            first[1],
            format!("{:<20}  {:<20}  {:<14}  3        -", "r1", "-", "-")
        );
        let second = t.lines(&[room("r2")]);
        assert_eq!(second.len(), 1);
        assert_eq!(&second[0][..22], format!("{:<22}", "r2"));
    }

    #[test]
    fn later_pages_keep_the_widths_and_wide_names_line_up() {
        let mut t = Table::default();
        let room = |id: &str, name: &str| {
            RoomView::parse(json!({"RoomId": id, "RoomName": name}).as_object().unwrap())
        };
        let mut lines = t.lines(&[room("r1", "直播间 🎤")]);
        lines.extend(t.lines(&[room("r2", &"很长的名字".repeat(10))]));
        let owner_at: Vec<usize> = lines
            .iter()
            .map(|l| {
                let name_end = l.find("  -").or_else(|| l.find("  OWNER")).unwrap();
                output::display_width(&l[..name_end])
            })
            .collect();
        assert!(owner_at.windows(2).all(|w| w[0] == w[1]), "{lines:#?}");
        assert!(lines[2].contains('…'), "{}", lines[2]);
    }
}
