//! Error kinds, a service [`Failure`] (data, not an error), how a run
//! ended ([`End`]) and the one mapping from that to the exit code (cli.md
//! section 4): [`exit_status`].

use crate::codes::{self, Class};

pub const EXIT_OK: u8 = 0;
/// Also: results could not be written to stdout (disk full), a declined prompt.
pub const EXIT_INTERNAL: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_CONFIG: u8 = 3;
pub const EXIT_AUTH: u8 = 4;
pub const EXIT_REFUSED: u8 = 5;
pub const EXIT_TAKEN: u8 = 6;
pub const EXIT_NETWORK: u8 = 7;
pub const EXIT_BATCH: u8 = 8;
pub const EXIT_INTERRUPTED: u8 = 130;
/// 128 + SIGTERM, as a shell reports a process the signal ended.
pub const EXIT_TERMINATED: u8 = 143;

/// A failure answer from the service, after retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFailure {
    /// What failed, e.g. `room "r1" was not created`.
    pub what: String,
    pub code: i64,
    pub info: String,
    pub request_id: String,
    /// 100010 counted as a failure (no `--exists-ok`).
    pub attempts: u32,
}

impl ServiceFailure {
    pub fn class(&self) -> Class {
        codes::class_of(self.code)
    }
}

impl std::fmt::Display for ServiceFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.what,
            codes::compose(self.code, &self.info)
        )?;
        if self.class().retryable() && self.attempts > 1 {
            write!(f, "; still failing after {} attempts", self.attempts)?;
        }
        if self.request_id.is_empty() {
            write!(f, " (no RequestId)")
        } else {
            write!(f, " (RequestId {})", self.request_id)
        }
    }
}

static CREDENTIAL_SOURCES: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Where this run's credentials came from (set when the signing client is
/// made), said with a refusal of the credentials.
pub fn set_credential_sources(text: String) {
    *CREDENTIAL_SOURCES.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
}

static LOCAL_ENDPOINT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this run talks to an endpoint on this machine (an emulator).
pub fn set_local_endpoint(local: bool) {
    LOCAL_ENDPOINT.store(local, std::sync::atomic::Ordering::Relaxed);
}

/// For "must enter the room first" (100005) from an emulator: the command
/// that puts users in a room.
pub fn emulator_note(f: &Failure) -> Option<String> {
    match f {
        Failure::Service(s)
            if s.code == 100_005 && LOCAL_ENDPOINT.load(std::sync::atomic::Ordering::Relaxed) =>
        {
            Some(
                "on the emulator, put users in the room first: `livectl emulator join ROOM USER...`"
                    .into(),
            )
        }
        _ => None,
    }
}

/// For a failure that rejects the credentials, where they came from.
pub fn credential_note(f: &Failure) -> Option<String> {
    let Failure::Service(s) = f else {
        return None;
    };
    if !matches!(s.class(), Class::Auth | Class::Resign) && s.code != 60006 {
        return None;
    }
    CREDENTIAL_SOURCES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// A service call that ended without doing what was asked: the service's
/// failure code, or no answer at all. Data, not an error: it ends a run as
/// [`End::Refused`], its exit code picked by [`exit_status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service answered with a failure code.
    Service(ServiceFailure),
    /// Network failure or timeout, after the retries: the whole sentence.
    /// Never holds a URL with a UserSig in it (see `api`).
    Network(String),
    /// The service took the request but did not do it, without a failure
    /// code (a message dropped with `MsgDropReason`): the whole sentence.
    Dropped(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Service(s) => s.fmt(f),
            Failure::Network(s) | Failure::Dropped(s) => f.write_str(s),
        }
    }
}

/// Every error that picks its own exit code. Anything else is internal (1).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid flags, values or CSV: nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// Configuration or credentials missing, unreadable or unsafe.
    #[error("{0}")]
    Config(String),
    /// A local socket could not be opened (the emulator's `--listen`): exit 7.
    #[error("{0}")]
    Listen(String),
}

/// How a run that went to its end ended. Not an error: each failed row, the
/// summary or the refusal were already reported, so there is nothing left
/// to print, only an exit code to give. Everything else ends as an `Err`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Everything asked for was done.
    Done,
    /// A batch finished with at least one failed row.
    RowsFailed,
    /// SIGINT (Ctrl-C) stopped a batch: rows in flight finished, the rest
    /// did not start.
    Interrupted,
    /// SIGTERM, the same way.
    Terminated,
    /// The service refused (or never answered) a single-room command, or
    /// stopped a batch early; its line is on stderr already.
    Refused(Failure),
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            End::Done => "done",
            End::RowsFailed => "some rows failed",
            End::Interrupted => "interrupted",
            End::Terminated => "terminated",
            End::Refused(_) => "refused",
        })
    }
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> anyhow::Error {
        Error::Usage(msg.into()).into()
    }
    pub fn config(msg: impl Into<String>) -> anyhow::Error {
        Error::Config(msg.into()).into()
    }
}

