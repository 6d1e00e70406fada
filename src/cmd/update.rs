//! `livectl update --room-id ID [flags]`: changes a room's settings
//! (update_room_info), sending only the fields given, checked by the same
//! `RoomSpec` validation as create.

use clap::Args;

use crate::api::endpoint::UPDATE_ROOM_INFO;
use crate::cmd::Ctx;
use crate::cmd::args::{RoomFieldArgs, invalid, room_of, spec_from_flags};
use crate::cmd::call::Session;
use crate::error::Error;
use crate::room::{Field, FieldError, Naming, RoomSpec};
use crate::settle::{Record, Status};

#[derive(Args, Debug, Clone)]
pub struct UpdateArgs {
    /// Room ID; or --room-id
    #[arg(value_name = "ROOM", conflicts_with = "room_id")]
    pub room: Option<String>,
    /// The room ID, as a flag (the same as ROOM)
    #[arg(long, value_name = "ID")]
    pub room_id: Option<String>,
    #[command(flatten)]
    pub fields: RoomFieldArgs,
    /// Room notice, up to 100 bytes (Notice)
    #[arg(long, value_name = "TEXT")]
    pub notice: Option<String>,
    /// Validate and print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// The flags of the fields update_room_info can change (api.md section 6).
const CHANGEABLE: &str = "--name, --max-members, --message-disabled, --cover-url, --category, \
                          --activity-status, --public, --seat-mode, --unlimited, \
                          --notice or --field NAME=VALUE";

/// Modelled fields update_room_info does not change: create sets them (the
/// seat layout among them: it is not among update_room_info's documented
/// fields, and the service refuses it with 100002).
const FIXED: [Field; 4] = [
    Field::Owner,
    Field::SeatEnabled,
    Field::MaxSeats,
    Field::SeatTemplate,
];

/// The room spec of `livectl update` flags.
pub fn update_spec(args: &UpdateArgs) -> Result<RoomSpec, Error> {
    let room = room_of(&args.room, &args.room_id)?;
    let mut spec = spec_from_flags(Some(room), &args.fields);
    spec.notice = args.notice.clone();
    Ok(spec)
}

/// Create's checks, with messages fit for update: a `--field` naming a
/// field update cannot change says so instead of pointing at a create flag.
pub fn validate(spec: &RoomSpec) -> Vec<FieldError> {
    let mut errs = spec.validate(Naming::Flag);
    for e in &mut errs {
        let name = e.field.strip_prefix("--field ").unwrap_or_default();
        if let Some(f) = Field::from_name(name).filter(|f| FIXED.contains(f)) {
            e.message = format!(
                "{} cannot be changed after the room is created (update_room_info)",
                f.api()
            );
        }
    }
    errs
}

pub fn run(ctx: &Ctx, args: &UpdateArgs) -> crate::cmd::Result<()> {
    let spec = update_spec(args)?;
    let errs = validate(&spec);
    if !errs.is_empty() {
        return Err(invalid(&errs).into());
    }
    if !spec.has_changes() {
        return Err(Error::usage(format!(
            "nothing to update for room \"{}\": give at least one of {CHANGEABLE}",
            spec.room_id
        ))
        .into());
    }
    let body = spec.update_body();
    let id = &spec.room_id;
    let what = format!("room \"{id}\" was not updated");
    let session = Session::open(ctx, args.dry_run)?;
    let Some(answer) = session.call(&UPDATE_ROOM_INFO, id, &body, &what)? else {
        return Ok(());
    };
    let rec = Record::settled(
        id,
        Status::Updated,
        &answer.reply.request_id,
        None,
        answer.attempts,
    );
    let room = crate::cmd::create::sent_room(&body);
    Ok(crate::settle::finish_with_room(
        ctx.format(),
        &rec,
        None,
        room,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(extra: &[(&str, serde_json::Value)]) -> RoomSpec {
        RoomSpec {
            room_id: "r".into(),
            extra: extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..RoomSpec::default()
        }
    }

    #[test]
    fn fixed_fields_say_they_cannot_change() {
        let errs = validate(&spec(&[
            ("Owner_Account", json!("u")),
            ("KeepOwnerOnSeat", json!(false)),
        ]));
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "--field Owner_Account: Owner_Account cannot be changed after the room is created (update_room_info)"
        );
    }

    #[test]
    fn the_seat_layout_cannot_change_after_create() {
        let errs = validate(&spec(&[("SeatTemplate", json!("AudioSalon"))]));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0]
                .message
                .contains("cannot be changed after the room is created")
        );
    }

    #[test]
    fn notice_goes_through_its_flag() {
        for name in ["Notice", "notice"] {
            let errs = validate(&spec(&[(name, json!("x"))]));
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert!(errs[0].message.contains("use --notice"), "{errs:?}");
        }
    }

    #[test]
    fn body_has_the_room_id_and_the_changes_only() {
        let s = RoomSpec {
            room_id: "r".into(),
            notice: Some("hi".into()),
            public: Some(false),
            ..RoomSpec::default()
        };
        assert!(validate(&s).is_empty());
        assert_eq!(
            s.update_body(),
            json!({"RoomInfo": {"RoomId": "r", "IsPublicVisible": false, "Notice": "hi"}})
        );
        assert!(!spec(&[]).has_changes());
    }
}
