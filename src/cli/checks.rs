//! Checks on the command line that clap cannot express: batch flags
//! without `--from-csv`, and the traps whose clap message hides the cause
//! (`--public false`); and the test that every command has an example.

use super::{BatchArgs, Cli};
use crate::room;

/// The message for a parse error whose cause clap's own words hide, from
/// the raw arguments: `--public false` (clap: "unexpected argument
/// 'false'"). `None` when no known trap matches. Called on errors only.
pub fn trap_hint(args: &[String]) -> Option<String> {
    use clap::CommandFactory;
    fn bool_flags(cmd: &clap::Command, out: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let takes_bool = a.is_require_equals_set()
                && a.get_value_names()
                    .is_some_and(|v| v.len() == 1 && v[0] == "BOOL");
            if let (true, Some(long)) = (takes_bool, a.get_long()) {
                out.push(format!("--{long}"));
            }
        }
        cmd.get_subcommands().for_each(|c| bool_flags(c, out));
    }
    let mut flags = Vec::new();
    bool_flags(&Cli::command(), &mut flags);
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    args[..end].windows(2).find_map(|w| {
        (flags.contains(&w[0]) && room::parse_bool(&w[1]).is_ok()).then(|| {
            let (flag, value) = (&w[0], &w[1]);
            format!(
                "{flag} {value}: bool flags take `=`: `{flag}={value}` (after a space, {value:?} is read as another argument; {flag} alone means true)"
            )
        })
    })
}

impl BatchArgs {
    pub const DEFAULT_CONCURRENCY: u64 = 4;
    pub const DEFAULT_RATE: u64 = 50;

    /// The batch-only flags given, by name (without `--from-csv`, each is
    /// a usage error: see [`BatchArgs::check`]).
    pub fn given(&self) -> Vec<&'static str> {
        [
            ("--report", self.report.is_some()),
            ("--concurrency", self.concurrency.is_some()),
            ("--rate", self.rate.is_some()),
            ("--resume", self.resume),
            ("--fail-fast", self.fail_fast),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
    }

    /// A single-room command refuses batch flags rather than ignore them;
    /// `--resume` needs the report of the run it continues.
    pub fn check(&self, command: &str) -> Result<(), String> {
        let given = self.given();
        if self.from_csv.is_some() {
            if self.resume && self.report.is_none() {
                return Err("--resume: needs --report FILE, the report of the run to continue (e.g. --report report.jsonl --resume)".into());
            }
            return Ok(());
        }
        if given.is_empty() {
            return Ok(());
        }
        let (list, it) = match given.as_slice() {
            [one] => (one.to_string(), "it is a batch flag"),
            many => (many.join(", "), "they are batch flags"),
        };
        Err(format!(
            "{list}: {it} and needs --from-csv FILE; a single `livectl {command} --room-id ID` sends one request. Remove {list}, or give the rooms with --from-csv"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// gh puts an example on each command: so does livectl.
    #[test]
    fn every_command_has_an_example_in_its_long_help() {
        fn walk(cmd: &mut clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            let leaves: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            if leaves.is_empty() {
                let help = cmd.render_long_help().to_string();
                if !help.contains("Example") {
                    missing.push(path);
                }
                return;
            }
            for name in leaves {
                let sub = cmd.find_subcommand_mut(&name).expect("listed");
                walk(sub, &path, missing);
            }
        }
        let mut cli = Cli::command();
        cli.build();
        let mut missing = Vec::new();
        walk(&mut cli, "", &mut missing);
        assert!(missing.is_empty(), "no example in --help of:{missing:#?}");
    }

    #[test]
    fn a_bool_value_after_a_space_is_explained() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let hint = trap_hint(&args("livectl create --room-id r --public false")).unwrap();
        assert!(
            hint.contains("bool flags take `=`: `--public=false`"),
            "{hint}"
        );
        let hint = trap_hint(&args("livectl update --room-id r --unlimited no")).unwrap();
        assert!(hint.contains("`--unlimited=no`"), "{hint}");
        assert_eq!(
            trap_hint(&args("livectl create --room-id r --public x")),
            None
        );
        assert_eq!(trap_hint(&args("livectl create --name false")), None);
        assert_eq!(trap_hint(&args("livectl x -- --public false")), None);
    }
}
