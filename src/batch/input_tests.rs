//! Unit tests of CSV reading and the whole-file check.
use super::*;
use std::io::Write;

fn input(text: &[u8]) -> (tempfile::NamedTempFile, Input) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text).unwrap();
    let i = Input::new("rooms.csv".into(), Source::Path(f.path().to_path_buf()));
    (f, i)
}

fn problems(text: &str, defaults: &RoomSpec) -> Vec<String> {
    let (_f, i) = input(text.as_bytes());
    let mut out = Vec::new();
    check(
        &i,
        Columns::Create,
        defaults,
        &mut |p| out.push(p.to_string()),
        &mut |_| {},
    )
    .unwrap();
    out
}

#[test]
fn header_aliases_any_case_and_bom() {
    let (_f, i) =
        input("\u{feff}RoomId,ROOMNAME,max_members,Owner_Account\nr1,Name,5,host\n".as_bytes());
    let mut out = Vec::new();
    let c = check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |s| out.push(s.to_string()),
        &mut |_| {},
    )
    .unwrap();
    let (n, p) = (c.rows, c.problems);
    assert_eq!((n, p), (1, 0), "{out:?}");
    let rows: Vec<Row> = rows(&i, Columns::Create, &RoomSpec::default())
        .unwrap()
        .collect();
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].spec.name.as_deref(), Some("Name"));
    assert_eq!(rows[0].spec.max_members, Some(5));
    assert_eq!(rows[0].spec.owner.as_deref(), Some("host"));
}

#[test]
fn quoted_and_semicolon_categories_and_bools() {
    let (_f, i) =
        input(b"room_id,category,public,seat_mode\nr1,\"1,2\",yes,freetotake\nr2,3;4,0,\n");
    let rows: Vec<Row> = rows(&i, Columns::Create, &RoomSpec::default())
        .unwrap()
        .collect();
    assert_eq!(rows[0].spec.category, Some(vec![1, 2]));
    assert_eq!(rows[0].spec.public, Some(true));
    assert_eq!(rows[1].spec.category, Some(vec![3, 4]));
    assert_eq!(rows[1].spec.public, Some(false));
    assert_eq!(rows[1].spec.seat_mode, None);
}

#[test]
fn blank_cells_take_the_flag_defaults() {
    let defaults = RoomSpec {
        name: Some("flag".into()),
        max_members: Some(9),
        ..Default::default()
    };
    let (_f, i) = input(b"room_id,name,max_members\nr1,,\nr2,own,3\n");
    let rows: Vec<Row> = rows(&i, Columns::Create, &defaults).unwrap().collect();
    assert_eq!(rows[0].spec.name.as_deref(), Some("flag"));
    assert_eq!(rows[0].spec.max_members, Some(9));
    assert_eq!(rows[1].spec.name.as_deref(), Some("own"));
    assert_eq!(rows[1].spec.max_members, Some(3));
}

#[test]
fn every_problem_with_its_line() {
    let text = "room_id,MaxMemberCount,public,category\n\
                ok1,1,true,1\n\
                ,2,true,1\n\
                r3,0,maybe,1;2;3;4\n\
                \"multi\nline\",1,true,1\n\
                r6,1,true\n\
                ok1,1,true,1\n";
    let got = problems(text, &RoomSpec::default());
    assert_eq!(
        got,
        vec![
            "rooms.csv:3: room_id: is required (1 to 48 bytes)",
            "rooms.csv:4: MaxMemberCount: must be greater than 0",
            "rooms.csv:4: public: \"maybe\" is not a boolean; use true/false, 1/0 or yes/no",
            "rooms.csv:4: category: has 4 tags; the limit is 3",
            "rooms.csv:5: room_id: contains '\\n'; use printable ASCII only (the client SDKs reject others)",
            "rooms.csv:7: row has 3 cells, the header has 4; quote cells that contain commas",
            "rooms.csv:8: room_id: \"ok1\" repeats line 2; each room ID may appear once",
        ]
    );
}

