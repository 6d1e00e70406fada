//! `livectl battle start|info|score`: PK battles between co-hosted rooms
//! (`live_engine_http_pk`: create_battle, get_battle_info,
//! set_battle_score; live-api.md §10, §18.9). Duration goes on the wire in
//! milliseconds. No REST command ends a battle: it ends when its time runs
//! out (pick a short `--for`).

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::time::Duration;

use super::Session;
use super::args::{RoomArg, check_id, parse_duration, parse_room};
use crate::api::endpoint::{CREATE_BATTLE, GET_BATTLE_INFO, SET_BATTLE_SCORE};
use crate::cmd::Ctx;
use crate::cmd::live::time::shown as time_shown;
use crate::error::{Error, Failure};
use crate::output::{self, Col, Format, Table};

#[derive(Subcommand, Debug, Clone)]
pub enum BattleCommand {
    /// Start a battle from a room with co-hosted rooms (create_battle)
    #[command(after_long_help = "Example:\n  livectl battle start live-1 --with live-2 --for 5m")]
    Start(StartArgs),
    /// A battle's state and scores (get_battle_info)
    #[command(after_long_help = "Example:\n  livectl battle info battle-7")]
    Info(InfoArgs),
    /// Correct scores: add to them (default) or set them (set_battle_score)
    #[command(
        after_long_help = "Examples:\n  livectl battle score battle-7 live-1=100 live-2=80\n  \
                                 livectl battle score battle-7 live-2=0 --set"
    )]
    Score(ScoreArgs),
}

