//! `livectl completions SHELL` and `livectl man`: generated from the clap
//! definition in `cli.rs`, so they cannot drift from the real flags.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::output;

/// The completion script for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "livectl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    print_text(&completion_script(shell));
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
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        render(sub, out)?;
    }
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
            let script = completion_script(*shell);
            assert!(script.contains("livectl"), "{shell}");
            assert!(script.contains("doctor"), "{shell}");
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
    }
}