#[test]
fn unknown_and_missing_columns() {
    let got = problems("name,colour\nx,y\n", &RoomSpec::default());
    assert_eq!(got.len(), 2);
    assert!(got[0].starts_with(
        "rooms.csv:1: colour: unknown column; valid columns: room_id (RoomId), name (RoomName)"
    ));
    assert!(got[1].contains("no room_id column"));
    assert!(
        problems("room_id,notice\nr,x\n", &RoomSpec::default())[0]
            .contains("notice: unknown column")
    );
    assert_eq!(problems("", &RoomSpec::default()).len(), 1);
    assert!(problems("room_id\n", &RoomSpec::default())[0].contains("no data rows"));
}

#[test]
fn destroy_reads_room_id_only() {
    let (_f, i) = input(b"status,room_id,whatever\ncreated,r1,x\n");
    let mut out = Vec::new();
    let c = check(
        &i,
        Columns::RoomIdOnly,
        &RoomSpec::default(),
        &mut |s| out.push(s.to_string()),
        &mut |_| {},
    )
    .unwrap();
    let (n, p) = (c.rows, c.problems);
    assert_eq!((n, p), (1, 0), "{out:?}");
}

#[test]
fn invalid_utf8_is_reported() {
    let (_f, i) = input(b"room_id,name\nr1,\xff\xfe\n");
    let mut out = Vec::new();
    check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |s| out.push(s.to_string()),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        out,
        vec!["rooms.csv:2: the row is not valid UTF-8; save the file as UTF-8"]
    );
}

/// (line, room_id) of every good row, and every problem, of `text`.
fn lines_of(text: &[u8]) -> (Vec<(u64, String)>, Vec<String>) {
    let (_f, i) = input(text);
    let mut out = Vec::new();
    check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |p| out.push(p.to_string()),
        &mut |_| {},
    )
    .unwrap();
    let rows = match rows(&i, Columns::Create, &RoomSpec::default()) {
        Ok(it) => it.map(|r| (r.line, r.spec.room_id)).collect(),
        Err(_) => Vec::new(), // a bad header
    };
    (rows, out)
}

fn good(rows: &[(u64, &str)]) -> Vec<(u64, String)> {
    rows.iter().map(|(l, id)| (*l, id.to_string())).collect()
}

#[test]
fn line_numbers_of_lf_files_count_blank_lines() {
    let (rows, problems) = lines_of(b"room_id,max_members\nr1,1\n\nr2,1\n\n\nr3,0\n");
    assert_eq!(rows, good(&[(2, "r1"), (4, "r2")]));
    assert_eq!(
        problems,
        vec!["rooms.csv:7: max_members: must be greater than 0"]
    );
}

#[test]
fn line_numbers_of_crlf_files_with_blank_lines_and_quoted_line_ends() {
    let text = b"room_id,name\r\nr1,a\r\n\r\nr2,\"two\r\nlines\"\r\n\r\n\r\nr3,c\r\n,missing\r\n";
    let (rows, problems) = lines_of(text);
    assert_eq!(rows, good(&[(2, "r1"), (4, "r2"), (8, "r3")]));
    assert_eq!(
        problems,
        vec!["rooms.csv:9: room_id: is required (1 to 48 bytes)"]
    );
}

#[test]
fn line_numbers_of_cr_only_files() {
    let (rows, problems) = lines_of(b"room_id,name\rr1,a\r\rr2,\"b\rc\"\rr3,d\r,x\r");
    assert_eq!(rows, good(&[(2, "r1"), (4, "r2"), (6, "r3")]));
    assert_eq!(
        problems,
        vec!["rooms.csv:7: room_id: is required (1 to 48 bytes)"]
    );
}

#[test]
fn line_numbers_of_mixed_endings_and_leading_blank_lines() {
    // "\n\r" is two line ends; the header itself may follow blank lines.
    let (rows, problems) = lines_of(b"\r\n\nroom_id,colour\n\rr1,x\n");
    assert!(rows.is_empty());
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("rooms.csv:3: colour: unknown column"));
    let (rows, _) = lines_of(b"room_id\n\rr1\r\n\n\rr2\n");
    assert_eq!(rows, good(&[(3, "r1"), (6, "r2")]));
}

