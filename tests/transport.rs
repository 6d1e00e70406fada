//! Transport policy and trust in server text, against the real binary:
//! redirects are not followed, a loopback endpoint ignores proxies, server
//! text never brings the UserSig or terminal controls to any output, only a
//! numeric ErrorCode 0 is a success, answers are read up to a cap, and a
//! stdout write error other than a closed pipe is an error.

mod common;

use common::*;
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use predicates::str::contains;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;

fn all(out: &std::process::Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// No secret, no `usersig=` with a value other than `<redacted>`, no ESC or
/// BEL from the server.
fn assert_safe(text: &str) {
    assert_no_secret(text);
    let lower = text.to_ascii_lowercase();
    for (i, _) in lower.match_indices("usersig=") {
        assert!(
            text[i + 8..].starts_with("<redacted>"),
            "usersig with a value leaked:\n{text}"
        );
    }
    assert!(!text.contains("usersig%3D"), "{text}");
    assert!(
        !text.contains('\x1b') && !text.contains('\x07'),
        "terminal control from the server:\n{text:?}"
    );
}

/// The request's query as the service would quote it back.
fn query_of(req: &HttpMockRequest) -> String {
    req.uri().query().unwrap_or_default().to_string()
}

fn respond(status: u16, body: impl Into<String>) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.into())
        .build()
}

// ---- 1. redirects ----------------------------------------------------------

#[test]
fn redirects_are_not_followed_and_name_the_host_only() {
    for status in [301u16, 302, 303, 307, 308] {
        let env = TestEnv::new();
        let other = MockServer::start();
        let target = other.mock(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"ErrorCode": 0}));
        });
        let base = other.base_url();
        let redirect = env.server.mock(move |when, then| {
            when.path(path("create_room"));
            then.respond_with(move |req| {
                let loc = format!("{base}{}?{}", path("create_room"), query_of(req));
                HttpMockResponse::builder()
                    .status(status)
                    .header("location", loc)
                    .build()
            });
        });
        for verbose in [None, Some("-vv")] {
            let mut cmd = env.cmd();
            cmd.args(["create", "--room-id", "r1", "--retries", "0"]);
            if let Some(v) = verbose {
                cmd.arg(v);
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(7), "{status}: {}", all(&out));
            let err = stderr(&out);
            assert!(err.contains(&format!("HTTP {status}")), "{err}");
            assert!(
                err.contains(&format!(
                    "redirect to host \"127.0.0.1:{}\" was not followed",
                    other.port()
                )),
                "{err}"
            );
            assert!(!stdout(&out).contains("r1"), "nothing reported created");
            assert_safe(&all(&out));
            if verbose.is_none() {
                assert!(
                    !all(&out).to_ascii_lowercase().contains("usersig"),
                    "{}",
                    all(&out)
                );
            }
        }
        target.assert_calls(0);
        redirect.assert_calls(2);
    }
}

// ---- 2. proxies ------------------------------------------------------------

#[test]
fn a_loopback_endpoint_never_goes_through_a_proxy() {
    let env = TestEnv::new();
    let proxy = MockServer::start();
    let via_proxy = proxy.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(ok_reply("r1"));
    });
    let direct = env.server.mock(|when, then| {
        when.path(path("create_room")).is_true(valid_request);
        then.status(200).json_body(ok_reply("r1"));
    });
    let mut cmd = env.cmd();
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env(var, proxy.base_url());
    }
    cmd.args(["create", "--room-id", "r1"])
        .assert()
        .code(0)
        .stdout("r1\n");
    direct.assert_calls(1);
    via_proxy.assert_calls(0);
}

#[test]
fn doctor_says_whether_a_proxy_is_used() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("get_room_info"));
        then.status(200)
            .json_body(fail_reply(100004, "room not exist"));
    });
    env.cmd()
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .arg("doctor")
        .assert()
        .code(0)
        .stdout(contains(
            "ok    proxy: none: a loopback endpoint never goes through a proxy",
        ));
}

// ---- 3. server text --------------------------------------------------------

/// create_room answering 100002 with the request's query, a terminal title
/// sequence and a screen clear in ErrorInfo.
fn echoing_error_info(env: &TestEnv) -> httpmock::Mock<'_> {
    env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.respond_with(|req| {
            let info = format!(
                "invalid parameter in /v4/x?{} (last: usersig=eJyOlderSig0123456789) \x1b]0;pwned\x07\x1b[2Jdone\r",
                query_of(req)
            );
            let sig = req.query_params_map()["usersig"].clone();
            respond(
                200,
                json!({"ActionStatus":"FAIL","ErrorCode":100002,"ErrorInfo":info,"RequestId":format!("Id-{sig}")})
                    .to_string(),
            )
        });
    })
}

