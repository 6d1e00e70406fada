//! The one rule for commands that destroy what cannot be got back
//! (`destroy`, `transfer`, `profile remove`, and any later one): on a
//! terminal, ask; off a terminal, require `--yes` (exit 2, nothing sent),
//! as `gh` does. A dry run never asks. The check comes first, before any
//! request; the question comes when the command knows what it would do.

use std::io::{BufRead, IsTerminal};

use crate::error::Error;

/// What a destructive command was given.
#[derive(Debug, Clone, Copy)]
pub struct Confirm {
    pub yes: bool,
    pub dry_run: bool,
}

impl Confirm {
    /// Off a terminal without `--yes`: a usage error naming `doing`
    /// (`destroying room "r1"`). Call it before anything is sent.
    pub fn check(&self, doing: &str) -> anyhow::Result<()> {
        self.check_with(doing, std::io::stdin().is_terminal())
    }

    fn check_with(&self, doing: &str, terminal: bool) -> anyhow::Result<()> {
        if self.yes || self.dry_run || terminal {
            return Ok(());
        }
        Err(Error::usage(format!(
            "{doing} needs --yes when stdin is not a terminal (nobody can answer the \
             question); nothing was sent. Check it with --dry-run, then add --yes"
        )))
    }

    /// Asks `question` (`destroy room "r1"?`) on a terminal unless `--yes`
    /// or a dry run; a "no" is an error (exit 1) saying `declined`.
    pub fn ask(&self, question: &str, declined: &str) -> anyhow::Result<()> {
        if self.yes || self.dry_run {
            return Ok(());
        }
        self.check(declined)?;
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if is_yes(&answer) {
            Ok(())
        } else {
            Err(anyhow::anyhow!("{declined}: declined, nothing was sent"))
        }
    }
}

/// Whether the answer to a prompt is yes (`y` or `yes`, any case).
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_or_yes_confirms() {
        for a in ["y\n", "Y", " yes "] {
            assert!(is_yes(a), "{a}");
        }
        for a in ["", "\n", "n", "no", "yep"] {
            assert!(!is_yes(a), "{a}");
        }
    }

    #[test]
    fn off_a_terminal_only_yes_or_a_dry_run_go_on() {
        let c = |yes, dry_run| Confirm { yes, dry_run };
        let e = c(false, false)
            .check_with("destroying room \"r1\"", false)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("destroying room \"r1\" needs --yes"),
            "{e}"
        );
        assert!(c(true, false).check_with("x", false).is_ok());
        assert!(c(false, true).check_with("x", false).is_ok());
        assert!(c(false, false).check_with("x", true).is_ok());
    }
}
