//! One pager for every list the service hands out in pages (`list`,
//! `member list`, `member banned`, and the banned list `member unban`
//! reads): entries go to the caller page by page as they arrive, so memory
//! is one page whatever the list's length; the end is what the endpoint
//! documents (an empty `Next`, a `NextOffset` of 0); and a list that will
//! not end stops on a budget (entries, pages, empty pages in a row, a
//! cursor that comes back or does not move forward) with a sentence that
//! says so: a [`Cut`], never a silent end. What is not here: what an entry
//! is, and how it is shown (the commands).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::error::Failure;
use crate::settle::{Answer, Failed};

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// A `Next` string cursor (`""` asks for the first page).
    Next(String),
    /// An `Offset` into the list.
    Offset(u64),
}

/// How far a list may go before livectl stops reading it.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub entries: u64,
    pub pages: u64,
    /// Empty pages in a row that still carry a cursor.
    pub empty_pages: u32,
}

/// Far above any real list (the member list holds at most 1000 users), low
/// enough that a service paging for ever is caught in seconds.
pub const BUDGET: Budget = Budget {
    entries: 1_000_000,
    pages: 50_000,
    empty_pages: 5,
};

/// One page as the command read it.
pub struct Page<E> {
    pub entries: Vec<E>,
    /// `None`: the list ends here, as the endpoint documents its end.
    pub next: Option<Cursor>,
}

/// How a walk ended without a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The whole list was read.
    Whole,
    /// `--limit` entries were handed on; the rest was not read.
    Limit,
    /// Nobody reads stdout any more (`| head`).
    Closed,
}

/// A walk that went to its end: how, and how many entries it handed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    pub ended: Ended,
    pub seen: u64,
}

/// A walk that stopped before the list's end.
#[derive(Debug)]
pub enum Cut {
    /// A page was refused or got no answer.
    Failed {
        failed: Failed,
        page: u64,
        seen: u64,
    },
    /// The list broke a budget or its cursor misbehaved: the whole sentence.
    Budget(String),
}

impl Cut {
    /// The refusal that ends the command; `what` names the list
    /// (`the members of room "r1"`).
    pub fn failure(&self, what: &str) -> Failure {
        match self {
            Cut::Failed { failed, page, seen } => failed.error(&format!(
                "reading {what} stopped at page {page} ({seen} listed before it)"
            )),
            Cut::Budget(why) => Failure::Network(format!("reading {what} stopped: {why}")),
        }
    }
}

/// Reads pages from `start` until the list ends, `limit` entries were
/// handed to `emit`, or stdout closes. `fetch` sends one request for a
/// cursor and how many entries are still wanted (`None`: all), and returns
/// `None` in a dry run (then so does `walk`); `read` splits an answer into
/// a [`Page`].
pub fn walk<E>(
    endpoint: &str,
    start: Cursor,
    limit: Option<u64>,
    budget: &Budget,
    mut fetch: impl FnMut(&Cursor, Option<u64>) -> Result<Option<Answer>, Failed>,
    read: impl Fn(&Answer) -> Page<E>,
    mut emit: impl FnMut(Vec<E>),
) -> Result<Option<Walk>, Cut> {
    let mut cursor = start;
    let mut cursors = HashSet::new();
    let (mut seen, mut empty) = (0u64, 0u32);
    for page in 1u64.. {
        let wanted = limit.map(|l| l - seen);
        let answer = match fetch(&cursor, wanted) {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(None),
            Err(failed) => return Err(Cut::Failed { failed, page, seen }),
        };
        let Page { mut entries, next } = read(&answer);
        let rid = &answer.reply.request_id;
        if let Some(w) = wanted {
            entries.truncate(usize::try_from(w).unwrap_or(usize::MAX));
        }
        let got = entries.len() as u64;
        if seen + got > budget.entries {
            return Err(Cut::Budget(format!(
                "{endpoint} sent more than {} entries; {seen} listed, the rest not read \
                 (RequestId {rid})",
                budget.entries
            )));
        }
        seen += got;
        if got > 0 {
            emit(entries);
        }
        if limit.is_some_and(|l| seen >= l) {
            return Ok(Some(Walk {
                ended: Ended::Limit,
                seen,
            }));
        }
        if crate::output::stdout_closed() {
            return Ok(Some(Walk {
                ended: Ended::Closed,
                seen,
            }));
        }
        let Some(next) = next else {
            return Ok(Some(Walk {
                ended: Ended::Whole,
                seen,
            }));
        };
        empty = if got == 0 { empty + 1 } else { 0 };
        if empty >= budget.empty_pages {
            return Err(Cut::Budget(format!(
                "{endpoint} sent {empty} empty pages in a row, each with a cursor; {seen} \
                 listed, the list may be longer (RequestId {rid})"
            )));
        }
        if page >= budget.pages {
            return Err(Cut::Budget(format!(
                "{endpoint} still had more after {page} pages; {seen} listed, the rest not \
                 read (RequestId {rid})"
            )));
        }
        // A cursor that comes back (or an offset that does not move forward)
        // would page for ever. Cursors are kept as hashes: a page budget of
        // them stays small whatever their length.
        let moved = match (&cursor, &next) {
            (Cursor::Offset(a), Cursor::Offset(b)) => b > a,
            (Cursor::Next(a), Cursor::Next(b)) => b != a && cursors.insert(hash(b)),
            _ => false,
        };
        if !moved {
            return Err(Cut::Budget(format!(
                "{endpoint} sent a cursor that does not move forward; {seen} listed, the \
                 rest not read (RequestId {rid})"
            )));
        }
        cursor = next;
    }
    unreachable!("the page budget ends the loop")
}