#[test]
fn error_info_quoting_the_url_is_scrubbed_everywhere() {
    let env = TestEnv::new();
    let m = echoing_error_info(&env);
    let out = env
        .cmd()
        .args(["create", "--room-id", "r1", "-vv", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", all(&out));
    assert_safe(&all(&out));
    let v = json_out(&out);
    assert_eq!(v["error_code"], 100002);
    let info = v["error_info"].as_str().unwrap();
    assert!(info.contains("usersig=<redacted>&random="), "{info}");
    assert!(info.ends_with("done"), "{info}");
    assert_eq!(v["request_id"], "Id-<redacted>");
    assert!(stderr(&out).contains("usersig=<redacted>&random="));
    m.assert_calls(1);

    // The batch report stores the same scrubbed text.
    let csv = env.write("rooms.csv", &rooms_csv(2));
    let report = env.dir.path().join("report.jsonl");
    let out = env
        .cmd()
        .args(["create", "--from-csv"])
        .arg(&csv)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", all(&out));
    assert_safe(&all(&out));
    let text = std::fs::read_to_string(&report).unwrap();
    assert_safe(&text);
    assert!(text.contains("usersig=<redacted>"), "{text}");
}

#[test]
fn an_html_error_page_quoting_the_url_is_scrubbed_at_vv() {
    let env = TestEnv::new();
    let m = env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.respond_with(|req| {
            let page = format!(
                "<html><body><h1>502 Bad Gateway</h1><a href=\"/v4/x?{}\">retry</a> \
                 <p>{}</p>\x1b[31m</body></html>",
                query_of(req),
                req.query_params_map()["usersig"]
            );
            HttpMockResponse::builder()
                .status(502)
                .header("content-type", "text/html")
                .body(page)
                .build()
        });
    });
    let out = env
        .cmd()
        .args([
            "create",
            "--room-id",
            "r1",
            "-vv",
            "-o",
            "json",
            "--retries",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", all(&out));
    let err = stderr(&out);
    assert!(err.contains("< <html><body><h1>502 Bad Gateway"), "{err}");
    assert!(err.contains("<p><redacted></p>"), "{err}");
    assert_safe(&all(&out));
    m.assert_calls(2);
}

// ---- 5. only a numeric ErrorCode 0 is a success ----------------------------

const UNUSABLE: &[&str] = &[
    "{}",
    r#"{"ErrorCode":"0"}"#,
    r#"{"ErrorCode":0,"ActionStatus":"FAIL"}"#,
    r#"{"ErrorCode":null,"ActionStatus":"OK"}"#,
    r#"{"ErrorCode":0.0}"#,
    r#"{"ActionStatus":"OK","RoomId":"r1"}"#,
    "null",
    "[]",
    r#"[{"ErrorCode":0}]"#,
    "<html>ok</html>",
];

#[test]
fn an_unusable_answer_is_an_uncertain_failure_not_a_success() {
    for body in UNUSABLE {
        let env = TestEnv::new();
        let body = body.to_string();
        let m = env.server.mock(move |when, then| {
            when.path(path("create_room"));
            then.respond_with(move |_| respond(200, body.clone()));
        });
        let out = env
            .cmd()
            .args(["create", "--room-id", "r1", "--retries", "1", "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{}", all(&out));
        assert!(stderr(&out).contains("unusable answer"), "{}", all(&out));
        let v = json_out(&out);
        assert_ne!(v["status"], "created", "{v}");
        m.assert_calls(2); // retried
    }
}

#[test]
fn a_batch_never_reports_an_unusable_answer_as_created() {
    for body in ["{}", r#"{"ErrorCode":0,"ActionStatus":"FAIL"}"#, "null"] {
        let env = TestEnv::new();
        let m = env.server.mock(move |when, then| {
            when.path(path("create_room"));
            then.respond_with(move |_| respond(200, body));
        });
        let csv = env.write("rooms.csv", &rooms_csv(3));
        let report = env.dir.path().join("report.jsonl");
        let out = env
            .cmd()
            .args(["create", "--from-csv"])
            .arg(&csv)
            .args(["--retries", "0", "--report"])
            .arg(&report)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(8), "{body}: {}", all(&out));
        assert_eq!(stdout(&out), "", "no room printed as created");
        let st = statuses(&read_report(&report));
        assert!(!st.is_empty(), "{}", all(&out));
        assert!(
            st.values().all(|s| s != "created"),
            "{body}: {st:?}\n{}",
            all(&out)
        );
        assert!(stderr(&out).contains("created 0,"), "{}", stderr(&out));
        assert!(m.calls() >= 1);
    }
}

// ---- 6. answer size --------------------------------------------------------

#[test]
fn an_answer_over_the_cap_is_a_transport_failure() {
    let env = TestEnv::new();
    let big = format!(r#"{{"ErrorCode":0,"Pad":"{}"}}"#, "a".repeat(5 << 20));
    let m = env.server.mock(move |when, then| {
        when.path(path("create_room"));
        then.status(200).body(big.clone());
    });
    env.cmd()
        .args(["create", "--room-id", "r1", "--retries", "0"])
        .assert()
        .code(7)
        .stdout("")
        .stderr(contains("larger than 4 MiB"));
    m.assert_calls(1);
}

/// An answer without Content-Length (read until the connection closes) is
/// cut at the cap too.
#[test]
fn an_answer_without_length_is_read_up_to_the_cap_only() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 8192];
        let _ = s.read(&mut buf);
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"ErrorCode\":0,\"Pad\":\"");
        let chunk = vec![b'a'; 1 << 20];
        let mut sent = 0;
        // 64 MiB unless the client stops reading first.
        while sent < 64 && s.write_all(&chunk).is_ok() {
            sent += 1;
        }
        sent
    });
    let env = TestEnv::new();
    env.cmd()
        .env("LIVECTL_ENDPOINT", format!("http://{addr}"))
        .args(["create", "--room-id", "r1", "--retries", "0"])
        .assert()
        .code(7)
        .stderr(contains("larger than 4 MiB"));
    let sent = server.join().unwrap();
    assert!(sent < 64, "the client read the whole 64 MiB");
}

