//! The reference and the architecture map keep up with the commands: every
//! leaf command of the clap tree is named in docs/reference.md (as
//! `livectl NAME …`), so a command added without its documentation fails
//! here.

use std::path::Path;

#[test]
fn every_command_is_in_the_reference() {
    use clap::CommandFactory;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = std::fs::read_to_string(root.join("docs/reference.md")).unwrap();
    let cli = livectl::cli::Cli::command();
    let mut missing = Vec::new();
    for c in cli.get_subcommands() {
        let subs: Vec<_> = c.get_subcommands().collect();
        let names: Vec<String> = if subs.is_empty() {
            vec![c.get_name().to_string()]
        } else {
            subs.iter()
                .map(|s| format!("{} {}", c.get_name(), s.get_name()))
                .collect()
        };
        for name in names {
            // `livectl member ban`, or a grouped synopsis `livectl seat mute|unmute`.
            let (group, verb) = name.split_once(' ').unwrap_or((&name, ""));
            let found = reference.contains(&format!("livectl {name}"))
                || (!verb.is_empty()
                    && reference.lines().any(|l| {
                        l.contains(&format!("livectl {group} "))
                            && l.split([' ', '|', '`']).any(|w| w == verb)
                    }));
            if !found {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "commands not in docs/reference.md: {missing:?}"
    );
}
