//! Accounts in the emulator: the admin and the demo users are imported at
//! start; import, check, get and set through the real binary; an owner, a
//! new owner, a robot or a seated non-member must be imported (70107, the
//! error naming `livectl user import USER`); `--accounts open` accepts
//! anyone.

use predicates::prelude::*;
use serde_json::json;

use super::harness::{Emu, code};

fn made(emu: &Emu) {
    emu.client()
        .args(["create", "r", "--owner", "host"])
        .assert()
        .code(0);
}

#[test]
fn an_unimported_user_is_refused_with_the_import_command_as_the_fix() {
    let emu = Emu::start(&["--listen", ":0"]);
    let fix = predicate::str::contains("livectl user import USER");
    emu.client()
        .args(["create", "r2", "--owner", "ghost"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("70107").and(fix.clone()));
    made(&emu);
    for args in [
        &["transfer", "r", "--to", "ghost", "--yes"][..],
        &["robot", "add", "r", "ghost"],
        &["seat", "pick", "r", "ghost", "--index", "1"],
    ] {
        emu.client()
            .args(args)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("70107").and(fix.clone()));
    }
    emu.client()
        .args(["user", "import", "ghost"])
        .assert()
        .code(0)
        .stdout("ghost imported\n");
    emu.client()
        .args(["robot", "add", "r", "ghost"])
        .assert()
        .code(0);
    emu.client()
        .args(["transfer", "r", "--to", "ghost", "--yes"])
        .assert()
        .code(0);
    emu.client()
        .args(["create", "r2", "--owner", "ghost"])
        .assert()
        .code(0);
}

#[test]
fn import_check_get_and_set_round_trip() {
    let emu = Emu::start(&["--listen", ":0"]);
    emu.client()
        .args(["user", "check", "administrator", "host", "bot3", "fan"])
        .assert()
        .code(0)
        .stdout(
            "USER           STATUS\nadministrator  imported\nhost           imported\n\
             bot3           imported\nfan            not imported\n",
        );
    emu.client()
        .args(["user", "import", "fan", "fan2", "--nick", "Fan"])
        .assert()
        .code(0)
        .stdout("fan imported\nfan2 imported\n");
    // Re-importing succeeds and updates the profile.
    emu.client()
        .args(["user", "import", "fan", "--nick", "Fan one"])
        .assert()
        .code(0);
    emu.client()
        .args(["user", "set", "fan", "--avatar", "https://x/f.png"])
        .assert()
        .code(0)
        .stdout("fan updated\n");
    emu.client()
        .args(["user", "get", "fan", "fan2", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"user\":\"fan\",\"nick\":\"Fan one\",\"avatar\":\"https://x/f.png\"}\n\
             {\"user\":\"fan2\",\"nick\":\"Fan\",\"avatar\":\"\"}\n",
        );
    // portrait_get: an unimported user is a per-user 40003, exit 5.
    emu.client()
        .args(["user", "get", "fan", "nobody"])
        .assert()
        .code(5)
        .stdout(predicate::str::contains("nobody  failed: 40003"))
        .stderr(predicate::str::contains("\"nobody\""));
    emu.client()
        .args(["user", "set", "nobody", "--nick", "x"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("40003")
                .and(predicate::str::contains("livectl user import USER")),
        );
    let bad = emu.post(
        "im_open_login_svc/multiaccount_import",
        json!({"AccountList": [{"UserID": "ok1"}, {"UserID": "x".repeat(33)}]}),
    );
    assert_eq!(code(&bad), 0, "{bad}");
    assert_eq!(bad["FailAccounts"], json!(["x".repeat(33)]));
    let one = emu.post(
        "im_open_login_svc/account_import",
        json!({"UserID": "n", "Nick": "x".repeat(501)}),
    );
    assert_eq!(code(&one), 40601, "{one}");
}

#[test]
fn accounts_open_accepts_anyone() {
    let emu = Emu::start(&["--listen", ":0", "--accounts", "open"]);
    emu.client()
        .args(["create", "r", "--owner", "ghost"])
        .assert()
        .code(0);
    emu.client()
        .args(["robot", "add", "r", "ghost2"])
        .assert()
        .code(0);
}
