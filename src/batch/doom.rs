//! When a batch is bound to fail: a credentials-class answer, or rows in a
//! row that got no answer at all. [`Watch`] sees each settled row (in the
//! worker, before it asks for another row) and says when to stop; [`Doom`]
//! is the one refusal the run then ends with (`End::Refused`).

use crate::codes::{self, Class};
use crate::error::{Failure, ServiceFailure};
use crate::output;
use crate::settle::{Record, Status};

/// This many rows in a row that got no answer after their retries stop the
/// run (exit 7): the endpoint is down or unreachable, so every row would
/// fail the same way.
pub const NO_ANSWER_STOP: u32 = 5;

/// Why a run stopped early: every row left was bound to fail the same way.
pub enum Doom {
    /// A credentials-class answer (`explain`'s auth class): the first one.
    Credentials(Record),
    /// [`NO_ANSWER_STOP`] rows in a row got no answer; the last one's detail.
    NoAnswer(String),
}

impl Doom {
    /// The one refusal of a stopped run; the next step goes to stderr first.
    pub fn error(&self, not_started: u64) -> Failure {
        let what = format!("batch stopped ({not_started} row(s) not started)");
        let fix = match self {
            Doom::Credentials(_) => "fix the credentials (livectl doctor shows what is wrong)",
            Doom::NoAnswer(_) => "check the endpoint and the network (livectl doctor)",
        };
        output::note(format!(
            "{fix}, then run the same command again: with --report and --resume it sends only the rows not done"
        ));
        match self {
            Doom::Credentials(rec) => Failure::Service(ServiceFailure {
                what: format!(
                    "{what}: the service refused the credentials, so every row would fail"
                ),
                code: rec.error_code.unwrap_or_default(),
                info: rec.error_info.clone().unwrap_or_default(),
                request_id: rec.request_id.clone().unwrap_or_default(),
                attempts: rec.attempts,
            }),
            Doom::NoAnswer(detail) => Failure::Network(format!(
                "{what}: {NO_ANSWER_STOP} rows in a row got no answer after their retries: {detail}"
            )),
        }
    }
}

/// Watches settled rows for a run that is bound to fail.
#[derive(Default)]
pub struct Watch {
    no_answer_streak: u32,
    pub doom: Option<Doom>,
}

impl Watch {
    /// Looks at one settled row; `true` when it is part of a doom (its error
    /// is then said once, at the end, not per row).
    pub fn see(&mut self, rec: &Record) -> bool {
        if rec.status != Status::Failed {
            self.no_answer_streak = 0;
            return false;
        }
        match rec.error_code {
            Some(c) if matches!(codes::class_of(c), Class::Auth | Class::Resign) => {
                self.doom
                    .get_or_insert_with(|| Doom::Credentials(rec.clone()));
                true
            }
            Some(_) => {
                self.no_answer_streak = 0;
                false
            }
            None => {
                self.no_answer_streak += 1;
                if self.no_answer_streak >= NO_ANSWER_STOP && self.doom.is_none() {
                    let detail = rec.error_info.clone().unwrap_or_default();
                    self.doom = Some(Doom::NoAnswer(detail));
                }
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(code: Option<i64>) -> Record {
        Record {
            error_code: code,
            status: Status::Failed,
            ..Record::settled("r", Status::Failed, "", None, 1)
        }
    }

    #[test]
    fn only_rows_in_a_row_without_an_answer_stop_the_run() {
        let mut w = Watch::default();
        let ok = Record::settled("r", Status::Created, "Id", None, 1);
        for _ in 0..NO_ANSWER_STOP - 1 {
            assert!(!w.see(&failed(None)));
        }
        w.see(&ok);
        for _ in 0..NO_ANSWER_STOP - 1 {
            w.see(&failed(None));
        }
        w.see(&failed(Some(100_002)));
        for _ in 0..NO_ANSWER_STOP - 1 {
            w.see(&failed(None));
        }
        assert!(
            w.doom.is_none(),
            "an answer (even a refusal) breaks the streak"
        );
        w.see(&failed(None));
        assert!(matches!(w.doom, Some(Doom::NoAnswer(_))));
    }

    #[test]
    fn credentials_answers_stop_the_run_per_row_refusals_do_not() {
        let mut w = Watch::default();
        for code in [100_002, 100_003, 100_010, 60_007] {
            assert!(!w.see(&failed(Some(code))));
        }
        assert!(w.doom.is_none());
        for code in [60_004, 60_006, 70_003, 70_052, 90_009] {
            let mut w = Watch::default();
            assert!(w.see(&failed(Some(code))), "{code}");
            assert!(matches!(w.doom, Some(Doom::Credentials(_))), "{code}");
        }
    }
}
