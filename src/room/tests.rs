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
        json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Live", "SeatTemplate": "VideoDynamicGrid9Seats", "IsPublicVisible": false}})
    );
    assert_eq!(
        spec.update_body(),
        json!({"RoomInfo": {"RoomId": "r1", "IsPublicVisible": false}})
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
        ("seattemplate".into(), json!("Karaoke")),
        ("IsUnlimitedRoomEnabled".into(), json!(true)),
        ("KeepOwnerOnSeat".into(), json!(false)),
    ];
    let errs: Vec<String> = spec
        .validate(Naming::Flag)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "--field RoomName: RoomName is modelled by the tool; use --name instead",
            "--field RoomType: RoomType is always Live and cannot be overridden",
            "--field seattemplate: seattemplate is modelled by the tool; use --seat-template instead",
            "--field IsUnlimitedRoomEnabled: IsUnlimitedRoomEnabled is modelled by the tool; use --unlimited instead",
        ]
    );
    assert_eq!(
        spec.create_body()["RoomInfo"]["KeepOwnerOnSeat"],
        json!(false)
    );
}

#[test]
fn seat_templates_known_in_any_case_none_and_unknown() {
    for (given, sent) in [
        ("videodynamicgrid9seats", "VideoDynamicGrid9Seats"),
        ("AUDIOSALON", "AudioSalon"),
        (" karaoke ", "Karaoke"),
        ("videouniformgrid9seats", "VideoUniformGrid9Seats"),
    ] {
        let t = parse_seat_template(given).unwrap();
        assert!(matches!(t, SeatTemplate::Known(..)), "{given}");
        assert_eq!(t.wire(), Some(sent), "{given}");
    }
    // Both landscape spellings are known, and neither becomes the other.
    for sent in ["VideoLandscape4Seats", "VideoLandscape4Seat"] {
        let t = parse_seat_template(&sent.to_lowercase()).unwrap();
        assert_eq!((t.wire(), t.is_video()), (Some(sent), true));
    }
    for none in ["none", "NONE", " None"] {
        assert_eq!(parse_seat_template(none), Ok(SeatTemplate::Omit));
    }
    assert_eq!(SeatTemplate::Omit.wire(), None);
    let other = parse_seat_template("VideoMosaic16Seats").unwrap();
    assert_eq!(other, SeatTemplate::Other("VideoMosaic16Seats".into()));
    assert_eq!(other.wire(), Some("VideoMosaic16Seats"));
    assert!(!other.is_video());
    assert!(parse_seat_template("AudioSalon").is_ok_and(|t| !t.is_video()));
    assert!(parse_seat_template(" ").unwrap_err().contains("none"));
}

#[test]
fn create_sends_the_default_template_unless_none_update_only_when_given() {
    let mut spec = RoomSpec {
        room_id: "r".into(),
        ..Default::default()
    };
    let info = |b: Value| b["RoomInfo"].clone();
    assert_eq!(
        info(spec.create_body())["SeatTemplate"],
        json!(template::DEFAULT)
    );
    assert_eq!(info(spec.update_body()).get("SeatTemplate"), None);
    assert!(!spec.has_changes());
    spec.seat_template = Some(SeatTemplate::Omit);
    assert_eq!(info(spec.create_body()).get("SeatTemplate"), None);
    spec.seat_template = parse_seat_template("karaoke").ok();
    spec.unlimited = Some(false);
    assert_eq!(
        spec.create_body(),
        json!({"RoomInfo": {"RoomId": "r", "RoomType": "Live", "SeatTemplate": "Karaoke", "IsUnlimitedRoomEnabled": false}})
    );
    assert_eq!(
        spec.update_body(),
        json!({"RoomInfo": {"RoomId": "r", "SeatTemplate": "Karaoke", "IsUnlimitedRoomEnabled": false}})
    );
}

#[test]
fn caveats_for_unknown_templates_and_ignored_seat_counts() {
    let spec = |t: Option<&str>, seats: Option<u64>| RoomSpec {
        room_id: "r".into(),
        seat_template: t.map(|t| parse_seat_template(t).unwrap()),
        max_seats: seats,
        ..Default::default()
    };
    assert_eq!(spec(None, None).create_caveats(), vec![]);
    assert_eq!(spec(Some("karaoke"), Some(8)).create_caveats(), vec![]);
    assert_eq!(spec(Some("AudioSalon"), Some(8)).create_caveats(), vec![]);
    assert_eq!(spec(Some("none"), Some(8)).create_caveats(), vec![]);
    assert_eq!(
        spec(None, Some(8)).create_caveats(),
        vec![Caveat::SeatsIgnored {
            room_id: "r".into(),
            template: "VideoDynamicGrid9Seats".into(),
            by_default: true
        }]
    );
    let c = spec(Some("videofixedfloat7seats"), Some(8)).create_caveats();
    assert_eq!(c.len(), 1);
    let text = c[0].to_string();
    assert!(
        text.contains("VideoFixedFloat7Seats is a video layout") && text.contains("AudioSalon"),
        "{text}"
    );
    // An unknown layout may well take a seat count: only the name is warned.
    let c = spec(Some("Mosaic"), Some(8)).create_caveats();
    assert_eq!(
        c,
        vec![Caveat::UnknownTemplate {
            room_id: "r".into(),
            name: "Mosaic".into()
        }]
    );
    assert!(c[0].to_string().contains("sent as given"));
}

