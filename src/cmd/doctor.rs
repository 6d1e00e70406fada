//! livectl doctor (issue 4).

use crate::app::Ctx;

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`livectl doctor` is not implemented yet")
}