fn hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A `Next` cursor: a string, or a number some answers carry; `""` (or
/// none) ends the list.
pub fn next_cursor(v: Option<&serde_json::Value>) -> Option<Cursor> {
    let s = match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    (!s.is_empty()).then_some(Cursor::Next(s))
}

/// A `NextOffset`: 0 (or none) ends the list, as documented.
pub fn next_offset(v: Option<&serde_json::Value>) -> Option<Cursor> {
    let n = v.and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    })?;
    (n > 0).then_some(Cursor::Offset(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Reply;
    use serde_json::{Value, json};

    fn answer(v: Value) -> Answer {
        Answer {
            reply: Reply {
                request_id: "Id-p".into(),
                response: Some(v),
                ..Reply::default()
            },
            attempts: 1,
        }
    }

    fn read(a: &Answer) -> Page<Value> {
        let r = a.reply.response.as_ref().unwrap();
        Page {
            entries: r["L"].as_array().cloned().unwrap_or_default(),
            next: next_cursor(r.get("Next")).or_else(|| next_offset(r.get("NextOffset"))),
        }
    }

    /// Walks pages made by `page(n)` (n from 0), returning what was emitted
    /// page by page and the result.
    fn run(
        limit: Option<u64>,
        budget: Budget,
        start: Cursor,
        page: impl Fn(u64, &Cursor) -> Value,
    ) -> (Vec<usize>, Result<Option<Walk>, Cut>, u64) {
        let mut n = 0;
        let mut sizes = Vec::new();
        let r = walk(
            "get_x",
            start,
            limit,
            &budget,
            |c, _| {
                n += 1;
                Ok(Some(answer(page(n - 1, c))))
            },
            read,
            |e| sizes.push(e.len()),
        );
        (sizes, r, n)
    }

    #[test]
    fn a_list_ends_where_the_endpoint_says() {
        let (sizes, r, n) = run(
            None,
            BUDGET,
            Cursor::Next(String::new()),
            |i, _| json!({"L": [i, i], "Next": if i < 2 { format!("c{i}") } else { String::new() }}),
        );
        assert_eq!((sizes, n), (vec![2, 2, 2], 3));
        assert_eq!(r.unwrap().unwrap().ended, Ended::Whole);
        // A short page is not an end: only NextOffset 0 is.
        let (sizes, r, _) = run(
            None,
            BUDGET,
            Cursor::Offset(0),
            |i, _| json!({"L": [1], "NextOffset": if i < 3 { i + 1 } else { 0 }}),
        );
        assert_eq!(sizes, vec![1, 1, 1, 1]);
        assert_eq!(r.unwrap().unwrap().seen, 4);
    }

    #[test]
    fn the_limit_cuts_without_a_fault() {
        let (sizes, r, n) = run(
            Some(5),
            BUDGET,
            Cursor::Offset(0),
            |i, _| json!({"L": [1, 2, 3], "NextOffset": i + 1}),
        );
        assert_eq!((sizes, n), (vec![3, 2], 2));
        let w = r.unwrap().unwrap();
        assert_eq!((w.ended, w.seen), (Ended::Limit, 5));
    }

    fn cut(r: Result<Option<Walk>, Cut>) -> String {
        match r {
            Err(Cut::Budget(s)) => s,
            other => panic!("not cut: {other:?}"),
        }
    }

    #[test]
    fn budgets_and_cursors_that_misbehave_stop_with_a_sentence() {
        let small = Budget {
            entries: 10,
            pages: 4,
            empty_pages: 3,
        };
        // Endless full pages: the entry budget.
        let (sizes, r, _) = run(
            None,
            small,
            Cursor::Offset(0),
            |i, _| json!({"L": [1, 2, 3], "NextOffset": i + 1}),
        );
        assert_eq!(sizes, vec![3, 3, 3]);
        assert!(cut(r).contains("more than 10 entries; 9 listed"));
        // Endless small pages: the page budget.
        let (_, r, n) = run(
            None,
            small,
            Cursor::Offset(0),
            |i, _| json!({"L": [1], "NextOffset": i + 1}),
        );
        assert_eq!(n, 4);
        assert!(cut(r).contains("after 4 pages"));
        // Endless empty pages with new cursors.
        let (_, r, n) = run(
            None,
            BUDGET,
            Cursor::Next(String::new()),
            |i, _| json!({"L": [], "Next": format!("c{i}")}),
        );
        assert_eq!(n, 5);
        assert!(cut(r).contains("5 empty pages in a row"));
        // A cursor that comes back, and an offset going backwards.
        let (_, r, n) = run(
            None,
            BUDGET,
            Cursor::Next(String::new()),
            |i, _| json!({"L": [1], "Next": format!("c{}", i % 2)}),
        );
        assert_eq!(n, 3);
        assert!(cut(r).contains("does not move forward"));
        let (_, r, _) = run(
            None,
            BUDGET,
            Cursor::Offset(0),
            |_, _| json!({"L": [1], "NextOffset": 1}),
        );
        assert!(cut(r).contains("does not move forward"));
    }

    #[test]
    fn cursors_read_leniently() {
        assert_eq!(next_cursor(Some(&json!(""))), None);
        assert_eq!(
            next_cursor(Some(&json!(17))),
            Some(Cursor::Next("17".into()))
        );
        assert_eq!(next_cursor(None), None);
        assert_eq!(next_offset(Some(&json!(0))), None);
        assert_eq!(next_offset(Some(&json!("100"))), Some(Cursor::Offset(100)));
    }
}
