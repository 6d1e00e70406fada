//! `livectl user import|check|get|set`: exact bodies (account_import for one,
//! multiaccount_import in calls of 100 for many), per-user reports from
//! FailAccounts / ResultItem / UserProfileItem, exit codes, limits checked
//! before sending, values escaped in text and exact in JSON.

mod common;

use common::*;
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use predicates::prelude::*;
use serde_json::{Value, json};

fn ok(rest: Value) -> Value {
    let mut v = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-u"});
    for (k, x) in rest.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn mount<'a>(server: &'a MockServer, path: &str, body: Value, answer: Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path(format!("/v4/{path}"))
            .is_true(valid_request)
            .json_body(body);
        then.status(200).json_body(answer);
    })
}

#[test]
fn import_one_sends_account_import_with_nick_and_avatar() {
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "im_open_login_svc/account_import",
        json!({"UserID": "host", "Nick": "Host", "FaceUrl": "https://x/a.png"}),
        ok(json!({})),
    );
    env.cmd()
        .args([
            "user",
            "import",
            "host",
            "--nick",
            "Host",
            "--avatar",
            "https://x/a.png",
        ])
        .assert()
        .code(0)
        .stdout("host imported\n");
    let bare = mount(
        &env.server,
        "im_open_login_svc/account_import",
        json!({"UserID": "bot1"}),
        ok(json!({})),
    );
    env.cmd()
        .args(["user", "import", "bot1", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"status\":\"imported\",\"user\":\"bot1\",\"request_id\":\"Id-u\",\"attempts\":1}\n",
        );
    m.assert_calls(1);
    bare.assert_calls(1);
}

#[test]
fn import_many_goes_in_calls_of_100_and_reports_fail_accounts() {
    let env = TestEnv::new();
    let users: Vec<String> = (0..150).map(|i| format!("u{i}")).collect();
    let list = |r: std::ops::Range<usize>| -> Value {
        json!({"AccountList": users[r].iter().map(|u| json!({"UserID": u, "Nick": "G"})).collect::<Vec<_>>()})
    };
    let first = mount(
        &env.server,
        "im_open_login_svc/multiaccount_import",
        list(0..100),
        ok(json!({"FailAccounts": []})),
    );
    let second = mount(
        &env.server,
        "im_open_login_svc/multiaccount_import",
        list(100..150),
        ok(json!({"FailAccounts": ["u120"]})),
    );
    let file = env.write("users.txt", &users.join("\n"));
    let out = env
        .cmd()
        .args([
            "user",
            "import",
            "--nick",
            "G",
            "-o",
            "json",
            "--users-from",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 150);
    assert_eq!(lines[120]["status"], "failed");
    assert_eq!(lines[120]["user"], "u120");
    assert_eq!(lines[119]["status"], "imported");
    for l in &lines {
        livectl::cmd::nouns::check("result", l).unwrap();
    }
    assert!(stderr(&out).contains("\"u120\""), "{}", stderr(&out));
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
fn a_refused_import_exits_by_its_code_and_says_the_fix() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path("/v4/im_open_login_svc/account_import");
        then.status(200)
            .json_body(fail_reply(70398, "account count limit"));
    });
    env.cmd()
        .args(["user", "import", "host"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("70398").and(predicate::str::contains("\"host\"")));
    m.assert_calls(1);
}

#[test]
fn check_says_imported_or_not_per_user() {
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "im_open_login_svc/account_check",
        json!({"CheckItem": [{"UserID": "host"}, {"UserID": "ghost"}]}),
        ok(json!({"ResultItem": [
            {"UserID": "host", "ResultCode": 0, "ResultInfo": "", "AccountStatus": "Imported"},
            {"UserID": "ghost", "ResultCode": 0, "ResultInfo": "", "AccountStatus": "NotImported"}]})),
    );
    env.cmd()
        .args(["user", "check", "host", "ghost"])
        .assert()
        .code(0)
        .stdout("USER   STATUS\nhost   imported\nghost  not imported\n");
    let out = env
        .cmd()
        .args(["user", "check", "host", "ghost", "-o", "json"])
        .output()
        .unwrap();
    let lines = json_lines(&out);
    assert_eq!(
        lines,
        [
            json!({"user": "host", "account_status": "Imported", "imported": true}),
            json!({"user": "ghost", "account_status": "NotImported", "imported": false}),
        ]
    );
    for l in &lines {
        livectl::cmd::nouns::check("user", l).unwrap();
    }
    m.assert_calls(2);
}

