//! `livectl completions SHELL`, `livectl man`, `livectl help` and
//! `livectl version`: generated from the clap definition in `cli.rs` and the
//! topics of [`crate::help`], so they cannot drift from the real flags.

use clap::{Args, CommandFactory};
use clap_mangen::roff::{Roff, roman};

use crate::cli::Cli;
use crate::error::Error;
use crate::{help, output};

pub const HELP_EXAMPLES: &str = "\
Examples:
  livectl help csv          # the CSV format of --from-csv
  livectl help exit-codes   # what each exit code means
  livectl help profile add  # the same as livectl profile add --help";

#[derive(Args, Debug, Clone)]
pub struct HelpArgs {
    /// A topic (csv, config, environment, exit-codes) or a command, e.g. `profile add`
    #[arg(value_name = "TOPIC|COMMAND")]
    pub words: Vec<String>,
}

pub const COMPLETIONS_HELP: &str = "\
Examples:
  livectl completions bash > ~/.local/share/bash-completion/completions/livectl
  livectl completions zsh > ~/.zfunc/_livectl      # with fpath+=~/.zfunc before compinit
  livectl completions fish > ~/.config/fish/completions/livectl.fish
  livectl completions powershell >> $PROFILE";

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The completion script for `shell`. `profiles` (the config file's, when
/// the script is made) become the values `--profile` completes: a generated
/// list, so run `livectl completions` again after adding a profile.
pub fn completion_script(shell: clap_complete::Shell, profiles: &[String]) -> String {
    let mut cmd = Cli::command();
    if !profiles.is_empty() {
        // clap wants `'static` names; the process ends right after.
        let names: Vec<&'static str> = profiles
            .iter()
            .map(|p| &*Box::leak(p.clone().into_boxed_str()))
            .collect();
        cmd = cmd.mut_arg("profile", |a| {
            a.value_parser(clap::builder::PossibleValuesParser::new(names))
        });
    }
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "livectl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// `livectl completions SHELL`: profile names from the config file when it
/// can be read (a broken or missing file only means none are offered).
pub fn completions(ctx: &crate::cmd::Ctx, shell: clap_complete::Shell) -> anyhow::Result<()> {
    let profiles = ctx.settings().map(|s| s.profile_names).unwrap_or_default();
    print_text(&completion_script(shell, &profiles));
    Ok(())
}

/// The manual: the `livectl(1)` page, then one page per command and
/// subcommand (`livectl-create(1)`, `livectl-profile-add(1)`, ...), in one
/// roff stream.
pub fn man_page() -> anyhow::Result<String> {
    let mut cmd = Cli::command();
    // Propagates global flags and the version into the subcommands.
    cmd.build();
    let mut buf = Vec::new();
    render(&cmd, &mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Renders `cmd`'s page, then its subcommands'. A built command carries its
/// page name (`livectl-profile-add`) and usage name (`livectl profile add`).
fn render(cmd: &clap::Command, out: &mut Vec<u8>) -> anyhow::Result<()> {
    let man =
        clap_mangen::Man::new(cmd.clone()).source(concat!("livectl ", env!("CARGO_PKG_VERSION")));
    man.render(out).map_err(|e| {
        anyhow::anyhow!("cannot render the manual page of `{}`: {e}", cmd.get_name())
    })?;
    if cmd.get_name() == "livectl" {
        out.extend_from_slice(topic_sections().as_bytes());
    }
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        render(sub, out)?;
    }
    Ok(())
}

/// The help topics as sections of `livectl(1)`, kept as preformatted text.
fn topic_sections() -> String {
    let mut roff = Roff::new();
    for t in help::TOPICS {
        roff.control("SH", [t.heading]);
        roff.control("nf", [] as [&str; 0]);
        for line in (t.text)().lines() {
            roff.text([roman(line)]);
        }
        roff.control("fi", [] as [&str; 0]);
    }
    roff.to_roff()
}

/// `livectl help [TOPIC | COMMAND...]`.
pub fn help(words: &[String]) -> anyhow::Result<()> {
    print_text(&help_text(words)?);
    Ok(())
}

/// A topic's text, or the long help of the command `words` name.
fn help_text(words: &[String]) -> anyhow::Result<String> {
    let Some(first) = words.first() else {
        return Ok(Cli::command().render_long_help().to_string());
    };
    if words.len() == 1
        && let Some(topic) = help::find(first)
    {
        return Ok((topic.text)());
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut at = &mut cmd;
    for word in words {
        let known: Vec<String> = at
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        at = match at.find_subcommand_mut(word) {
            Some(sub) => sub,
            None => {
                let topics: Vec<&str> = help::TOPICS.iter().map(|t| t.name).collect();
                return Err(Error::usage(format!(
                    "no help topic or command `{}`: topics are {}; commands are {}",
                    words.join(" "),
                    topics.join(", "),
                    known.join(", ")
                )));
            }
        };
    }
    Ok(at.render_long_help().to_string())
}

/// `livectl version` (`-o json`: one object).
pub fn version(ctx: &crate::cmd::Ctx) -> anyhow::Result<()> {
    crate::version::print(ctx.format());
    Ok(())
}

pub fn man() -> anyhow::Result<()> {
    print_text(&man_page()?);
    Ok(())
}

/// `output::println` adds the final newline itself.
fn print_text(text: &str) {
    output::println(text.strip_suffix('\n').unwrap_or(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_shell_gets_a_script_naming_the_commands() {
        for shell in clap_complete::Shell::value_variants() {
            let script = completion_script(*shell, &[]);
            assert!(script.contains("livectl"), "{shell}");
            assert!(script.contains("doctor"), "{shell}");
            // Values, not only flags: regions, seat modes, output formats
            // in the shells whose scripts complete values.
            use clap_complete::Shell::{Bash, Fish, Zsh};
            if !matches!(shell, Bash | Zsh | Fish) {
                continue;
            }
            for value in ["singapore", "silicon-valley", "ApplyToTake", "json"] {
                assert!(script.contains(value), "{shell}: {value}");
            }
        }
    }

    #[test]
    fn profile_names_are_completed_when_known() {
        let names = ["prod-sgp".to_string(), "staging-usa".to_string()];
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let script = completion_script(shell, &names);
            assert!(script.contains("staging-usa"), "{shell}");
            assert!(!completion_script(shell, &[]).contains("staging-usa"));
        }
    }

    #[test]
    fn man_page_has_a_page_per_command() {
        let page = man_page().unwrap();
        assert!(page.starts_with(".ie"), "roff: {}", &page[..40]);
        for name in [
            "livectl-create",
            "livectl-profile",
            "livectl-profile-add",
            "livectl-doctor",
        ] {
            assert!(page.contains(&format!(".TH {name} 1")), "{name}");
        }
        assert!(
            page.contains("Exit codes"),
            "the exit-code table is in the main page"
        );
        for t in help::TOPICS {
            assert!(page.contains(t.heading), "{}", t.name);
        }
    }

    #[test]
    fn help_knows_topics_and_commands_and_refuses_the_rest() {
        assert!(
            help_text(&["CSV".into()])
                .unwrap()
                .contains("seat_template")
        );
        let add = help_text(&["profile".into(), "add".into()]).unwrap();
        assert!(add.contains("--secret-key-env"), "{add}");
        assert!(help_text(&[]).unwrap().contains("livectl help TOPIC"));
        let err = help_text(&["nope".into()]).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), crate::error::EXIT_USAGE);
        assert!(format!("{err}").contains("csv, config"), "{err}");
    }
}