#[test]
fn line_map_joins_a_crlf_split_across_reads() {
    let mut m = LineMap::default();
    m.feed(b"ab\r");
    m.feed(b"\ncd\r");
    m.feed(b"\n\r\nef");
    assert_eq!(m.line_at(0), 1);
    assert_eq!(m.line_at(4), 2);
    // An offset on a line end means the next line with text on it.
    assert_eq!(m.line_at(7), 4);
    assert!(m.runs.is_empty(), "passed runs are dropped");
}

/// Checks `text`, lets `change` alter the file, then starts the send pass.
fn send_pass_after(text: &[u8], change: impl FnOnce(&Path)) -> anyhow::Result<usize> {
    let (f, i) = input(text);
    let c = check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |_| {},
        &mut |_| {},
    )
    .unwrap();
    let (n, p) = (c.rows, c.problems);
    assert_eq!((n, p), (2, 0));
    change(f.path());
    Ok(rows(&i, Columns::Create, &RoomSpec::default())?.count())
}

#[test]
fn a_file_changed_after_the_check_is_refused_before_any_row() {
    let text = b"room_id,name\nr1,a\nr2,b\n";
    assert_eq!(send_pass_after(text, |_| {}).unwrap(), 2);
    let grown = send_pass_after(text, |p| {
        std::fs::OpenOptions::new()
            .append(true)
            .open(p)
            .unwrap()
            .write_all(b"r3,unchecked\n")
            .unwrap();
    });
    let msg = grown.expect_err("refused").to_string();
    assert!(
        msg.starts_with(
            "rooms.csv changed after it was checked (its size differs); nothing was sent"
        ),
        "{msg}"
    );
    // Same size, modification time put back: only the hash sees it.
    let edited = send_pass_after(text, |p| {
        let mtime = std::fs::metadata(p).unwrap().modified().unwrap();
        std::fs::write(p, b"room_id,name\nr1,a\nr9,b\n").unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.set_modified(mtime).unwrap();
    });
    let msg = edited.expect_err("refused").to_string();
    assert!(msg.contains("(its content differs)"), "{msg}");
    let touched = send_pass_after(text, |p| {
        let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH).unwrap();
    });
    let msg = touched.expect_err("refused").to_string();
    assert!(msg.contains("(its modification time differs)"), "{msg}");
}

#[test]
fn same_file_by_any_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rooms.csv");
    std::fs::write(&csv, "room_id\nr1\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let i = Input::open(&csv).unwrap();
    assert!(i.is_same_file(&csv));
    assert!(i.is_same_file(&dir.path().join("sub/../rooms.csv")));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&csv, dir.path().join("link.jsonl")).unwrap();
        assert!(i.is_same_file(&dir.path().join("link.jsonl")));
        std::fs::hard_link(&csv, dir.path().join("hard.jsonl")).unwrap();
        assert!(i.is_same_file(&dir.path().join("hard.jsonl")));
    }
    assert!(!i.is_same_file(&dir.path().join("report.jsonl")));
    std::fs::write(dir.path().join("other.jsonl"), "").unwrap();
    assert!(!i.is_same_file(&dir.path().join("other.jsonl")));
}

#[test]
fn a_semicolon_separated_file_gets_a_hint_about_the_separator() {
    let hint =
        "rooms.csv:1: the header is one column containing `;`: the file looks semicolon-separated";
    let p = problems("room_id;name\nr1;Room 1\n", &RoomSpec::default());
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].starts_with(hint), "{p:#?}");
    assert!(p[0].contains("Save it with `,` as the separator"), "{p:#?}");
    // destroy reads room_id only, and says the same.
    let (_f, i) = input(b"RoomId;Name\nr1;x\n");
    let mut out = Vec::new();
    check(
        &i,
        Columns::RoomIdOnly,
        &RoomSpec::default(),
        &mut |s| out.push(s.to_string()),
        &mut |_| {},
    )
    .unwrap();
    assert!(out[0].starts_with(hint), "{out:#?}");
    // A comma file whose header merely lacks room_id is not told about `;`.
    let p = problems("name\nx\n", &RoomSpec::default());
    assert!(p.iter().all(|l| !l.contains("semicolon")), "{p:#?}");
}