/// A declared length over the cap fails at once, before any of the body is
/// read (this server never sends it: without the check the client would wait
/// for it until --timeout and fail differently).
#[test]
fn a_declared_length_over_the_cap_fails_before_reading() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 8192];
        let _ = s.read(&mut buf);
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{{", 5 << 20);
        let _ = s.write_all(head.as_bytes());
        // Hold the connection until the client goes away.
        let _ = s.read(&mut buf);
    });
    let env = TestEnv::new();
    env.cmd()
        .env("LIVECTL_ENDPOINT", format!("http://{addr}"))
        .args([
            "create",
            "--room-id",
            "r1",
            "--retries",
            "0",
            "--timeout",
            "5",
        ])
        .assert()
        .code(7)
        .stderr(contains("larger than 4 MiB"));
}

// ---- 7. stdout write errors ------------------------------------------------

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs /dev/full (Linux)")]
fn a_full_disk_on_stdout_is_an_error() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.status(200).json_body(ok_reply("r1"));
    });
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full must exist on Linux");
    let out = env
        .process(assert_cmd::cargo::cargo_bin("livectl"))
        .args(["create", "--room-id", "r1"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot write the results to stdout"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}

#[test]
fn a_closed_pipe_stays_a_quiet_end() {
    let env = TestEnv::new();
    let mut child = env
        .process(assert_cmd::cargo::cargo_bin("livectl"))
        .args(["create", "--room-id", "r1", "--dry-run", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

// ---- transport error chains ------------------------------------------------

#[test]
fn transport_error_chains_at_vv_hold_no_usersig() {
    // Accepts, reads the request, closes without an answer.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { break };
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf);
        }
    });
    let env = TestEnv::new();
    for endpoint in [format!("http://{addr}"), "http://127.0.0.1:1".to_string()] {
        let out = env
            .cmd()
            .env("LIVECTL_ENDPOINT", &endpoint)
            .args(["create", "--room-id", "r1", "-vv", "--retries", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{}", all(&out));
        assert!(stderr(&out).contains("retry 1 of 1"), "{}", stderr(&out));
        assert_safe(&all(&out));
    }
}

// ---- 8. codes and timeout --------------------------------------------------

#[test]
fn a_short_timeout_warns_that_the_service_may_take_3_s() {
    let env = TestEnv::new();
    env.server.mock(|when, then| {
        when.path(path("create_room"));
        then.status(200).json_body(ok_reply("r1"));
    });
    env.cmd()
        .args(["create", "--room-id", "r1", "--timeout", "3"])
        .assert()
        .code(0)
        .stderr(contains("warning: --timeout 3 s is short"));
    env.cmd()
        .args(["create", "--room-id", "r1", "--timeout", "4"])
        .assert()
        .code(0)
        .stderr("");
}

#[test]
fn new_codes_are_explained_and_classed() {
    let env = TestEnv::new();
    for (code, class, words) in [
        (70202, "retry", "server internal timeout"),
        (93000, "fail", "request too large"),
        (100010, "exists", "Owner_Account is the same"),
        (100424, "retry", "stream-mixing task not found"),
        (70009, "auth", "wrong region?"),
    ] {
        env.bare_cmd()
            .args(["explain", &code.to_string()])
            .assert()
            .code(0)
            .stdout(contains(words))
            .stdout(contains(class));
    }
    // A retryable new code is retried, then exit 7.
    let env = TestEnv::new();
    scripted(&env, vec![90992, 91000, 70202]);
    env.cmd()
        .args(["create", "--room-id", "r1", "--retries", "2"])
        .assert()
        .code(7)
        .stderr(contains("70202"));
    let env = TestEnv::new();
    scripted(&env, vec![93000]);
    env.cmd()
        .args(["create", "--room-id", "r1"])
        .assert()
        .code(5)
        .stderr(contains("93000 scripted; fix: shorten the fields"));
}