/// Exit code for a service code (cli.md section 4).
pub fn exit_for_code(code: i64) -> u8 {
    match codes::class_of(code) {
        Class::Auth | Class::Resign => EXIT_AUTH,
        Class::Taken | Class::Exists => EXIT_TAKEN,
        Class::Retry | Class::RetryRate | Class::RetrySlow => EXIT_NETWORK,
        Class::NotFound | Class::RequestBug | Class::Fail => EXIT_REFUSED,
    }
}

/// The one mapping from how a run ended to the process's exit code: an
/// [`End`] by its kind (a refusal by its service code), an error by
/// [`exit_code`].
pub fn exit_status(result: &anyhow::Result<End>) -> u8 {
    match result {
        Ok(End::Done) => EXIT_OK,
        Ok(End::RowsFailed) => EXIT_BATCH,
        Ok(End::Interrupted) => EXIT_INTERRUPTED,
        Ok(End::Terminated) => EXIT_TERMINATED,
        Ok(End::Refused(Failure::Service(f))) => exit_for_code(f.code),
        Ok(End::Refused(Failure::Network(_))) => EXIT_NETWORK,
        Ok(End::Refused(Failure::Dropped(_))) => EXIT_REFUSED,
        Err(e) => exit_code(e),
    }
}

/// The exit code of an error: its kind, or internal (1).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Usage(_)) => EXIT_USAGE,
        Some(Error::Config(_)) => EXIT_CONFIG,
        Some(Error::Listen(_)) => EXIT_NETWORK,
        None => EXIT_INTERNAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i64) -> Failure {
        Failure::Service(ServiceFailure {
            what: "room \"r\" was not created".into(),
            code,
            info: "text".into(),
            request_id: "Id-1".into(),
            attempts: 1,
        })
    }

    /// The exit code of a run the service refused.
    fn refused(code: i64) -> u8 {
        exit_status(&Ok(End::Refused(failure(code))))
    }

    #[test]
    fn one_test_per_row_of_the_exit_code_table() {
        assert_eq!(exit_code(&anyhow::anyhow!("bug")), 1);
        assert_eq!(exit_code(&Error::usage("bad flag")), 2);
        assert_eq!(exit_code(&Error::config("no file")), 3);
        for code in [
            60004, 60005, 60006, 60010, 60012, 70001, 70002, 70003, 70005, 70009, 70013, 70014,
            70016, 70020, 70052, 70403, 90009, 70006, 70008, 70010,
        ] {
            assert_eq!(refused(code), 4, "{code}");
        }
        for code in [
            100002, 100004, 100007, 100026, 60016, 60020, 70107, 80001, 12345, 93000, 100005,
            100020, 100200, 100202, 100203, 100205, 100210, 100211, 100427, 100500, 100501, 100502,
        ] {
            assert_eq!(refused(code), 5, "{code}");
        }
        for code in [100003, 100011, 100010] {
            assert_eq!(refused(code), 6, "{code}");
        }
        for code in [
            100001, 100012, 60007, 60008, 60011, 60018, 60019, 70169, 70500, 70202, 90992, 90994,
            90995, 91000, 100422, 100424,
        ] {
            assert_eq!(refused(code), 7, "{code}");
        }
        // No answer after the retries: 7.
        let network = Failure::Network("timeout".into());
        assert_eq!(exit_status(&Ok(End::Refused(network))), 7);
        assert_eq!(exit_code(&Error::Listen("in use".into()).into()), 7);
        let dropped = Failure::Dropped("dropped".into());
        assert_eq!(exit_status(&Ok(End::Refused(dropped))), 5);
        // The ends that are not errors.
        assert_eq!(exit_status(&Ok(End::Done)), 0);
        assert_eq!(exit_status(&Ok(End::RowsFailed)), 8);
        assert_eq!(exit_status(&Ok(End::Interrupted)), 130);
        assert_eq!(exit_status(&Ok(End::Terminated)), 143);
        // An error keeps its own code through exit_status.
        assert_eq!(exit_status(&Err(Error::usage("bad flag"))), 2);
    }

    #[test]
    fn service_message_has_code_text_fix_and_request_id_each_once() {
        let msg = failure(100003).to_string();
        assert_eq!(
            msg,
            "room \"r\" was not created: 100003 text; fix: choose another room ID (RequestId Id-1)"
        );
    }
}