#[derive(Args, Debug, Clone)]
pub struct StartArgs {
    #[command(flatten)]
    pub room: RoomArg,
    /// The rooms it battles (already co-hosting with ROOM)
    #[arg(long = "with", value_name = "ROOM", required = true, num_args = 1.., value_parser = parse_room)]
    pub with: Vec<String>,
    /// How long it lasts: 90s, 5m, … (sent in milliseconds)
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Duration,
    /// ExtensionInfo, passed to the clients as is
    #[arg(long, value_name = "TEXT")]
    pub extension: Option<String>,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct InfoArgs {
    /// The battle's ID (battle start prints it)
    #[arg(value_name = "BATTLE_ID", value_parser = parse_battle)]
    pub battle: String,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ScoreArgs {
    /// The battle's ID
    #[arg(value_name = "BATTLE_ID", value_parser = parse_battle)]
    pub battle: String,
    /// ROOM=N: the score of a room of the battle
    #[arg(value_name = "ROOM=N", required = true, value_parser = parse_score)]
    pub scores: Vec<(String, i64)>,
    /// Add N to each score (the default; OpType 1)
    #[arg(long, conflicts_with = "set")]
    pub add: bool,
    /// Set each score to N (OpType 2)
    #[arg(long)]
    pub set: bool,
    /// Print the request without sending
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_battle(s: &str) -> Result<String, String> {
    check_id("BATTLE_ID", "a battle ID", s).map(|()| s.to_string())
}

/// `ROOM=N` (split at the last `=`, N an integer).
pub fn parse_score(s: &str) -> Result<(String, i64), String> {
    let (room, n) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("\"{s}\" is not ROOM=N; write e.g. live-1=100"))?;
    let room = parse_room(room)?;
    let n = n
        .trim()
        .parse::<i64>()
        .map_err(|_| format!("\"{n}\" in \"{s}\" is not a whole number"))?;
    Ok((room, n))
}

pub fn run(ctx: &Ctx, cmd: &BattleCommand) -> crate::cmd::Result<()> {
    match cmd {
        BattleCommand::Start(a) => start(ctx, a),
        BattleCommand::Info(a) => info(ctx, a),
        BattleCommand::Score(a) => score(ctx, a),
    }
}

/// Per-room results: `[{RoomId, ResultCode}]`; non-zero ones said on stderr.
/// Returns how many rooms were refused.
fn results(list: &Value) -> usize {
    let mut refused = 0;
    for r in list.as_array().into_iter().flatten() {
        let code = r["ResultCode"].as_i64().unwrap_or(0);
        if code != 0 {
            refused += 1;
            let why = match code {
                3 => "already in another battle",
                5 => "system error",
                _ => "refused",
            };
            output::warn(format!(
                "room \"{}\": {why} (ResultCode {code})",
                output::shown(r["RoomId"].as_str().unwrap_or(""))
            ));
        }
    }
    refused
}

fn start(ctx: &Ctx, a: &StartArgs) -> crate::cmd::Result<()> {
    let room = a.room.id();
    if a.with.iter().any(|r| r == room) {
        return Err(Error::usage(format!(
            "--with {room}: a room cannot battle itself; nothing was sent"
        ))
        .into());
    }
    let mut body = json!({
        "FromRoomId": room, "ToRoomIdList": a.with,
        "Duration": a.duration.as_millis() as u64,
    });
    if let Some(x) = &a.extension {
        body["ExtensionInfo"] = json!(x);
    }
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("the battle of room \"{room}\" was not started");
    let Some(answer) = s.call(&CREATE_BATTLE, room, &body, &what)? else {
        return Ok(());
    };
    let r = super::response(&answer);
    let refused = results(&r["Result"]);
    match ctx.format() {
        Format::Json => output::print_json(&json!({
            "status": "started", "room_id": room, "battle_id": r["BattleId"],
            "result": r["Result"], "request_id": answer.reply.request_id,
        })),
        Format::Text => output::println(output::shown(&id_text(&r["BattleId"]))),
    }
    if refused >= a.with.len() {
        return Err(Failure::Dropped(format!(
            "no room joined the battle of room \"{room}\" (RequestId {})",
            answer.reply.request_id
        ))
        .into());
    }
    Ok(())
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn info(ctx: &Ctx, a: &InfoArgs) -> crate::cmd::Result<()> {
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!("could not read battle \"{}\"", output::shown(&a.battle));
    let body = json!({"BattleId": a.battle});
    let Some(answer) = s.call_plain(&GET_BATTLE_INFO, &body, &what)? else {
        return Ok(());
    };
    let r = super::response(&answer);
    let mut rooms: Vec<Value> = Vec::new();
    rooms.extend(r.get("FromRoomInfo").cloned());
    rooms.extend(r["ToRoomList"].as_array().cloned().unwrap_or_default());
    match ctx.format() {
        Format::Json => output::print_json(&json!({
            "battle_id": r["BattleId"], "status": r.get("Status"),
            "duration_ms": r.get("Duration"), "start_time": r.get("StartTime"),
            "end_time": r.get("EndTime"),
            "rooms": rooms.iter().map(|x| json!({
                "room_id": x.get("RoomId"), "score": x.get("Score"), "owner": x.get("Owner_Account"),
            })).collect::<Vec<_>>(),
        })),
        Format::Text => {
            let t = |k: &str| r[k].as_i64().map_or("-".to_string(), time_shown);
            let dur = r["Duration"].as_u64().map_or("-".to_string(), |ms| {
                humantime::format_duration(Duration::from_millis(ms)).to_string()
            });
            for line in [
                format!("Battle:   {}", output::shown(&id_text(&r["BattleId"]))),
                format!("Status:   {}", r["Status"]),
                format!("Duration: {dur}"),
                format!("Started:  {}", t("StartTime")),
                format!("Ends:     {}", t("EndTime")),
            ] {
                output::println(line);
            }
            let cols = [
                Col {
                    header: "ROOM",
                    min: 4,
                    max: usize::MAX,
                },
                Col {
                    header: "SCORE",
                    min: 5,
                    max: usize::MAX,
                },
                Col {
                    header: "OWNER",
                    min: 5,
                    max: usize::MAX,
                },
            ];
            let rows: Vec<Vec<String>> = rooms
                .iter()
                .map(|x| {
                    vec![
                        id_text(&x["RoomId"]),
                        x["Score"].as_i64().map_or(String::new(), |n| n.to_string()),
                        id_text(&x["Owner_Account"]),
                    ]
                })
                .collect();
            Table::new(&cols)
                .lines(&rows)
                .iter()
                .for_each(output::println);
        }
    }
    Ok(())
}

fn score(ctx: &Ctx, a: &ScoreArgs) -> crate::cmd::Result<()> {
    let op = if a.set { 2 } else { 1 };
    let list: Vec<Value> = a
        .scores
        .iter()
        .map(|(room, n)| json!({"RoomId": room, "Score": n}))
        .collect();
    let body = json!({"BattleId": a.battle, "OpType": op, "ScoreList": list});
    let s = Session::open(ctx, a.dry_run)?;
    let what = format!(
        "the scores of battle \"{}\" were not changed",
        output::shown(&a.battle)
    );
    let Some(answer) = s.call_plain(&SET_BATTLE_SCORE, &body, &what)? else {
        return Ok(());
    };
    let r = super::response(&answer);
    results(&r["Result"]);
    match ctx.format() {
        Format::Json => output::print_json(&json!({
            "status": if a.set { "scores set" } else { "scores added" },
            "battle_id": a.battle, "result": r["Result"], "request_id": answer.reply.request_id,
        })),
        Format::Text => a
            .scores
            .iter()
            .for_each(|(room, n)| output::println(format!("{}={n}", output::shown(room)))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_room_equals_integer() {
        assert_eq!(parse_score("live-1=100"), Ok(("live-1".into(), 100)));
        assert_eq!(parse_score("a=b=-5"), Ok(("a=b".into(), -5)));
        assert!(parse_score("live-1").is_err());
        assert!(
            parse_score("live-1=x")
                .unwrap_err()
                .contains("whole number")
        );
    }
}