#[test]
fn block_hashes_do_not_depend_on_how_the_bytes_were_fed() {
    let bytes: Vec<u8> = (0..(BLOCK * 2 + 100)).map(|i| (i % 251) as u8).collect();
    let mut b = lines::Blocks::default();
    for piece in bytes.chunks(7777) {
        b.feed(piece);
    }
    let (read, blocks) = b.finish();
    assert_eq!(read, bytes.len() as u64);
    let want: Vec<u64> = bytes.chunks(BLOCK).map(lines::block_hash).collect();
    assert_eq!(blocks, want);
}

/// A file of `n` rows, about 30 bytes each.
fn many_rows(n: usize) -> Vec<u8> {
    let mut t = String::from("room_id,name\n");
    for i in 1..=n {
        t.push_str(&format!("r{i:06},Room number {i:06}\n"));
    }
    t.into_bytes()
}

#[test]
fn rows_appended_during_the_send_pass_are_not_read() {
    let (f, i) = input(&many_rows(3000));
    check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |_| {},
        &mut |_| {},
    )
    .unwrap();
    let defaults = RoomSpec::default();
    let mut rows = rows(&i, Columns::Create, &defaults).unwrap();
    assert_eq!(rows.next().unwrap().spec.room_id, "r000001");
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.path())
        .unwrap()
        .write_all(b"x1,unchecked\nx2,unchecked\n")
        .unwrap();
    let rest: Vec<String> = rows.map(|r| r.spec.room_id).collect();
    assert_eq!(rest.len(), 2999);
    assert_eq!(
        rest.last().unwrap(),
        "r003000",
        "the checked end is the end"
    );
    assert_eq!(i.stopped(), None);
    assert!(i.grew());
}

#[test]
fn a_block_changed_during_the_send_pass_stops_it_before_any_of_its_rows() {
    let text = many_rows(6000);
    assert!(text.len() > 2 * BLOCK, "three blocks");
    let (f, i) = input(&text);
    check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |_| {},
        &mut |_| {},
    )
    .unwrap();
    let defaults = RoomSpec::default();
    let mut rows = rows(&i, Columns::Create, &defaults).unwrap();
    assert_eq!(rows.next().unwrap().spec.room_id, "r000001");
    // Same length, one row of the last block renamed, in place.
    let mut edited = text.clone();
    let at = edited.len() - 20;
    edited[at] = b'X';
    std::fs::write(f.path(), &edited).unwrap();
    let rest: Vec<String> = rows.map(|r| r.spec.room_id).collect();
    assert!(rest.len() < 5999, "stopped early: {}", rest.len());
    assert!(rest.len() >= BLOCK / 32, "the first blocks were sent");
    let why = i.stopped().expect("says why");
    assert!(
        why.starts_with("rooms.csv changed while the batch ran: rows from line "),
        "{why}"
    );
    assert!(rest.iter().all(|id| id.starts_with('r')), "nothing edited");
}

#[test]
fn the_check_counts_invalid_rows_and_names_the_first_and_last_valid_ones() {
    let (_f, i) = input(b"room_id,max_members\nr1,1\nr2,x\nr3,0\nr1,2\nr5,1\n");
    let mut seen = Vec::new();
    let c = check(
        &i,
        Columns::Create,
        &RoomSpec::default(),
        &mut |_| {},
        &mut |row| seen.push(row.room_id.clone()),
    )
    .unwrap();
    // r2 and r3 have a bad max_members; the second r1 repeats the first.
    assert_eq!(c.rows, 5);
    assert_eq!(c.invalid, 3, "{c:?}");
    assert_eq!(c.problems, 3);
    assert_eq!(c.first.as_deref(), Some("r1"));
    assert_eq!(c.last.as_deref(), Some("r5"));
    assert_eq!(seen, ["r1", "r1", "r5"]);
}
