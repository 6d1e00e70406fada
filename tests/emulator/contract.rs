//! The JSON contract (`livectl help json`, `cmd::nouns`) walked command by
//! command against the emulator: every line each command prints under
//! `-o json` is checked against the noun it must be, so output and
//! documentation cannot drift. A command added without a row here is caught
//! by `every_command_is_walked`.

use serde_json::{Value, json};

use super::harness::{Emu, code};
use livectl::cmd::nouns;

/// Runs `args` with `-o json`, expecting exit 0, and returns its lines.
fn lines(emu: &Emu, args: &[&str]) -> Vec<Value> {
    let out = emu
        .client()
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {e}: {l}")))
        .collect()
}

/// What each command prints: the noun of every line, or "object" for a
/// command with an object of its own (version, explain, doctor, profile).
const WALK: &[(&[&str], &str)] = &[
    (&["create", "c1", "--owner", "host"], "result"),
    (&["get", "c1"], "room"),
    (&["list"], "room"),
    (&["update", "c1", "--name", "Show"], "result"),
    (&["stats", "c1"], "stats"),
    (&["seat", "list", "c1"], "seat"),
    (&["seat", "pick", "c1", "u1", "--index", "1"], "result"),
    (&["seat", "mute", "c1", "--index", "1", "--audio"], "result"),
    (&["seat", "move", "c1", "u1", "--to", "2"], "result"),
    (&["seat", "lock", "c1", "--index", "3"], "result"),
    (&["seat", "kick", "c1", "u1"], "result"),
    (&["emulator", "join", "c1", "u5"], "result"),
    (&["emulator", "leave", "c1", "u5"], "result"),
    (&["member", "list", "c1"], "member"),
    (&["member", "ban", "c1", "u2", "--for", "1h"], "result"),
    (&["member", "banned", "c1"], "ban"),
    (&["member", "unban", "c1", "u2"], "result"),
    (&["member", "mute", "c1", "u3", "--for", "10m"], "result"),
    (&["member", "muted", "c1"], "ban"),
    (&["member", "unmute", "c1", "u3"], "result"),
    (&["admin", "add", "c1", "u3"], "result"),
    (&["admin", "list", "c1"], "account"),
    (&["admin", "remove", "c1", "u3"], "result"),
    (&["robot", "add", "c1", "bot1"], "result"),
    (&["robot", "list", "c1"], "account"),
    (&["robot", "remove", "c1", "bot1"], "result"),
    (&["meta", "set", "c1", "topic=launch"], "result"),
    (&["meta", "get", "c1"], "metadata"),
    (&["meta", "delete", "c1", "topic"], "result"),
    (&["send", "c1", "--from", "host", "--text", "hi"], "receipt"),
    (&["announce", "c1", "--text", "hello all"], "receipt"),
    (&["mix", "set", "c1", "--grid"], "result"),
    (&["mix", "resume", "c1"], "result"),
    (&["create", "c2"], "result"),
    (
        &["battle", "start", "c1", "--with", "c2", "--for", "1m"],
        "result",
    ),
    (&["battle", "score", "battle-1", "c1=10", "c2=7"], "result"),
    (&["battle", "info", "battle-1"], "object"),
    (
        &["gift", "add", "rose", "--name", "Rose", "--coins", "10"],
        "result",
    ),
    (&["gift", "get", "rose"], "object"),
    (
        &["gift", "send", "c1", "--from", "u1", "--gift", "rose"],
        "result",
    ),
    (&["gift", "count", "c1", "--user", "u1"], "object"),
    (&["gift", "remove", "rose", "--yes"], "result"),
    (&["transfer", "c1", "--to", "u4", "--yes"], "result"),
    (&["describe", "c1"], "object"),
    (&["api", "get_room_info", "-f", "RoomId=c1"], "object"),
    (
        &["user", "import", "fan1", "fan2", "--nick", "Fan"],
        "result",
    ),
    (&["user", "check", "fan1", "nobody"], "user"),
    (&["user", "get", "fan1", "host"], "user"),
    (
        &["user", "set", "fan1", "--avatar", "https://x/f.png"],
        "result",
    ),
    (
        &[
            "webhook",
            "set",
            "--url",
            "http://127.0.0.1:9/x",
            "--events",
            "Live.CallbackAfterEndBattle",
        ],
        "webhook",
    ),
    (&["webhook", "get"], "webhook"),
    (
        &["webhook", "token", "set", "--token-file", "token.txt"],
        "webhook_token",
    ),
    (&["webhook", "token", "get", "--show"], "webhook_token"),
    (&["webhook", "token", "delete", "--yes"], "webhook_token"),
    (&["webhook", "delete", "--yes"], "webhook"),
    (&["version"], "object"),
    (&["explain", "100004"], "object"),
    (&["doctor"], "object"),
    (&["profile", "show"], "object"),
    (&["destroy", "c1", "--yes"], "result"),
];

