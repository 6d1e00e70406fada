//! Unit tests of RoomSpec parsing, validation and bodies.
use super::*;

#[test]
fn names_for_every_field() {
    assert_eq!(Field::MaxMembers.flag(), "--max-members");
    assert_eq!(Field::from_name("Owner_Account"), Some(Field::Owner));
    assert_eq!(Field::from_name("ROOM_ID"), Some(Field::RoomId));
    assert_eq!(Field::from_name("roomname"), Some(Field::Name));
    assert_eq!(Field::from_name("nope"), None);
}

#[test]
fn value_parsers() {
    for t in ["true", "1", "YES"] {
        assert_eq!(parse_bool(t), Ok(true));
    }
    for f in ["false", "0", "No"] {
        assert_eq!(parse_bool(f), Ok(false));
    }
    assert!(parse_bool("maybe").is_err());
    assert_eq!(parse_seat_mode("applytotake"), Ok(SeatMode::ApplyToTake));
    assert!(parse_seat_mode("grab").is_err());
    assert_eq!(parse_category("1;2"), Ok(vec![1, 2]));
    assert_eq!(parse_category("1, 2,3"), Ok(vec![1, 2, 3]));
    assert!(parse_category("1;x").is_err());
    assert!(parse_positive("0").is_err());
    assert_eq!(parse_extra("A=1"), Ok(("A".into(), json!(1))));
    assert_eq!(parse_extra("A=x=y"), Ok(("A".into(), json!("x=y"))));
    assert_eq!(
        parse_extra("A={\"b\":true}"),
        Ok(("A".into(), json!({"b": true})))
    );
    assert!(parse_extra("novalue").is_err());
}

#[test]
fn body_has_only_what_was_set() {
    let spec = RoomSpec {
        room_id: "r1".into(),
        public: Some(false),
        ..Default::default()
    };
    assert_eq!(
        spec.create_body(),
        json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live", "IsPublicVisible": false}})
    );
}

#[test]
fn limits_name_the_flag_limit_and_size() {
    let spec = RoomSpec {
        room_id: "x".repeat(49),
        name: Some("n".repeat(101)),
        cover_url: Some("c".repeat(201)),
        category: Some(vec![1, 2, 3, 4]),
        max_members: Some(0),
        ..Default::default()
    };
    let errs: Vec<String> = spec
        .validate(Naming::Flag)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "--room-id: is 49 bytes; the limit is 48 bytes",
            "--name: is 101 bytes; the limit is 100 bytes",
            "--cover-url: is 201 bytes; the limit is 200 bytes",
            "--max-members: must be greater than 0",
            "--category: has 4 tags; the limit is 3",
        ]
    );
    let errs = spec.validate(Naming::Column);
    assert_eq!(errs[0].field, "room_id");
}

#[test]
fn bytes_not_chars_are_counted() {
    let spec = RoomSpec {
        room_id: "r".into(),
        name: Some("é".repeat(51)),
        ..Default::default()
    };
    assert_eq!(
        spec.validate(Naming::Flag)[0].message,
        "is 102 bytes; the limit is 100 bytes"
    );
}

#[test]
fn room_id_must_be_printable_ascii() {
    for bad in ["", "房间", "a\tb", " a"] {
        let spec = RoomSpec {
            room_id: bad.into(),
            ..Default::default()
        };
        assert_eq!(spec.validate(Naming::Flag).len(), 1, "{bad:?}");
    }
}

#[test]
fn extra_fields_cannot_override_modelled_ones() {
    let mut spec = RoomSpec {
        room_id: "r".into(),
        ..Default::default()
    };
    spec.extra = vec![
        ("RoomName".into(), json!("x")),
        ("RoomType".into(), json!("x")),
        ("SeatTemplate".into(), json!(1)),
    ];
    let errs = spec.validate(Naming::Flag);
    assert_eq!(errs.len(), 2);
    assert!(errs[0].message.contains("use --name"));
    assert_eq!(spec.create_body()["RoomInfo"]["SeatTemplate"], json!(1));
}

#[test]
fn defaults_fill_unset_cells_only() {
    let mut row = RoomSpec {
        room_id: "r".into(),
        name: Some("row".into()),
        ..Default::default()
    };
    let flags = RoomSpec {
        name: Some("flag".into()),
        public: Some(true),
        ..Default::default()
    };
    row.fill_from(&flags);
    assert_eq!(row.name.as_deref(), Some("row"));
    assert_eq!(row.public, Some(true));
}