#[test]
fn get_reads_nick_and_avatar_escaped_in_text_exact_in_json() {
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "profile/portrait_get",
        json!({"To_Account": ["host"], "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]}),
        ok(
            json!({"UserProfileItem": [{"To_Account": "host", "ResultCode": 0, "ResultInfo": "",
            "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "\u{1b}[31mHost"},
                            {"Tag": "Tag_Profile_IM_Image", "Value": "https://x/a.png"}]}],
            "ErrorDisplay": ""}),
        ),
    );
    env.cmd()
        .args(["user", "get", "host"])
        .assert()
        .code(0)
        .stdout("USER  NICK        AVATAR\nhost  \\e[31mHost  https://x/a.png\n");
    env.cmd()
        .args(["user", "get", "host", "-o", "json"])
        .assert()
        .code(0)
        .stdout(
            "{\"user\":\"host\",\"nick\":\"\\u001b[31mHost\",\"avatar\":\"https://x/a.png\"}\n",
        );
    m.assert_calls(2);
}

#[test]
fn set_sends_portrait_set_and_needs_something_to_set() {
    let env = TestEnv::new();
    let m = mount(
        &env.server,
        "profile/portrait_set",
        json!({"From_Account": "host", "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "The host"}]}),
        ok(json!({"ErrorDisplay": ""})),
    );
    env.cmd()
        .args(["user", "set", "host", "--nick", "The host"])
        .assert()
        .code(0)
        .stdout("host updated\n");
    env.cmd().args(["user", "set", "host"]).assert().code(2);
    let long = "x".repeat(501);
    env.cmd()
        .args(["user", "set", "host", "--avatar", &long])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("500"));
    env.cmd()
        .args(["user", "import", "host", "--nick", &long])
        .assert()
        .code(2);
    env.cmd()
        .args(["user", "check", &"u".repeat(33)])
        .assert()
        .code(2);
    m.assert_calls(1);
}

#[test]
fn dry_run_and_raw_show_the_service_s_own_shapes() {
    let env = TestEnv::new();
    let any = env.server.mock(|when, then| {
        when.path("/v4/im_open_login_svc/multiaccount_import");
        then.status(200).json_body(ok(json!({"FailAccounts": []})));
    });
    let out = env
        .bare_cmd()
        .args(["user", "import", "a", "b", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_out(&out);
    assert_eq!(
        v["body"],
        json!({"AccountList": [{"UserID": "a"}, {"UserID": "b"}]})
    );
    assert!(
        v["url"]
            .as_str()
            .unwrap()
            .contains("/v4/im_open_login_svc/multiaccount_import?")
    );
    any.assert_calls(0);
    // -o raw: the answer's own top-level fields (these services have no Response).
    env.cmd()
        .args(["user", "import", "a", "b", "-o", "raw"])
        .assert()
        .code(0)
        .stdout("{\"FailAccounts\":[]}\n");
    any.assert_calls(1);
}

#[test]
fn code_70102_is_not_taken_as_exists() {
    // live-api.md §18.5: 70102 is an account-type error, not "exists".
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path("/v4/im_open_login_svc/account_import");
        then.status(200)
            .json_body(fail_reply(70102, "account type error"));
    });
    env.cmd()
        .args(["user", "import", "host"])
        .assert()
        .code(5)
        .stdout("")
        .stderr(
            predicate::str::contains("70102")
                .and(predicate::str::contains("livectl user check USER")),
        );
    m.assert_calls(1);
}