#[test]
fn every_json_line_of_every_command_fits_the_contract() {
    let emu = Emu::start(&["--listen", "127.0.0.1:0"]);
    let made = emu.post(
        "live_engine_http_srv/create_room",
        json!({"RoomInfo": {"RoomId": "warm", "RoomType": "Live",
                            "SeatTemplate": "VideoDynamicGrid9Seats", "Owner_Account": "host"}}),
    );
    assert_eq!(code(&made), 0, "{made}");
    emu.write("token.txt", "contract-token\n");
    let mut describe = None;
    for (args, noun) in WALK {
        if args[0] == "member" && args[1] == "list" || args[0] == "seat" && args[1] == "pick" {
            let joined = emu.post(
                "livectl_emulator/join_room",
                json!({"RoomId": "c1", "MemberList_Account": ["u1", "u2", "u3", "u4"]}),
            );
            assert_eq!(code(&joined), 0, "{joined}");
        }
        let got = lines(&emu, args);
        assert!(!got.is_empty(), "{args:?} printed nothing under -o json");
        for line in &got {
            if *noun == "object" {
                assert!(line.is_object(), "{args:?}: {line}");
                if args[0] == "describe" {
                    describe = Some(line.clone());
                }
            } else {
                nouns::check(noun, line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            }
        }
    }
    // describe holds the nouns too.
    let d = describe.expect("describe ran");
    nouns::check("room", &d["room"]).unwrap();
    nouns::check("stats", &d["stats"]).unwrap();
    for seat in d["seats"].as_array().unwrap() {
        nouns::check("seat", seat).unwrap();
    }
}

#[test]
fn every_command_is_walked() {
    // Every leaf command of the clap tree that talks to the service or
    // prints data has a row in WALK, or is named here as printing no JSON
    // of its own (tools and batch-only forms).
    let not_walked = [
        "usersig",
        "completions",
        "man",
        "help",
        "emulator",
        "emulator crowd",
        // A long-running receiver; its JSON lines are checked in tests/emulator/webhook.rs.
        "webhook listen",
        "profile add",
        "profile list",
        "profile remove",
        "profile use",
        "profile set",
        "profile unset",
        "seat unlock",
        "seat unmute",
    ];
    use clap::CommandFactory;
    let cli = livectl::cli::Cli::command();
    let mut leaves = Vec::new();
    for c in cli.get_subcommands() {
        let subs: Vec<_> = c.get_subcommands().collect();
        if subs.is_empty() {
            leaves.push(c.get_name().to_string());
        } else {
            leaves.extend(
                subs.iter()
                    .map(|s| format!("{} {}", c.get_name(), s.get_name())),
            );
        }
    }
    for leaf in leaves {
        let walked = WALK.iter().any(|(args, _)| {
            let name = if args.len() > 1 && !args[1].contains('-') && leaf.contains(' ') {
                format!("{} {}", args[0], args[1])
            } else {
                args[0].to_string()
            };
            name == leaf
        });
        assert!(
            walked || not_walked.contains(&leaf.as_str()),
            "`livectl {leaf}` is not in the JSON contract walk (tests/emulator/contract.rs)"
        );
    }
}
