//! Shell completions and the man page (issue 4).

pub fn completions(_shell: clap_complete::Shell) -> anyhow::Result<()> {
    anyhow::bail!("`livectl completions` is not implemented yet")
}

pub fn man() -> anyhow::Result<()> {
    anyhow::bail!("`livectl man` is not implemented yet")
}
