//! Checks on the command line that clap cannot express: the traps whose clap message hides the cause
//! (`--public false`); and the test that every command has an example.

use super::Cli;
use crate::room;

/// The message for a parse error whose cause clap's own words hide, from
/// the raw arguments: `--public false` (clap: "unexpected argument
/// 'false'"). `None` when no known trap matches. Called on errors only.
/// A line to add after clap's own message: a missing `ROOM` names both
/// ways to give it; a verb from other tools names livectl's.
pub fn usage_hint(e: &clap::Error, args: &[String]) -> Option<String> {
    use clap::error::ErrorKind;
    let text = e.to_string();
    match e.kind() {
        ErrorKind::MissingRequiredArgument if text.contains("<ROOM>") => {
            Some("hint: name the room as the first argument (ROOM) or with --room-id ID".into())
        }
        ErrorKind::InvalidSubcommand => {
            let verb = args.iter().skip(1).find(|a| !a.starts_with('-'))?;
            let meant = match verb.as_str() {
                "delete" | "remove" | "rm" | "del" | "dismiss" => "destroy",
                "ls" | "rooms" => "list",
                "show" | "info" | "inspect" => "get",
                "new" | "add" | "make" => "create",
                "edit" | "set" | "modify" => "update",
                _ => return None,
            };
            Some(format!("hint: did you mean `livectl {meant}`?"))
        }
        _ => None,
    }
}

/// clap's rendered error without a "similar argument" tip that is no typo
/// of what was given; `None` when there is nothing to drop.
pub fn without_far_tips(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let given = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.trim_start_matches('-').to_string(),
        _ => return None,
    };
    let suggested = match e.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => s.trim_start_matches('-').to_string(),
        _ => return None,
    };
    if crate::output::close_match(&given, &[suggested.as_str()]).is_some() {
        return None;
    }
    let text = e.render().to_string();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("tip: a similar argument exists"))
        .collect();
    Some(kept.join("\n").replace("\n\n\n", "\n\n") + "\n")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// gh puts an example on each command: so does livectl.
    #[test]
    fn every_command_has_an_example_in_its_long_help() {
        // Every command and every group, in -h and --help, with the example
        // before the options.
        fn walk(cmd: &mut clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            let leaves: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            if path != " livectl" {
                for help in [
                    cmd.render_long_help().to_string(),
                    cmd.render_help().to_string(),
                ] {
                    let example = help.find("Example");
                    let options = help.find("Options:").or(help.find("Commands:"));
                    if example.is_none() || options.is_some_and(|o| example > Some(o)) {
                        missing.push(path.clone());
                    }
                }
            }
            for name in leaves {
                let sub = cmd.find_subcommand_mut(&name).expect("listed");
                walk(sub, &path, missing);
            }
        }
        let mut cli = crate::cli::command();
        cli.build();
        let mut missing = Vec::new();
        walk(&mut cli, "", &mut missing);
        missing.dedup();
        assert!(
            missing.is_empty(),
            "no example before the options in -h/--help of:{missing:#?}"
        );
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
