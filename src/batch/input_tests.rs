//! Unit tests of CSV reading and the whole-file check.
use super::*;
use std::io::Write;

fn input(text: &[u8]) -> (tempfile::NamedTempFile, Input) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text).unwrap();
    let i = Input {
        name: "rooms.csv".into(),
        source: Source::Path(f.path().to_path_buf()),
    };
    (f, i)
}

fn problems(text: &str, defaults: &RoomSpec) -> Vec<String> {
    let (_f, i) = input(text.as_bytes());
    let mut out = Vec::new();
    check(&i, Columns::Create, defaults, &mut |p| {
        out.push(p.to_string())
    })
    .unwrap();
    out
}

#[test]
fn header_aliases_any_case_and_bom() {
    let (_f, i) =
        input("\u{feff}RoomId,ROOMNAME,max_members,Owner_Account\nr1,Name,5,host\n".as_bytes());
    let mut out = Vec::new();
    let (n, p) = check(&i, Columns::Create, &RoomSpec::default(), &mut |s| {
        out.push(s.to_string())
    })
    .unwrap();
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
    let (n, p) = check(&i, Columns::RoomIdOnly, &RoomSpec::default(), &mut |s| {
        out.push(s.to_string())
    })
    .unwrap();
    assert_eq!((n, p), (1, 0), "{out:?}");
}

#[test]
fn invalid_utf8_is_reported() {
    let (_f, i) = input(b"room_id,name\nr1,\xff\xfe\n");
    let mut out = Vec::new();
    check(&i, Columns::Create, &RoomSpec::default(), &mut |s| {
        out.push(s.to_string())
    })
    .unwrap();
    assert_eq!(
        out,
        vec!["rooms.csv:2: the row is not valid UTF-8; save the file as UTF-8"]
    );
}
