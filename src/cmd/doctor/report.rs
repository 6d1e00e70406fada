//! The doctor's report: one line per check (`ok|warn|fail  check: detail`,
//! with a `fix:` line under a warning or failure, or one JSON object per
//! check), printed as each check finishes, and the exit error chosen from the
//! first failure. Also the pure judgements: clock skew and the answer to the
//! authenticated read.

use serde_json::json;
use std::time::SystemTime;

use crate::api::Reply;
use crate::cmd::Stop;
use crate::codes::{self, Class};
use crate::error::{Error, Failure, ServiceFailure};
use crate::output::{self, Format};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    Ok,
    Warn,
    Fail,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
        }
    }
}

/// Which exit code a failure leads to.
#[derive(Clone, Debug, PartialEq)]
pub enum FailKind {
    /// Configuration or credentials missing or unsafe, or the clock (3).
    Config,
    /// A bad flag value (2).
    Usage,
    /// DNS, connection, TLS or HTTP trouble (7).
    Network,
    /// The service answered with a failure code (4 for auth codes).
    Service {
        code: i64,
        info: String,
        request_id: String,
    },
}

/// One check's result.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: &'static str,
    pub status: CheckStatus,
    pub detail: String,
    pub fix: Option<String>,
    pub kind: FailKind,
}

impl Check {
    pub fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status: CheckStatus::Ok,
            detail: detail.into(),
            fix: None,
            kind: FailKind::Config,
        }
    }
    pub fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            status: CheckStatus::Warn,
            fix: Some(fix.into()),
            ..Check::ok(name, detail)
        }
    }
    pub fn fail(
        name: &'static str,
        kind: FailKind,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            status: CheckStatus::Fail,
            fix: Some(fix.into()),
            kind,
            ..Check::ok(name, detail)
        }
    }

    /// The text lines: `ok    name: detail`, then `      fix: ...`.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{:<4}  {}: {}",
            self.status.as_str(),
            self.name,
            self.detail
        );
        if let Some(fix) = &self.fix {
            s.push_str(&format!("\n      fix: {fix}"));
        }
        s
    }

    pub fn json(&self) -> serde_json::Value {
        json!({"check": self.name, "status": self.status.as_str(), "detail": self.detail, "fix": self.fix})
    }
}

/// Collects checks and prints each one as it is added.
pub struct Report {
    format: Format,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(format: Format) -> Report {
        Report {
            format,
            checks: Vec::new(),
        }
    }

    pub fn add(&mut self, c: Check) {
        match self.format {
            Format::Json => output::print_json(&c.json()),
            Format::Text => output::println(c.text()),
        }
        self.checks.push(c);
    }

    /// Ok when nothing failed (warnings allowed); else the first failure:
    /// an error (config, usage) or a refusal (network, service), whose kind
    /// picks the exit code.
    pub fn finish(self) -> crate::cmd::Result<()> {
        let failed: Vec<&Check> = self
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .collect();
        let Some(first) = failed.first() else {
            return Ok(());
        };
        let what = match failed.len() {
            1 => format!("doctor: check `{}` failed", first.name),
            n => format!("doctor: {n} checks failed; the first, `{}`", first.name),
        };
        Err(match &first.kind {
            FailKind::Config => Stop::Error(Error::config(format!("{what}: {}", first.detail))),
            FailKind::Usage => Stop::Error(Error::usage(format!("{what}: {}", first.detail))),
            FailKind::Network => {
                Stop::Refused(Failure::Network(format!("{what}: {}", first.detail)))
            }
            FailKind::Service {
                code,
                info,
                request_id,
            } => Stop::Refused(Failure::Service(ServiceFailure {
                what,
                code: *code,
                info: info.clone(),
                request_id: request_id.clone(),
                attempts: 1,
            })),
        })
    }
}

/// Allowed skew between the local clock and the service's, in seconds.
pub const CLOCK_WARN_SECS: i64 = 60;
pub const CLOCK_FAIL_SECS: i64 = 300;

/// Compares the local clock with the service's HTTP `Date` header.
pub fn clock(date: Option<&str>, now: SystemTime) -> Check {
    let Some(date) = date else {
        return Check::warn(
            "clock",
            "the service sent no Date header, so the clock was not compared",
            "make sure the clock is synced (NTP): a UserSig from a skewed clock is rejected",
        );
    };
    let Ok(server) = httpdate::parse_http_date(date) else {
        return Check::warn(
            "clock",
            format!("the service's Date header \"{date}\" is not an HTTP date"),
            "make sure the clock is synced (NTP)",
        );
    };
    let skew = match now.duration_since(server) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let dir = if skew >= 0 { "ahead of" } else { "behind" };
    let detail = format!(
        "local clock is {} s {dir} the service's ({date})",
        skew.abs()
    );
    let fix = "sync the clock with NTP (e.g. `sudo timedatectl set-ntp true`): the service \
               rejects a UserSig minted by a skewed clock";
    match skew.abs() {
        s if s <= CLOCK_WARN_SECS => Check::ok("clock", detail),
        s if s <= CLOCK_FAIL_SECS => Check::warn("clock", detail, fix),
        _ => Check::fail("clock", FailKind::Config, detail, fix),
    }
}

