//! profile list/show/add/remove (issue 4).

use crate::app::Ctx;
use crate::cli::ProfileCommand;

pub fn run(_ctx: &Ctx, _cmd: &ProfileCommand) -> anyhow::Result<()> {
    anyhow::bail!("`livectl profile` is not implemented yet")
}