#[test]
fn caveats_once_per_kind() {
    let once = CaveatsOnce::default();
    let seats = |id: &str| Caveat::SeatsIgnored {
        room_id: id.into(),
        template: "t".into(),
        by_default: true,
    };
    let unknown = Caveat::UnknownTemplate {
        room_id: "a".into(),
        name: "x".into(),
    };
    assert!(once.first(&seats("a")));
    assert!(!once.first(&seats("b")));
    assert!(once.first(&unknown));
    assert!(!once.first(&unknown));
}

#[test]
fn csv_cells_set_template_and_unlimited() {
    let mut row = RoomSpec::default();
    row.set_from_text(Field::from_name("SeatTemplate").unwrap(), "karaoke")
        .unwrap();
    row.set_from_text(Field::from_name("unlimited").unwrap(), "yes")
        .unwrap();
    assert_eq!(row.seat_template, parse_seat_template("Karaoke").ok());
    assert_eq!(row.unlimited, Some(true));
    // An empty cell takes the flag; `none` in a cell beats the flag.
    let flags = RoomSpec {
        seat_template: parse_seat_template("AudioSalon").ok(),
        unlimited: Some(false),
        ..Default::default()
    };
    let mut empty = RoomSpec::default();
    empty.set_from_text(Field::SeatTemplate, "").unwrap();
    empty.fill_from(&flags);
    assert_eq!(empty.seat_template, flags.seat_template);
    assert_eq!(empty.unlimited, Some(false));
    let mut none = RoomSpec::default();
    none.set_from_text(Field::SeatTemplate, "none").unwrap();
    none.fill_from(&flags);
    assert_eq!(none.seat_template, Some(SeatTemplate::Omit));
    assert!(row.set_from_text(Field::Unlimited, "maybe").is_err());
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

#[test]
fn integer_fields_keep_to_32_bits() {
    let errs = |spec: RoomSpec| -> Vec<String> {
        spec.validate(Naming::Flag)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let edge = RoomSpec {
        room_id: "r".into(),
        max_members: Some(2_147_483_647),
        max_seats: Some(2_147_483_647),
        activity_status: Some(-2_147_483_648),
        category: Some(vec![2_147_483_647, -2_147_483_648]),
        ..Default::default()
    };
    assert_eq!(
        errs(edge),
        Vec::<String>::new(),
        "the bounds themselves pass"
    );
    let over = RoomSpec {
        room_id: "r".into(),
        max_members: Some(2_147_483_648),
        max_seats: Some(u64::MAX),
        activity_status: Some(2_147_483_648),
        category: Some(vec![1, -2_147_483_649]),
        ..Default::default()
    };
    let e = errs(over);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e[0].starts_with("--max-members: 2147483648 is too large"),
        "{e:#?}"
    );
    assert!(
        e[0].ends_with("32-bit integer, at most 2147483647"),
        "{e:#?}"
    );
    assert!(e[1].starts_with("--max-seats: 18446744073709551615 is too large"));
    assert!(e[2].starts_with("--activity-status: 2147483648 is out of range"));
    assert!(e[3].starts_with("--category: -2147483649 is out of range"));
}

#[test]
fn an_empty_name_and_an_empty_owner_follow_one_rule() {
    for (name, owner) in [(Some(""), None), (None, Some("")), (Some(" "), Some(" "))] {
        let spec = RoomSpec {
            room_id: "r".into(),
            name: name.map(String::from),
            owner: owner.map(String::from),
            ..Default::default()
        };
        let errs: Vec<String> = spec
            .validate(Naming::Flag)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected = name
            .iter()
            .map(|_| "--name")
            .chain(owner.iter().map(|_| "--owner"));
        for (e, flag) in errs.iter().zip(expected) {
            assert!(e.starts_with(&format!("{flag}: is empty; give ")), "{e}");
            assert!(e.ends_with(" or leave it out"), "{e}");
        }
        assert_eq!(errs.len(), name.iter().count() + owner.iter().count());
    }
    // A CSV cell that is empty is "not set", for both alike.
    let mut spec = RoomSpec::default();
    spec.set_from_text(Field::Name, " ").unwrap();
    spec.set_from_text(Field::Owner, "").unwrap();
    assert_eq!((spec.name, spec.owner), (None, None));
}

#[test]
fn a_negative_count_must_be_positive() {
    assert_eq!(
        parse_positive("-5"),
        Err("must be positive (a count); got -5".into())
    );
    assert_eq!(
        parse_count("300", 1, 256),
        Err("300 is out of range; use 1 to 256".into())
    );
    assert_eq!(
        parse_count("-1", 1, 256),
        Err("must be positive (a count); got -1".into())
    );
    assert_eq!(parse_count("4", 1, 256), Ok(4));
    assert_eq!(parse_count("0", 0, 20), Ok(0));
    assert_eq!(
        parse_count("-1", 0, 20),
        Err("must be 0 or more; got -1".into())
    );
    assert!(
        parse_count("x", 1, 2)
            .unwrap_err()
            .contains("not a whole number")
    );
}