/// Judges the answer to `get_room_info` on a random room ID: 100004 (no
/// such room) or 0 means the credentials were accepted.
pub fn credentials(reply: &Reply) -> Check {
    let id = if reply.request_id.is_empty() {
        "no RequestId".into()
    } else {
        format!("RequestId {}", reply.request_id)
    };
    let code = reply.error_code;
    if code == 100004 || code == 0 {
        return Check::ok(
            "credentials",
            format!(
                "get_room_info on a random room ID answered {code}: the service accepted the credentials ({id})"
            ),
        );
    }
    let kind = FailKind::Service {
        code,
        info: reply.error_info.clone(),
        request_id: reply.request_id.clone(),
    };
    let info = if reply.error_info.is_empty() {
        String::new()
    } else {
        format!(" {}", reply.error_info)
    };
    let (detail, fix) = match codes::class_of(code) {
        Class::Auth | Class::Resign => (
            format!("the service rejected the credentials: {code}{info} ({id})"),
            format!(
                "{}; likely causes: a wrong secret key, sdkappid or region, or an identifier that is not an App admin",
                codes::explanation(code)
            ),
        ),
        c if c.retryable() => (
            format!("the service is busy or unavailable: {code}{info} ({id})"),
            format!(
                "{}; run `livectl doctor` again in a minute",
                codes::explanation(code)
            ),
        ),
        _ => (
            format!("the service refused the request: {code}{info} ({id})"),
            codes::explanation(code),
        ),
    };
    Check::fail("credentials", kind, detail, fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn reply(code: i64) -> Reply {
        Reply {
            error_code: code,
            error_info: "info".into(),
            request_id: "Id-1".into(),
            ..Reply::default()
        }
    }

    #[test]
    fn clock_thresholds() {
        let server = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = httpdate::fmt_http_date(server);
        let at = |secs: i64| {
            let now = if secs >= 0 {
                server + Duration::from_secs(secs as u64)
            } else {
                server - Duration::from_secs((-secs) as u64)
            };
            clock(Some(&date), now)
        };
        assert_eq!(at(0).status, CheckStatus::Ok);
        assert_eq!(at(60).status, CheckStatus::Ok);
        assert_eq!(at(-61).status, CheckStatus::Warn);
        assert!(at(-61).detail.contains("61 s behind"), "{}", at(-61).detail);
        assert_eq!(at(300).status, CheckStatus::Warn);
        let far = at(301);
        assert_eq!(far.status, CheckStatus::Fail);
        assert!(far.detail.contains("301 s ahead of"));
        assert_eq!(far.kind, FailKind::Config);
        assert_eq!(clock(None, server).status, CheckStatus::Warn);
        assert_eq!(clock(Some("yesterday"), server).status, CheckStatus::Warn);
    }

    fn exit_of(stop: Stop) -> u8 {
        crate::error::exit_status(&stop.into_end())
    }

    #[test]
    fn credentials_judgement_and_exit_codes() {
        assert_eq!(credentials(&reply(100004)).status, CheckStatus::Ok);
        assert_eq!(credentials(&reply(0)).status, CheckStatus::Ok);
        let exit = |code| {
            let mut r = Report::new(Format::Text);
            r.checks.push(credentials(&reply(code)));
            exit_of(r.finish().unwrap_err())
        };
        assert_eq!(exit(70009), 4);
        assert_eq!(exit(60006), 4);
        assert_eq!(exit(70001), 4);
        assert_eq!(exit(60008), 7);
        assert_eq!(exit(60021), 5);
        let c = credentials(&reply(60006));
        assert!(
            c.fix.as_deref().unwrap().contains("wrong region?"),
            "{:?}",
            c.fix
        );
        assert!(c.detail.contains("RequestId Id-1"));
    }

    #[test]
    fn first_failure_picks_the_exit_code_and_warnings_pass() {
        let mut r = Report::new(Format::Text);
        r.checks
            .push(Check::warn("config permissions", "0644", "chmod 600 f"));
        assert!(r.finish().is_ok());
        let mut r = Report::new(Format::Text);
        r.checks.push(Check::fail(
            "secret key",
            FailKind::Config,
            "not set",
            "set it",
        ));
        r.checks
            .push(Check::fail("reach", FailKind::Network, "refused", "check"));
        let Stop::Error(err) = r.finish().unwrap_err() else {
            panic!("a config failure is an error")
        };
        assert_eq!(crate::error::exit_code(&err), 3);
        assert!(
            err.to_string()
                .starts_with("doctor: 2 checks failed; the first, `secret key`: not set"),
            "{err}"
        );
    }

    #[test]
    fn text_and_json_lines() {
        let c = Check::warn("clock", "90 s ahead", "sync it");
        assert_eq!(c.text(), "warn  clock: 90 s ahead\n      fix: sync it");
        assert_eq!(Check::ok("dns", "x").text(), "ok    dns: x");
        assert_eq!(
            c.json(),
            json!({"check": "clock", "status": "warn", "detail": "90 s ahead", "fix": "sync it"})
        );
    }
}
